// Docker's multiplexed stream format (non-TTY attach, exec and logs): frames of an 8-byte header
// [stream type (0 stdin, 1 stdout, 2 stderr), 0, 0, 0, payload length uint32 BE] and the payload.
// A pure, incremental parser: feed it chunks as they arrive.

export type StreamKind = 'stdin' | 'stdout' | 'stderr';

export interface Frame {
  stream: StreamKind;
  data: Buffer;
}

const KINDS: Record<number, StreamKind> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };
const HEADER = 8;

/** A frame header with an unknown stream type: the stream is not multiplexed or lost sync. */
export class StreamFormatError extends Error {
  override readonly name = 'StreamFormatError';
  constructor(readonly streamType: number) {
    super(`not a Docker multiplexed stream (stream type ${streamType})`);
  }
}

export class StreamDemuxer {
  private buf: Buffer = Buffer.alloc(0);

  /** Frames completed by this chunk; a partial frame waits for the next chunk. */
  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    while (this.buf.length >= HEADER) {
      const type = this.buf.readUInt8(0);
      const kind = KINDS[type];
      if (kind === undefined) throw new StreamFormatError(type);
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < HEADER + len) break;
      frames.push({ stream: kind, data: this.buf.subarray(HEADER, HEADER + len) });
      this.buf = this.buf.subarray(HEADER + len);
    }
    return frames;
  }

  /** Bytes of an unfinished frame still held (non-zero at end of stream means it was cut off). */
  get pending(): number {
    return this.buf.length;
  }
}

/** Splits a whole multiplexed buffer into stdout and stderr text. */
export function demuxAll(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (const f of new StreamDemuxer().push(buf)) (f.stream === 'stderr' ? err : out).push(f.data);
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
