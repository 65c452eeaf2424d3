import { describe as suite, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import type { StoredRevision } from './types.js';
import { b, del, keys, put } from './test-support.js';

function revs(s: MvccStore): string[] {
  return [...s.revisions()].map((r: StoredRevision) => `${r.kv.key.toString()}@${r.main}.${r.sub}${r.tombstone ? 't' : ''}`);
}

suite('MvccStore compaction', () => {
  it('keeps only the latest version at or below the compact revision of each live key', () => {
    const s = new MvccStore();
    put(s, ['a', '1'], ['b', '1']); // 2
    put(s, ['a', '2']); // 3
    put(s, ['a', '3']); // 4
    put(s, ['b', '2']); // 5
    s.compact(4);
    expect(s.compactRevision).toBe(4);
    expect(revs(s)).toEqual(['b@2.1', 'a@4.0', 'b@5.0']);
    expect(s.range(b('a'), undefined, { revision: 4 }).kvs[0]?.value.toString()).toBe('3');
    expect(s.range(b('b'), undefined, { revision: 4 }).kvs[0]?.value.toString()).toBe('1');
    // Unchanged metadata of the surviving versions.
    expect(s.range(b('a'), undefined).kvs[0]).toMatchObject({ createRevision: 2, version: 3 });
  });

  it('drops keys deleted at or before the compact revision entirely', () => {
    const s = new MvccStore();
    put(s, ['gone', '1'], ['later', '1'], ['live', '1']); // 2
    del(s, 'gone'); // 3
    put(s, ['live', '2']); // 4
    del(s, 'later'); // 5
    s.compact(3);
    expect(revs(s)).toEqual(['later@2.1', 'live@2.2', 'live@4.0', 'later@5.0t']);
    s.compact(5);
    expect(revs(s)).toEqual(['live@4.0']);
    expect(keys(s.range(Buffer.from([0]), Buffer.from([0])).kvs)).toEqual(['live']);
  });

  it('keeps the generation that is still open at the compact revision and later generations', () => {
    const s = new MvccStore();
    put(s, ['k', '1']); // 2
    put(s, ['k', '2']); // 3
    del(s, 'k'); // 4
    put(s, ['k', '3']); // 5
    s.compact(3);
    expect(revs(s)).toEqual(['k@3.0', 'k@4.0t', 'k@5.0']);
    expect(s.range(b('k'), undefined, { revision: 4 }).kvs).toEqual([]);
    s.compact(4);
    expect(revs(s)).toEqual(['k@5.0']);
    expect(s.range(b('k'), undefined).kvs[0]).toMatchObject({ version: 1, createRevision: 5 });
  });

  it('rejects compacting at or below the compact revision and in the future', () => {
    const s = new MvccStore();
    put(s, ['a', '1']);
    put(s, ['a', '2']);
    expect(() => s.compact(4)).toThrow(FutureRevisionError);
    s.compact(2);
    expect(() => s.compact(2)).toThrow(CompactedError);
    expect(() => s.compact(1)).toThrow(CompactedError);
    s.compact(3);
    expect(s.compactRevision).toBe(3);
  });

  it('compacting at the current revision keeps reads working and the revision counter intact', () => {
    const s = new MvccStore();
    put(s, ['a', '1']); // 2
    del(s, 'a'); // 3
    s.compact(3);
    expect(revs(s)).toEqual([]);
    expect(s.currentRevision).toBe(3);
    put(s, ['a', '2']);
    expect(s.range(b('a'), undefined).kvs[0]).toMatchObject({ modRevision: 4, createRevision: 4, version: 1 });
  });

  it('reports removed revisions through pending changes', () => {
    const s = new MvccStore();
    put(s, ['a', '1']);
    put(s, ['a', '2']);
    const first = s.takePendingChanges();
    expect(first.added.map((r) => r.main)).toEqual([2, 3]);
    expect(first.removed).toEqual([]);
    s.compact(3);
    const second = s.takePendingChanges();
    expect(second).toEqual({ currentRevision: 3, compactRevision: 3, added: [], removed: [{ main: 2, sub: 0 }] });
    expect(s.takePendingChanges().added).toEqual([]);
  });
});

suite('MvccStore hashKV', () => {
  function history(s: MvccStore): void {
    put(s, ['a', '1'], ['b', '2']);
    put(s, ['a', '3']);
    del(s, 'b');
    put(s, ['c', '4']);
  }

  it('is equal for equal histories and differs when the history differs', () => {
    const x = new MvccStore();
    const y = new MvccStore();
    history(x);
    history(y);
    expect(x.hashKV(0)).toEqual(y.hashKV(0));
    expect(x.hashKV(0)).toMatchObject({ hashRevision: 5, compactRevision: 0 });
    expect(x.hashKV(3)).toEqual(y.hashKV(3));
    expect(x.hashKV(3).hash).not.toBe(x.hashKV(4).hash);
    put(y, ['d', '5']);
    expect(x.hashKV(5)).toEqual(y.hashKV(5));
    expect(x.hashKV(0).hash).not.toBe(y.hashKV(0).hash);
    const z = new MvccStore();
    put(z, ['a', '1'], ['b', '2']);
    put(z, ['a', 'X']);
    expect(z.hashKV(3).hash).not.toBe(x.hashKV(3).hash);
  });

  it('is equal after equal compactions and enforces revision bounds', () => {
    const x = new MvccStore();
    const y = new MvccStore();
    history(x);
    history(y);
    x.compact(3);
    y.compact(3);
    expect(x.hashKV(0)).toEqual(y.hashKV(0));
    expect(x.hashKV(0).compactRevision).toBe(3);
    expect(() => x.hashKV(3)).toThrow(CompactedError);
    expect(() => x.hashKV(6)).toThrow(FutureRevisionError);
    expect(x.hashKV(4)).toEqual(y.hashKV(4));
  });
});
