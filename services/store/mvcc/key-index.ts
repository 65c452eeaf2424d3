import type { RevisionRecord } from './revision-record.js';

/**
 * The revision history of one key, split into generations as etcd's keyIndex does: a
 * generation runs from a create to its tombstone (inclusive). The last generation is the open
 * one; it is empty while the key is deleted.
 */
export class KeyIndex {
  readonly key: Buffer;
  private generations: RevisionRecord[][] = [[]];

  constructor(key: Buffer) {
    this.key = key;
  }

  /** The live version at the newest revision (including an open txn's writes), if any. */
  latest(): RevisionRecord | undefined {
    const open = this.openGeneration();
    return open[open.length - 1];
  }

  put(record: RevisionRecord): void {
    this.openGeneration().push(record);
  }

  tombstone(record: RevisionRecord): void {
    this.openGeneration().push(record);
    this.generations.push([]);
  }

  /** The live version visible at atRev, or undefined if the key did not exist then. */
  get(atRev: number): RevisionRecord | undefined {
    const last = this.generations.length - 1;
    for (let g = last; g >= 0; g--) {
      const revs = this.generations[g] as RevisionRecord[];
      const first = revs[0];
      if (first === undefined || first.main > atRev) continue;
      // A closed generation whose tombstone is at or before atRev means the key was deleted then.
      if (g < last && (revs[revs.length - 1] as RevisionRecord).main <= atRev) return undefined;
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
    const last = this.generations.length - 1;
    let gi = 0;
    while (gi < last) {
      const revs = this.generations[gi] as RevisionRecord[];
      if ((revs[revs.length - 1] as RevisionRecord).main > atRev) break;
      gi++;
    }
    for (let i = 0; i < gi; i++) removed.push(...(this.generations[i] as RevisionRecord[]));

    const revs = this.generations[gi] as RevisionRecord[];
    if (revs.length > 0) {
      const keep = latestAtOrBefore(revs, atRev);
      if (keep > 0) {
        removed.push(...revs.splice(0, keep));
        (revs[0] as RevisionRecord).prev = undefined;
      }
      // Only reachable if the kept record were a tombstone; etcd guards it the same way.
      if (revs.length === 1 && gi !== last) {
        removed.push(revs[0] as RevisionRecord);
        gi++;
      }
    }
    if (gi > 0) this.generations = this.generations.slice(gi);
  }

  /** No history left at all: the key can leave the index. */
  isEmpty(): boolean {
    return this.generations.length === 1 && (this.generations[0] as RevisionRecord[]).length === 0;
  }

  private openGeneration(): RevisionRecord[] {
    return this.generations[this.generations.length - 1] as RevisionRecord[];
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
