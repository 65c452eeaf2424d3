import { describe as suite, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError, TxnEndedError, TxnInProgressError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import { b, del, keys, put } from './test-support.js';

function seeded(): MvccStore {
  const s = new MvccStore({ trackChanges: false });
  put(s, ['a', '1'], ['b', '2'], ['c', '3']); // rev 2
  put(s, ['b', '22']); // rev 3
  put(s, ['d', '4'], ['e', '5']); // rev 4
  return s;
}

suite('MvccStore range', () => {
  it('starts at revision 1 with nothing stored', () => {
    const s = new MvccStore();
    expect(s.currentRevision).toBe(1);
    expect(s.compactRevision).toBe(0);
    expect(s.range(b('a'), undefined)).toEqual({ kvs: [], count: 0, more: false, revision: 1 });
  });

  it('reads a single key when rangeEnd is absent or empty', () => {
    const s = seeded();
    expect(keys(s.range(b('b'), undefined).kvs)).toEqual(['b']);
    expect(keys(s.range(b('b'), Buffer.alloc(0)).kvs)).toEqual(['b']);
    expect(s.range(b('bb'), undefined).kvs).toEqual([]);
  });

  it('reads [key, rangeEnd) and all keys >= key for rangeEnd [0x00]', () => {
    const s = seeded();
    expect(keys(s.range(b('b'), b('d')).kvs)).toEqual(['b', 'c']);
    expect(keys(s.range(b('c'), Buffer.from([0])).kvs)).toEqual(['c', 'd', 'e']);
    expect(keys(s.range(Buffer.from([0]), Buffer.from([0])).kvs)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(s.range(b('d'), b('b')).kvs).toEqual([]);
  });

  it('handles prefix ranges and binary keys bytewise', () => {
    const s = new MvccStore();
    put(s, ['foo', '1'], ['foo/a', '2'], ['foo/b', '3'], ['fop', '4']);
    const txn = s.write();
    txn.put(Buffer.from([0xff, 0x01]), b('hi'), 0n);
    txn.put(Buffer.from([0x7f]), b('mid'), 0n);
    txn.end();
    expect(keys(s.range(b('foo/'), b('foo0')).kvs)).toEqual(['foo/a', 'foo/b']);
    const all = s.range(Buffer.from([0]), Buffer.from([0])).kvs.map((kv) => kv.key.toString('hex'));
    expect(all).toEqual(['666f6f', '666f6f2f61', '666f6f2f62', '666f70', '7f', 'ff01']);
  });

  it('counts all matches and reports more when limit cuts', () => {
    const s = seeded();
    const r = s.range(b('a'), b('z'), { limit: 2 });
    expect(keys(r.kvs)).toEqual(['a', 'b']);
    expect(r.count).toBe(5);
    expect(r.more).toBe(true);
    const exact = s.range(b('a'), b('z'), { limit: 5 });
    expect(exact.more).toBe(false);
    expect(exact.kvs).toHaveLength(5);
  });

  it('supports countOnly and keysOnly', () => {
    const s = seeded();
    expect(s.range(b('a'), b('z'), { countOnly: true })).toEqual({ kvs: [], count: 5, more: false, revision: 4 });
    const r = s.range(b('a'), b('c'), { keysOnly: true });
    expect(keys(r.kvs)).toEqual(['a', 'b']);
    expect(r.kvs.every((kv) => kv.value.length === 0)).toBe(true);
    // keysOnly must not strip the stored values.
    expect(s.range(b('a'), undefined).kvs[0]?.value.toString()).toBe('1');
  });

  it('sorts by every target in both orders', () => {
    const s = seeded();
    const all = (opts: Parameters<MvccStore['range']>[2]): string[] => keys(s.range(b('a'), b('z'), opts).kvs);
    expect(all({ sortOrder: 'DESCEND' })).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(all({ sortOrder: 'ASCEND', sortTarget: 'KEY' })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all({ sortOrder: 'DESCEND', sortTarget: 'VALUE' })).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(all({ sortOrder: 'ASCEND', sortTarget: 'VALUE' })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all({ sortOrder: 'DESCEND', sortTarget: 'MOD' }).slice(0, 3)).toEqual(['d', 'e', 'b']);
    expect(all({ sortOrder: 'DESCEND', sortTarget: 'VERSION' })[0]).toBe('b');
    expect(all({ sortOrder: 'ASCEND', sortTarget: 'CREATE' }).slice(3)).toEqual(['d', 'e']);
    // etcd sorts ascending when a non-key target is given without an order.
    expect(all({ sortTarget: 'MOD' })).toEqual(['a', 'c', 'b', 'd', 'e']);
    // Sorting happens before the limit.
    const r = s.range(b('a'), b('z'), { sortOrder: 'DESCEND', limit: 2 });
    expect(keys(r.kvs)).toEqual(['e', 'd']);
    expect(r.more).toBe(true);
  });

  it('applies mod/create revision filters before the limit, count stays unfiltered', () => {
    const s = seeded();
    expect(keys(s.range(b('a'), b('z'), { minModRevision: 3 }).kvs)).toEqual(['b', 'd', 'e']);
    expect(keys(s.range(b('a'), b('z'), { maxModRevision: 2 }).kvs)).toEqual(['a', 'c']);
    expect(keys(s.range(b('a'), b('z'), { minCreateRevision: 4 }).kvs)).toEqual(['d', 'e']);
    expect(keys(s.range(b('a'), b('z'), { maxCreateRevision: 2 }).kvs)).toEqual(['a', 'b', 'c']);
    const r = s.range(b('a'), b('z'), { minModRevision: 3, limit: 2 });
    expect(keys(r.kvs)).toEqual(['b', 'd']);
    expect(r.more).toBe(true);
    expect(r.count).toBe(5);
    expect(s.range(b('a'), b('z'), { minModRevision: 3, limit: 3 }).more).toBe(false);
  });

  it('tracks createRevision, modRevision and version across put, delete and recreate', () => {
    const s = new MvccStore();
    put(s, ['k', 'v1']); // 2
    put(s, ['k', 'v2']); // 3
    expect(s.range(b('k'), undefined).kvs[0]).toMatchObject({ createRevision: 2, modRevision: 3, version: 2 });
    const deleted = del(s, 'k'); // 4
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ modRevision: 3, version: 2 });
    expect(s.range(b('k'), undefined).kvs).toEqual([]);
    put(s, ['k', 'v3']); // 5
    expect(s.range(b('k'), undefined).kvs[0]).toMatchObject({ createRevision: 5, modRevision: 5, version: 1 });
    expect(s.currentRevision).toBe(5);
  });

  it('does not bump the revision for a txn without changes or a delete of nothing', () => {
    const s = seeded();
    expect(s.write().end()).toEqual([]);
    expect(del(s, 'nope')).toEqual([]);
    expect(s.currentRevision).toBe(4);
  });

  it('keeps lease ids as int64', () => {
    const s = new MvccStore();
    const txn = s.write();
    txn.put(b('l'), b('x'), 0x7fffffffffffffffn);
    txn.put(b('m'), b('y'), -5n);
    txn.end();
    expect(s.range(b('l'), b('n')).kvs.map((kv) => kv.lease)).toEqual([0x7fffffffffffffffn, -5n]);
  });

  it('copies caller buffers', () => {
    const s = new MvccStore();
    const key = b('key');
    const value = b('value');
    put(s, ['x', 'y']);
    const txn = s.write();
    txn.put(key, value, 0n);
    txn.end();
    value.fill(0);
    key.fill(0);
    expect(s.range(b('key'), undefined).kvs[0]?.value.toString()).toBe('value');
  });

  it('reads past revisions and rejects compacted and future ones', () => {
    const s = seeded();
    del(s, 'a'); // 5
    expect(keys(s.range(b('a'), b('z'), { revision: 2 }).kvs)).toEqual(['a', 'b', 'c']);
    expect(s.range(b('b'), undefined, { revision: 2 }).kvs[0]?.value.toString()).toBe('2');
    expect(s.range(b('b'), undefined, { revision: 3 }).kvs[0]?.value.toString()).toBe('22');
    expect(keys(s.range(b('a'), b('z'), { revision: 4 }).kvs)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(keys(s.range(b('a'), b('z'), { revision: 5 }).kvs)).toEqual(['b', 'c', 'd', 'e']);
    expect(s.range(b('a'), b('z'), { revision: 1 }).kvs).toEqual([]);
    // The header revision is the current one even for past reads (as etcd reports it).
    expect(s.range(b('a'), b('z'), { revision: 2 }).revision).toBe(5);
    expect(() => s.range(b('a'), undefined, { revision: 6 })).toThrow(FutureRevisionError);
    expect(() => s.range(b('a'), undefined, { revision: 6 })).toThrow('mvcc: required revision is a future revision');
    s.compact(3);
    expect(() => s.range(b('a'), undefined, { revision: 2 })).toThrow(CompactedError);
    expect(() => s.range(b('a'), undefined, { revision: 2 })).toThrow('mvcc: required revision has been compacted');
    expect(keys(s.range(b('a'), b('z'), { revision: 3 }).kvs)).toEqual(['a', 'b', 'c']);
  });
});

suite('MvccWriteTxn', () => {
  it('sees its own writes and shares one main revision across sub-revisions', () => {
    const s = seeded();
    const txn = s.write();
    expect(txn.range(b('a'), b('z')).revision).toBe(4);
    expect(txn.put(b('a'), b('new'), 0n).prevKv?.value.toString()).toBe('1');
    expect(txn.put(b('x'), b('fresh'), 0n)).toEqual({});
    const inTxn = txn.range(b('a'), b('z'));
    expect(inTxn.revision).toBe(5);
    expect(keys(inTxn.kvs)).toEqual(['a', 'b', 'c', 'd', 'e', 'x']);
    expect(inTxn.kvs[0]?.value.toString()).toBe('new');
    // Outside readers do not see the open txn.
    expect(s.currentRevision).toBe(4);
    expect(keys(s.range(b('x'), undefined).kvs)).toEqual([]);
    expect(keys(txn.deleteRange(b('b'), b('d')))).toEqual(['b', 'c']);
    expect(keys(txn.range(b('a'), b('z')).kvs)).toEqual(['a', 'd', 'e', 'x']);
    const events = txn.end();
    expect(events.map((e) => [e.type, e.kv.key.toString(), e.kv.modRevision])).toEqual([
      ['PUT', 'a', 5],
      ['PUT', 'x', 5],
      ['DELETE', 'b', 5],
      ['DELETE', 'c', 5],
    ]);
    expect(events[0]?.prevKv?.value.toString()).toBe('1');
    expect(events[1]?.prevKv).toBeUndefined();
    expect(events[2]?.prevKv?.value.toString()).toBe('22');
    // A DELETE event's kv carries only the key and the deletion revision.
    expect(events[2]?.kv).toMatchObject({ createRevision: 0, version: 0, lease: 0n, modRevision: 5 });
    expect(events[2]?.kv.value.length).toBe(0);
    expect(s.currentRevision).toBe(5);
  });

  it('versions repeated writes to one key within a txn', () => {
    const s = new MvccStore();
    const txn = s.write();
    txn.put(b('k'), b('1'), 0n);
    expect(txn.put(b('k'), b('2'), 0n).prevKv?.value.toString()).toBe('1');
    txn.deleteRange(b('k'), undefined);
    txn.put(b('k'), b('3'), 0n);
    txn.end();
    expect(s.range(b('k'), undefined).kvs[0]).toMatchObject({ createRevision: 2, modRevision: 2, version: 1 });
    expect(s.currentRevision).toBe(2);
  });

  it('allows one open txn at a time and rejects use after end', () => {
    const s = new MvccStore();
    const txn = s.write();
    expect(() => s.write()).toThrow(TxnInProgressError);
    expect(() => s.compact(1)).toThrow(TxnInProgressError);
    txn.end();
    expect(() => txn.put(b('a'), b('b'), 0n)).toThrow(TxnEndedError);
    expect(() => txn.end()).toThrow(TxnEndedError);
    s.write().end();
  });

  it('rejects future revisions against the txn view', () => {
    const s = seeded();
    const txn = s.write();
    expect(() => txn.range(b('a'), undefined, { revision: 5 })).toThrow(FutureRevisionError);
    txn.put(b('a'), b('x'), 0n);
    expect(txn.range(b('a'), undefined, { revision: 5 }).kvs[0]?.value.toString()).toBe('x');
    expect(txn.range(b('a'), undefined, { revision: 4 }).kvs[0]?.value.toString()).toBe('1');
    txn.end();
  });
});
