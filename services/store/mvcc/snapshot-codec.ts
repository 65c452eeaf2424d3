import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { CorruptDataError } from './errors.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import type { StoredRevision } from './types.js';

// Raft snapshot payload: magic | varint currentRevision | varint compactRevision, then until
// the end: varint main | varint sub | length-prefixed record (record-codec), in revision order.

const MAGIC = Buffer.from('MVC1', 'latin1');

export interface StoreImage {
  currentRevision: number;
  compactRevision: number;
  revisions: StoredRevision[];
}

export function encodeSnapshot(currentRevision: number, compactRevision: number, revisions: Iterable<StoredRevision>): Buffer {
  const w = new ByteWriter(4096);
  w.bytes(MAGIC).varint(currentRevision).varint(compactRevision);
  for (const rec of revisions) w.varint(rec.main).varint(rec.sub).lengthPrefixed(encodeRecord(rec));
  return w.finish();
}

export function decodeSnapshot(data: Uint8Array): StoreImage {
  const r = new ByteReader(data);
  if (!r.bytes(MAGIC.length).equals(MAGIC)) throw new CorruptDataError('not an mvcc snapshot');
  const currentRevision = r.varint();
  const compactRevision = r.varint();
  const revisions: StoredRevision[] = [];
  while (!r.done) {
    const main = r.varint();
    const sub = r.varint();
    revisions.push(decodeRecord({ main, sub }, r.lengthPrefixed()));
  }
  return { currentRevision, compactRevision, revisions };
}
