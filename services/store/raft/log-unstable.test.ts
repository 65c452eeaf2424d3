import { describe, expect, it } from 'vitest';
import { Unstable } from './log-unstable.js';
import { EntryType } from './types.js';
import type { Entry, Snapshot } from './types.js';

function ent(index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: new Uint8Array() };
}

function snap(index: number, term: number): Snapshot {
  return { metadata: { index, term, confState: { voters: ['1'], learners: [] } }, data: new Uint8Array() };
}

function unstable(offset: number, entries: Entry[], snapshot?: Snapshot): Unstable {
  const u = new Unstable(offset);
  u.entries = entries;
  u.snapshot = snapshot;
  return u;
}

describe('Unstable', () => {
  it('knows the first index only through a snapshot', () => {
    expect(unstable(5, [ent(5, 1)]).maybeFirstIndex()).toBeUndefined();
    expect(unstable(5, [ent(5, 1)], snap(4, 1)).maybeFirstIndex()).toBe(5);
  });

  it('derives the last index from entries, else the snapshot', () => {
    expect(unstable(5, [ent(5, 1)]).maybeLastIndex()).toBe(5);
    expect(unstable(5, [ent(5, 1)], snap(4, 1)).maybeLastIndex()).toBe(5);
    expect(unstable(5, [], snap(4, 1)).maybeLastIndex()).toBe(4);
    expect(unstable(0, []).maybeLastIndex()).toBeUndefined();
  });

  it('answers terms of its entries and of the snapshot index', () => {
    const u = unstable(5, [ent(5, 2), ent(6, 3)], snap(4, 1));
    expect(u.maybeTerm(4)).toBe(1);
    expect(u.maybeTerm(5)).toBe(2);
    expect(u.maybeTerm(6)).toBe(3);
    expect(u.maybeTerm(7)).toBeUndefined();
    expect(u.maybeTerm(3)).toBeUndefined();
  });

  it('stableTo drops persisted entries only when the term still matches', () => {
    const u = unstable(5, [ent(5, 1), ent(6, 1), ent(7, 2)]);
    u.stableTo(6, 2); // entry 6 was replaced meanwhile: no-op
    expect(u.offset).toBe(5);
    u.stableTo(6, 1);
    expect(u.offset).toBe(7);
    expect(u.entries.map((e) => e.index)).toEqual([7]);
    u.stableTo(9, 2); // beyond what we hold
    expect(u.offset).toBe(7);
  });

  it('stableTo ignores the snapshot index', () => {
    const u = unstable(5, [ent(5, 1)], snap(4, 1));
    u.stableTo(4, 1);
    expect(u.offset).toBe(5);
    expect(u.entries).toHaveLength(1);
  });

  it('stableSnapTo releases a matching snapshot', () => {
    const u = unstable(5, [], snap(4, 1));
    u.stableSnapTo(3);
    expect(u.snapshot).toBeDefined();
    u.stableSnapTo(4);
    expect(u.snapshot).toBeUndefined();
  });

  it('restore replaces everything with the snapshot', () => {
    const u = unstable(5, [ent(5, 1)]);
    u.restore(snap(8, 3));
    expect(u.offset).toBe(9);
    expect(u.entries).toEqual([]);
    expect(u.maybeLastIndex()).toBe(8);
  });

  describe('truncateAndAppend', () => {
    it('appends directly after', () => {
      const u = unstable(5, [ent(5, 1)]);
      u.truncateAndAppend([ent(6, 1), ent(7, 1)]);
      expect(u.entries.map((e) => e.index)).toEqual([5, 6, 7]);
    });
    it('replaces everything from before the offset', () => {
      const u = unstable(5, [ent(5, 1)]);
      u.truncateAndAppend([ent(4, 2), ent(5, 2)]);
      expect(u.offset).toBe(4);
      expect(u.entries.map((e) => `${e.term}/${e.index}`)).toEqual(['2/4', '2/5']);
    });
    it('truncates in the middle', () => {
      const u = unstable(5, [ent(5, 1), ent(6, 1), ent(7, 1)]);
      u.truncateAndAppend([ent(6, 2)]);
      expect(u.entries.map((e) => `${e.term}/${e.index}`)).toEqual(['1/5', '2/6']);
    });
  });

  it('slice checks bounds', () => {
    const u = unstable(5, [ent(5, 1), ent(6, 1)]);
    expect(u.slice(5, 7).map((e) => e.index)).toEqual([5, 6]);
    expect(() => u.slice(4, 6)).toThrow();
    expect(() => u.slice(5, 8)).toThrow();
  });
});
