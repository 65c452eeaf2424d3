// Randomized differential test: MvccStore against a deliberately naive reference model that
// keeps a full copy of the key space for every revision.
import { describe as suite, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError } from './errors.js';
import { seededRandom } from '../../../lib/prng.js';
import { MvccStore } from './mvcc-store.js';
import type { KeyValue, MvccEvent, RangeOptions, SortTarget, WatchBatch } from './types.js';

const KEYS = ['a', 'ab', 'abc', 'b', 'ba', 'c', 'cc', 'd', 'e', 'z', '\u0000', '\u00ff', '\u00ff\u0001', 'a\u0000'].map((k) =>
  Buffer.from(k, 'latin1'),
);

interface ModelKv {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: bigint;
}
type ModelState = Map<string, ModelKv>;
interface ModelEvent {
  type: 'PUT' | 'DELETE';
  key: Buffer;
  rev: number;
  value: Buffer;
  prev: ModelKv | undefined;
}

class Model {
  readonly states: ModelState[] = [new Map(), new Map()]; // index = revision; revision 1 is empty
  readonly events: ModelEvent[][] = [[], []];
  compactRevision = 0;
  get current(): number {
    return this.states.length - 1;
  }
}

function inRange(key: Buffer, start: Buffer, end: Buffer | undefined): boolean {
  if (end === undefined || end.length === 0) return key.equals(start);
  if (end.length === 1 && end[0] === 0) return Buffer.compare(key, start) >= 0;
  return Buffer.compare(key, start) >= 0 && Buffer.compare(key, end) < 0;
}

function sortValue(kv: ModelKv | KeyValue, target: SortTarget): number | Buffer {
  switch (target) {
    case 'KEY':
      return kv.key;
    case 'VALUE':
      return kv.value;
    case 'VERSION':
      return kv.version;
    case 'CREATE':
      return kv.createRevision;
    case 'MOD':
      return kv.modRevision;
  }
}

function cmp(x: number | Buffer, y: number | Buffer): number {
  return typeof x === 'number' && typeof y === 'number' ? x - y : Buffer.compare(x as Buffer, y as Buffer);
}

function modelRange(state: ModelState, start: Buffer, end: Buffer | undefined, opts: RangeOptions) {
  let kvs = [...state.values()].filter((kv) => inRange(kv.key, start, end)).sort((x, y) => Buffer.compare(x.key, y.key));
  const count = kvs.length;
  if (opts.countOnly === true) return { kvs: [], count, more: false };
  kvs = kvs.filter(
    (kv) =>
      (!opts.minModRevision || kv.modRevision >= opts.minModRevision) &&
      (!opts.maxModRevision || kv.modRevision <= opts.maxModRevision) &&
      (!opts.minCreateRevision || kv.createRevision >= opts.minCreateRevision) &&
      (!opts.maxCreateRevision || kv.createRevision <= opts.maxCreateRevision),
  );
  const target = opts.sortTarget ?? 'KEY';
  const order = opts.sortOrder === undefined || opts.sortOrder === 'NONE' ? (target === 'KEY' ? 'NONE' : 'ASCEND') : opts.sortOrder;
  if (order !== 'NONE') {
    const dir = order === 'ASCEND' ? 1 : -1;
    kvs.sort((x, y) => dir * cmp(sortValue(x, target), sortValue(y, target)) || Buffer.compare(x.key, y.key));
  }
  const limit = opts.limit ?? 0;
  const more = limit > 0 && kvs.length > limit;
  if (more) kvs = kvs.slice(0, limit);
  return {
    kvs: kvs.map((kv) => ({ ...kv, value: opts.keysOnly === true ? Buffer.alloc(0) : kv.value })),
    count,
    more,
  };
}

function plain(kvs: readonly (KeyValue | ModelKv)[]) {
  return kvs.map((kv) => ({
    key: kv.key.toString('hex'),
    value: kv.value.toString('hex'),
    c: kv.createRevision,
    m: kv.modRevision,
    v: kv.version,
    l: kv.lease,
  }));
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

function randomRange(rnd: () => number): [Buffer, Buffer | undefined] {
  const r = rnd();
  const start = pick(rnd, KEYS);
  if (r < 0.35) return [start, undefined];
  if (r < 0.5) return [start, Buffer.from([0])];
  if (r < 0.55) return [Buffer.from([0]), Buffer.from([0])];
  return [start, pick(rnd, KEYS)];
}

function randomOptions(rnd: () => number, model: Model): RangeOptions {
  const opts: RangeOptions = {};
  if (rnd() < 0.5) opts.revision = model.compactRevision - 1 + Math.floor(rnd() * (model.current - model.compactRevision + 3));
  if (rnd() < 0.3) opts.limit = Math.floor(rnd() * 4);
  if (rnd() < 0.1) opts.countOnly = true;
  if (rnd() < 0.1) opts.keysOnly = true;
  if (rnd() < 0.3) opts.sortOrder = pick(rnd, ['NONE', 'ASCEND', 'DESCEND'] as const);
  if (rnd() < 0.3) opts.sortTarget = pick(rnd, ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const);
  const someRev = () => 1 + Math.floor(rnd() * model.current);
  if (rnd() < 0.1) opts.minModRevision = someRev();
  if (rnd() < 0.1) opts.maxModRevision = someRev();
  if (rnd() < 0.1) opts.minCreateRevision = someRev();
  if (rnd() < 0.1) opts.maxCreateRevision = someRev();
  return opts;
}

interface WatchProbe {
  start: number; // first revision expected
  key: Buffer;
  rangeEnd: Buffer | undefined;
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
  batches: WatchBatch[];
}

function checkRead(store: MvccStore, model: Model, start: Buffer, end: Buffer | undefined, opts: RangeOptions): void {
  const rev = opts.revision ?? 0;
  if (rev > model.current) {
    expect(() => store.range(start, end, opts)).toThrow(FutureRevisionError);
    return;
  }
  const at = rev > 0 ? rev : model.current;
  if (at < model.compactRevision) {
    expect(() => store.range(start, end, opts)).toThrow(CompactedError);
    return;
  }
  const got = store.range(start, end, opts);
  const want = modelRange(model.states[at] as ModelState, start, end, opts);
  expect({ kvs: plain(got.kvs), count: got.count, more: got.more }).toEqual({ kvs: plain(want.kvs), count: want.count, more: want.more });
  expect(got.revision).toBe(model.current);
}

function runScenario(seed: number, steps: number) {
  const rnd = seededRandom(seed);
  const store = new MvccStore({ trackChanges: false });
  const model = new Model();
  const probes: WatchProbe[] = [];

  for (let step = 0; step < steps; step++) {
    const r = rnd();
    if (r < 0.55) {
      // A write txn of 1..4 operations, with reads inside it.
      const txn = store.write();
      const working: ModelState = new Map(model.states[model.current]);
      const rev = model.current + 1;
      const events: ModelEvent[] = [];
      const n = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < n; i++) {
        if (rnd() < 0.7) {
          const key = pick(rnd, KEYS);
          const value = Buffer.from(`v${step}.${i}`);
          const lease = rnd() < 0.2 ? BigInt(Math.floor(rnd() * 5)) : 0n;
          const prev = working.get(key.toString('latin1'));
          const kv: ModelKv = {
            key,
            value,
            lease,
            modRevision: rev,
            createRevision: prev?.createRevision ?? rev,
            version: (prev?.version ?? 0) + 1,
          };
          working.set(key.toString('latin1'), kv);
          events.push({ type: 'PUT', key, rev, value, prev });
          const res = txn.put(key, value, lease);
          expect(plain(res.prevKv ? [res.prevKv] : [])).toEqual(plain(prev ? [prev] : []));
        } else {
          const [start, end] = randomRange(rnd);
          const doomed = [...working.values()].filter((kv) => inRange(kv.key, start, end)).sort((x, y) => Buffer.compare(x.key, y.key));
          for (const kv of doomed) {
            working.delete(kv.key.toString('latin1'));
            events.push({ type: 'DELETE', key: kv.key, rev, value: Buffer.alloc(0), prev: kv });
          }
          expect(plain(txn.deleteRange(start, end))).toEqual(plain(doomed));
        }
        if (rnd() < 0.3) {
          const [start, end] = randomRange(rnd);
          const got = txn.range(start, end);
          expect(plain(got.kvs)).toEqual(plain(modelRange(working, start, end, {}).kvs));
        }
      }
      const got = txn.end();
      if (events.length > 0) {
        model.states.push(working);
        model.events.push(events);
      }
      expect(got.map((e: MvccEvent) => `${e.type} ${e.kv.key.toString('hex')} ${e.kv.modRevision}`)).toEqual(
        events.map((e) => `${e.type} ${e.key.toString('hex')} ${e.rev}`),
      );
      expect(store.currentRevision).toBe(model.current);
    } else if (r < 0.8) {
      const [start, end] = randomRange(rnd);
      checkRead(store, model, start, end, randomOptions(rnd, model));
    } else if (r < 0.83) {
      const target = model.compactRevision - 1 + Math.floor(rnd() * (model.current - model.compactRevision + 3));
      if (target <= model.compactRevision) expect(() => store.compact(target)).toThrow(CompactedError);
      else if (target > model.current) expect(() => store.compact(target)).toThrow(FutureRevisionError);
      else {
        store.compact(target);
        model.compactRevision = target;
      }
    } else if (r < 0.9) {
      const [key, rangeEnd] = randomRange(rnd);
      const fromPast = rnd() < 0.7;
      const startRevision = fromPast ? Math.max(1, model.current - Math.floor(rnd() * 60)) : 0;
      const probe: WatchProbe = {
        start: fromPast ? startRevision : model.current + 1,
        key,
        rangeEnd,
        prevKv: rnd() < 0.5,
        noPut: rnd() < 0.15,
        noDelete: rnd() < 0.15,
        batches: [],
      };
      probes.push(probe);
      store.watch(
        { key, rangeEnd, startRevision, prevKv: probe.prevKv, filters: { noPut: probe.noPut, noDelete: probe.noDelete } },
        (batch) => probe.batches.push(batch),
      );
    } else if (r < 0.97) {
      store.pump(1 + Math.floor(rnd() * 20));
    } else {
      // Snapshot round trip must be indistinguishable.
      const copy = MvccStore.restore(store.serialize());
      expect(copy.hashKV(0)).toEqual(store.hashKV(0));
      const [start, end] = randomRange(rnd);
      const opts = randomOptions(rnd, model);
      checkRead(copy, model, start, end, opts);
    }
  }

  while (store.pump(1 + Math.floor(rnd() * 50)));
  for (const probe of probes) checkProbe(probe, model);
  return {
    revisions: model.current,
    compactRevision: model.compactRevision,
    watchers: probes.length,
    watchEvents: probes.reduce((n, p) => n + p.batches.reduce((m, bt) => m + bt.events.length, 0), 0),
    cancelled: probes.filter((p) => p.batches.at(-1)?.canceled === true).length,
  };
}

function checkProbe(probe: WatchProbe, model: Model): void {
  const expected: ModelEvent[] = [];
  for (let rev = probe.start; rev <= model.current; rev++) {
    for (const ev of model.events[rev] ?? []) {
      if (!inRange(ev.key, probe.key, probe.rangeEnd)) continue;
      if ((ev.type === 'PUT' && probe.noPut) || (ev.type === 'DELETE' && probe.noDelete)) continue;
      expected.push(ev);
    }
  }
  const last = probe.batches.at(-1);
  const canceled = last?.canceled === true;
  const delivered = probe.batches.flatMap((batch) => batch.events);
  for (const [i, batch] of probe.batches.entries()) {
    if (batch.canceled === true) {
      expect(i).toBe(probe.batches.length - 1);
      expect(batch.compactRevision).toBeGreaterThanOrEqual(probe.start);
      expect(batch.events).toEqual([]);
    } else {
      expect(batch.events.length).toBeGreaterThan(0);
    }
  }
  const describeEv = (type: string, key: Buffer, rev: number, value: Buffer) => `${type} ${key.toString('hex')}@${rev}=${value.toString('hex')}`;
  const got = delivered.map((e) => describeEv(e.type, e.kv.key, e.kv.modRevision, e.kv.value));
  const want = expected.map((e) => describeEv(e.type, e.key, e.rev, e.value));
  if (canceled) expect(got).toEqual(want.slice(0, got.length));
  else expect(got).toEqual(want);
  for (const [i, e] of delivered.entries()) {
    const exp = expected[i] as ModelEvent;
    if (!probe.prevKv) expect(e.prevKv).toBeUndefined();
    else if (e.prevKv !== undefined) expect(plain([e.prevKv])).toEqual(plain(exp.prev ? [exp.prev] : []));
    else expect(exp.prev).toBeUndefined();
  }
}

suite('MvccStore against a reference model', () => {
  for (const seed of [1, 2, 42]) {
    it(`agrees over 1200 seeded operations (seed ${seed})`, () => {
      const stats = runScenario(seed, 1200);
      // Guard against the scenario degenerating into something that checks little.
      expect(stats.revisions).toBeGreaterThan(400);
      expect(stats.compactRevision).toBeGreaterThan(0);
      expect(stats.watchEvents).toBeGreaterThan(1000);
      expect(stats.cancelled).toBeGreaterThan(0);
      expect(stats.cancelled).toBeLessThan(stats.watchers);
    });
  }
});
