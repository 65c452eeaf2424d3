// Protobuf varints for the hand-written codecs (the store's peer stream, the store bench's
// client). Division, not shifts: shifts truncate to 32 bits, and Raft indexes and revisions
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
