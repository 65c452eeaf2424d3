import { describe as suite, expect, it } from 'vitest';
import { SortedKeyList } from './sorted-key-list.js';

function collect(list: SortedKeyList, from: string, limit = Infinity): string[] {
  const out: string[] = [];
  list.forEachFrom(from, (k) => {
    out.push(k);
    return out.length < limit;
  });
  return out;
}

suite('SortedKeyList', () => {
  it('matches a sorted array across thousands of random inserts and removes (many chunks)', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const list = new SortedKeyList();
    const ref = new Set<string>();
    const key = () => String.fromCharCode(...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 256)));
    for (let i = 0; i < 20_000; i++) {
      const k = key();
      if (rnd() < 0.7) {
        list.insert(k);
        ref.add(k);
      } else {
        list.remove(k);
        ref.delete(k);
      }
    }
    const sorted = [...ref].sort();
    expect(list.size).toBe(sorted.length);
    expect(sorted.length).toBeGreaterThan(1000);
    expect(collect(list, '')).toEqual(sorted);
    for (let i = 0; i < 200; i++) {
      const from = key();
      const expected = sorted.filter((k) => k >= from).slice(0, 5);
      expect(collect(list, from, 5)).toEqual(expected);
    }
    for (const k of sorted) list.remove(k);
    expect(list.size).toBe(0);
    expect(collect(list, '')).toEqual([]);
  });

  it('ignores duplicate inserts and removes of absent keys', () => {
    const list = new SortedKeyList();
    list.insert('b');
    list.insert('b');
    list.insert('a');
    list.remove('zz');
    expect(collect(list, '')).toEqual(['a', 'b']);
    expect(collect(list, 'b')).toEqual(['b']);
    expect(collect(list, 'c')).toEqual([]);
  });
});
