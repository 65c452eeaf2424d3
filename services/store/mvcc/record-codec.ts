import { ByteReader } from './byte-reader.js';
import { varintSize } from '../../../lib/protobuf-wire.js';
import { ByteWriter } from './byte-writer.js';
import { CorruptDataError } from './errors.js';
import { tombstoneKv } from './revision-record.js';
import type { RevisionId, StoredRevision } from './types.js';

// Persisted form of one key revision. The revision itself lives in the LevelDB key (or the
// snapshot entry header); modRevision is always its main part, so it is not repeated here.
//   flags (1 byte: bit 0 = tombstone) | varint keyLen | key
//   put only: varint createRevision | varint version | int64 lease (BE) | value (rest)

const TOMBSTONE = 1;

export function encodeRecord(rec: StoredRevision): Buffer {
  // Sized exactly, so finish() hands out the writer's own buffer: one allocation per record.
  const { key, value, createRevision, version, lease } = rec.kv;
  const size = 1 + varintSize(key.length) + key.length + (rec.tombstone ? 0 : varintSize(createRevision) + varintSize(version) + 8 + value.length);
  const w = new ByteWriter(size);
  w.byte(rec.tombstone ? TOMBSTONE : 0).lengthPrefixed(key);
  if (!rec.tombstone) w.varint(createRevision).varint(version).int64(lease).bytes(value);
  return w.finish();
}

export function decodeRecord(id: RevisionId, data: Uint8Array): StoredRevision {
  const r = new ByteReader(data);
  const flags = r.byte();
  if ((flags & ~TOMBSTONE) !== 0) throw new CorruptDataError(`unknown record flags ${flags}`);
  const key = r.lengthPrefixed();
  if ((flags & TOMBSTONE) !== 0) {
    if (!r.done) throw new CorruptDataError('trailing bytes after tombstone');
    return { main: id.main, sub: id.sub, tombstone: true, kv: tombstoneKv(key, id.main) };
  }
  const createRevision = r.varint();
  const version = r.varint();
  const lease = r.int64();
  const value = r.rest();
  return {
    main: id.main,
    sub: id.sub,
    tombstone: false,
    kv: { key, createRevision, modRevision: id.main, version, value, lease: lease === 0n ? 0n : lease },
  };
}

const TWO_32 = 2 ** 32;

/** 8-byte big-endian main + 8-byte big-endian sub: bytewise order is revision order. */
export function encodeRevision(id: RevisionId, prefix?: number): Buffer {
  const offset = prefix === undefined ? 0 : 1;
  const b = Buffer.allocUnsafe(16 + offset);
  if (prefix !== undefined) b[0] = prefix;
  writeUint64(b, offset, id.main);
  writeUint64(b, offset + 8, id.sub);
  return b;
}

export function decodeRevision(b: Uint8Array, offset = 0): RevisionId {
  if (b.length !== offset + 16) throw new CorruptDataError(`revision key of ${b.length} bytes`);
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return { main: readUint64(buf, offset), sub: readUint64(buf, offset + 8) };
}

function writeUint64(b: Buffer, at: number, n: number): void {
  b.writeUInt32BE(Math.floor(n / TWO_32), at);
  b.writeUInt32BE(n % TWO_32, at + 4);
}

function readUint64(b: Buffer, at: number): number {
  const n = b.readUInt32BE(at) * TWO_32 + b.readUInt32BE(at + 4);
  if (!Number.isSafeInteger(n)) throw new CorruptDataError('revision out of range');
  return n;
}
