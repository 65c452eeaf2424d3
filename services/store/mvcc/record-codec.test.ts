import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { tombstoneKv } from './revision-record.js';
import type { StoredRevision } from './types.js';

function put(main: number, key: Buffer, value: Buffer, createRevision: number, version: number, lease: bigint): StoredRevision {
  return { main, sub: 0, tombstone: false, kv: { key, createRevision, modRevision: main, version, value, lease } };
}

describe('record codec', () => {
  const cases: StoredRevision[] = [
    put(5, Buffer.from('k'), Buffer.from('v'), 5, 1, 0n),
    put(2 ** 40, Buffer.alloc(300, 1), Buffer.alloc(70_000, 2), 2 ** 33, 2 ** 21, -(2n ** 63n)),
    put(9, Buffer.alloc(0), Buffer.alloc(0), 9, 1, 7587869930435213345n),
    { main: 12, sub: 3, tombstone: true, kv: tombstoneKv(Buffer.alloc(200, 3), 12) },
  ];

  it('reads back what it writes: large revisions, negative and 64-bit leases, empty and large keys and values, tombstones', () => {
    for (const rec of cases) {
      const bytes = encodeRecord(rec);
      const back = decodeRecord({ main: rec.main, sub: rec.sub }, bytes);
      expect(back.tombstone).toBe(rec.tombstone);
      expect(back.kv.key.equals(rec.kv.key)).toBe(true);
      if (!rec.tombstone) {
        expect(back.kv.value.equals(rec.kv.value)).toBe(true);
        expect([back.kv.createRevision, back.kv.version, back.kv.lease, back.kv.modRevision]).toEqual([rec.kv.createRevision, rec.kv.version, rec.kv.lease, rec.main]);
      }
    }
  });
});
