/** A growable buffer for the compact binary encodings (records, snapshots). */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Unsigned integer up to 2^53 - 1, LEB128 (revisions and lengths are mostly small). */
  varint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`);
    this.ensure(8);
    // Division, not bit shifts: shifts truncate to 32 bits and revisions may exceed that.
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
    return this;
  }

  int64(n: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(n, this.pos);
    this.pos += 8;
    return this;
  }

  byte(n: number): this {
    this.ensure(1);
    this.buf[this.pos++] = n;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Length-prefixed bytes. */
  lengthPrefixed(b: Uint8Array): this {
    return this.varint(b.length).bytes(b);
  }

  /**
   * The written bytes: the buffer itself when they fill it exactly (a writer sized up front),
   * else a copy, so the writer's slack is not retained.
   */
  finish(): Buffer {
    if (this.pos === this.buf.length) return this.buf;
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
