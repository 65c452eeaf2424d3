import { describe, expect, it } from 'vitest';
import { CompactedError, UnavailableError } from './errors.js';
import { RaftLog } from './raft-log.js';
import { MemoryStorage } from './storage.js';
import { EntryType } from './types.js';
import type { Entry } from './types.js';

function ent(index: number, term: number, data = ''): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(data) };
}

/** Entries 1..n with the given terms. */
function ents(...terms: number[]): Entry[] {
  return terms.map((t, i) => ent(i + 1, t));
}

function logWith(entries: Entry[]): RaftLog {
  const log = new RaftLog(new MemoryStorage());
  log.append(entries);
  return log;
}

const ids = (es: Entry[]): string[] => es.map((e) => `${e.term}/${e.index}`);

describe('RaftLog', () => {
  it('findConflict returns the first new or conflicting index', () => {
    const log = logWith(ents(1, 2, 3));
    expect(log.findConflict([])).toBe(0);
    expect(log.findConflict([ent(1, 1), ent(2, 2), ent(3, 3)])).toBe(0);
    expect(log.findConflict([ent(2, 2), ent(3, 3), ent(4, 4)])).toBe(4);
    expect(log.findConflict([ent(2, 2), ent(3, 4)])).toBe(3);
    expect(log.findConflict([ent(1, 4), ent(2, 4)])).toBe(1);
  });

  it('findConflictByTerm skips whole terms', () => {
    // Terms by index: 1:1 2:1 3:3 4:3 5:5 6:5
    const log = logWith(ents(1, 1, 3, 3, 5, 5));
    expect(log.findConflictByTerm(6, 4)).toEqual({ index: 4, term: 3 });
    expect(log.findConflictByTerm(6, 5)).toEqual({ index: 6, term: 5 });
    expect(log.findConflictByTerm(6, 2)).toEqual({ index: 2, term: 1 });
    expect(log.findConflictByTerm(6, 0)).toEqual({ index: 0, term: 0 });
  });

  it('findConflictByTerm reports an unknown (compacted) term as 0', () => {
    const storage = new MemoryStorage();
    storage.applySnapshot({ metadata: { index: 3, term: 3, confState: { voters: [], learners: [] } }, data: new Uint8Array() });
    storage.append([ent(4, 5), ent(5, 5)]);
    const log = new RaftLog(storage);
    expect(log.findConflictByTerm(5, 4)).toEqual({ index: 3, term: 3 });
    expect(log.findConflictByTerm(2, 1)).toEqual({ index: 2, term: 0 });
  });

  describe('maybeAppend', () => {
    it('rejects when the previous entry does not match', () => {
      const log = logWith(ents(1, 2, 3));
      expect(log.maybeAppend(3, 2, 3, [ent(4, 4)])).toBeUndefined();
      expect(log.maybeAppend(4, 4, 3, [ent(5, 4)])).toBeUndefined();
      expect(log.committed).toBe(0);
    });
    it('appends and commits up to min(leader commit, last new index)', () => {
      const log = logWith(ents(1, 2, 3));
      expect(log.maybeAppend(3, 3, 5, [ent(4, 4)])).toBe(4);
      expect(log.committed).toBe(4);
      expect(log.lastIndex()).toBe(4);
    });
    it('replaces a conflicting suffix but keeps matching entries', () => {
      const log = logWith(ents(1, 2, 3));
      expect(log.maybeAppend(1, 1, 0, [ent(2, 4)])).toBe(2);
      expect(ids(log.allEntries())).toEqual(['1/1', '4/2']);
    });
    it('does not truncate on a stale (already present) shorter append', () => {
      const log = logWith(ents(1, 2, 3));
      expect(log.maybeAppend(1, 1, 0, [ent(2, 2)])).toBe(2);
      expect(log.lastIndex()).toBe(3);
    });
    it('refuses to overwrite committed entries', () => {
      const log = logWith(ents(1, 2, 3));
      log.commitTo(2);
      expect(() => log.maybeAppend(1, 1, 2, [ent(2, 9)])).toThrow();
    });
  });

  it('isUpToDate compares last term, then last index', () => {
    const log = logWith(ents(1, 2, 3));
    expect(log.isUpToDate(1, 4)).toBe(true);
    expect(log.isUpToDate(3, 3)).toBe(true);
    expect(log.isUpToDate(4, 3)).toBe(true);
    expect(log.isUpToDate(2, 3)).toBe(false);
    expect(log.isUpToDate(9, 2)).toBe(false);
  });

  it('maybeCommit only commits entries of the given term (Figure 8 rule)', () => {
    const log = logWith(ents(1, 2, 3));
    expect(log.maybeCommit(2, 3)).toBe(false);
    expect(log.committed).toBe(0);
    expect(log.maybeCommit(3, 3)).toBe(true);
    expect(log.committed).toBe(3);
    expect(log.maybeCommit(2, 2)).toBe(false); // never backwards
  });

  it('commitTo never decreases and never passes the last index', () => {
    const log = logWith(ents(1, 1));
    log.commitTo(2);
    log.commitTo(1);
    expect(log.committed).toBe(2);
    expect(() => log.commitTo(3)).toThrow();
  });

  it('appliedTo stays within [applied, committed]', () => {
    const log = logWith(ents(1, 1, 1));
    log.commitTo(2);
    log.appliedTo(2);
    expect(log.applied).toBe(2);
    expect(() => log.appliedTo(3)).toThrow();
    expect(() => log.appliedTo(1)).toThrow();
  });

  it('hands out committed, unapplied entries within the size budget', () => {
    const storage = new MemoryStorage();
    storage.append([ent(1, 1, 'a'), ent(2, 1, 'b')]);
    const log = new RaftLog(storage, 20);
    log.append([ent(3, 1, 'c')]);
    expect(log.hasNextCommittedEnts()).toBe(false);
    log.commitTo(3);
    expect(log.hasNextCommittedEnts()).toBe(true);
    // 17 bytes per entry: only one fits, but one is always returned.
    expect(ids(log.nextCommittedEnts())).toEqual(['1/1']);
    log.appliedTo(1);
    expect(ids(log.nextCommittedEnts())).toEqual(['1/2']);
    log.appliedTo(2);
    expect(ids(log.nextCommittedEnts())).toEqual(['1/3']);
    log.appliedTo(3);
    expect(log.nextCommittedEnts()).toEqual([]);
  });

  it('slices across storage and unstable entries', () => {
    const storage = new MemoryStorage();
    storage.applySnapshot({ metadata: { index: 2, term: 1, confState: { voters: [], learners: [] } }, data: new Uint8Array() });
    storage.append([ent(3, 1), ent(4, 1)]);
    const log = new RaftLog(storage);
    log.append([ent(5, 2), ent(6, 2)]);
    expect(log.firstIndex()).toBe(3);
    expect(log.lastIndex()).toBe(6);
    expect(ids(log.slice(4, 6, Number.POSITIVE_INFINITY))).toEqual(['1/4', '2/5']);
    expect(ids(log.slice(3, 7, 40))).toEqual(['1/3', '1/4']);
    expect(() => log.slice(2, 4, 100)).toThrow(CompactedError);
    expect(() => log.slice(3, 8, 100)).toThrow();
    expect(log.term(2)).toBe(1);
    expect(() => log.term(1)).toThrow(CompactedError);
    expect(() => log.term(7)).toThrow(UnavailableError);
    expect(log.maybeTerm(7)).toBeUndefined();
  });

  it('stableTo moves entries out of unstable', () => {
    const log = logWith(ents(1, 1));
    expect(log.unstableEntries()).toHaveLength(2);
    log.stableTo(1, 1);
    expect(ids(log.unstableEntries())).toEqual(['1/2']);
  });

  it('restore starts over from a snapshot', () => {
    const log = logWith(ents(1, 1));
    log.restore({ metadata: { index: 10, term: 4, confState: { voters: [], learners: [] } }, data: new Uint8Array() });
    expect(log.committed).toBe(10);
    expect(log.firstIndex()).toBe(11);
    expect(log.lastIndex()).toBe(10);
    expect(log.lastTerm()).toBe(4);
    expect(log.hasPendingSnapshot()).toBe(true);
    expect(log.unstableEntries()).toEqual([]);
  });

  it('starts committed and applied at the storage snapshot', () => {
    const storage = new MemoryStorage();
    storage.applySnapshot({ metadata: { index: 7, term: 2, confState: { voters: [], learners: [] } }, data: new Uint8Array() });
    const log = new RaftLog(storage);
    expect(log.committed).toBe(7);
    expect(log.applied).toBe(7);
    expect(log.lastTerm()).toBe(2);
  });
});
