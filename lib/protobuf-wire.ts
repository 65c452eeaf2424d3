// Protobuf wire-format pieces for the hand-written codecs (the store's peer stream and replicated
// puts, the store bench's client). Division, not shifts: shifts truncate to 32 bits, and Raft indexes and revisions
// may exceed that (any non-negative safe integer is written exactly).

/** Bytes a varint of n takes. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Writes n as a varint at off; returns the offset after it. */
export function writeVarint(buf: Buffer, off: number, n: number): number {
  while (n >= 0x80) {
    buf[off++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[off++] = n;
  return off;
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export class ProtoDecodeError extends Error {
  override name = 'ProtoDecodeError';
}

/** Reads protobuf fields from buf[pos, end); truncated or malformed input throws ProtoDecodeError. */
export class ProtoReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new ProtoDecodeError('truncated varint');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      // 10 bytes hold 64 bits; anything longer is malformed.
      if (scale > 2 ** 63) throw new ProtoDecodeError('varint too long');
    }
    if (result > Number.MAX_SAFE_INTEGER) throw new ProtoDecodeError('integer beyond 2^53');
    return result;
  }

  /** The bounds of a length-delimited field's payload; the reader moves past it. */
  len(): { start: number; end: number } {
    const n = this.varint();
    const start = this.pos;
    if (start + n > this.end) throw new ProtoDecodeError('truncated field');
    this.pos = start + n;
    return { start, end: start + n };
  }

  /** A copy of a length-delimited field, for callers that keep it while the input's memory is reused. */
  bytes(): Buffer {
    const { start, end } = this.len();
    return Buffer.from(this.buf.subarray(start, end));
  }

  string(): string {
    const { start, end } = this.len();
    return this.buf.toString('utf8', start, end);
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.advance(8);
    else if (wire === WIRE_LEN) this.len();
    else if (wire === WIRE_FIXED32) this.advance(4);
    else throw new ProtoDecodeError(`unsupported wire type ${wire}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtoDecodeError('truncated field');
    this.pos += n;
  }

  sub(): ProtoReader {
    const { start, end } = this.len();
    return new ProtoReader(this.buf, start, end);
  }
}
