// Record framing. Every record is one self-delimiting frame:
//
//   off 0  u32 LE  payload length N
//   off 4  u32 LE  CRC-32 (zlib.crc32) over bytes [0,4) and [8, 13+N): length, type, synced, payload
//   off 8  u8      record type (0 is never valid, so zero-filled space never parses as a record)
//   off 9  u32 LE  synced: how many bytes of this segment were fsynced when the frame was written
//   off 13 N bytes payload
//
// Checksums are per frame, not chained: an individual checksum lets the reader re-synchronise
// after a bad frame and ask "is anything durable behind this damage?", which is what separates
// a torn tail (safe to cut) from corruption (must stop). Ordering and completeness across the
// whole log are still covered: the reader keeps a running CRC over the frame checksums, and
// each segment's first record carries the running value of everything before it.
import { crc32 } from 'node:zlib';
import type { PayloadCodec } from './encoding.js';

export const RecordType = {
  /** First record of every segment: running CRC of the log so far, sequence, header size. */
  Crc: 1,
  /** Opaque creator metadata, repeated at the start of every segment. */
  Metadata: 2,
  Entry: 3,
  HardState: 4,
  SnapshotMark: 5,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export const FRAME_HEADER_BYTES = 13;
/** Lengths are u32 and segments are read whole; keep any single frame well inside that. */
export const MAX_PAYLOAD_BYTES = 0xffff_0000;

function isRecordType(t: number | undefined): t is RecordType {
  return t !== undefined && t >= RecordType.Crc && t <= RecordType.SnapshotMark;
}

/** Folds one frame's checksum into the log-wide running CRC. */
export function chainCrc(running: number, frameCrc: number): number {
  chainScratch.writeUInt32LE(frameCrc >>> 0, 0);
  return crc32(chainScratch, running);
}
// Reused because chainCrc runs once per record on both the write and the replay path.
const chainScratch = Buffer.alloc(4);

interface PendingFrame {
  type: RecordType;
  size: number;
  write(buf: Buffer, off: number): void;
}

/** Collects the records of one write so they are sized once, allocated once and written once. */
export class FrameBatch {
  private readonly frames: PendingFrame[] = [];
  private total = 0;

  add<T>(type: RecordType, codec: PayloadCodec<T>, value: T): this {
    const size = codec.size(value);
    if (size > MAX_PAYLOAD_BYTES) throw new RangeError(`record payload of ${size} bytes is too large`);
    this.frames.push({ type, size, write: (buf, off) => codec.write(buf, off, value) });
    this.total += FRAME_HEADER_BYTES + size;
    return this;
  }

  get byteLength(): number {
    return this.total;
  }

  get isEmpty(): boolean {
    return this.frames.length === 0;
  }

  /** Encodes all frames; returns the bytes and the running CRC after the last frame. */
  encode(synced: number, runningCrc: number): { bytes: Buffer; runningCrc: number } {
    const buf = Buffer.allocUnsafe(this.total);
    let off = 0;
    let running = runningCrc;
    for (const f of this.frames) {
      buf.writeUInt32LE(f.size, off);
      buf[off + 8] = f.type;
      buf.writeUInt32LE(synced, off + 9);
      f.write(buf, off + FRAME_HEADER_BYTES);
      const end = off + FRAME_HEADER_BYTES + f.size;
      const crc = frameCrc(buf, off, end);
      buf.writeUInt32LE(crc, off + 4);
      running = chainCrc(running, crc);
      off = end;
    }
    return { bytes: buf, runningCrc: running };
  }
}

function frameCrc(buf: Buffer, start: number, end: number): number {
  return crc32(buf.subarray(start + 8, end), crc32(buf.subarray(start, start + 4)));
}

export interface Frame {
  type: RecordType;
  synced: number;
  crc: number;
  /** Offset of the frame's first byte. */
  start: number;
  payloadStart: number;
  /** Offset just past the frame. */
  end: number;
}

export type FrameResult = { ok: true; frame: Frame } | { ok: false; reason: string };

/** Decodes the frame at off, or explains why there is no valid frame there. */
export function decodeFrame(buf: Buffer, off: number): FrameResult {
  if (buf.length - off < FRAME_HEADER_BYTES) {
    return { ok: false, reason: `partial frame header (${buf.length - off} of ${FRAME_HEADER_BYTES} bytes)` };
  }
  const len = buf.readUInt32LE(off);
  const end = off + FRAME_HEADER_BYTES + len;
  if (end > buf.length) return { ok: false, reason: `frame length ${len} runs past end of file` };
  const type = buf[off + 8];
  if (!isRecordType(type)) return { ok: false, reason: `unknown record type ${String(type)}` };
  const crc = buf.readUInt32LE(off + 4);
  if (frameCrc(buf, off, end) !== crc) return { ok: false, reason: 'checksum mismatch' };
  return {
    ok: true,
    frame: { type, synced: buf.readUInt32LE(off + 9), crc, start: off, payloadStart: off + FRAME_HEADER_BYTES, end },
  };
}

/**
 * Yields every frame that verifies at any byte offset from `start` on, skipping past each one
 * found. Used only after damage, to look for intact records behind it.
 */
export function* scanFrames(buf: Buffer, start: number): Generator<Frame> {
  let off = start;
  while (off + FRAME_HEADER_BYTES <= buf.length) {
    const r = decodeFrame(buf, off);
    if (r.ok) {
      yield r.frame;
      off = r.frame.end;
    } else {
      off++;
    }
  }
}
