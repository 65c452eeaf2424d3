import type { MvccStore } from './mvcc-store.js';

/**
 * Drives watch catch-up off the event loop: whenever a watch needs history, pump() runs in
 * setImmediate turns (one bounded batch per unsynced watcher per turn) until all are synced,
 * so a long history never blocks the process. Returns a function that stops the driving.
 */
export function startWatchPump(
  store: MvccStore,
  maxEvents?: number,
  schedule: (fn: () => void) => void = (fn) => setImmediate(fn),
): () => void {
  let scheduled = false;
  let stopped = false;
  const run = (): void => {
    scheduled = false;
    if (stopped) return;
    if (store.pump(maxEvents)) kick();
  };
  const kick = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    schedule(run);
  };
  store.onWatchBacklog = kick;
  if (store.unsyncedWatcherCount > 0) kick();
  return () => {
    stopped = true;
    if (store.onWatchBacklog === kick) store.onWatchBacklog = undefined;
  };
}
