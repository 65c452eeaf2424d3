// Keys are held internally as latin1 strings: one UTF-16 code unit per byte, so JavaScript's
// string ordering is exactly etcd's bytewise key ordering and strings work as Map keys.

export type KeyId = string;

export function toKeyId(key: Buffer): KeyId {
  return key.toString('latin1');
}

export function fromKeyId(id: KeyId): Buffer {
  return Buffer.from(id, 'latin1');
}

/**
 * A normalised etcd key range: a single key, [start, end), or every key >= start (end undefined).
 */
export interface KeyRange {
  readonly single: boolean;
  readonly start: KeyId;
  readonly end: KeyId | undefined;
}

/**
 * etcd semantics: rangeEnd absent or empty = just `key`; rangeEnd = [0x00] = all keys >= key;
 * otherwise the half-open interval [key, rangeEnd).
 */
export function toKeyRange(key: Buffer, rangeEnd: Buffer | undefined): KeyRange {
  const start = toKeyId(key);
  if (rangeEnd === undefined || rangeEnd.length === 0) return { single: true, start, end: undefined };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { single: false, start, end: undefined };
  return { single: false, start, end: toKeyId(rangeEnd) };
}

export function rangeContains(range: KeyRange, id: KeyId): boolean {
  if (range.single) return id === range.start;
  return id >= range.start && (range.end === undefined || id < range.end);
}
