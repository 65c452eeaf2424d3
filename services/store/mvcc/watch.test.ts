import { describe as suite, expect, it } from 'vitest';
import { WriteDuringDeliveryError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import { b, collector, del, drain, put } from './test-support.js';
import { startWatchPump } from './watch-pump.js';

const ALL = { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) };

suite('MvccStore watch', () => {
  it('from now: delivers each new revision synchronously as one batch', () => {
    const s = new MvccStore();
    put(s, ['a', '0']);
    const c = collector();
    const w = s.watch({ key: b('a'), rangeEnd: b('c') }, c.sink);
    expect(s.unsyncedWatcherCount).toBe(0);
    put(s, ['a', '1'], ['b', '1'], ['c', '1']); // 3
    del(s, 'a'); // 4
    put(s, ['z', '1']); // 5: outside the range
    expect(c.batches.map((x) => x.revision)).toEqual([3, 4]);
    expect(c.events()).toEqual(['PUT a=1@3', 'PUT b=1@3', 'DELETE a@4']);
    expect(w.id).toBeGreaterThan(0);
  });

  it('from the past: catches up only via pump, then continues live without gaps or duplicates', () => {
    const s = new MvccStore();
    put(s, ['k', '1']); // 2
    put(s, ['k', '2']); // 3
    const c = collector();
    s.watch({ key: b('k'), startRevision: 2 }, c.sink);
    expect(c.batches).toEqual([]);
    put(s, ['k', '3']); // 4: while unsynced, must not be delivered out of order
    expect(c.batches).toEqual([]);
    expect(s.pump()).toBe(false);
    expect(c.batches).toHaveLength(1);
    expect(c.batches[0]?.revision).toBe(4);
    put(s, ['k', '4']); // 5
    expect(c.events()).toEqual(['PUT k=1@2', 'PUT k=2@3', 'PUT k=3@4', 'PUT k=4@5']);
  });

  it('catches up in bounded batches without splitting a revision', () => {
    const s = new MvccStore();
    for (let i = 0; i < 20; i++) put(s, [`k${i % 3}`, `${i}`]); // revisions 2..21, one event each
    const big: [string, string][] = [];
    for (let i = 0; i < 7; i++) big.push([`big${i}`, 'x']);
    put(s, ...big); // 22: seven events
    put(s, ['last', '1']); // 23
    const c = collector();
    s.watch({ ...ALL, startRevision: 2 }, c.sink);
    const rounds = drain(s, 5);
    expect(rounds).toBeGreaterThan(3);
    const sizes = c.batches.map((x) => x.events.length);
    expect(sizes.every((n) => n <= 5 || n === 7)).toBe(true);
    expect(sizes).toContain(7);
    for (const batch of c.batches) {
      const revsInBatch = new Set(batch.events.map((e) => e.kv.modRevision));
      // Each revision lies entirely within one batch.
      for (const rev of revsInBatch) {
        const total = c.batches.flatMap((x) => x.events).filter((e) => e.kv.modRevision === rev).length;
        expect(batch.events.filter((e) => e.kv.modRevision === rev)).toHaveLength(total);
      }
    }
    const mods = c.batches.flatMap((x) => x.events.map((e) => e.kv.modRevision));
    expect(mods).toEqual([...mods].sort((x, y) => x - y));
    expect(mods).toHaveLength(28);
  });

  it('interleaves catch-up and new writes in revision order', () => {
    const s = new MvccStore();
    for (let i = 0; i < 50; i++) put(s, ['k', `${i}`]);
    const c = collector();
    s.watch({ key: b('k'), startRevision: 1 }, c.sink);
    let n = 50;
    while (s.pump(7)) put(s, ['k', `${n++}`]);
    put(s, ['k', `${n++}`]);
    const values = c.batches.flatMap((x) => x.events.map((e) => Number(e.kv.value.toString())));
    expect(values).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('cancels a watch whose start revision was compacted, with compactRevision set', () => {
    const s = new MvccStore();
    put(s, ['a', '1']); // 2
    put(s, ['a', '2']); // 3
    put(s, ['a', '3']); // 4
    s.compact(3);
    const early = collector();
    const atCompact = collector();
    s.watch({ key: b('a'), startRevision: 2 }, early.sink);
    s.watch({ key: b('a'), startRevision: 3 }, atCompact.sink);
    drain(s);
    expect(early.batches).toEqual([{ events: [], revision: 4, compactRevision: 3, canceled: true }]);
    // Unlike etcd, a watch starting exactly at the compact revision is cancelled too: deletes
    // at that revision are gone, so it could not be served without skipping events.
    expect(atCompact.batches).toEqual([{ events: [], revision: 4, compactRevision: 3, canceled: true }]);
    const after = collector();
    s.watch({ key: b('a'), startRevision: 4 }, after.sink);
    drain(s);
    put(s, ['a', '4']);
    expect(early.batches).toHaveLength(1);
    expect(atCompact.batches).toHaveLength(1);
    expect(after.events()).toEqual(['PUT a=3@4', 'PUT a=4@5']);
  });

  it('cancels an unsynced watch overtaken by compaction before it caught up', () => {
    const s = new MvccStore();
    for (let i = 0; i < 10; i++) put(s, ['a', `${i}`]); // 2..11
    const c = collector();
    s.watch({ key: b('a'), startRevision: 2 }, c.sink);
    expect(s.pump(3)).toBe(true);
    expect(c.events()).toEqual(['PUT a=0@2', 'PUT a=1@3', 'PUT a=2@4']);
    s.compact(8);
    expect(s.pump(3)).toBe(false);
    expect(c.batches.at(-1)).toEqual({ events: [], revision: 11, compactRevision: 8, canceled: true });
  });

  it('attaches prevKv on puts and deletes only when asked', () => {
    const s = new MvccStore();
    put(s, ['k', 'old']); // 2
    const withPrev = collector();
    const without = collector();
    const pastWithPrev = collector();
    s.watch({ key: b('k'), prevKv: true }, withPrev.sink);
    s.watch({ key: b('k') }, without.sink);
    put(s, ['k', 'new']); // 3
    del(s, 'k'); // 4
    put(s, ['k', 'reborn']); // 5
    s.watch({ key: b('k'), prevKv: true, startRevision: 2 }, pastWithPrev.sink);
    drain(s);
    const prevs = (c: ReturnType<typeof collector>) => c.batches.flatMap((x) => x.events.map((e) => e.prevKv?.value.toString()));
    expect(prevs(withPrev)).toEqual(['old', 'new', undefined]);
    expect(prevs(pastWithPrev)).toEqual([undefined, 'old', 'new', undefined]);
    expect(without.batches.flatMap((x) => x.events).every((e) => !('prevKv' in e))).toBe(true);
    expect(withPrev.batches[0]?.events[0]?.prevKv).toMatchObject({ modRevision: 2, version: 1 });
  });

  it('prevKv of a catch-up event survives compaction of everything before it', () => {
    const s = new MvccStore();
    put(s, ['k', 'v1']); // 2
    put(s, ['k', 'v2']); // 3
    put(s, ['x', '1']); // 4
    put(s, ['k', 'v3']); // 5
    s.compact(4);
    const c = collector();
    s.watch({ key: b('k'), prevKv: true, startRevision: 5 }, c.sink);
    drain(s);
    expect(c.batches[0]?.events[0]?.prevKv?.value.toString()).toBe('v2');
    s.compact(5);
    put(s, ['k', 'v4']);
    expect(c.batches[1]?.events[0]?.prevKv?.value.toString()).toBe('v3');
  });

  it('filters PUT or DELETE events and sends nothing when a revision is filtered out', () => {
    const s = new MvccStore();
    const noPut = collector();
    const noDelete = collector();
    s.watch({ ...ALL, filters: { noPut: true } }, noPut.sink);
    s.watch({ ...ALL, filters: { noDelete: true } }, noDelete.sink);
    put(s, ['a', '1'], ['b', '1']); // 2
    const txn = s.write();
    txn.put(b('c'), b('1'), 0n);
    txn.deleteRange(b('a'), undefined);
    txn.end(); // 3
    del(s, 'b'); // 4
    expect(noPut.batches.map((x) => x.revision)).toEqual([3, 4]);
    expect(noPut.events()).toEqual(['DELETE a@3', 'DELETE b@4']);
    expect(noDelete.batches.map((x) => x.revision)).toEqual([2, 3]);
    expect(noDelete.events()).toEqual(['PUT a=1@2', 'PUT b=1@2', 'PUT c=1@3']);
    const pastNoPut = collector();
    s.watch({ ...ALL, startRevision: 2, filters: { noPut: true } }, pastNoPut.sink);
    drain(s);
    expect(pastNoPut.events()).toEqual(['DELETE a@3', 'DELETE b@4']);
  });

  it('serves many overlapping watchers independently', () => {
    const s = new MvccStore();
    const single = collector();
    const prefix = collector();
    const all = collector();
    const fromKey = collector();
    const other = collector();
    s.watch({ key: b('app/x') }, single.sink);
    s.watch({ key: b('app/'), rangeEnd: b('app0') }, prefix.sink);
    s.watch(ALL, all.sink);
    s.watch({ key: b('app/y'), rangeEnd: Buffer.from([0]) }, fromKey.sink);
    s.watch({ key: b('other') }, other.sink);
    put(s, ['app/x', '1'], ['app/y', '1'], ['zzz', '1']);
    expect(single.events()).toEqual(['PUT app/x=1@2']);
    expect(prefix.events()).toEqual(['PUT app/x=1@2', 'PUT app/y=1@2']);
    expect(all.events()).toEqual(['PUT app/x=1@2', 'PUT app/y=1@2', 'PUT zzz=1@2']);
    expect(fromKey.events()).toEqual(['PUT app/y=1@2', 'PUT zzz=1@2']);
    expect(other.batches).toEqual([]);
    const many = Array.from({ length: 200 }, () => collector());
    for (const c of many) s.watch({ key: b('app/x') }, c.sink);
    put(s, ['app/x', '2']);
    expect(many.every((c) => c.events().join() === 'PUT app/x=2@3')).toBe(true);
  });

  it('stops delivering after cancel, also when cancelled from inside a sink or while unsynced', () => {
    const s = new MvccStore();
    const c = collector();
    const w = s.watch({ key: b('a') }, c.sink);
    put(s, ['a', '1']);
    w.cancel();
    w.cancel();
    put(s, ['a', '2']);
    expect(c.events()).toEqual(['PUT a=1@2']);

    const seen: number[] = [];
    const self = s.watch({ key: b('a') }, (batch) => {
      seen.push(batch.revision);
      self.cancel();
    });
    put(s, ['a', '3']);
    put(s, ['a', '4']);
    expect(seen).toEqual([4]);

    const past = collector();
    const pw = s.watch({ key: b('a'), startRevision: 2 }, past.sink);
    pw.cancel();
    expect(s.pump()).toBe(false);
    expect(past.batches).toEqual([]);
  });

  it('holds a future start revision until that revision', () => {
    const s = new MvccStore();
    const c = collector();
    s.watch({ key: b('a'), startRevision: 4 }, c.sink);
    put(s, ['a', '1']); // 2
    put(s, ['a', '2']); // 3
    put(s, ['a', '3']); // 4
    expect(c.events()).toEqual(['PUT a=3@4']);
  });

  it('refuses writes from inside a sink and isolates throwing sinks', () => {
    const s = new MvccStore();
    const errors: unknown[] = [];
    s.onWatchSinkError = (err) => errors.push(err);
    let writeError: unknown;
    s.watch({ key: b('a') }, () => {
      try {
        s.write();
      } catch (err) {
        writeError = err;
      }
    });
    const boom = s.watch({ key: b('a') }, () => {
      throw new Error('boom');
    });
    const healthy = collector();
    s.watch({ key: b('a') }, healthy.sink);
    put(s, ['a', '1']);
    put(s, ['a', '2']);
    expect(writeError).toBeInstanceOf(WriteDuringDeliveryError);
    expect(errors).toHaveLength(1); // the throwing watcher was cancelled after its first failure
    expect(healthy.events()).toEqual(['PUT a=1@2', 'PUT a=2@3']);
    expect(boom.id).toBeGreaterThan(0);
  });

  it('startWatchPump drives catch-up through the scheduler until synced', () => {
    const s = new MvccStore();
    for (let i = 0; i < 30; i++) put(s, ['k', `${i}`]);
    const queue: (() => void)[] = [];
    const stop = startWatchPump(s, 4, (fn) => queue.push(fn));
    const c = collector();
    s.watch({ key: b('k'), startRevision: 2 }, c.sink);
    s.watch({ key: b('k'), startRevision: 10 }, collector().sink);
    expect(queue).toHaveLength(1); // one scheduled run, however many watchers need it
    let turns = 0;
    while (queue.length > 0) {
      (queue.shift() as () => void)();
      turns++;
    }
    expect(turns).toBe(8);
    expect(c.events()).toHaveLength(30);
    expect(s.unsyncedWatcherCount).toBe(0);
    stop();
    expect(s.onWatchBacklog).toBeUndefined();
  });
});
