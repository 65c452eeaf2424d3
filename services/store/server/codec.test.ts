import { describe, expect, it } from 'vitest';
import type { PutRequest } from '../../../lib/grpc/etcd-proto.js';
import type { InternalRequest } from './codec.js';
import { decodeRequest, encodeRequest, storeProtoTypes } from './codec.js';

describe('replicated request codec', () => {
  it('decodes bytes fields as Buffers whatever the input type (WAL replay gives Uint8Array)', () => {
    const encoded = encodeRequest({ id: 'x-1', put: { key: Buffer.from('lin/a'), value: Buffer.from('v') } as never });
    const fromWal = new Uint8Array(encoded);
    const req = decodeRequest(fromWal);
    expect(Buffer.isBuffer(req.put?.key)).toBe(true);
    expect(req.put?.key.toString()).toBe('lin/a');
    expect(decodeRequest(Buffer.from(encoded)).put?.value.toString()).toBe('v');
  });
});

// Puts without a lease are encoded and decoded by hand; everything must read exactly as
// protobufjs reads it, in both directions, and anything else must still go through protobufjs.
describe('replicated request codec: the hand-written put path', () => {
  const t = storeProtoTypes().request;
  const pbEncode = (req: object): Buffer => Buffer.from(t.encode(t.fromObject(req)).finish());
  const pbDecode = (buf: Buffer): object =>
    t.toObject(t.decode(buf), { longs: String, enums: String, bytes: Buffer, defaults: true, oneofs: true, arrays: true });

  // A deterministic generator: the cases are the same on every run.
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const bytes = (max: number): Buffer => Buffer.from(Array.from({ length: rand(max + 1) }, () => rand(256)));
  const randomPut = (): InternalRequest => ({
    id: `${rand(1000)}-${rand(100000)}`,
    put: {
      key: bytes(40),
      value: rand(5) === 0 ? bytes(400) : bytes(3),
      lease: '0',
      prev_kv: rand(2) === 1,
      ignore_value: rand(2) === 1,
      ignore_lease: rand(2) === 1,
    } as PutRequest,
  });

  it('decodes what it encodes exactly as protobufjs decodes it', () => {
    for (let i = 0; i < 300; i++) {
      const req = randomPut();
      const mine = Buffer.from(encodeRequest(req));
      expect(decodeRequest(mine)).toEqual(pbDecode(mine));
      expect(pbDecode(mine)).toEqual({ ...req, request: 'put' });
    }
  });

  it('decodes what protobufjs encodes exactly as protobufjs does, including from a Uint8Array', () => {
    for (let i = 0; i < 300; i++) {
      const wire = pbEncode(randomPut());
      const expected = pbDecode(wire);
      expect(decodeRequest(wire)).toEqual(expected);
      expect(decodeRequest(new Uint8Array(wire))).toEqual(expected);
    }
  });

  it('reads fields in any order, a repeated scalar as its last value, and a put with no fields', () => {
    // id after put; key given twice (last wins); prev_kv as a 10-byte varint 1.
    const put = Buffer.from([0x0a, 0x01, 0x61, 0x0a, 0x01, 0x62, 0x20, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    const wire = Buffer.concat([Buffer.from([0x12, put.length]), put, Buffer.from([0x0a, 0x02, 0x69, 0x64])]);
    expect(decodeRequest(wire)).toEqual(pbDecode(wire));
    expect(decodeRequest(wire).put?.key.toString()).toBe('b');
    const empty = Buffer.from([0x12, 0x00]);
    expect(decodeRequest(empty)).toEqual(pbDecode(empty));
  });

  it('leaves leases, other requests, unknown fields and non-ASCII ids to protobufjs, with the same result', () => {
    const cases: InternalRequest[] = [
      { id: 'a', put: { key: Buffer.from('k'), value: Buffer.from('v'), lease: '7587869930435213345' } as PutRequest },
      { id: 'b', delete_range: { key: Buffer.from('k'), range_end: Buffer.alloc(0) } as never },
      { id: 'c', compaction: { revision: '12' } as never },
      { id: 'ü-1', put: { key: Buffer.from('k'), value: Buffer.from('v') } as PutRequest },
    ];
    for (const req of cases) {
      const wire = Buffer.from(encodeRequest(req));
      expect(wire.equals(pbEncode(req))).toBe(true);
      expect(decodeRequest(wire)).toEqual(pbDecode(wire));
    }
    expect(decodeRequest(Buffer.from(encodeRequest(cases[0] as InternalRequest))).put?.lease).toBe('7587869930435213345');
    // An unknown field inside the put (field 7, varint) and at the top level (field 11).
    const unknownInPut = Buffer.from([0x12, 0x05, 0x0a, 0x01, 0x6b, 0x38, 0x01]);
    const unknownTop = Buffer.from([0x12, 0x03, 0x0a, 0x01, 0x6b, 0x58, 0x01]);
    for (const wire of [unknownInPut, unknownTop]) expect(decodeRequest(wire)).toEqual(pbDecode(wire));
  });

  it('treats truncated input as protobufjs does (an error, or the same partial request)', () => {
    const wire = Buffer.from(encodeRequest(randomPut()));
    const outcome = (fn: () => object): object => {
      try {
        return { ok: fn() };
      } catch {
        return { threw: true };
      }
    };
    let threw = 0;
    for (let cut = 1; cut < wire.length; cut++) {
      const part = wire.subarray(0, cut);
      const expected = outcome(() => pbDecode(part));
      expect({ cut, ...outcome(() => decodeRequest(part)) }).toEqual({ cut, ...expected });
      if ('threw' in expected) threw++;
    }
    expect(threw).toBeGreaterThan(0);
  });
});

// Puts with a lease, deletes and transactions: the InternalRequest written here around bodies
// from lib/grpc/etcd-kv-codec.ts. Bytes and objects must be protobufjs' own.
describe('replicated request codec: deletes, transactions and leased puts', () => {
  const t = storeProtoTypes().request;
  const pbEncode = (req: object): Buffer => Buffer.from(t.encode(t.fromObject(req)).finish());
  const pbDecode = (buf: Buffer): object =>
    t.toObject(t.decode(buf), { longs: String, enums: String, bytes: Buffer, defaults: true, oneofs: true, arrays: true });
  const key = Buffer.from('/registry/pods/default/web-1');
  // What the API server's GuaranteedUpdate sends: put if unchanged since the read, else read.
  const guaranteedUpdate = {
    compare: [{ result: 'EQUAL', target: 'MOD', key, mod_revision: '123456', target_union: 'mod_revision' }],
    success: [{ request_put: { key, value: Buffer.alloc(1500, 0x7b), lease: '0' } }],
    failure: [{ request_range: { key } }],
  };
  const cases = [
    { id: 'a-1', txn: guaranteedUpdate },
    { id: 'a-2', txn: { compare: [{ target: 'CREATE', key, create_revision: 0 }], success: [{ request_put: { key, value: Buffer.from('{}') } }], failure: [] } },
    { id: 'a-3', txn: { success: [{ request_txn: { success: [{ request_delete_range: { key, prev_kv: true } }] } }] } },
    { id: 'a-4', delete_range: { key, range_end: Buffer.from('/registry/pods/default/web-2'), prev_kv: true } },
    { id: 'a-5', put: { key, value: Buffer.from('v'), lease: '7587869930435213345' } },
    { id: 'a-6', put: { key, value: Buffer.from('v'), lease: 42, prev_kv: true } },
    { id: '', txn: {} },
  ];

  it('writes the bytes protobufjs writes, and reads them as protobufjs does', () => {
    for (const req of cases) {
      const wire = Buffer.from(encodeRequest(req as unknown as InternalRequest));
      expect(wire.equals(pbEncode(req))).toBe(true);
      const expected = pbDecode(wire);
      expect(decodeRequest(wire)).toEqual(expected);
      expect(decodeRequest(new Uint8Array(wire))).toEqual(expected);
    }
    const txn = decodeRequest(pbEncode(cases[0] as object)).txn;
    expect(txn?.compare[0]?.mod_revision).toBe('123456');
    expect(txn?.success[0]?.request).toBe('request_put');
    expect(txn?.success[0]?.request_put?.value.length).toBe(1500);
    expect(decodeRequest(pbEncode(cases[4] as object)).put?.lease).toBe('7587869930435213345');
  });

  it('leaves two members set, unknown fields and other requests to protobufjs, with the same result', () => {
    const twoMembers = { id: 'b-1', txn: {}, delete_range: { key } };
    expect(Buffer.from(encodeRequest(twoMembers as unknown as InternalRequest)).equals(pbEncode(twoMembers))).toBe(true);
    const txnWire = pbEncode({ id: 'b-2', txn: guaranteedUpdate });
    // An unknown top-level field (11, varint) after the transaction; the delete given twice.
    const unknownTop = Buffer.concat([txnWire, Buffer.from([0x58, 0x01])]);
    const deleteTwice = Buffer.concat([pbEncode({ delete_range: { key } }), pbEncode({ delete_range: { key: Buffer.from('k2') } })]);
    for (const wire of [unknownTop, deleteTwice, pbEncode({ id: 'b-3', lease_revoke: { ID: '5' } })]) {
      expect(decodeRequest(wire)).toEqual(pbDecode(wire));
    }
  });

  it('treats truncated input as protobufjs does (an error, or the same partial request)', () => {
    const wire = Buffer.from(encodeRequest({ id: 'c-1', txn: guaranteedUpdate } as unknown as InternalRequest));
    const outcome = (fn: () => object): object => {
      try {
        return { ok: fn() };
      } catch {
        return { threw: true };
      }
    };
    for (let cut = 1; cut < wire.length; cut++) {
      const part = wire.subarray(0, cut);
      expect({ cut, ...outcome(() => decodeRequest(part)) }).toEqual({ cut, ...outcome(() => pbDecode(part)) });
    }
  });
});
