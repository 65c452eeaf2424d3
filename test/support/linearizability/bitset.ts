/**
 * Fixed-size bitset for "which ops are already linearized".
 */

/**
 * Pseudo-random 32-bit key per bit index (a "lowbias32"-style integer mixer). XOR-ing the keys of
 * set bits gives a Zobrist hash: order independent and O(1) to update as bits flip, so the search
 * never rescans the whole set to compute a cache key.
 */
export function bitKey(index: number): number {
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

  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  has(index: number): boolean {
    const word = this.words[index >>> 5] ?? 0;
    return (word & (1 << (index & 31))) !== 0;
  }

  set(index: number): void {
    if (this.has(index)) return;
    const w = index >>> 5;
    this.words[w] = (this.words[w] ?? 0) | (1 << (index & 31));
  }

  clear(index: number): void {
    if (!this.has(index)) return;
    const w = index >>> 5;
    this.words[w] = (this.words[w] ?? 0) & ~(1 << (index & 31));
  }

  /** Immutable copy of the current contents, for storing in the cache. */
  snapshot(): Uint32Array {
    return this.words.slice();
  }
}
