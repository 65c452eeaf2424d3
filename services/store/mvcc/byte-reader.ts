import { CorruptDataError } from './errors.js';

/** Reads what ByteWriter wrote; any overrun or malformed varint is a CorruptDataError. */
export class ByteReader {
  private readonly buf: Buffer;
  private pos = 0;

  constructor(data: Uint8Array) {
    this.buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new CorruptDataError('truncated varint');
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 0x80;
      if (scale > Number.MAX_SAFE_INTEGER) throw new CorruptDataError('varint too long');
    }
    if (!Number.isSafeInteger(n)) throw new CorruptDataError('varint out of range');
    return n;
  }

  int64(): bigint {
    this.need(8);
    const n = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return n;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  /** A copy, so decoded values do not pin the whole input buffer. */
  bytes(n: number): Buffer {
    this.need(n);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  lengthPrefixed(): Buffer {
    return this.bytes(this.varint());
  }

  rest(): Buffer {
    return this.bytes(this.buf.length - this.pos);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new CorruptDataError('truncated data');
  }
}
