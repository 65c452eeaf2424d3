// The Raft message stream between members, on the peer port (2380) beside the gRPC peer calls.
// A member opens one plain TCP connection to each peer, announces it with STREAM_MAGIC and then
// writes frames: a 4-byte big-endian length and a MessageBatch (server/peer-codec.ts). The
// receiving side answers only with empty frames, once a second, so the sender can tell a dead
// connection from a quiet one (what gRPC keepalive did when this was a gRPC stream).
// etcd's rafthttp keeps its stream off gRPC for the same reason: per-message cost.
// This file holds the pure parts: the magic sniffer and the frame reader.

/** The first bytes of a Raft stream connection; an HTTP/2 client starts with "PRI * HTTP/2.0". */
export const STREAM_MAGIC = Buffer.from('STORE-RAFT-STREAM/1\r\n', 'latin1');

/** Frames longer than this end the connection (a corrupt or hostile length). */
export const MAX_FRAME_BYTES = 2 ** 31 - 1;

export const FRAME_HEADER_BYTES = 4;

/** An empty frame: the receiver's "still here". */
export const PING_FRAME = Buffer.alloc(FRAME_HEADER_BYTES);

export type PrefaceKind = 'stream' | 'other' | 'more';

/**
 * Whether a connection's first bytes open a Raft stream ('stream'), something else ('other',
 * e.g. gRPC), or cannot tell yet ('more': a proper prefix of the magic).
 */
export function classifyPreface(bytes: Buffer): PrefaceKind {
  const n = Math.min(bytes.length, STREAM_MAGIC.length);
  if (bytes.compare(STREAM_MAGIC, 0, n, 0, n) !== 0) return 'other';
  return n === STREAM_MAGIC.length ? 'stream' : 'more';
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/**
 * Splits a byte stream into frames. Frames come back as views of the pushed chunks when a
 * chunk holds them whole (the usual case) and as one copy otherwise; a large frame spread over
 * many chunks is joined once, when its last byte is in.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being read, or -1 while its header is not yet in. */
  private need = -1;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /** Bytes held for a frame not yet complete. */
  get pending(): number {
    return this.buffered;
  }

  /** Adds bytes; returns the frames they complete (empty frames included), in order. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    if (chunk.length === 0) return frames;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < FRAME_HEADER_BYTES) break;
        const length = this.take(FRAME_HEADER_BYTES).readUInt32BE(0);
        if (length > this.maxFrameBytes) throw new FrameError(`frame of ${length} bytes is over the ${this.maxFrameBytes}-byte limit`);
        this.need = length;
      }
      if (this.buffered < this.need) break;
      frames.push(this.take(this.need));
      this.need = -1;
    }
    return frames;
  }

  /** Removes and returns the next n buffered bytes (n <= buffered). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first === undefined) return Buffer.alloc(0);
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0] as Buffer;
      const used = Math.min(c.length, n - at);
      c.copy(out, at, 0, used);
      at += used;
      if (used === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(used);
    }
    return out;
  }
}
