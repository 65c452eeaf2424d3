import { CompactedError, FutureRevisionError } from './errors.js';
import type { KeyRange } from './key-range.js';
import type { MvccState } from './mvcc-state.js';
import type { KeyValue, RangeOptions, RangeResult, SortTarget } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * A range read with the full etcd v3.4 RangeRequest semantics (mvcc rangeKeys plus the
 * server's applier post-processing), served at curRev (the store's, or a txn's view of it).
 */
export function queryRange(state: MvccState, range: KeyRange, opts: RangeOptions, curRev: number): RangeResult {
  const requested = opts.revision ?? 0;
  if (requested > curRev) throw new FutureRevisionError();
  const atRev = requested > 0 ? requested : curRev;
  // etcd rejects only revisions strictly below the compact revision: compaction keeps the
  // latest version of every live key at that revision, so the state there is still whole.
  if (atRev < state.compactRevision) throw new CompactedError();

  const records = state.liveAt(range, atRev);
  const count = records.length;
  if (opts.countOnly === true) return { kvs: [], count, more: false, revision: curRev };

  let kvs = records.map((r) => r.kv);
  kvs = applyRevisionFilters(kvs, opts);

  let order = opts.sortOrder ?? 'NONE';
  const target = opts.sortTarget ?? 'KEY';
  // Results already come in ascending key order; etcd sorts ascending by default only when
  // another target was asked for.
  if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
  if (order === 'ASCEND' && target !== 'KEY') kvs.sort(comparator(target));
  else if (order === 'DESCEND') {
    const cmp = comparator(target);
    kvs.sort((a, b) => cmp(b, a));
  }

  const limit = opts.limit ?? 0;
  let more = false;
  if (limit > 0 && kvs.length > limit) {
    kvs = kvs.slice(0, limit);
    more = true;
  }
  if (opts.keysOnly === true) kvs = kvs.map((kv) => ({ ...kv, value: EMPTY }));
  return { kvs, count, more, revision: curRev };
}

function applyRevisionFilters(kvs: KeyValue[], opts: RangeOptions): KeyValue[] {
  const minMod = opts.minModRevision ?? 0;
  const maxMod = opts.maxModRevision ?? 0;
  const minCreate = opts.minCreateRevision ?? 0;
  const maxCreate = opts.maxCreateRevision ?? 0;
  if (minMod === 0 && maxMod === 0 && minCreate === 0 && maxCreate === 0) return kvs;
  return kvs.filter(
    (kv) =>
      (minMod === 0 || kv.modRevision >= minMod) &&
      (maxMod === 0 || kv.modRevision <= maxMod) &&
      (minCreate === 0 || kv.createRevision >= minCreate) &&
      (maxCreate === 0 || kv.createRevision <= maxCreate),
  );
}

function comparator(target: SortTarget): (a: KeyValue, b: KeyValue) => number {
  switch (target) {
    case 'KEY':
      return (a, b) => Buffer.compare(a.key, b.key);
    case 'VERSION':
      return (a, b) => a.version - b.version;
    case 'CREATE':
      return (a, b) => a.createRevision - b.createRevision;
    case 'MOD':
      return (a, b) => a.modRevision - b.modRevision;
    case 'VALUE':
      return (a, b) => Buffer.compare(a.value, b.value);
  }
}
