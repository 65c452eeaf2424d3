import { rangeContains, toKeyRange } from './key-range.js';
import type { KeyId, KeyRange } from './key-range.js';
import type { MvccState } from './mvcc-state.js';
import { toEvent } from './revision-record.js';
import type { RevisionRecord } from './revision-record.js';
import type { MvccEvent, WatchBatch, WatchRequest, WatchSink, Watcher } from './types.js';

/** Default (and per-sink-call) bound on catch-up events; a revision is never split. */
export const DEFAULT_PUMP_EVENTS = 1000;
/** Catch-up also stops after scanning this many history records per watcher per pump. */
const SCAN_FACTOR = 10;

interface WatcherState {
  readonly id: number;
  readonly range: KeyRange;
  readonly prevKv: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly sink: WatchSink;
  /** The next revision this watcher still needs. */
  minRev: number;
  cancelled: boolean;
}

/**
 * Watchers in two groups, as in etcd's watchableStore. Synced watchers have seen all history
 * and get each new revision from notify(), synchronously inside MvccWriteTxn.end(). Unsynced
 * watchers (start revision in the past) are caught up from the revision log only by pump(), so
 * watch() itself never delivers anything and never blocks on a long history.
 */
export class WatchHub {
  private readonly state: MvccState;
  private nextId = 1;
  /** Synced single-key watchers by key: the common case is found without scanning. */
  private readonly syncedByKey = new Map<KeyId, Set<WatcherState>>();
  private readonly syncedRanges = new Set<WatcherState>();
  private readonly unsynced = new Set<WatcherState>();
  private delivering = 0;
  /** Called when a watcher joins the unsynced group, so the owner can schedule pump(). */
  backlogListener: (() => void) | undefined;
  /** Receives errors thrown by sinks; unset, they are rethrown from a microtask. */
  sinkErrorListener: ((err: unknown, watcherId: number) => void) | undefined;

  constructor(state: MvccState) {
    this.state = state;
  }

  get isDelivering(): boolean {
    return this.delivering > 0;
  }

  get unsyncedCount(): number {
    return this.unsynced.size;
  }

  watch(req: WatchRequest, sink: WatchSink): Watcher {
    const start = Math.max(0, req.startRevision ?? 0);
    const w: WatcherState = {
      id: this.nextId++,
      range: toKeyRange(req.key, req.rangeEnd),
      prevKv: req.prevKv === true,
      noPut: req.filters?.noPut === true,
      noDelete: req.filters?.noDelete === true,
      sink,
      minRev: start === 0 ? this.state.currentRevision + 1 : start,
      cancelled: false,
    };
    if (w.minRev > this.state.currentRevision) this.addSynced(w);
    else {
      this.unsynced.add(w);
      this.backlogListener?.();
    }
    const unsynced = this.unsynced;
    return {
      id: w.id,
      cancel: () => this.cancel(w),
      get synced(): boolean {
        return !w.cancelled && !unsynced.has(w);
      },
    };
  }

  /**
   * Delivers one committed revision to the synced watchers whose range it touches. events[i]
   * is the event of records[i].
   */
  notify(revision: number, records: readonly RevisionRecord[], events: readonly MvccEvent[]): void {
    if (this.syncedByKey.size === 0 && this.syncedRanges.size === 0) return;
    const perWatcher = new Map<WatcherState, MvccEvent[]>();
    const add = (w: WatcherState, ev: MvccEvent): void => {
      // A watcher that asked for a future start revision sits in the synced group early.
      if (revision < w.minRev) return;
      const list = perWatcher.get(w);
      if (list === undefined) perWatcher.set(w, [ev]);
      else list.push(ev);
    };
    for (const [i, ev] of events.entries()) {
      const id = (records[i] as RevisionRecord).keyId;
      const byKey = this.syncedByKey.get(id);
      if (byKey !== undefined) for (const w of byKey) add(w, ev);
      for (const w of this.syncedRanges) if (rangeContains(w.range, id)) add(w, ev);
    }
    this.deliverAll(perWatcher, revision);
  }

  /**
   * Advances every unsynced watcher by at most one sink call of up to maxEvents events (more
   * only when a single revision is larger) and cancels those whose start was compacted away.
   * Returns true while unsynced watchers remain, i.e. the caller should pump again.
   */
  pump(maxEvents = DEFAULT_PUMP_EVENTS): boolean {
    const budget = Math.max(1, maxEvents);
    for (const w of [...this.unsynced]) {
      if (w.cancelled) continue;
      // Stricter than etcd (which only cancels below the compact revision): compaction drops
      // tombstones at the compact revision itself, so a watch starting there would silently
      // miss those deletes.
      if (w.minRev <= this.state.compactRevision) {
        this.cancelForCompaction(w);
        continue;
      }
      this.catchUp(w, budget);
    }
    return this.unsynced.size > 0;
  }

  private catchUp(w: WatcherState, budget: number): void {
    const current = this.state.currentRevision;
    const events: MvccEvent[] = [];
    let scanned = 0;
    let rev = w.minRev;
    for (; rev <= current; rev++) {
      if (events.length >= budget || scanned >= budget * SCAN_FACTOR) break;
      const records = this.state.recordsAt(rev);
      scanned += records.length;
      for (const r of records) if (rangeContains(w.range, r.keyId)) events.push(this.eventFor(w, r));
    }
    w.minRev = rev;
    const batch = this.filter(w, events);
    if (batch.length > 0) this.deliver(w, { events: batch, revision: current });
    // A sink may have cancelled the watcher; otherwise it joins the live stream once it has
    // seen everything up to the (unchanged, as sinks cannot write) current revision.
    if (!w.cancelled && w.minRev > this.state.currentRevision) {
      this.unsynced.delete(w);
      this.addSynced(w);
    }
  }

  private eventFor(w: WatcherState, record: RevisionRecord): MvccEvent {
    const event = toEvent(record);
    if (!w.prevKv) delete event.prevKv;
    return event;
  }

  private cancelForCompaction(w: WatcherState): void {
    const compactRevision = this.state.compactRevision;
    this.cancel(w);
    this.callSink(w, { events: [], revision: this.state.currentRevision, compactRevision, canceled: true });
  }

  private deliverAll(perWatcher: Map<WatcherState, MvccEvent[]>, revision: number): void {
    for (const [w, events] of perWatcher) {
      if (w.cancelled) continue;
      const batch = this.filter(
        w,
        w.prevKv ? events : events.map((ev) => (ev.prevKv === undefined ? ev : { type: ev.type, kv: ev.kv })),
      );
      if (batch.length > 0) this.deliver(w, { events: batch, revision });
    }
  }

  private filter(w: WatcherState, events: MvccEvent[]): MvccEvent[] {
    if (!w.noPut && !w.noDelete) return events;
    return events.filter((ev) => (ev.type === 'PUT' ? !w.noPut : !w.noDelete));
  }

  private deliver(w: WatcherState, batch: WatchBatch): void {
    if (!w.cancelled) this.callSink(w, batch);
  }

  private callSink(w: WatcherState, batch: WatchBatch): void {
    this.delivering++;
    try {
      w.sink(batch);
    } catch (err) {
      // A broken sink must not stop delivery to the other watchers or undo a committed
      // revision; drop that watcher and surface the bug outside the apply path.
      this.cancel(w);
      const listener = this.sinkErrorListener;
      if (listener !== undefined) listener(err, w.id);
      else
        queueMicrotask(() => {
          throw err;
        });
    } finally {
      this.delivering--;
    }
  }

  private addSynced(w: WatcherState): void {
    if (w.range.single) {
      let set = this.syncedByKey.get(w.range.start);
      if (set === undefined) {
        set = new Set();
        this.syncedByKey.set(w.range.start, set);
      }
      set.add(w);
    } else {
      this.syncedRanges.add(w);
    }
  }

  private cancel(w: WatcherState): void {
    if (w.cancelled) return;
    w.cancelled = true;
    this.unsynced.delete(w);
    if (w.range.single) {
      const set = this.syncedByKey.get(w.range.start);
      if (set !== undefined) {
        set.delete(w);
        if (set.size === 0) this.syncedByKey.delete(w.range.start);
      }
    } else {
      this.syncedRanges.delete(w);
    }
  }
}
