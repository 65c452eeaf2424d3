// The hand-written etcd KV codec against protobufjs, the oracle: the same protos, loaded the way
// proto-loader loads them, and toObject with ETCD_PROTO_LOADER_OPTIONS. Random messages are
// generated from protobufjs' reflection (not from the codec's own tables), so a wrong field
// number, kind or name in the codec shows up as a mismatch.
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  decodeTxnRequest,
  decodeTxnResponse,
  decodeWatchResponse,
  encodeTxnRequest,
  encodeTxnResponse,
  etcdKvCodec,
} from './etcd-kv-codec.js';
import type { EtcdKvCodec } from './etcd-kv-codec.js';
import * as protoLoader from '@grpc/proto-loader';
import { ETCD_PROTO_LOADER_OPTIONS, ETCD_RPC_PROTO, etcdProtoDir, etcdService } from './etcd-proto.js';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(etcdProtoDir(), target);
root.loadSync('etcdserverpb/rpc.proto', { keepCase: true });
root.resolveAll();
const OPTIONS = ETCD_PROTO_LOADER_OPTIONS as protobuf.IConversionOptions;

const TOP_LEVEL = [
  'etcdserverpb.RangeRequest',
  'etcdserverpb.RangeResponse',
  'etcdserverpb.PutRequest',
  'etcdserverpb.PutResponse',
  'etcdserverpb.DeleteRangeRequest',
  'etcdserverpb.DeleteRangeResponse',
  'etcdserverpb.TxnRequest',
  'etcdserverpb.TxnResponse',
  'etcdserverpb.WatchResponse',
];
const INNER = [
  'etcdserverpb.ResponseHeader',
  'etcdserverpb.RequestOp',
  'etcdserverpb.ResponseOp',
  'etcdserverpb.Compare',
  'mvccpb.KeyValue',
  'mvccpb.Event',
];

type Obj = Record<string, unknown>;

const pbType = (name: string): protobuf.Type => root.lookupType(name);
const pbEncode = (name: string, obj: unknown): Buffer => {
  const t = pbType(name);
  const out = t.encode(t.fromObject(obj as Obj)).finish();
  return Buffer.isBuffer(out) ? out : Buffer.from(out);
};
const pbDecode = (name: string, buf: Buffer): Obj => {
  const t = pbType(name);
  return t.toObject(t.decode(buf), OPTIONS);
};
/** protobufjs' decode, or 'throws'. */
const pbTry = (name: string, buf: Buffer): Obj | 'throws' => {
  try {
    return pbDecode(name, buf);
  } catch {
    return 'throws';
  }
};
const codecOf = (name: string): EtcdKvCodec => {
  const c = etcdKvCodec(name);
  if (c === undefined) throw new Error(`no codec for ${name}`);
  return c;
};

/**
 * A plain, key-sorted copy in which Buffers become { buffer: hex } and other Uint8Arrays
 * { uint8array: hex }, so toStrictEqual compares field presence (undefined-valued keys too),
 * value types and bytes, and nothing else.
 */
function norm(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { buffer: v.toString('hex') };
  if (v instanceof Uint8Array) return { uint8array: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === 'object' && v !== null) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) out[k] = norm((v as Obj)[k]);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------
// Deterministic random messages
// ---------------------------------------------------------------------------

class Rand {
  constructor(private s: number) {}
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)] as T;
  }
  bytes(max: number): Buffer {
    const b = Buffer.alloc(this.int(max + 1));
    for (let i = 0; i < b.length; i++) b[i] = this.int(256);
    return b;
  }
  u64(): bigint {
    return (BigInt(this.int(2 ** 32)) << 32n) | BigInt(this.int(2 ** 32));
  }
}

const P53 = 2n ** 53n;
const SPECIAL_U64 = [0n, 1n, 127n, 128n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, P53 - 1n, P53, P53 + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];
const SPECIAL_I64 = [0n, 1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), P53 - 1n, P53, P53 + 1n, -P53 + 1n, -P53, -P53 - 1n, 2n ** 63n - 1n, -(2n ** 63n)];

function random64(r: Rand, signed: boolean): bigint {
  switch (r.int(5)) {
    case 0:
      return r.pick(signed ? SPECIAL_I64 : SPECIAL_U64);
    case 1:
      return BigInt(r.int(200));
    case 2:
      return BigInt(r.int(2 ** 31)) * BigInt(r.int(2 ** 22)) * (signed && r.chance(0.3) ? -1n : 1n);
    default:
      return signed ? BigInt.asIntN(64, r.u64()) : r.u64();
  }
}

/** How our callers hand over 64-bit integers: decimal strings mostly, safe numbers, bigints. */
function render64(r: Rand, v: bigint): unknown {
  const k = r.int(10);
  if (k < 2 && v >= -(P53 - 1n) && v <= P53 - 1n) return Number(v);
  if (k === 2) return v;
  return v.toString();
}

const STRINGS = ['', 'compacted', 'mvcc: required revision has been compacted', 'é', '日本語', '🙂 emoji', 'x'.repeat(50) + 'ü'];

function randomValue(r: Rand, f: protobuf.Field, depth: number): unknown {
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Enum) {
    const names = Object.keys(rt.values);
    const name = r.pick(names);
    return r.chance(0.7) ? name : rt.values[name];
  }
  if (rt instanceof protobuf.Type) return randomObject(r, rt, depth + 1);
  switch (f.type) {
    case 'int64':
    case 'uint64':
      return render64(r, random64(r, f.type === 'int64'));
    case 'bool':
      return r.chance(0.5);
    case 'string':
      return r.pick(STRINGS);
    case 'bytes': {
      const b = r.chance(0.1) ? r.bytes(2100) : r.bytes(40);
      return r.chance(0.2) ? new Uint8Array(b) : b;
    }
    default:
      throw new Error(`unexpected field type ${f.type}`);
  }
}

function randomObject(r: Rand, t: protobuf.Type, depth: number): Obj {
  const o: Obj = {};
  if (depth > 4) return o; // nested Txns: keep it finite
  const chosen = new Map<protobuf.OneOf, protobuf.Field | undefined>();
  for (const oneof of t.oneofsArray) chosen.set(oneof, r.chance(0.2) ? undefined : r.pick(oneof.fieldsArray));
  for (const f of t.fieldsArray) {
    if (f.partOf) {
      if (chosen.get(f.partOf) !== f) continue;
      o[f.name] = randomValue(r, f, depth);
      // fromObject ignores the virtual property; sometimes give it, even wrong.
      if (r.chance(0.5)) o[f.partOf.name] = r.chance(0.8) ? f.name : r.pick(f.partOf.oneof);
      continue;
    }
    if (r.chance(0.35)) {
      if (r.chance(0.3)) o[f.name] = r.chance(0.5) ? null : undefined;
      continue;
    }
    if (f.repeated) {
      const n = r.chance(0.2) ? r.int(25) : r.int(4);
      o[f.name] = Array.from({ length: depth > 2 ? Math.min(n, 1) : n }, () => randomValue(r, f, depth));
    } else {
      o[f.name] = randomValue(r, f, depth);
    }
  }
  return o;
}

/** The object with default values dropped, as Go's etcd/kube-apiserver would put it on the wire. */
function goStyle(t: protobuf.Type, o: Obj): Obj {
  const out: Obj = {};
  for (const f of t.fieldsArray) {
    const v = o[f.name];
    if (v === undefined || v === null) continue;
    const rt = f.resolvedType;
    if (f.repeated) {
      if ((v as unknown[]).length > 0) out[f.name] = (v as Obj[]).map((e) => goStyle(rt as protobuf.Type, e));
    } else if (rt instanceof protobuf.Type) {
      out[f.name] = goStyle(rt, v as Obj);
    } else if (f.partOf) {
      out[f.name] = v; // a set oneof member is written even at its zero value
    } else if (!(v === '0' || v === 0 || v === 0n || v === false || v === '' || (v instanceof Uint8Array && v.length === 0))) {
      if (!(rt instanceof protobuf.Enum && (v === 0 || rt.values[v as string] === 0))) out[f.name] = v;
    }
  }
  return out;
}

const seedOf = (s: string): number => [...s].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

// ---------------------------------------------------------------------------
// Wire-level helpers (for shuffling and inserting fields)
// ---------------------------------------------------------------------------

interface WireField {
  no: number;
  wire: number;
  /** The whole field: tag and payload. */
  raw: Buffer;
  /** The payload of a length-delimited field. */
  payload?: Buffer;
}

function readVarint(buf: Buffer, p: { pos: number }): number {
  let v = 0;
  let scale = 1;
  for (;;) {
    const b = buf[p.pos++] as number;
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v;
    scale *= 128;
  }
}

function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

function splitFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  const p = { pos: 0 };
  while (p.pos < buf.length) {
    const start = p.pos;
    const tag = readVarint(buf, p);
    const wire = tag & 7;
    let payload: Buffer | undefined;
    if (wire === 0) readVarint(buf, p);
    else if (wire === 1) p.pos += 8;
    else if (wire === 5) p.pos += 4;
    else {
      const n = readVarint(buf, p);
      payload = buf.subarray(p.pos, p.pos + n);
      p.pos += n;
    }
    out.push({ no: Math.floor(tag / 8), wire, raw: buf.subarray(start, p.pos), payload });
  }
  return out;
}

/** Rewrites a message's wire form field by field, recursing into nested messages. */
function rewrite(t: protobuf.Type, buf: Buffer, fn: (fields: Buffer[]) => Buffer[]): Buffer {
  const parts = splitFields(buf).map((wf) => {
    const f = t.fieldsById[wf.no];
    if (!f || !(f.resolvedType instanceof protobuf.Type) || wf.payload === undefined) return wf.raw;
    const inner = rewrite(f.resolvedType, wf.payload, fn);
    return Buffer.concat([varint(wf.no * 8 + 2), varint(inner.length), inner]);
  });
  return Buffer.concat(fn(parts));
}

function shuffle<T>(r: Rand, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

function unknownField(r: Rand): Buffer {
  const no = r.pick([15, 16, 63, 99, 1000, 2 ** 29 - 1]);
  switch (r.int(4)) {
    case 0:
      return Buffer.concat([varint(no * 8), varint(r.chance(0.5) ? -1 : r.int(300))]);
    case 1:
      return Buffer.concat([varint(no * 8 + 1), r.bytes(0), Buffer.alloc(8, 7)]);
    case 2: {
      const payload = r.bytes(20);
      return Buffer.concat([varint(no * 8 + 2), varint(payload.length), payload]);
    }
    default:
      return Buffer.concat([varint(no * 8 + 5), Buffer.alloc(4, 9)]);
  }
}

const show = (v: unknown): string => JSON.stringify(norm(v), (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

// ---------------------------------------------------------------------------
// Fixtures: kube-apiserver's GuaranteedUpdate (as services/api/storage/etcd-storage.ts sends it)
// ---------------------------------------------------------------------------

const KEY = Buffer.from('/registry/pods/default/web-0');
const VALUE_2K = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31 + 7) & 0xff));
const HEADER = {
  cluster_id: '17287227335521937391', // random uint64s above 2^63, as real IDs are
  member_id: '10501334649042878790',
  revision: '48214',
  raft_term: '3',
};
const GUARANTEED_UPDATE = {
  compare: [{ key: KEY, target: 'MOD', result: 'EQUAL', mod_revision: 48213 }],
  success: [{ request_put: { key: KEY, value: VALUE_2K } }],
  failure: [{ request_range: { key: KEY } }],
};
const KV_AT_48213 = { key: KEY, create_revision: '100', mod_revision: '48213', version: '7', value: VALUE_2K, lease: '0' };
const GUARANTEED_UPDATE_OK = {
  header: HEADER,
  succeeded: true,
  responses: [{ response_put: { header: HEADER } }],
};
const GUARANTEED_UPDATE_CONFLICT = {
  header: HEADER,
  succeeded: false,
  responses: [{ response_range: { header: HEADER, kvs: [KV_AT_48213], more: false, count: '1' } }],
};

describe('etcd KV codec: fixtures', () => {
  it('encodes the GuaranteedUpdate Txn byte for byte as protobufjs and grpc-js do', () => {
    const mine = encodeTxnRequest(GUARANTEED_UPDATE);
    expect(mine).toBeInstanceOf(Buffer);
    expect(mine?.toString('hex')).toBe(pbEncode('etcdserverpb.TxnRequest', GUARANTEED_UPDATE).toString('hex'));
    expect(mine?.toString('hex')).toBe(etcdService('KV')['Txn']?.requestSerialize(GUARANTEED_UPDATE).toString('hex'));
  });

  it('encodes a small Txn to the bytes worked out by hand', () => {
    const a = Buffer.from('a');
    const txn = {
      compare: [{ key: a, target: 'MOD', result: 'EQUAL', mod_revision: 5 }],
      success: [{ request_put: { key: a, value: Buffer.from('v') } }],
      failure: [{ request_range: { key: a } }],
    };
    // compare: result=EQUAL is written (explicitly set), target=2, key, mod_revision=5
    const hex = '0a09' + '0800' + '1002' + '1a0161' + '3005' + '1208' + '1206' + '0a0161' + '120176' + '1a05' + '0a03' + '0a0161';
    expect(encodeTxnRequest(txn)?.toString('hex')).toBe(hex);
    expect(pbEncode('etcdserverpb.TxnRequest', txn).toString('hex')).toBe(hex);
  });

  it('decodes the GuaranteedUpdate Txn as protobufjs does, with the values expected', () => {
    const encoded = pbEncode('etcdserverpb.TxnRequest', GUARANTEED_UPDATE);
    const wire = Buffer.alloc(encoded.length); // not from the pool shared with other small Buffers
    encoded.copy(wire);
    const txn = decodeTxnRequest(wire);
    expect(norm(txn)).toStrictEqual(norm(pbDecode('etcdserverpb.TxnRequest', wire)));
    expect(norm(txn)).toStrictEqual(norm(etcdService('KV')['Txn']?.requestDeserialize(wire)));
    const cmp = txn?.compare[0];
    expect(cmp?.target_union).toBe('mod_revision');
    expect(cmp?.mod_revision).toBe('48213');
    expect(cmp?.target).toBe('MOD');
    expect(cmp?.result).toBe('EQUAL');
    expect(cmp && 'version' in cmp).toBe(false);
    const put = txn?.success[0];
    expect(put?.request).toBe('request_put');
    expect(put?.request_put?.lease).toBe('0');
    expect(put?.request_put?.value.equals(VALUE_2K)).toBe(true);
    expect(put && 'request_range' in put).toBe(false);
    const range = txn?.failure[0]?.request_range;
    expect(range?.sort_order).toBe('NONE');
    expect(range?.range_end).toEqual(Buffer.alloc(0));
    // bytes are views of the input, as protobufjs gives them for a Buffer
    expect(put?.request_put?.value.buffer).toBe(wire.buffer);
    expect(cmp?.key.buffer).toBe(wire.buffer);
    expect(cmp?.key.byteOffset).toBe(wire.indexOf(KEY));
  });

  it('encodes and decodes both GuaranteedUpdate responses as protobufjs does', () => {
    for (const res of [GUARANTEED_UPDATE_OK, GUARANTEED_UPDATE_CONFLICT]) {
      const theirs = pbEncode('etcdserverpb.TxnResponse', res);
      expect(encodeTxnResponse(res)?.toString('hex')).toBe(theirs.toString('hex'));
      expect(etcdService('KV')['Txn']?.responseSerialize(res).toString('hex')).toBe(theirs.toString('hex'));
      const decoded = decodeTxnResponse(theirs);
      expect(norm(decoded)).toStrictEqual(norm(pbDecode('etcdserverpb.TxnResponse', theirs)));
      expect(decoded?.header).toEqual(HEADER);
    }
    const conflict = decodeTxnResponse(pbEncode('etcdserverpb.TxnResponse', GUARANTEED_UPDATE_CONFLICT));
    expect(conflict?.succeeded).toBe(false);
    expect(conflict?.responses[0]?.response).toBe('response_range');
    expect(conflict?.responses[0]?.response_range?.kvs[0]).toEqual(KV_AT_48213);
    const ok = decodeTxnResponse(pbEncode('etcdserverpb.TxnResponse', GUARANTEED_UPDATE_OK));
    expect(ok?.responses[0]?.response_put).toEqual({ header: HEADER, prev_kv: null });
  });

  it('decodes a watch response with events as protobufjs does', () => {
    const w = {
      header: HEADER,
      watch_id: '1',
      events: Array.from({ length: 10 }, (_, i) => ({
        type: i % 3 === 0 ? 'DELETE' : 'PUT',
        kv: { ...KV_AT_48213, mod_revision: String(48213 + i) },
        prev_kv: i % 2 === 0 ? KV_AT_48213 : null,
      })),
    };
    const wire = pbEncode('etcdserverpb.WatchResponse', w);
    const decoded = decodeWatchResponse(wire);
    expect(norm(decoded)).toStrictEqual(norm(pbDecode('etcdserverpb.WatchResponse', wire)));
    expect(decoded?.events[3]?.type).toBe('DELETE');
    expect(decoded?.events[1]?.prev_kv).toBeNull();
    expect(decoded?.cancel_reason).toBe('');
    expect(codecOf('etcdserverpb.WatchResponse').encode(w)?.toString('hex')).toBe(wire.toString('hex'));
  });
});

describe('etcd KV codec: random messages against protobufjs', () => {
  for (const name of [...TOP_LEVEL, ...INNER]) {
    it(name, () => {
      const r = new Rand(seedOf(name));
      const t = pbType(name);
      const c = codecOf(name);
      const count = TOP_LEVEL.includes(name) ? 300 : 100;
      let sizeable = 0;
      for (let i = 0; i < count; i++) {
        const obj = randomObject(r, t, 0);
        const theirs = pbEncode(name, obj);
        const expected = pbDecode(name, theirs);
        // encode: byte-identical, hence also decodes identically
        const mine = c.encode(obj);
        if (mine === undefined) expect.fail(`not encoded: ${show(obj)}`);
        expect(mine?.toString('hex')).toBe(theirs.toString('hex'));
        if (mine) expect(norm(pbDecode(name, mine))).toStrictEqual(norm(expected));
        // decode what protobufjs wrote (explicit defaults) and what Go would write (no defaults)
        const decoded = c.decode(theirs);
        expect(norm(decoded)).toStrictEqual(norm(expected));
        const go = pbEncode(name, goStyle(t, obj));
        expect(norm(c.decode(go))).toStrictEqual(norm(pbDecode(name, go)));
        // what we decoded encodes back like protobufjs encodes its own toObject output
        expect(c.encode(decoded)?.toString('hex')).toBe(pbEncode(name, expected).toString('hex'));
        if (theirs.length > 20) sizeable++;
      }
      expect(sizeable).toBeGreaterThan(count / 4); // the messages are not all trivially small
    });
  }
});

// proto-loader's own (de)serializers, as loaded without the codec: etcd-proto.ts puts the codec
// in front of them in the definition grpc-js runs.
const plainDefinition = protoLoader.loadSync(ETCD_RPC_PROTO, { ...ETCD_PROTO_LOADER_OPTIONS, includeDirs: [etcdProtoDir()] });
function plainMethod(service: string, method: string): protoLoader.MethodDefinition<object, object> {
  const def = (plainDefinition[`etcdserverpb.${service}`] as protoLoader.ServiceDefinition | undefined)?.[method];
  if (def === undefined) throw new Error(`no ${service}.${method}`);
  return def;
}

describe('etcd KV codec: against proto-loader\'s (de)serializers', () => {
  const rpcs: [string, 'KV' | 'Watch', string, 'request' | 'response'][] = [
    ['etcdserverpb.RangeRequest', 'KV', 'Range', 'request'],
    ['etcdserverpb.RangeResponse', 'KV', 'Range', 'response'],
    ['etcdserverpb.PutRequest', 'KV', 'Put', 'request'],
    ['etcdserverpb.PutResponse', 'KV', 'Put', 'response'],
    ['etcdserverpb.DeleteRangeRequest', 'KV', 'DeleteRange', 'request'],
    ['etcdserverpb.DeleteRangeResponse', 'KV', 'DeleteRange', 'response'],
    ['etcdserverpb.TxnRequest', 'KV', 'Txn', 'request'],
    ['etcdserverpb.TxnResponse', 'KV', 'Txn', 'response'],
    ['etcdserverpb.WatchResponse', 'Watch', 'Watch', 'response'],
  ];
  for (const [name, service, method, side] of rpcs) {
    it(`${service}.${method} ${side}`, () => {
      const def = plainMethod(service, method);
      const serialize = side === 'request' ? def.requestSerialize : def.responseSerialize;
      const deserialize = side === 'request' ? def.requestDeserialize : def.responseDeserialize;
      const r = new Rand(seedOf(name) ^ 0x9c);
      for (let i = 0; i < 50; i++) {
        const obj = randomObject(r, pbType(name), 0);
        const wire = serialize(obj);
        expect(codecOf(name).encode(obj)?.toString('hex')).toBe(wire.toString('hex'));
        expect(norm(codecOf(name).decode(wire))).toStrictEqual(norm(deserialize(wire)));
      }
    });
  }
});

describe('etcd KV codec: in the definition grpc-js runs', () => {
  const key = Buffer.from('/registry/pods/default/web-1');
  const txn = { compare: [{ target: 'MOD', key, mod_revision: '5' }], success: [{ request_put: { key, value: Buffer.from('{}') } }] };

  it('decodes a KV call through the codec', () => {
    // The codec hands out one shared empty Buffer for absent bytes fields, protobufjs a new one
    // each time: that tells which of them decoded a message.
    const wire = plainMethod('KV', 'Txn').requestSerialize(txn);
    const live = etcdService('KV').Txn;
    if (live === undefined) throw new Error('no KV.Txn');
    const first = live.requestDeserialize(wire) as { compare: { range_end: Buffer }[] };
    const second = live.requestDeserialize(wire) as { compare: { range_end: Buffer }[] };
    expect(first.compare[0]?.range_end).toBe(second.compare[0]?.range_end);
    const plain = plainMethod('KV', 'Txn');
    const a = plain.requestDeserialize(wire) as { compare: { range_end: Buffer }[] };
    const b = plain.requestDeserialize(wire) as { compare: { range_end: Buffer }[] };
    expect(a.compare[0]?.range_end).not.toBe(b.compare[0]?.range_end);
    expect(norm(first)).toStrictEqual(norm(a));
  });

  it('still hands what the codec declines to protobufjs, with its result', () => {
    const live = etcdService('KV').Txn;
    if (live === undefined) throw new Error('no KV.Txn');
    const plain = plainMethod('KV', 'Txn');
    // A Long for an int64, and base64 text for bytes: the codec declines both.
    const declined = [
      { compare: [{ target: 'MOD', key, mod_revision: protobuf.util.LongBits.from('5').toLong() }] },
      { success: [{ request_put: { key: 'L3JlZ2lzdHJ5', value: Buffer.from('{}') } }] },
    ];
    for (const obj of declined) {
      expect(live.requestSerialize(obj).toString('hex')).toBe(plain.requestSerialize(obj).toString('hex'));
    }
    // The Long reads as the decimal string it stands for.
    expect(live.requestSerialize(declined[0]).equals(live.requestSerialize({ compare: txn.compare }))).toBe(true);
    // Two members of one oneof on the wire: the codec declines, protobufjs keeps both. success
    // (field 2) holding a RequestOp with request_range (field 1, empty) and request_put (field 2,
    // an empty key).
    const twoMembers = Buffer.from([0x12, 0x06, 0x0a, 0x00, 0x12, 0x02, 0x0a, 0x00]);
    expect(norm(live.requestDeserialize(twoMembers))).toStrictEqual(norm(plain.requestDeserialize(twoMembers)));
  });
});

describe('etcd KV codec: 64-bit integers', () => {
  const header = codecOf('etcdserverpb.ResponseHeader');
  it('decodes the full uint64/int64 range exactly', () => {
    const cases: [string, string, string, string][] = [
      ['18446744073709551615', '9223372036854775808', '-1', '9007199254740993'],
      ['9007199254740992', '9007199254740991', '-9223372036854775808', '4294967296'],
      ['12345678901234567890', '1', '9223372036854775807', '0'],
      ['0', '0', '-9007199254740993', '18446744073709551614'],
    ];
    for (const [cluster_id, member_id, revision, raft_term] of cases) {
      const h = { cluster_id, member_id, revision, raft_term };
      const wire = pbEncode('etcdserverpb.ResponseHeader', h);
      expect(header.decode(wire)).toEqual(h);
      expect(header.encode(h)?.toString('hex')).toBe(wire.toString('hex'));
      expect(header.encode({ cluster_id: BigInt(cluster_id), revision: BigInt(revision) })?.toString('hex')).toBe(
        pbEncode('etcdserverpb.ResponseHeader', { cluster_id, revision }).toString('hex'),
      );
    }
  });

  it('decodes non-canonical varints as protobufjs does (padding, bits beyond 64 dropped)', () => {
    const bufs = [
      '1880' + '00', // revision 0 in two bytes
      '18' + 'ffffffffffffffffff7f', // 10th byte with more than one bit: protobufjs keeps bit 63 only
      '08' + '8080808080808080807e', // 2^63 written with junk high bits
      '20' + 'ff80808080808080ff01', // 10 bytes, uint64
    ];
    for (const hex of bufs) {
      const wire = Buffer.from(hex, 'hex');
      const mine = header.decode(wire);
      expect(mine).toBeDefined();
      expect(norm(mine)).toStrictEqual(norm(pbDecode('etcdserverpb.ResponseHeader', wire)));
    }
    // 11 bytes: protobufjs throws, we fall back
    expect(header.decode(Buffer.from('18' + 'ffffffffffffffffffff01', 'hex'))).toBeUndefined();
  });

  it('accepts decimal strings with a sign or leading zeros, safe numbers and bigints alike', () => {
    const put = codecOf('etcdserverpb.PutRequest');
    for (const lease of ['007', '-0', '-5', -5, 5, 2 ** 53 - 1, -(2 ** 53 - 1), 5n, -5n, '9223372036854775807', '-9223372036854775808']) {
      expect(put.encode({ lease })?.toString('hex')).toBe(pbEncode('etcdserverpb.PutRequest', { lease }).toString('hex'));
    }
  });
});

describe('etcd KV codec: wire variations', () => {
  const samples = (name: string, n: number): Buffer[] => {
    const r = new Rand(seedOf(name) ^ 0x5eed);
    return Array.from({ length: n }, () => pbEncode(name, randomObject(r, pbType(name), 0)));
  };

  it('decodes fields in any order, at every level', () => {
    const r = new Rand(1);
    for (const name of TOP_LEVEL) {
      for (const wire of samples(name, 60)) {
        const shuffled = rewrite(pbType(name), wire, (fields) => shuffle(r, fields));
        expect(norm(codecOf(name).decode(shuffled))).toStrictEqual(norm(pbDecode(name, shuffled)));
      }
    }
  });

  it('skips unknown fields of every wire type, at every level', () => {
    const r = new Rand(2);
    for (const name of TOP_LEVEL) {
      for (const wire of samples(name, 60)) {
        const withUnknown = rewrite(pbType(name), wire, (fields) => {
          for (let k = r.int(3); k >= 0; k--) fields.splice(r.int(fields.length + 1), 0, unknownField(r));
          return fields;
        });
        const mine = codecOf(name).decode(withUnknown);
        expect(mine).toBeDefined();
        expect(norm(mine)).toStrictEqual(norm(pbDecode(name, withUnknown)));
      }
    }
  });

  it('lets the last of a repeated singular field win, messages included (protobufjs replaces, no merge)', () => {
    const range = 'etcdserverpb.RangeResponse';
    const wire = Buffer.concat([
      pbEncode(range, { header: { cluster_id: '5', revision: '9' }, count: '3' }),
      pbEncode(range, { header: { member_id: '7' }, count: '4', kvs: [{ key: Buffer.from('k') }] }),
    ]);
    const mine = codecOf(range).decode(wire);
    expect(norm(mine)).toStrictEqual(norm(pbDecode(range, wire)));
    expect((mine as { header: unknown }).header).toEqual({ cluster_id: '0', member_id: '7', revision: '0', raft_term: '0' });
    expect((mine as { count: unknown }).count).toBe('4');
    // the same oneof member twice: also the last one
    const op = 'etcdserverpb.RequestOp';
    const twice = Buffer.concat([pbEncode(op, { request_put: { key: Buffer.from('a') } }), pbEncode(op, { request_put: { lease: 3 } })]);
    expect(norm(codecOf(op).decode(twice))).toStrictEqual(norm(pbDecode(op, twice)));
    const cmp = 'etcdserverpb.Compare';
    const twiceScalar = Buffer.from('20012005', 'hex');
    expect(codecOf(cmp).decode(twiceScalar)).toMatchObject({ version: '5', target_union: 'version' });
    expect(norm(codecOf(cmp).decode(twiceScalar))).toStrictEqual(norm(pbDecode(cmp, twiceScalar)));
  });

  it('falls back on two members of one oneof (protobufjs keeps both)', () => {
    const op = 'etcdserverpb.RequestOp';
    const both = Buffer.concat([pbEncode(op, { request_range: {} }), pbEncode(op, { request_put: {} })]);
    expect(pbDecode(op, both)).toMatchObject({ request: 'request_put', request_range: {}, request_put: {} });
    expect(codecOf(op).decode(both)).toBeUndefined();
    expect(codecOf('etcdserverpb.Compare').decode(Buffer.from('20013002', 'hex'))).toBeUndefined();
  });

  it('gives undefined, never throws, for every truncation of a sample', () => {
    const cases: [string, Buffer][] = [
      ['etcdserverpb.TxnRequest', pbEncode('etcdserverpb.TxnRequest', { ...GUARANTEED_UPDATE, success: [{ request_put: { key: KEY, value: Buffer.from('v'), lease: '-2' } }] })],
      ['etcdserverpb.TxnResponse', pbEncode('etcdserverpb.TxnResponse', GUARANTEED_UPDATE_CONFLICT)],
      ['etcdserverpb.WatchResponse', pbEncode('etcdserverpb.WatchResponse', { header: HEADER, watch_id: '-1', events: [{ kv: KV_AT_48213 }, { type: 'DELETE', kv: { key: KEY } }] })],
    ];
    for (const [name, wire] of cases) {
      // A prefix that ends between top-level fields is a valid, shorter message; any other is
      // truncated: undefined, even where protobufjs is lenient (it takes a varint cut short
      // near the end of its input as complete).
      const boundaries = new Set([0]);
      let end = 0;
      for (const f of splitFields(wire)) boundaries.add((end += f.raw.length));
      expect(boundaries.size).toBeGreaterThan(3);
      let lenient = 0;
      for (let i = 0; i < wire.length; i++) {
        const prefix = wire.subarray(0, i);
        const mine = codecOf(name).decode(prefix);
        const theirs = pbTry(name, prefix);
        if (boundaries.has(i)) {
          expect(norm(mine)).toStrictEqual(norm(theirs));
        } else {
          expect(mine, `${name} cut at ${i}`).toBeUndefined();
          if (theirs !== 'throws') lenient++;
        }
      }
      if (name === 'etcdserverpb.WatchResponse') expect(lenient).toBeGreaterThan(0); // watch_id -1: a 10-byte varint
    }
  });

  it('falls back on a truncated string, which protobufjs reads leniently', () => {
    const wire = pbEncode('etcdserverpb.WatchResponse', { cancel_reason: 'compacted' });
    const cut = wire.subarray(0, wire.length - 2);
    expect(pbDecode('etcdserverpb.WatchResponse', cut).cancel_reason).toBe('compact');
    expect(decodeWatchResponse(cut)).toBeUndefined();
  });

  it('falls back on malformed or unusual input', () => {
    const range = codecOf('etcdserverpb.RangeRequest');
    const bad = [
      '0800', // key (bytes) with a varint wire type
      '1a00', // limit (int64) as length-delimited
      '3880808080' + '10', // bool 2^32: protobufjs' uint32 drops bit 32 and reads false
      '2807', // sort_order 7: no such enum value (protobufjs gives the number 7)
      '0b0c', // a group
      '0f', // wire type 7
      '0001', // field number 0
      '0a05616263', // length beyond the end
      '08' + '8080808080', // tag-like varint: 5 bytes, continuation set
      '38' + '808080808001', // bool as a 6-byte varint (protobufjs reads 5 and skips 5)
    ];
    for (const hex of bad) expect(range.decode(Buffer.from(hex, 'hex')), hex).toBeUndefined();
    expect(pbDecode('etcdserverpb.RangeRequest', Buffer.from('2807', 'hex')).sort_order).toBe(7);
    // protobufjs gives Uint8Arrays for a Uint8Array input, not Buffers
    expect(range.decode(new Uint8Array([0x0a, 0x01, 0x61]) as Buffer)).toBeUndefined();
    expect(range.decode(Buffer.from('0a0161', 'hex'))).toMatchObject({ key: Buffer.from('a') });
  });

  it('never throws on random bytes, and agrees with protobufjs whenever it decodes', () => {
    const r = new Rand(3);
    let defined = 0;
    for (let i = 0; i < 3000; i++) {
      const name = r.pick(TOP_LEVEL);
      const buf = r.chance(0.5) ? r.bytes(30) : Buffer.concat([samples(name, 1)[0] as Buffer, r.bytes(3)]);
      const mine = codecOf(name).decode(buf);
      if (mine === undefined) continue;
      defined++;
      expect(norm(mine)).toStrictEqual(norm(pbDecode(name, buf)));
    }
    expect(defined).toBeGreaterThan(100);
  });
});

describe('etcd KV codec: encode inputs', () => {
  const put = codecOf('etcdserverpb.PutRequest');
  const range = codecOf('etcdserverpb.RangeRequest');
  const op = codecOf('etcdserverpb.RequestOp');

  it('writes explicitly set defaults, as protobufjs does, and skips null/undefined/empty arrays', () => {
    expect(put.encode({ key: Buffer.from('a'), lease: '0', prev_kv: false })?.toString('hex')).toBe('0a016118002000');
    expect(put.encode({ key: Buffer.alloc(0), value: null, lease: undefined })?.toString('hex')).toBe('0a00');
    expect(codecOf('etcdserverpb.TxnRequest').encode({ compare: [], success: null })?.toString('hex')).toBe('');
    expect(codecOf('etcdserverpb.PutResponse').encode({ header: {} })?.toString('hex')).toBe('0a00');
  });

  it('ignores the oneof virtual property, as fromObject does', () => {
    const wrong = { request: 'request_put', request_range: { key: Buffer.from('a') } };
    expect(op.encode(wrong)?.toString('hex')).toBe(pbEncode('etcdserverpb.RequestOp', wrong).toString('hex'));
    expect(op.encode(wrong)?.toString('hex')).toBe('0a030a0161');
    expect(op.encode({ request: 'request_put' })?.toString('hex')).toBe('');
    expect(op.encode({})?.toString('hex')).toBe('');
  });

  it('takes enums by name or number, bytes as any Uint8Array, unicode strings', () => {
    const obj = { sort_order: 2, sort_target: 'MOD', key: new Uint8Array([1, 2, 3]) };
    expect(range.encode(obj)?.toString('hex')).toBe(pbEncode('etcdserverpb.RangeRequest', obj).toString('hex'));
    const w = { cancel_reason: 'héllo 🙂 日本' };
    expect(codecOf('etcdserverpb.WatchResponse').encode(w)?.toString('hex')).toBe(pbEncode('etcdserverpb.WatchResponse', w).toString('hex'));
  });

  it('falls back (undefined) on anything protobufjs would treat specially', () => {
    const bad: [EtcdKvCodec, unknown][] = [
      [put, { lease: protobuf.util.LongBits.from(5).toLong() }],
      [put, { key: 'YQ==' }], // base64 string for bytes
      [put, { key: [97] }], // plain array for bytes
      [put, { lease: 1.5 }],
      [put, { lease: 2 ** 53 }], // unsafe number
      [put, { lease: NaN }],
      [put, { lease: '' }],
      [put, { lease: ' 5' }],
      [put, { lease: '+5' }],
      [put, { lease: '0x10' }],
      [put, { lease: '1e3' }],
      [put, { lease: '9223372036854775808' }], // int64 overflow: protobufjs wraps
      [put, { lease: '-9223372036854775809' }],
      [put, { lease: 2n ** 63n }],
      [put, { lease: true }],
      [put, { prev_kv: 1 }], // not a boolean
      [put, { prev_kv: 'false' }],
      [range, { sort_order: 'BOGUS' }], // protobufjs silently drops it
      [range, { sort_order: 7 }], // protobufjs writes it through
      [range, { sort_order: 1.5 }],
      [codecOf('etcdserverpb.ResponseHeader'), { cluster_id: '18446744073709551616' }],
      [codecOf('etcdserverpb.ResponseHeader'), { cluster_id: '-1' }], // uint64 negative: protobufjs wraps
      [codecOf('etcdserverpb.ResponseHeader'), { cluster_id: -1 }],
      [codecOf('etcdserverpb.ResponseHeader'), { cluster_id: -1n }],
      [codecOf('etcdserverpb.WatchResponse'), { cancel_reason: 5 }],
      [codecOf('etcdserverpb.WatchResponse'), { cancel_reason: 'x\ud800y' }], // lone surrogate
      [codecOf('etcdserverpb.WatchResponse'), { events: {} }],
      [codecOf('etcdserverpb.WatchResponse'), { events: [null] }],
      [codecOf('etcdserverpb.WatchResponse'), { events: [[]] }],
      [codecOf('etcdserverpb.PutResponse'), { header: [] }],
      [codecOf('etcdserverpb.PutResponse'), { header: 'x' }],
      [op, { request_range: {}, request_put: {} }], // two oneof members
      [op, { request_put: pbType('etcdserverpb.PutRequest').create({ lease: 5 }) }], // a protobufjs Message
      [put, pbType('etcdserverpb.PutRequest').fromObject({ key: Buffer.from('a') })],
      [put, null],
      [put, 'x'],
      [put, [1]],
    ];
    for (const [c, input] of bad) expect(c.encode(input), String(norm(input))).toBeUndefined();
  });

  it('falls back beyond a nesting depth protobufjs still accepts', () => {
    let txn: Obj = {};
    for (let i = 0; i < 40; i++) txn = { success: [{ request_txn: txn }] };
    const c = codecOf('etcdserverpb.TxnRequest');
    expect(c.encode(txn)).toBeUndefined();
    const wire = pbEncode('etcdserverpb.TxnRequest', txn);
    expect(c.decode(wire)).toBeUndefined();
    let shallow: Obj = {};
    for (let i = 0; i < 10; i++) shallow = { success: [{ request_txn: shallow }] };
    expect(c.encode(shallow)?.toString('hex')).toBe(pbEncode('etcdserverpb.TxnRequest', shallow).toString('hex'));
  });
});

describe('etcdKvCodec lookup', () => {
  it('has a codec for each message it handles and none for the rest', () => {
    for (const name of [...TOP_LEVEL, ...INNER]) expect(etcdKvCodec(name), name).toBeDefined();
    for (const name of ['etcdserverpb.WatchRequest', 'etcdserverpb.LeaseGrantRequest', 'TxnRequest', '']) expect(etcdKvCodec(name)).toBeUndefined();
  });
});
