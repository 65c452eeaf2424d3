import type { KeyId } from './key-range.js';

// Chunk bounds keep inserts O(sqrt n)-ish: a flat sorted array would memmove the whole key set
// on every new key, which hurts once the store holds hundreds of thousands of keys.
const MAX_CHUNK = 512;

/** An ordered set of keys supporting insert, remove and in-order scans from a lower bound. */
export class SortedKeyList {
  // Every chunk is non-empty and sorted; all keys of chunk i sort before those of chunk i + 1.
  private chunks: KeyId[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  insert(key: KeyId): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count++;
      return;
    }
    let ci = this.chunkFor(key);
    if (ci === this.chunks.length) ci--; // beyond every key: append to the last chunk
    const chunk = this.chunkAt(ci);
    const at = lowerBound(chunk, key);
    if (chunk[at] === key) return;
    chunk.splice(at, 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK) {
      this.chunks.splice(ci + 1, 0, chunk.splice(chunk.length >> 1));
    }
  }

  remove(key: KeyId): void {
    const ci = this.chunkFor(key);
    if (ci === this.chunks.length) return;
    const chunk = this.chunkAt(ci);
    const at = lowerBound(chunk, key);
    if (chunk[at] !== key) return;
    chunk.splice(at, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
  }

  /** Calls visit for each key >= lower in ascending order until it returns false. */
  forEachFrom(lower: KeyId, visit: (key: KeyId) => boolean): void {
    let ci = this.chunkFor(lower);
    if (ci === this.chunks.length) return;
    let i = lowerBound(this.chunkAt(ci), lower);
    for (; ci < this.chunks.length; ci++, i = 0) {
      const chunk = this.chunkAt(ci);
      for (; i < chunk.length; i++) {
        if (!visit(chunk[i] as KeyId)) return;
      }
    }
  }

  /** Index of the first chunk whose last key is >= key, or chunks.length if none. */
  private chunkFor(key: KeyId): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunkAt(mid);
      if ((chunk[chunk.length - 1] as KeyId) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private chunkAt(i: number): KeyId[] {
    const chunk = this.chunks[i];
    if (chunk === undefined) throw new Error(`sorted-key-list: no chunk ${i}`);
    return chunk;
  }
}

function lowerBound(sorted: readonly KeyId[], key: KeyId): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as KeyId) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
