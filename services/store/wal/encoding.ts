// Compact little-endian binary payloads of WAL records. Entries are on the hot path, so each
// codec first reports its exact size (the batch is allocated once) and then writes in place.
// Integers are u64 on disk (two u32 halves) but must be safe JS integers; strings are UTF-8.
import type { ConfState, Entry, EntryType, HardState } from '../raft/types.js';
import { WalDecodeError, WalInvalidValueError } from './errors.js';

export interface PayloadCodec<T> {
  size(value: T): number;
  /** Writes exactly size(value) bytes at off. */
  write(buf: Buffer, off: number, value: T): void;
  /** Decodes buf[off, end); data fields are copied so results do not pin the segment buffer. */
  read(buf: Buffer, off: number, end: number): T;
}

/** Where a snapshot was taken; the WAL records it so replay can start from there. */
export interface SnapshotMark {
  index: number;
  term: number;
  confState: ConfState;
}

/** Payload of the record that opens every segment. */
export interface SegmentHeader {
  /** Running checksum of every record in all earlier segments (0 for the first segment). */
  prevCrc: number;
  seq: number;
  /** Bytes at the start of the segment that were fsynced before the file got its final name. */
  headerBytes: number;
}

const TWO_32 = 0x1_0000_0000;

function checkU64(field: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new WalInvalidValueError(field, n);
}

function writeU64(buf: Buffer, off: number, n: number): void {
  buf.writeUInt32LE(n >>> 0, off);
  buf.writeUInt32LE(Math.floor(n / TWO_32), off + 4);
}

function readU64(buf: Buffer, off: number): number {
  const hi = buf.readUInt32LE(off + 4);
  // Values above 2^53 were never written by us; treat them as damage instead of losing precision.
  if (hi >= 0x20_0000) throw new WalDecodeError(`u64 at ${off} exceeds 2^53`);
  return hi * TWO_32 + buf.readUInt32LE(off);
}

function need(off: number, n: number, end: number): void {
  if (off + n > end) throw new WalDecodeError(`payload too short: need ${n} bytes at ${off}, end ${end}`);
}

function copyBytes(buf: Buffer, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.subarray(start, end));
}

const ENTRY_FIXED = 8 + 8 + 1;

/** term u64 | index u64 | type u8 | data (rest of payload). */
export const entryCodec: PayloadCodec<Entry> = {
  size: (e) => ENTRY_FIXED + e.data.byteLength,
  write(buf, off, e) {
    checkU64('entry.term', e.term);
    checkU64('entry.index', e.index);
    writeU64(buf, off, e.term);
    writeU64(buf, off + 8, e.index);
    buf[off + 16] = e.type;
    buf.set(e.data, off + ENTRY_FIXED);
  },
  read(buf, off, end) {
    need(off, ENTRY_FIXED, end);
    const type = buf[off + 16];
    if (type !== 0 && type !== 1) throw new WalDecodeError(`unknown entry type ${String(type)}`);
    return {
      term: readU64(buf, off),
      index: readU64(buf, off + 8),
      type: type satisfies EntryType,
      data: copyBytes(buf, off + ENTRY_FIXED, end),
    };
  },
};

/** term u64 | commit u64 | vote (UTF-8, rest of payload). */
export const hardStateCodec: PayloadCodec<HardState> = {
  size: (hs) => 16 + Buffer.byteLength(hs.vote, 'utf8'),
  write(buf, off, hs) {
    checkU64('hardState.term', hs.term);
    checkU64('hardState.commit', hs.commit);
    writeU64(buf, off, hs.term);
    writeU64(buf, off + 8, hs.commit);
    buf.write(hs.vote, off + 16, 'utf8');
  },
  read(buf, off, end) {
    need(off, 16, end);
    return { term: readU64(buf, off), commit: readU64(buf, off + 8), vote: buf.toString('utf8', off + 16, end) };
  },
};

const MAX_ID_BYTES = 0xffff;

function idListSize(ids: readonly string[]): number {
  let n = 4;
  for (const id of ids) n += 2 + Buffer.byteLength(id, 'utf8');
  return n;
}

function writeIdList(field: string, buf: Buffer, off: number, ids: readonly string[]): number {
  buf.writeUInt32LE(ids.length, off);
  let p = off + 4;
  for (const id of ids) {
    const len = Buffer.byteLength(id, 'utf8');
    if (len > MAX_ID_BYTES) throw new WalInvalidValueError(field, id);
    buf.writeUInt16LE(len, p);
    buf.write(id, p + 2, 'utf8');
    p += 2 + len;
  }
  return p;
}

function readIdList(buf: Buffer, off: number, end: number): { ids: string[]; next: number } {
  need(off, 4, end);
  const count = buf.readUInt32LE(off);
  const ids: string[] = [];
  let p = off + 4;
  for (let i = 0; i < count; i++) {
    need(p, 2, end);
    const len = buf.readUInt16LE(p);
    need(p + 2, len, end);
    ids.push(buf.toString('utf8', p + 2, p + 2 + len));
    p += 2 + len;
  }
  return { ids, next: p };
}

/** voters: u32 count, then (u16 len, UTF-8) each | learners: same. */
export const confStateCodec: PayloadCodec<ConfState> = {
  size: (cs) => idListSize(cs.voters) + idListSize(cs.learners),
  write(buf, off, cs) {
    const p = writeIdList('confState.voters', buf, off, cs.voters);
    writeIdList('confState.learners', buf, p, cs.learners);
  },
  read(buf, off, end) {
    const voters = readIdList(buf, off, end);
    const learners = readIdList(buf, voters.next, end);
    if (learners.next !== end) throw new WalDecodeError('trailing bytes after confState');
    return { voters: voters.ids, learners: learners.ids };
  },
};

/** index u64 | term u64 | confState. */
export const snapshotMarkCodec: PayloadCodec<SnapshotMark> = {
  size: (m) => 16 + confStateCodec.size(m.confState),
  write(buf, off, m) {
    checkU64('snapshot.index', m.index);
    checkU64('snapshot.term', m.term);
    writeU64(buf, off, m.index);
    writeU64(buf, off + 8, m.term);
    confStateCodec.write(buf, off + 16, m.confState);
  },
  read(buf, off, end) {
    need(off, 16, end);
    return { index: readU64(buf, off), term: readU64(buf, off + 8), confState: confStateCodec.read(buf, off + 16, end) };
  },
};

/** Opaque bytes supplied by the WAL's creator (etcd stores node and cluster IDs here). */
export const bytesCodec: PayloadCodec<Uint8Array> = {
  size: (b) => b.byteLength,
  write(buf, off, b) {
    buf.set(b, off);
  },
  read: copyBytes,
};

/** prevCrc u32 | seq u64 | headerBytes u32. */
export const segmentHeaderCodec: PayloadCodec<SegmentHeader> = {
  size: () => 16,
  write(buf, off, h) {
    checkU64('segment.seq', h.seq);
    buf.writeUInt32LE(h.prevCrc >>> 0, off);
    writeU64(buf, off + 4, h.seq);
    buf.writeUInt32LE(h.headerBytes, off + 12);
  },
  read(buf, off, end) {
    if (end - off !== 16) throw new WalDecodeError(`segment header is ${end - off} bytes, expected 16`);
    return { prevCrc: buf.readUInt32LE(off), seq: readU64(buf, off + 4), headerBytes: buf.readUInt32LE(off + 12) };
  },
};
