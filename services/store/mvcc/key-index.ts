import type { RevisionRecord } from './revision-record.js';

/**
 * The revision history of one key, split into generations as etcd's keyIndex does: a
 * generation runs from a create to its tombstone (inclusive). The open generation is the
 * last one; it is empty while the key is deleted. Closed generations exist only for keys that
 * were deleted since the last compaction, so they live apart and most keys hold one array.
 */
export class KeyIndex {
  readonly key: Buffer;
  private open: RevisionRecord[] = [];
  /** Closed generations, oldest first; undefined when there are none. */
  private closed: RevisionRecord[][] | undefined;

  constructor(key: Buffer) {
    this.key = key;
  }

  /** The live version at the newest revision (including an open txn's writes), if any. */
  latest(): RevisionRecord | undefined {
    return this.open[this.open.length - 1];
  }

  put(record: RevisionRecord): void {
    this.open.push(record);
  }

  tombstone(record: RevisionRecord): void {
    this.open.push(record);
    (this.closed ??= []).push(this.open);
    this.open = [];
  }

  /** The live version visible at atRev, or undefined if the key did not exist then. */
  get(atRev: number): RevisionRecord | undefined {
    const open = this.open;
    const first = open[0];
    if (first !== undefined && first.main <= atRev) return open[latestAtOrBefore(open, atRev)];
    const closed = this.closed;
    if (closed === undefined) return undefined;
    for (let g = closed.length - 1; g >= 0; g--) {
      const revs = closed[g] as RevisionRecord[];
      if ((revs[0] as RevisionRecord).main > atRev) continue;
      // A closed generation whose tombstone is at or before atRev means the key was deleted then.
      if ((revs[revs.length - 1] as RevisionRecord).main <= atRev) return undefined;
      return revs[latestAtOrBefore(revs, atRev)];
    }
    return undefined;
  }

  /**
   * etcd keyIndex compaction: drop every generation that ended at or before atRev and, within
   * the generation covering atRev, every record older than the latest one at or before atRev.
   * A tombstone is never the kept record, so a key deleted at or before atRev vanishes.
   */
  compact(atRev: number, removed: RevisionRecord[]): void {
    // Compaction visits every key; most have no closed generations, and then allocate nothing.
    let closed = this.closed;
    if (closed !== undefined) {
      let gi = 0;
      while (gi < closed.length) {
        const revs = closed[gi] as RevisionRecord[];
        if ((revs[revs.length - 1] as RevisionRecord).main > atRev) break;
        gi++;
      }
      for (let i = 0; i < gi; i++) removed.push(...(closed[i] as RevisionRecord[]));
      if (gi > 0) closed = closed.slice(gi);
    }

    // The generation covering atRev: the oldest remaining one.
    const revs = closed?.[0] ?? this.open;
    if (revs.length > 0) {
      const keep = latestAtOrBefore(revs, atRev);
      if (keep > 0) {
        removed.push(...revs.splice(0, keep));
        (revs[0] as RevisionRecord).prev = undefined;
      }
      // Only reachable if the kept record were a tombstone; etcd guards it the same way.
      if (closed !== undefined && revs !== this.open && revs.length === 1) {
        removed.push(revs[0] as RevisionRecord);
        closed = closed.slice(1);
      }
    }
    this.closed = closed !== undefined && closed.length > 0 ? closed : undefined;
  }

  /** No history left at all: the key can leave the index. */
  isEmpty(): boolean {
    return this.closed === undefined && this.open.length === 0;
  }
}

/** Index of the newest record with main <= atRev, or -1. Records are in revision order. */
function latestAtOrBefore(revs: readonly RevisionRecord[], atRev: number): number {
  let lo = 0;
  let hi = revs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((revs[mid] as RevisionRecord).main <= atRev) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
