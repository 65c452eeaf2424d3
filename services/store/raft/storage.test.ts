import { describe, expect, it } from 'vitest';
import { CompactedError, SnapOutOfDateError, UnavailableError } from './errors.js';
import { MemoryStorage } from './storage.js';
import { EntryType } from './types.js';
import type { Entry } from './types.js';

function ent(index: number, term: number, data = ''): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(data) };
}

/** Storage holding a snapshot at 3 (term 3) and entries 4 and 5 (terms 4, 5). */
function storage345(): MemoryStorage {
  const s = new MemoryStorage();
  s.applySnapshot({ metadata: { index: 3, term: 3, confState: { voters: ['1'], learners: [] } }, data: new Uint8Array() });
  s.append([ent(4, 4), ent(5, 5)]);
  return s;
}

const terms = (es: Entry[]): number[] => es.map((e) => e.term);

describe('MemoryStorage', () => {
  it('starts empty at index 0', () => {
    const s = new MemoryStorage();
    expect(s.firstIndex()).toBe(1);
    expect(s.lastIndex()).toBe(0);
    expect(s.term(0)).toBe(0);
    expect(s.initialState()).toEqual({ hardState: { term: 0, vote: '', commit: 0 }, confState: { voters: [], learners: [] } });
  });

  it('answers term() for the snapshot index and throws outside the log', () => {
    const s = storage345();
    expect(s.term(3)).toBe(3);
    expect(s.term(5)).toBe(5);
    expect(() => s.term(2)).toThrow(CompactedError);
    expect(() => s.term(6)).toThrow(UnavailableError);
  });

  it('returns entries in [lo, hi) limited by size but at least one', () => {
    const s = storage345();
    s.append([ent(6, 6, 'abcdefgh')]);
    expect(terms(s.entries(4, 7, Number.POSITIVE_INFINITY))).toEqual([4, 5, 6]);
    expect(terms(s.entries(4, 5, Number.POSITIVE_INFINITY))).toEqual([4]);
    expect(terms(s.entries(4, 7, 0))).toEqual([4]);
    // Each empty entry counts its fixed overhead (16 bytes).
    expect(terms(s.entries(4, 7, 32))).toEqual([4, 5]);
    expect(terms(s.entries(4, 7, 40))).toEqual([4, 5]);
    expect(() => s.entries(3, 5, Number.POSITIVE_INFINITY)).toThrow(CompactedError);
  });

  it('reports Unavailable when it holds no entries after the snapshot', () => {
    const s = new MemoryStorage();
    s.applySnapshot({ metadata: { index: 3, term: 3, confState: { voters: [], learners: [] } }, data: new Uint8Array() });
    expect(() => s.entries(4, 4, 100)).toThrow(UnavailableError);
  });

  it('compacts keeping the compact index as the dummy entry', () => {
    const s = storage345();
    s.compact(4);
    expect(s.firstIndex()).toBe(5);
    expect(s.term(4)).toBe(4);
    expect(() => s.term(3)).toThrow(CompactedError);
    expect(() => s.compact(4)).toThrow(CompactedError);
    expect(() => s.compact(9)).toThrow();
  });

  it('creates snapshots at applied indexes only moving forward', () => {
    const s = storage345();
    const snap = s.createSnapshot(5, { voters: ['1', '2'], learners: [] }, new Uint8Array([7]));
    expect(snap.metadata).toEqual({ index: 5, term: 5, confState: { voters: ['1', '2'], learners: [] } });
    expect(s.snapshot()).toBe(snap);
    expect(() => s.createSnapshot(4, undefined, new Uint8Array())).toThrow(SnapOutOfDateError);
  });

  it('keeps the previous ConfState when createSnapshot gets none', () => {
    const s = storage345();
    expect(s.createSnapshot(4, undefined, new Uint8Array()).metadata.confState).toEqual({ voters: ['1'], learners: [] });
  });

  it('applySnapshot replaces the log and rejects older snapshots', () => {
    const s = storage345();
    expect(() =>
      s.applySnapshot({ metadata: { index: 2, term: 2, confState: { voters: [], learners: [] } }, data: new Uint8Array() }),
    ).toThrow(SnapOutOfDateError);
    s.applySnapshot({ metadata: { index: 10, term: 7, confState: { voters: ['9'], learners: [] } }, data: new Uint8Array() });
    expect(s.firstIndex()).toBe(11);
    expect(s.lastIndex()).toBe(10);
    expect(s.term(10)).toBe(7);
    expect(s.initialState().confState.voters).toEqual(['9']);
  });

  describe('append', () => {
    const cases: { name: string; ents: Entry[]; want: number[] }[] = [
      { name: 'identical entries', ents: [ent(3, 3), ent(4, 4), ent(5, 5)], want: [3, 4, 5] },
      { name: 'conflicting suffix is replaced', ents: [ent(3, 3), ent(4, 6), ent(5, 6)], want: [3, 6, 6] },
      { name: 'extension', ents: [ent(3, 3), ent(4, 4), ent(5, 5), ent(6, 5)], want: [3, 4, 5, 5] },
      { name: 'entries covered by the snapshot are skipped', ents: [ent(2, 3), ent(3, 3), ent(4, 5)], want: [3, 5] },
      { name: 'truncate from the middle', ents: [ent(4, 5)], want: [3, 5] },
      { name: 'direct append', ents: [ent(6, 5)], want: [3, 4, 5, 5] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const s = storage345();
        s.append(c.ents);
        // Index 3 is the dummy (snapshot) term.
        expect([s.term(3), ...terms(s.entries(4, s.lastIndex() + 1, Number.POSITIVE_INFINITY))]).toEqual(c.want);
      });
    }
    it('refuses a gap', () => {
      const s = storage345();
      expect(() => s.append([ent(7, 5)])).toThrow();
    });
  });

  it('stores the hard state', () => {
    const s = new MemoryStorage();
    s.setHardState({ term: 3, vote: '2', commit: 1 });
    expect(s.initialState().hardState).toEqual({ term: 3, vote: '2', commit: 1 });
  });
});
