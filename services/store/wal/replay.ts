// Reads segments back into Raft state, like etcd's WAL.ReadAll. Replay is read-only: it reports
// where the last segment's torn tail starts and leaves the repair to the caller (Wal.open).
//
// Torn tail vs corruption. A bad frame is only tolerated in the last segment, after the
// segment header, and only when no intact frame behind it claims (through its `synced` field)
// that the bad frame's bytes had already been fsynced. Anything else would mean acknowledged
// data is damaged, so replay stops with WalCorruptError instead of dropping it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry, HardState } from '../raft/types.js';
import {
  bytesCodec,
  entryCodec,
  hardStateCodec,
  segmentHeaderCodec,
  snapshotMarkCodec,
} from './encoding.js';
import type { PayloadCodec, SnapshotMark } from './encoding.js';
import {
  WalCorruptError,
  WalDecodeError,
  WalMetadataConflictError,
  WalNotFoundError,
  WalSnapshotMismatchError,
  WalSnapshotNotFoundError,
} from './errors.js';
import { RecordType, chainCrc, decodeFrame, scanFrames } from './record.js';
import type { Frame } from './record.js';
import { listSegments } from './segment-name.js';
import type { SegmentFile } from './segment-name.js';

export interface ReplayFrom {
  index: number;
  term: number;
}

export interface ReplayResult {
  metadata: Uint8Array;
  hardState: HardState;
  entries: Entry[];
  snapshotMarks: SnapshotMark[];
  /** Every segment in the directory, including ones before the replay start. */
  segments: SegmentFile[];
  /** Index of the last entry written (after overwrites, possibly lower than an earlier one). */
  lastIndex: number;
  tail: {
    file: SegmentFile;
    /** Length of the valid prefix of the last segment. */
    validBytes: number;
    /** Set when bytes after validBytes are a torn write that should be cut off. */
    tornReason?: string;
    /** Running CRC after the last valid frame. */
    runningCrc: number;
  };
}

/** Index of the last segment whose first index is at or below index (etcd's searchIndex). */
export function segmentContaining(segments: readonly SegmentFile[], index: number): number {
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    if (s && s.firstIndex <= index) return i;
  }
  return -1;
}

function decodePayload<T>(path: string, buf: Buffer, f: Frame, codec: PayloadCodec<T>): T {
  try {
    return codec.read(buf, f.payloadStart, f.end);
  } catch (err) {
    if (err instanceof WalDecodeError || err instanceof RangeError) {
      throw new WalCorruptError(path, f.start, `undecodable record: ${err.message}`);
    }
    throw err;
  }
}

/** Accumulates entries, letting a later entry at index i replace everything from i on. */
class EntryLog {
  entries: Entry[] = [];
  /** Index just before entries[0]; undefined until the first entry fixes it. */
  private base: number | undefined;

  constructor(private readonly from: ReplayFrom | undefined) {
    this.base = from?.index;
  }

  add(e: Entry, path: string, offset: number): void {
    if (this.from && e.index <= this.from.index) return;
    if (this.base === undefined || e.index <= this.base) {
      // Without a start mark the first entry seen defines the base; an entry below it
      // overwrote everything we hold.
      this.base = e.index - 1;
      this.entries = [];
    }
    const up = e.index - this.base - 1;
    if (up > this.entries.length) {
      const last = this.base + this.entries.length;
      throw new WalCorruptError(path, offset, `entry ${e.index} follows entry ${last}: entries are missing`);
    }
    this.entries.length = up;
    this.entries.push(e);
  }

  /** Without a start mark, a snapshot beyond our entries means the log restarts after it. */
  snapshot(mark: SnapshotMark): void {
    if (this.from) return;
    const held = (this.base ?? 0) + this.entries.length;
    if (mark.index > held) {
      this.base = mark.index;
      this.entries = [];
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

/** The first intact frame behind damage at `at` whose writer knew `at` was already durable. */
function durableFrameAfter(buf: Buffer, at: number): Frame | undefined {
  for (const f of scanFrames(buf, at + 1)) {
    if (f.synced > at) return f;
  }
  return undefined;
}

export async function replay(dir: string, from?: ReplayFrom): Promise<ReplayResult> {
  const segments = await listSegments(dir);
  const first = segments[0];
  if (!first) throw new WalNotFoundError(dir);
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    if (s && s.seq !== first.seq + i) {
      throw new WalCorruptError(join(dir, s.name), 0, `segment sequence gap: expected ${first.seq + i}`);
    }
  }

  const start = from ? segmentContaining(segments, from.index) : 0;
  if (start < 0) throw new WalSnapshotNotFoundError(from?.index ?? 0, from?.term ?? 0);

  let metadata: Uint8Array | undefined;
  let hardState: HardState = { term: 0, vote: '', commit: 0 };
  const log = new EntryLog(from);
  const snapshotMarks: SnapshotMark[] = [];
  let markFound = false;
  let lastIndex = 0;
  let running = 0;
  let tail: ReplayResult['tail'] | undefined;

  for (let i = start; i < segments.length; i++) {
    const seg = segments[i];
    if (!seg) break;
    const path = join(dir, seg.name);
    const isLast = i === segments.length - 1;
    const buf = await readFile(path);

    const head = decodeFrame(buf, 0);
    if (!head.ok) throw new WalCorruptError(path, 0, `bad segment header: ${head.reason}`);
    if (head.frame.type !== RecordType.Crc) throw new WalCorruptError(path, 0, 'segment does not start with a crc record');
    const header = decodePayload(path, buf, head.frame, segmentHeaderCodec);
    if (header.seq !== seg.seq) throw new WalCorruptError(path, 0, `header sequence ${header.seq} does not match name`);
    if (header.headerBytes < head.frame.end || header.headerBytes > buf.length) {
      throw new WalCorruptError(path, 0, `header size ${header.headerBytes} is out of range`);
    }
    // The first segment replayed has nothing before it to check against; later ones must
    // continue exactly where the previous segment ended, which catches a lost segment tail.
    if (i > start && header.prevCrc !== running) {
      throw new WalCorruptError(path, 0, 'running checksum does not continue from the previous segment');
    }
    running = chainCrc(header.prevCrc, head.frame.crc);

    let off = head.frame.end;
    let tornReason: string | undefined;
    while (off < buf.length) {
      const r = decodeFrame(buf, off);
      if (!r.ok) {
        if (!isLast) throw new WalCorruptError(path, off, `${r.reason} in a sealed segment`);
        if (off < header.headerBytes) throw new WalCorruptError(path, off, `${r.reason} in the segment header`);
        const durable = durableFrameAfter(buf, off);
        if (durable) {
          throw new WalCorruptError(path, off, `${r.reason}, followed by a durable record at offset ${durable.start}`);
        }
        tornReason = r.reason;
        break;
      }
      const f = r.frame;
      if (f.synced > f.start) throw new WalCorruptError(path, f.start, `record claims ${f.synced} synced bytes before it`);
      switch (f.type) {
        case RecordType.Crc:
          throw new WalCorruptError(path, f.start, 'crc record in the middle of a segment');
        case RecordType.Metadata: {
          const md = decodePayload(path, buf, f, bytesCodec);
          if (metadata && !sameBytes(metadata, md)) throw new WalMetadataConflictError(path);
          metadata = md;
          break;
        }
        case RecordType.Entry: {
          const e = decodePayload(path, buf, f, entryCodec);
          log.add(e, path, f.start);
          lastIndex = e.index;
          break;
        }
        case RecordType.HardState:
          hardState = decodePayload(path, buf, f, hardStateCodec);
          break;
        case RecordType.SnapshotMark: {
          const mark = decodePayload(path, buf, f, snapshotMarkCodec);
          snapshotMarks.push(mark);
          log.snapshot(mark);
          if (mark.index > lastIndex) lastIndex = mark.index;
          if (from && mark.index === from.index) {
            if (mark.term !== from.term) throw new WalSnapshotMismatchError(from.index, from.term, mark.term);
            markFound = true;
          }
          break;
        }
      }
      running = chainCrc(running, f.crc);
      off = f.end;
    }
    if (isLast) tail = { file: seg, validBytes: off, runningCrc: running, ...(tornReason ? { tornReason } : {}) };
  }

  if (from && !markFound) throw new WalSnapshotNotFoundError(from.index, from.term);
  if (!metadata || !tail) throw new WalCorruptError(join(dir, first.name), 0, 'no metadata record');
  return { metadata, hardState, entries: log.entries, snapshotMarks, segments, lastIndex, tail };
}
