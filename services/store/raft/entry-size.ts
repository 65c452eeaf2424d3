import type { Entry } from './types.js';

// Framing for term, index and type, so that empty entries still count towards size limits.
const entryOverhead = 16;

export function entrySize(e: Entry): number {
  return e.data.byteLength + entryOverhead;
}

export function entriesSize(ents: readonly Entry[]): number {
  let size = 0;
  for (const e of ents) size += entrySize(e);
  return size;
}

/** The longest prefix of ents within maxBytes, but always at least one entry so progress is made. */
export function limitSize(ents: Entry[], maxBytes: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0] as Entry);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n] as Entry);
    if (size > maxBytes) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}
