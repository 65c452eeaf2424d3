/**
 * Fixed-size bitset for "which ops are already linearized", with an incrementally maintained
 * Zobrist-style hash so that a cache lookup does not have to rescan every word on each step.
 */

// A cheap 32-bit integer mixer (from the "lowbias32" family) gives each bit index a
// pseudo-random key; XOR-ing the keys of set bits is order independent and O(1) to update.
function bitKey(index: number): number {
  let x = (index + 0x9e3779b9) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

export class Bitset {
  readonly words: Uint32Array;
  private hashValue = 0;

  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  get hash(): number {
    return this.hashValue;
  }

  has(index: number): boolean {
    const word = this.words[index >>> 5] ?? 0;
    return (word & (1 << (index & 31))) !== 0;
  }

  set(index: number): void {
    if (this.has(index)) return;
    const w = index >>> 5;
    this.words[w] = (this.words[w] ?? 0) | (1 << (index & 31));
    this.hashValue = (this.hashValue ^ bitKey(index)) >>> 0;
  }

  clear(index: number): void {
    if (!this.has(index)) return;
    const w = index >>> 5;
    this.words[w] = (this.words[w] ?? 0) & ~(1 << (index & 31));
    this.hashValue = (this.hashValue ^ bitKey(index)) >>> 0;
  }

  /** Immutable copy of the current contents, for storing in the cache. */
  snapshot(): Uint32Array {
    return this.words.slice();
  }

  equalsWords(other: Uint32Array): boolean {
    const words = this.words;
    if (words.length !== other.length) return false;
    for (let i = 0; i < words.length; i++) {
      if (words[i] !== other[i]) return false;
    }
    return true;
  }
}
