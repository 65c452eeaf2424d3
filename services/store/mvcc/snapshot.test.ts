import { describe as suite, expect, it } from 'vitest';
import { CorruptDataError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import { b, collector, del, drain, put } from './test-support.js';

function build(): MvccStore {
  const s = new MvccStore();
  put(s, ['a', '1'], ['b', '2']); // 2
  put(s, ['a', '3']); // 3
  del(s, 'b'); // 4
  put(s, ['b', 'again'], ['c', '']); // 5
  const txn = s.write();
  txn.put(Buffer.from([0, 1, 2, 255]), Buffer.alloc(3000, 7), 77n); // 6
  txn.end();
  put(s, ['a', '4']); // 7
  s.compact(4);
  del(s, 'c'); // 8
  return s;
}

suite('MvccStore serialize/restore', () => {
  it('round-trips the full state: data, history, revisions, hash', () => {
    const s = build();
    const r = MvccStore.restore(s.serialize());
    expect(r.currentRevision).toBe(8);
    expect(r.compactRevision).toBe(4);
    expect([...r.revisions()]).toEqual([...s.revisions()]);
    expect(r.hashKV(0)).toEqual(s.hashKV(0));
    const all = (st: MvccStore, revision?: number) => st.range(Buffer.from([0]), Buffer.from([0]), revision === undefined ? {} : { revision });
    for (const rev of [4, 5, 6, 7, 8]) expect(all(r, rev)).toEqual(all(s, rev));
    expect(r.takePendingChanges().added).toEqual([]);
    // The restored store continues identically.
    put(s, ['a', 'next']);
    put(r, ['a', 'next']);
    expect(r.range(b('a'), undefined).kvs).toEqual(s.range(b('a'), undefined).kvs);
    expect(r.hashKV(0)).toEqual(s.hashKV(0));
  });

  it('restores watch history including prevKv links', () => {
    const s = build();
    const r = MvccStore.restore(s.serialize());
    const fromS = collector();
    const fromR = collector();
    s.watch({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]), startRevision: 5, prevKv: true }, fromS.sink);
    r.watch({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]), startRevision: 5, prevKv: true }, fromR.sink);
    drain(s);
    drain(r);
    expect(fromR.batches).toEqual(fromS.batches);
    expect(fromR.events().length).toBeGreaterThan(3);
  });

  it('round-trips an empty store', () => {
    const r = MvccStore.restore(new MvccStore().serialize());
    expect(r.currentRevision).toBe(1);
    expect([...r.revisions()]).toEqual([]);
  });

  it('rejects garbage', () => {
    expect(() => MvccStore.restore(Buffer.from('nope'))).toThrow(CorruptDataError);
    const good = build().serialize();
    expect(() => MvccStore.restore(good.subarray(0, good.length - 5))).toThrow(CorruptDataError);
  });
});
