/**
 * Hand-written protobuf codec for the etcd v3 KV messages the store and the API server exchange at
 * high rate (Range, Put, DeleteRange, Txn and their responses, WatchResponse).
 *
 * Why: protobufjs' reflective fromObject/toObject and the Long object it makes for every int64
 * (plus the garbage both leave) cost a store member 10-25% of its CPU. This codec goes straight
 * between wire bytes and the plain objects @grpc/proto-loader produces with
 * ETCD_PROTO_LOADER_OPTIONS (keepCase, longs: String, enums: String, bytes: Buffer,
 * defaults: true, oneofs: true; shapes in ./etcd-types.ts).
 *
 * Fallback contract: encodeX(obj) returns a Buffer, or undefined when it is not sure to produce
 * what protobufjs would; decodeX(buf) returns the object, or undefined likewise. Neither throws.
 * On undefined the caller runs protobufjs (`T.encode(T.fromObject(obj))`,
 * `T.toObject(T.decode(buf), options)`), which then gives its own result or error. So anything
 * unusual simply falls back. Encode: a Long or other non-plain object (protobufjs Message
 * instances included), a string (base64) or plain array for bytes, a non-integer, unsafe
 * (> 2^53) or out-of-range number/string/bigint for an int64 (protobufjs would wrap it), an
 * int64 string that is not decimal digits with an optional '-', an unknown enum name or number,
 * a non-boolean bool, a string with a lone surrogate, two members of one oneof, nesting deeper
 * than 32. Decode: a non-Buffer input (protobufjs would hand out Uint8Arrays), truncated or
 * malformed input, a wire type that does not match the field, groups, field number 0, an enum
 * number without a name, two members of one oneof, varints longer than protobufjs reads them.
 *
 * What it matches (etcd-kv-codec.test.ts checks it against protobufjs, both directions):
 *  - decode: absent fields get toObject's defaults ('0', '', false, an empty Buffer, the enum's
 *    value-0 name, [], null for messages); a oneof member is present only when on the wire, and
 *    then the virtual property (e.g. `request: 'request_put'`) names it; bytes are views of the
 *    input; unknown fields are skipped; a field repeated on the wire: the last one wins, for
 *    messages too (protobufjs replaces rather than merges).
 *  - encode: byte-identical to protobufjs: fields in field-number order, and every field that is
 *    set (not null/undefined) is written even when it holds the default (protobufjs writes
 *    `lease: '0'` as 18 00, and `header: {}` as 0a 00); empty repeated fields are not written;
 *    the oneof virtual property is ignored, as fromObject ignores it (the member set decides).
 *
 * Design: one field table per message type, one generic decoder and one generic two-pass
 * encoder. Pass 1 reads and checks the object once, walking its own keys, and lists the fields
 * to write in wire order with what each needs (int64 halves, nested message sizes); pass 2
 * writes the list into one exactly sized Buffer. 64-bit integers are two uint32 halves (as
 * protobufjs' LongBits): below 2^53 they go through plain numbers, above through base-1e7 limbs,
 * so no Long nor BigInt is made; each int64 field also remembers its last large value both ways,
 * as the response header's random 64-bit cluster_id and member_id repeat on every response.
 * From ../protobuf-wire.ts only the writers are used: ProtoReader reads varints differently from
 * protobufjs (tags, lengths, bools and enums must be read as its uint32(): at most 5 bytes, else
 * fall back; int64s in full) and would make one reader per nested message. The decoder's cursor
 * and the encoder's lists are module state: both directions are synchronous and not re-entered.
 */
import { isDeepStrictEqual } from 'node:util';
import type * as T from './etcd-types.js';
import {
  ProtoDecodeError,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
  varintSize,
  writeVarint,
} from '../protobuf-wire.js';

// ---------------------------------------------------------------------------
// Field tables
// ---------------------------------------------------------------------------

// Field kinds. Every repeated field in these messages is a message; no repeated scalars exist,
// so packed encoding never arises.
const INT64 = 0;
const UINT64 = 1;
const BOOL = 2;
const ENUM = 3;
const BYTES = 4;
const STRING = 5;
const MESSAGE = 6;
const REPEATED = 7;

interface MessageType {
  readonly name: string;
  /** In field-number order (the order protobufjs writes them). */
  readonly fields: Field[];
  /** Fields indexed by number. */
  readonly byNo: (Field | undefined)[];
  /** Fields by name; no prototype, so no key finds an inherited property (faster than a Map). */
  readonly byName: Record<string, Field | undefined>;
  /** Bits (1 << Field.index) of the oneof members. */
  oneofMask: number;
  /** A decoded message with every field at its default. */
  readonly create: () => Record<string, unknown>;
}

interface Field {
  /** Position in MessageType.fields. */
  readonly index: number;
  readonly no: number;
  readonly name: string;
  readonly kind: number;
  readonly wire: number;
  readonly tag: number;
  readonly tagSize: number;
  /** Name of the oneof's virtual property, for oneof members. */
  readonly oneof: string | undefined;
  readonly enumNames: readonly string[];
  readonly enumValues: ReadonlyMap<string, number>;
  /** The message type of MESSAGE/REPEATED fields (NOT_A_MESSAGE otherwise). */
  readonly type: MessageType;
  // The last large value this int64 field converted, each way: the response header's cluster_id
  // and member_id (random, near 2^64) repeat on every response, and converting them costs more
  // than the rest of the header.
  decLo: number;
  decHi: number;
  decStr: string;
  encStr: string;
  encLo: number;
  encHi: number;
}

/** [number, name, kind, enum value names or message type name, oneof name] */
type FieldSpec = readonly [number, string, number, (string | readonly string[])?, string?];

interface MessageSpec {
  /**
   * The decoded message with every field at its default: one object literal per type, because
   * cloning a per-type template (spread) across 15 types is megamorphic and several times
   * slower. Checked against `fields` when this module loads.
   */
  readonly create: () => Record<string, unknown>;
  readonly fields: readonly FieldSpec[];
}

// Shared default for absent bytes fields: zero-length, so nothing can be written into it.
const EMPTY = Buffer.alloc(0);

const KV = 'mvccpb.KeyValue';
const HEADER = 'etcdserverpb.ResponseHeader';
const SPECS: Readonly<Record<string, MessageSpec>> = {
  'mvccpb.KeyValue': {
    create: () => ({ key: EMPTY, create_revision: '0', mod_revision: '0', version: '0', value: EMPTY, lease: '0' }),
    fields: [
      [1, 'key', BYTES],
      [2, 'create_revision', INT64],
      [3, 'mod_revision', INT64],
      [4, 'version', INT64],
      [5, 'value', BYTES],
      [6, 'lease', INT64],
    ],
  },
  'mvccpb.Event': {
    create: () => ({ type: 'PUT', kv: null, prev_kv: null }),
    fields: [
      [1, 'type', ENUM, ['PUT', 'DELETE']],
      [2, 'kv', MESSAGE, KV],
      [3, 'prev_kv', MESSAGE, KV],
    ],
  },
  'etcdserverpb.ResponseHeader': {
    create: () => ({ cluster_id: '0', member_id: '0', revision: '0', raft_term: '0' }),
    fields: [
      [1, 'cluster_id', UINT64],
      [2, 'member_id', UINT64],
      [3, 'revision', INT64],
      [4, 'raft_term', UINT64],
    ],
  },
  'etcdserverpb.RangeRequest': {
    create: () => ({
      key: EMPTY,
      range_end: EMPTY,
      limit: '0',
      revision: '0',
      sort_order: 'NONE',
      sort_target: 'KEY',
      serializable: false,
      keys_only: false,
      count_only: false,
      min_mod_revision: '0',
      max_mod_revision: '0',
      min_create_revision: '0',
      max_create_revision: '0',
    }),
    fields: [
      [1, 'key', BYTES],
      [2, 'range_end', BYTES],
      [3, 'limit', INT64],
      [4, 'revision', INT64],
      [5, 'sort_order', ENUM, ['NONE', 'ASCEND', 'DESCEND']],
      [6, 'sort_target', ENUM, ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE']],
      [7, 'serializable', BOOL],
      [8, 'keys_only', BOOL],
      [9, 'count_only', BOOL],
      [10, 'min_mod_revision', INT64],
      [11, 'max_mod_revision', INT64],
      [12, 'min_create_revision', INT64],
      [13, 'max_create_revision', INT64],
    ],
  },
  'etcdserverpb.RangeResponse': {
    create: () => ({ header: null, kvs: [], more: false, count: '0' }),
    fields: [
      [1, 'header', MESSAGE, HEADER],
      [2, 'kvs', REPEATED, KV],
      [3, 'more', BOOL],
      [4, 'count', INT64],
    ],
  },
  'etcdserverpb.PutRequest': {
    create: () => ({ key: EMPTY, value: EMPTY, lease: '0', prev_kv: false, ignore_value: false, ignore_lease: false }),
    fields: [
      [1, 'key', BYTES],
      [2, 'value', BYTES],
      [3, 'lease', INT64],
      [4, 'prev_kv', BOOL],
      [5, 'ignore_value', BOOL],
      [6, 'ignore_lease', BOOL],
    ],
  },
  'etcdserverpb.PutResponse': {
    create: () => ({ header: null, prev_kv: null }),
    fields: [
      [1, 'header', MESSAGE, HEADER],
      [2, 'prev_kv', MESSAGE, KV],
    ],
  },
  'etcdserverpb.DeleteRangeRequest': {
    create: () => ({ key: EMPTY, range_end: EMPTY, prev_kv: false }),
    fields: [
      [1, 'key', BYTES],
      [2, 'range_end', BYTES],
      [3, 'prev_kv', BOOL],
    ],
  },
  'etcdserverpb.DeleteRangeResponse': {
    create: () => ({ header: null, deleted: '0', prev_kvs: [] }),
    fields: [
      [1, 'header', MESSAGE, HEADER],
      [2, 'deleted', INT64],
      [3, 'prev_kvs', REPEATED, KV],
    ],
  },
  // Oneof members get no default: toObject leaves them out unless set.
  'etcdserverpb.RequestOp': {
    create: () => ({}),
    fields: [
      [1, 'request_range', MESSAGE, 'etcdserverpb.RangeRequest', 'request'],
      [2, 'request_put', MESSAGE, 'etcdserverpb.PutRequest', 'request'],
      [3, 'request_delete_range', MESSAGE, 'etcdserverpb.DeleteRangeRequest', 'request'],
      [4, 'request_txn', MESSAGE, 'etcdserverpb.TxnRequest', 'request'],
    ],
  },
  'etcdserverpb.ResponseOp': {
    create: () => ({}),
    fields: [
      [1, 'response_range', MESSAGE, 'etcdserverpb.RangeResponse', 'response'],
      [2, 'response_put', MESSAGE, 'etcdserverpb.PutResponse', 'response'],
      [3, 'response_delete_range', MESSAGE, 'etcdserverpb.DeleteRangeResponse', 'response'],
      [4, 'response_txn', MESSAGE, 'etcdserverpb.TxnResponse', 'response'],
    ],
  },
  'etcdserverpb.Compare': {
    create: () => ({ result: 'EQUAL', target: 'VERSION', key: EMPTY, range_end: EMPTY }),
    fields: [
      [1, 'result', ENUM, ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL']],
      [2, 'target', ENUM, ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE']],
      [3, 'key', BYTES],
      [4, 'version', INT64, undefined, 'target_union'],
      [5, 'create_revision', INT64, undefined, 'target_union'],
      [6, 'mod_revision', INT64, undefined, 'target_union'],
      [7, 'value', BYTES, undefined, 'target_union'],
      [8, 'lease', INT64, undefined, 'target_union'],
      [64, 'range_end', BYTES],
    ],
  },
  'etcdserverpb.TxnRequest': {
    create: () => ({ compare: [], success: [], failure: [] }),
    fields: [
      [1, 'compare', REPEATED, 'etcdserverpb.Compare'],
      [2, 'success', REPEATED, 'etcdserverpb.RequestOp'],
      [3, 'failure', REPEATED, 'etcdserverpb.RequestOp'],
    ],
  },
  'etcdserverpb.TxnResponse': {
    create: () => ({ header: null, succeeded: false, responses: [] }),
    fields: [
      [1, 'header', MESSAGE, HEADER],
      [2, 'succeeded', BOOL],
      [3, 'responses', REPEATED, 'etcdserverpb.ResponseOp'],
    ],
  },
  'etcdserverpb.WatchResponse': {
    create: () => ({
      header: null,
      watch_id: '0',
      created: false,
      canceled: false,
      compact_revision: '0',
      cancel_reason: '',
      fragment: false,
      events: [],
    }),
    fields: [
      [1, 'header', MESSAGE, HEADER],
      [2, 'watch_id', INT64],
      [3, 'created', BOOL],
      [4, 'canceled', BOOL],
      [5, 'compact_revision', INT64],
      [6, 'cancel_reason', STRING],
      [7, 'fragment', BOOL],
      [11, 'events', REPEATED, 'mvccpb.Event'],
    ],
  },
};

const newType = (name: string, create: () => Record<string, unknown>): MessageType => ({
  name,
  fields: [],
  byNo: [],
  byName: Object.create(null) as Record<string, Field | undefined>,
  oneofMask: 0,
  create,
});
const NOT_A_MESSAGE = newType('', () => ({}));
const TYPES = new Map<string, MessageType>(Object.entries(SPECS).map(([name, spec]) => [name, newType(name, spec.create)]));

// Filled in once every type exists: RequestOp/TxnRequest and ResponseOp/TxnResponse refer to each other.
for (const [name, spec] of Object.entries(SPECS)) {
  const t = typeOf(name);
  const oneofs = new Set<string>();
  const defaults: Record<string, unknown> = {};
  for (const [no, fieldName, kind, ref, oneof] of [...spec.fields].sort((a, b) => a[0] - b[0])) {
    const enumNames = Array.isArray(ref) ? (ref as readonly string[]) : [];
    const wire = kind === BYTES || kind === STRING || kind === MESSAGE || kind === REPEATED ? WIRE_LEN : WIRE_VARINT;
    const f: Field = {
      index: t.fields.length,
      no,
      name: fieldName,
      kind,
      wire,
      tag: no * 8 + wire,
      tagSize: varintSize(no * 8 + wire),
      oneof,
      enumNames,
      enumValues: new Map(enumNames.map((n, i) => [n, i])),
      type: typeof ref === 'string' ? typeOf(ref) : NOT_A_MESSAGE,
      decLo: -1,
      decHi: -1,
      decStr: '',
      encStr: '',
      encLo: 0,
      encHi: 0,
    };
    t.fields.push(f);
    t.byNo[no] = f;
    t.byName[fieldName] = f;
    if (oneof !== undefined) {
      oneofs.add(oneof);
      t.oneofMask |= 1 << f.index;
    } else {
      defaults[fieldName] = defaultOf(kind, enumNames);
    }
  }
  // The encoder keeps the fields set in a 32-bit mask, and one oneof mask per message.
  if (t.fields.length > 31) throw new Error(`etcd-kv-codec: ${name} has too many fields`);
  if (oneofs.size > 1) throw new Error(`etcd-kv-codec: ${name} has more than one oneof`);
  if (!isDeepStrictEqual(spec.create(), defaults)) throw new Error(`etcd-kv-codec: ${name}.create() does not match its fields`);
}

/** toObject's value for an absent field (defaults: true). */
function defaultOf(kind: number, enumNames: readonly string[]): unknown {
  switch (kind) {
    case BOOL:
      return false;
    case ENUM:
      return enumNames[0];
    case BYTES:
      return EMPTY;
    case STRING:
      return '';
    case MESSAGE:
      return null;
    case REPEATED:
      return [];
    default:
      return '0'; // INT64, UINT64
  }
}

function typeOf(name: string): MessageType {
  const t = TYPES.get(name);
  if (t === undefined) throw new Error(`etcd-kv-codec: no message type ${name}`);
  return t;
}

// Deeper nesting (Txn in Txn...) than this falls back; protobufjs' own limit is 100.
const MAX_DEPTH = 32;

// ---------------------------------------------------------------------------
// 64-bit integers as two uint32 halves
// ---------------------------------------------------------------------------

const TWO_32 = 4294967296;

// Scratch result of readVarint64 / toBits.
let lo = 0;
let hi = 0;

/** Decimal string of the 64-bit value hi:lo, read as signed (int64) or unsigned (uint64). */
function bitsToDecimal(l: number, h: number, signed: boolean): string {
  if (signed && h >= 0x80000000) {
    l = (~l + 1) >>> 0;
    h = (~h + (l === 0 ? 1 : 0)) >>> 0;
    return '-' + unsignedDecimal(l, h);
  }
  return unsignedDecimal(l, h);
}

function unsignedDecimal(l: number, h: number): string {
  if (h <= 0x1fffff) return String(h * TWO_32 + l); // below 2^53: exact as a double
  // value = low + mid*2^24 + high*2^48 (24, 24, 16 bits), regrouped in base 1e7 digits:
  // 2^24 = 1e7 + 6777216, 2^48 = 2*1e14 + 8147497*1e7 + 6710656. Every term stays below 2^53.
  const low = l & 0xffffff;
  const mid = ((l >>> 24) | (h << 8)) & 0xffffff;
  const high = h >>> 16;
  let a = low + mid * 6777216 + high * 6710656;
  let b = mid + high * 8147497;
  let c = high * 2;
  if (a >= 1e7) {
    b += Math.floor(a / 1e7);
    a %= 1e7;
  }
  if (b >= 1e7) {
    c += Math.floor(b / 1e7);
    b %= 1e7;
  }
  // c > 0: the value is at least 2^53.
  return String(c) + String(b).padStart(7, '0') + String(a).padStart(7, '0');
}

/** Parses an int64/uint64 given as decimal string, safe-integer number or bigint into lo/hi. */
function toBits(v: unknown, unsigned: boolean): boolean {
  let neg: boolean;
  if (typeof v === 'string') {
    neg = v.charCodeAt(0) === 45; // '-'
    if (!parseDecimal(v, neg ? 1 : 0)) return false;
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return false;
    neg = v < 0;
    const a = neg ? -v : v;
    lo = a >>> 0;
    hi = Math.floor(a / TWO_32);
  } else if (typeof v === 'bigint') {
    if (unsigned ? v < 0n || v > 0xffffffffffffffffn : v < -0x8000000000000000n || v > 0x7fffffffffffffffn) return false;
    const u = BigInt.asUintN(64, v);
    lo = Number(u & 0xffffffffn);
    hi = Number(u >> 32n);
    return true;
  } else {
    return false;
  }
  // lo/hi hold the magnitude; protobufjs' Long would wrap out-of-range values, we fall back.
  if (unsigned) return !neg || (lo === 0 && hi === 0);
  if (!neg) return hi < 0x80000000;
  if (hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)) return false;
  lo = (~lo + 1) >>> 0;
  hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  return true;
}

/** Decimal digits of s from index i into lo/hi; false if not all digits or at least 2^64. */
function parseDecimal(s: string, i: number): boolean {
  const n = s.length;
  if (i >= n) return false;
  let l = 0;
  let h = 0;
  while (i < n) {
    // Six digits at a time: l * 1e6 stays below 2^53 while l < 2^32.
    const stop = Math.min(n, i + 6);
    let chunk = 0;
    let scale = 1;
    for (; i < stop; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return false;
      chunk = chunk * 10 + d;
      scale *= 10;
    }
    l = l * scale + chunk;
    const carry = Math.floor(l / TWO_32);
    l -= carry * TWO_32;
    h = h * scale + carry;
    if (h >= TWO_32) return false;
  }
  lo = l;
  hi = h;
  return true;
}

function varint64Size(l: number, h: number): number {
  return h === 0 ? varintSize(l) : Math.ceil((64 - Math.clz32(h)) / 7);
}

function writeVarint64(buf: Buffer, off: number, l: number, h: number): number {
  while (h !== 0 || l > 0x7f) {
    buf[off++] = (l & 0x7f) | 0x80;
    l = ((l >>> 7) | (h << 25)) >>> 0;
    h >>>= 7;
  }
  buf[off++] = l;
  return off;
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

// Thrown (preallocated: no stack trace to capture) on anything that must fall back.
const FALLBACK = new ProtoDecodeError('etcd-kv-codec: fall back to protobufjs');

/** Read cursor into the buffer being decoded. */
let pos = 0;

/** A varint as protobufjs' uint32() reads it (tags, lengths, bools, enums); longer forms fall back. */
function readU32(buf: Buffer, end: number): number {
  const first = pos < end ? (buf[pos] as number) : 0x80;
  if (first < 0x80) {
    pos++;
    return first;
  }
  let v = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    if (pos >= end) throw FALLBACK;
    const b = buf[pos++] as number;
    v += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (v > 0xffffffff) throw FALLBACK;
      return v;
    }
    scale *= 0x80;
  }
  throw FALLBACK;
}

function readLen(buf: Buffer, end: number): number {
  const n = readU32(buf, end);
  if (n > end - pos) throw FALLBACK;
  return n;
}

/** A varint of up to 10 bytes into lo/hi; bits beyond 64 are dropped, as protobufjs does. */
function readVarint64(buf: Buffer, end: number): void {
  let l = 0;
  let b: number;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw FALLBACK;
    b = buf[pos++] as number;
    l |= (b & 0x7f) << shift;
    if (b < 0x80) {
      lo = l >>> 0;
      hi = 0;
      return;
    }
  }
  if (pos >= end) throw FALLBACK;
  b = buf[pos++] as number;
  l |= (b & 0x7f) << 28;
  let h = (b & 0x7f) >> 4;
  lo = l >>> 0;
  if (b < 0x80) {
    hi = h;
    return;
  }
  for (let shift = 3; shift < 32; shift += 7) {
    if (pos >= end) throw FALLBACK;
    b = buf[pos++] as number;
    h |= (b & 0x7f) << shift;
    if (b < 0x80) {
      hi = h >>> 0;
      return;
    }
  }
  throw FALLBACK;
}

function skipField(buf: Buffer, end: number, tag: number): void {
  let n: number;
  switch (tag & 7) {
    case WIRE_VARINT:
      readVarint64(buf, end);
      return;
    case WIRE_FIXED64:
      n = 8;
      break;
    case WIRE_LEN:
      n = readU32(buf, end);
      break;
    case WIRE_FIXED32:
      n = 4;
      break;
    default:
      throw FALLBACK; // groups and invalid wire types
  }
  if (n > end - pos) throw FALLBACK;
  pos += n;
}

function decodeMessage(t: MessageType, buf: Buffer, end: number, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw FALLBACK;
  const o = t.create();
  while (pos < end) {
    const tag = readU32(buf, end);
    const f = t.byNo[tag >>> 3];
    if (f === undefined) {
      // protobufjs skips field number 0 like an unknown field; rare enough to leave to it.
      if (tag >>> 3 === 0) throw FALLBACK;
      skipField(buf, end, tag);
      continue;
    }
    // protobufjs reads by the field's type whatever the wire type says; that is not ours to copy.
    if ((tag & 7) !== f.wire) throw FALLBACK;
    let v: unknown;
    switch (f.kind) {
      case INT64:
      case UINT64: {
        const b = pos < end ? (buf[pos] as number) : 0x80;
        if (b < 0x80) {
          // One-byte varint: the common small revision/count.
          pos++;
          v = String(b);
        } else {
          readVarint64(buf, end);
          if (hi <= 0x1fffff) v = String(hi * TWO_32 + lo);
          else if (lo === f.decLo && hi === f.decHi) v = f.decStr;
          else {
            f.decLo = lo;
            f.decHi = hi;
            v = f.decStr = bitsToDecimal(lo, hi, f.kind === INT64);
          }
        }
        break;
      }
      case BOOL:
        v = readU32(buf, end) !== 0;
        break;
      case ENUM:
        v = f.enumNames[readU32(buf, end)];
        if (v === undefined) throw FALLBACK; // protobufjs gives the bare number
        break;
      case BYTES: {
        const n = readLen(buf, end);
        v = buf.subarray(pos, pos + n);
        pos += n;
        break;
      }
      case STRING: {
        const n = readLen(buf, end);
        v = buf.toString('utf8', pos, pos + n);
        pos += n;
        break;
      }
      default: {
        const n = readLen(buf, end);
        v = decodeMessage(f.type, buf, pos + n, depth + 1);
        if (f.kind === REPEATED) {
          (o[f.name] as unknown[]).push(v);
          continue;
        }
      }
    }
    if (f.oneof === undefined) {
      o[f.name] = v;
    } else {
      // protobufjs would keep both members; leave that oddity to it.
      const set = o[f.oneof];
      if (set !== undefined && set !== f.name) throw FALLBACK;
      o[f.name] = v;
      o[f.oneof] = f.name; // after the member, as in toObject's output
    }
  }
  return o;
}

function decode(t: MessageType, buf: Buffer): unknown {
  if (!Buffer.isBuffer(buf)) return undefined;
  try {
    pos = 0;
    return decodeMessage(t, buf, buf.length, 0);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

// Pass 1 reads and checks the object once and turns it into a flat list of fields to write, in
// wire order (a nested message's own entry, carrying its size, precedes its fields); pass 2
// writes the list into one Buffer of the size pass 1 worked out. The arrays are reused.
const opField: Field[] = [];
/** int64 low half, bool 0/1, enum number, or the length of bytes, a string or a nested message. */
const opLo: number[] = [];
/** int64 high half. */
const opHi: number[] = [];
/** bytes and strings to copy (cleared once written, so as not to keep them alive). */
const opVal: unknown[] = [];
let nOps = 0;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  // Excludes protobufjs Message instances (fromObject passes them through and encode then
  // looks at own properties only), arrays, Longs, Buffers.
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function enumNumber(f: Field, v: unknown): number {
  if (typeof v === 'string') return f.enumValues.get(v) ?? -1;
  return typeof v === 'number' && f.enumNames[v] !== undefined ? v : -1;
}

/** Pass 1's values of the fields set, per message being sized (stacked for nested ones). */
const vals: unknown[] = [];
let top = 0;

/** Pass 1: lists o's fields and returns its encoded size, or -1 to fall back. */
function sizeMessage(t: MessageType, o: Record<string, unknown>, depth: number): number {
  // Walk the object's keys rather than the type's fields: inputs set a few of the fields (a
  // Range request: just the key), and reading absent properties by a varying name costs about
  // as much as reading present ones. Keys may come in any order; a bit mask puts them in field
  // order. Only enumerable properties count, unlike fromObject; our objects have no others.
  // Unknown keys (the oneof's virtual property among them) are ignored, as fromObject does.
  const base = top;
  top += t.fields.length;
  let set = 0;
  for (const k in o) {
    const f = t.byName[k];
    if (f === undefined) continue;
    const v = o[k];
    if (v === undefined || v === null) continue;
    set |= 1 << f.index;
    vals[base + f.index] = v;
  }
  const oneofs = set & t.oneofMask;
  if ((oneofs & (oneofs - 1)) !== 0) return -1; // two members of the oneof
  let size = 0;
  for (; set !== 0; set &= set - 1) {
    const index = 31 - Math.clz32(set & -set);
    const f = t.fields[index] as Field;
    const v = vals[base + index];
    vals[base + index] = undefined;
    if (f.kind === REPEATED) {
      if (!Array.isArray(v)) return -1;
      const items: readonly unknown[] = v;
      for (const item of items) {
        const n = sizeNested(f, item, depth);
        if (n < 0) return -1;
        size += n;
      }
      continue;
    }
    const i = nOps++;
    opField[i] = f;
    let n: number;
    switch (f.kind) {
      case INT64:
      case UINT64:
        if (typeof v === 'string' && v.length > 15 && v === f.encStr) {
          lo = f.encLo;
          hi = f.encHi;
        } else {
          if (!toBits(v, f.kind === UINT64)) return -1;
          if (typeof v === 'string' && v.length > 15) {
            f.encStr = v;
            f.encLo = lo;
            f.encHi = hi;
          }
        }
        opLo[i] = lo;
        opHi[i] = hi;
        n = varint64Size(lo, hi);
        break;
      case BOOL:
        if (typeof v !== 'boolean') return -1;
        opLo[i] = v ? 1 : 0;
        n = 1;
        break;
      case ENUM:
        n = enumNumber(f, v);
        if (n < 0) return -1;
        opLo[i] = n;
        n = varintSize(n);
        break;
      case BYTES:
        if (!(v instanceof Uint8Array)) return -1;
        opLo[i] = v.length;
        opVal[i] = v;
        n = varintSize(v.length) + v.length;
        break;
      case STRING:
        // protobufjs writes a lone surrogate of a short string as its own 3 bytes, Buffer as U+FFFD.
        if (typeof v !== 'string' || LONE_SURROGATE.test(v)) return -1;
        n = Buffer.byteLength(v, 'utf8');
        opLo[i] = n;
        opVal[i] = v;
        n += varintSize(n);
        break;
      default:
        nOps--; // sizeNested lists it
        n = sizeNested(f, v, depth);
        if (n < 0) return -1;
        size += n;
        continue;
    }
    size += f.tagSize + n;
  }
  top = base;
  return size;
}

/** Lists a nested message (field f of its parent); returns its size with tag and length, or -1. */
function sizeNested(f: Field, v: unknown, depth: number): number {
  if (!isPlainObject(v) || depth >= MAX_DEPTH) return -1;
  const i = nOps++;
  opField[i] = f;
  const n = sizeMessage(f.type, v, depth + 1);
  if (n < 0) return -1;
  opLo[i] = n;
  return f.tagSize + varintSize(n) + n;
}

/** Pass 2: writes the listed fields; returns the size written. */
function writeOps(buf: Buffer): number {
  let off = 0;
  for (let i = 0; i < nOps; i++) {
    const f = opField[i] as Field;
    const n = opLo[i] as number;
    off = writeVarint(buf, off, f.tag);
    switch (f.kind) {
      case INT64:
      case UINT64:
        off = writeVarint64(buf, off, n, opHi[i] as number);
        break;
      case BYTES: {
        const b = opVal[i] as Uint8Array;
        opVal[i] = undefined;
        off = writeVarint(buf, off, n);
        if (n > 32) buf.set(b, off);
        else for (let j = 0; j < n; j++) buf[off + j] = b[j] as number;
        off += n;
        break;
      }
      case STRING: {
        const s = opVal[i] as string;
        opVal[i] = undefined;
        off = writeVarint(buf, off, n);
        off += buf.write(s, off, n, 'utf8');
        break;
      }
      default:
        // bool, enum, or a nested message's length (its fields come next in the list)
        off = writeVarint(buf, off, n);
    }
  }
  return off;
}

function encode(t: MessageType, o: unknown): Buffer | undefined {
  nOps = 0;
  top = 0;
  try {
    if (!isPlainObject(o)) return undefined;
    const size = sizeMessage(t, o, 0);
    if (size >= 0) {
      const buf = Buffer.allocUnsafe(size);
      if (writeOps(buf) === size) return buf;
    }
  } catch {
    // fall back
  }
  // Drop what pass 1 stashed, not to keep it alive.
  opVal.length = 0;
  vals.length = 0;
  return undefined;
}

// ---------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------

export interface EtcdKvCodec {
  /** protobufjs-identical bytes of o, or undefined: encode with protobufjs instead. */
  encode(o: unknown): Buffer | undefined;
  /** What protobufjs' toObject(decode(b)) gives, or undefined: decode with protobufjs instead. */
  decode(b: Buffer): unknown;
}

const CODECS = new Map<string, EtcdKvCodec>(
  [...TYPES.values()].map((t) => [t.name, { encode: (o: unknown) => encode(t, o), decode: (b: Buffer) => decode(t, b) }]),
);

/** The codec of a message type by its full name ('etcdserverpb.TxnRequest', 'mvccpb.KeyValue'), if it has one. */
export function etcdKvCodec(typeName: string): EtcdKvCodec | undefined {
  return CODECS.get(typeName);
}

const RANGE_REQUEST = typeOf('etcdserverpb.RangeRequest');
const RANGE_RESPONSE = typeOf('etcdserverpb.RangeResponse');
const PUT_REQUEST = typeOf('etcdserverpb.PutRequest');
const PUT_RESPONSE = typeOf('etcdserverpb.PutResponse');
const DELETE_RANGE_REQUEST = typeOf('etcdserverpb.DeleteRangeRequest');
const DELETE_RANGE_RESPONSE = typeOf('etcdserverpb.DeleteRangeResponse');
const TXN_REQUEST = typeOf('etcdserverpb.TxnRequest');
const TXN_RESPONSE = typeOf('etcdserverpb.TxnResponse');
const WATCH_RESPONSE = typeOf('etcdserverpb.WatchResponse');

export const encodeRangeRequest = (o: unknown): Buffer | undefined => encode(RANGE_REQUEST, o);
export const decodeRangeRequest = (b: Buffer): T.RangeRequest | undefined => decode(RANGE_REQUEST, b) as T.RangeRequest | undefined;
export const encodeRangeResponse = (o: unknown): Buffer | undefined => encode(RANGE_RESPONSE, o);
export const decodeRangeResponse = (b: Buffer): T.RangeResponse | undefined => decode(RANGE_RESPONSE, b) as T.RangeResponse | undefined;
export const encodePutRequest = (o: unknown): Buffer | undefined => encode(PUT_REQUEST, o);
export const decodePutRequest = (b: Buffer): T.PutRequest | undefined => decode(PUT_REQUEST, b) as T.PutRequest | undefined;
export const encodePutResponse = (o: unknown): Buffer | undefined => encode(PUT_RESPONSE, o);
export const decodePutResponse = (b: Buffer): T.PutResponse | undefined => decode(PUT_RESPONSE, b) as T.PutResponse | undefined;
export const encodeDeleteRangeRequest = (o: unknown): Buffer | undefined => encode(DELETE_RANGE_REQUEST, o);
export const decodeDeleteRangeRequest = (b: Buffer): T.DeleteRangeRequest | undefined =>
  decode(DELETE_RANGE_REQUEST, b) as T.DeleteRangeRequest | undefined;
export const encodeDeleteRangeResponse = (o: unknown): Buffer | undefined => encode(DELETE_RANGE_RESPONSE, o);
export const decodeDeleteRangeResponse = (b: Buffer): T.DeleteRangeResponse | undefined =>
  decode(DELETE_RANGE_RESPONSE, b) as T.DeleteRangeResponse | undefined;
export const encodeTxnRequest = (o: unknown): Buffer | undefined => encode(TXN_REQUEST, o);
export const decodeTxnRequest = (b: Buffer): T.TxnRequest | undefined => decode(TXN_REQUEST, b) as T.TxnRequest | undefined;
export const encodeTxnResponse = (o: unknown): Buffer | undefined => encode(TXN_RESPONSE, o);
export const decodeTxnResponse = (b: Buffer): T.TxnResponse | undefined => decode(TXN_RESPONSE, b) as T.TxnResponse | undefined;
export const encodeWatchResponse = (o: unknown): Buffer | undefined => encode(WATCH_RESPONSE, o);
export const decodeWatchResponse = (b: Buffer): T.WatchResponse | undefined => decode(WATCH_RESPONSE, b) as T.WatchResponse | undefined;
