// Helpers shared by this folder's tests.
import type { MvccStore } from './mvcc-store.js';
import type { KeyValue, MvccEvent, WatchBatch } from './types.js';

export function b(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** One txn putting each [key, value] pair; returns the events. */
export function put(store: MvccStore, ...pairs: [string, string][]): MvccEvent[] {
  const txn = store.write();
  for (const [k, v] of pairs) txn.put(b(k), b(v), 0n);
  return txn.end();
}

export function del(store: MvccStore, key: string, rangeEnd?: string): KeyValue[] {
  const txn = store.write();
  const deleted = txn.deleteRange(b(key), rangeEnd === undefined ? undefined : b(rangeEnd));
  txn.end();
  return deleted;
}

export function keys(kvs: readonly KeyValue[]): string[] {
  return kvs.map((kv) => kv.key.toString('utf8'));
}

/** Compact event form for assertions: "PUT k=v@rev" / "DELETE k@rev". */
export function describe(ev: MvccEvent): string {
  const k = ev.kv.key.toString('utf8');
  return ev.type === 'PUT' ? `PUT ${k}=${ev.kv.value.toString('utf8')}@${ev.kv.modRevision}` : `DELETE ${k}@${ev.kv.modRevision}`;
}

/** Collects watch batches. */
export function collector(): { batches: WatchBatch[]; events: () => string[]; sink: (batch: WatchBatch) => void } {
  const batches: WatchBatch[] = [];
  return {
    batches,
    events: () => batches.flatMap((bt) => bt.events.map(describe)),
    sink: (batch) => batches.push(batch),
  };
}

/** Pumps until no watcher is unsynced. */
export function drain(store: MvccStore, maxEvents?: number): number {
  let rounds = 0;
  while (store.pump(maxEvents)) rounds++;
  return rounds + 1;
}
