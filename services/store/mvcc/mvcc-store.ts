import { crc32c } from './crc32c.js';
import { CompactedError, FutureRevisionError, TxnInProgressError, WriteDuringDeliveryError, CorruptDataError } from './errors.js';
import { toKeyId, toKeyRange } from './key-range.js';
import { MvccState } from './mvcc-state.js';
import { queryRange } from './range-query.js';
import { encodeRecord, encodeRevision } from './record-codec.js';
import { compareRevision } from './revision-record.js';
import type { RevisionRecord } from './revision-record.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.js';
import type { StoreImage } from './snapshot-codec.js';
import type {
  MvccWriteTxn,
  PendingChanges,
  RangeOptions,
  RangeResult,
  StoredRevision,
  WatchRequest,
  WatchSink,
  Watcher,
} from './types.js';
import { DEFAULT_PUMP_EVENTS, WatchHub } from './watch-hub.js';
import { WriteTxn } from './write-txn.js';

export interface MvccStoreOptions {
  /**
   * Record changes for takePendingChanges() (default true). Turn off for a store that is never
   * persisted, or the list would grow without bound.
   */
  trackChanges?: boolean;
}

export interface HashKVResult {
  hash: number;
  /** The revision the hash covers (the requested one, or current for 0). */
  hashRevision: number;
  compactRevision: number;
}

const HASH_SEED = Buffer.from('key', 'latin1');

/**
 * The etcd v3 MVCC key-value state machine, entirely in memory. Every replica applies the same
 * Raft entries to it and gets the same state: nothing here reads clocks or randomness.
 *
 * Watch catch-up is driven by pump(): watch() never delivers synchronously; a watcher starting
 * at or below currentRevision is caught up from history only when the owner calls pump()
 * (onWatchBacklog says when one is needed; startWatchPump() wires both to setImmediate).
 * Watchers that are caught up receive new revisions synchronously inside MvccWriteTxn.end().
 */
export class MvccStore {
  private readonly state: MvccState;
  private readonly hub: WatchHub;

  constructor(options: MvccStoreOptions = {}) {
    this.state = new MvccState(options.trackChanges ?? true);
    this.hub = new WatchHub(this.state);
  }

  get currentRevision(): number {
    return this.state.currentRevision;
  }

  get compactRevision(): number {
    return this.state.compactRevision;
  }

  range(key: Buffer, rangeEnd: Buffer | undefined, opts: RangeOptions = {}): RangeResult {
    return queryRange(this.state, toKeyRange(key, rangeEnd), opts, this.state.currentRevision);
  }

  /** Opens the single write txn; call end() on it (even when giving up) before the next one. */
  write(): MvccWriteTxn {
    if (this.hub.isDelivering) throw new WriteDuringDeliveryError();
    if (this.state.txnOpen) throw new TxnInProgressError();
    return new WriteTxn(this.state, (revision, records, events) => this.hub.notify(revision, records, events));
  }

  /**
   * etcd compaction: drops history at or below revision except each live key's latest version
   * there. Ranges may still read at exactly the compact revision (as in etcd: every live key's
   * version there is kept), but watches must start after it (its tombstones are gone).
   */
  compact(revision: number): void {
    if (this.state.txnOpen) throw new TxnInProgressError();
    this.state.compact(revision);
  }

  /**
   * CRC-32C over every stored key revision with main <= revision (0 = current), revision key
   * and encoded record in revision order. Compaction is applied synchronously, so the stored
   * revisions at or below compactRevision are exactly the ones etcd's HashKV keeps.
   */
  hashKV(revision: number): HashKVResult {
    const { currentRevision, compactRevision } = this.state;
    if (revision > 0 && revision <= compactRevision) throw new CompactedError();
    if (revision > currentRevision) throw new FutureRevisionError();
    const hashRevision = revision > 0 ? revision : currentRevision;
    let hash = crc32c(HASH_SEED);
    for (const rec of this.state.records(hashRevision)) {
      hash = crc32c(encodeRevision(rec), hash);
      hash = crc32c(encodeRecord(rec), hash);
    }
    return { hash, hashRevision, compactRevision };
  }

  watch(req: WatchRequest, sink: WatchSink): Watcher {
    return this.hub.watch(req, sink);
  }

  /**
   * Catches unsynced watchers up: each gets at most one batch of up to maxEvents events (a
   * revision is never split) per call; watchers whose start revision was compacted are
   * cancelled with compactRevision set. Returns true while any watcher is still unsynced.
   */
  pump(maxEvents = DEFAULT_PUMP_EVENTS): boolean {
    return this.hub.pump(maxEvents);
  }

  get unsyncedWatcherCount(): number {
    return this.hub.unsyncedCount;
  }

  /** Called synchronously whenever a watch needs catching up, i.e. pump() has work. */
  set onWatchBacklog(listener: (() => void) | undefined) {
    this.hub.backlogListener = listener;
  }

  get onWatchBacklog(): (() => void) | undefined {
    return this.hub.backlogListener;
  }

  /**
   * Receives errors thrown by watch sinks. The throwing watcher is cancelled and delivery to
   * the others goes on; without a listener the error is rethrown from a microtask.
   */
  set onWatchSinkError(listener: ((err: unknown, watcherId: number) => void) | undefined) {
    this.hub.sinkErrorListener = listener;
  }

  get onWatchSinkError(): ((err: unknown, watcherId: number) => void) | undefined {
    return this.hub.sinkErrorListener;
  }

  /** Full state for a Raft snapshot. Reflects committed revisions only. */
  serialize(): Uint8Array {
    return encodeSnapshot(this.state.currentRevision, this.state.compactRevision, this.state.records());
  }

  static restore(data: Uint8Array, options: MvccStoreOptions = {}): MvccStore {
    return MvccStore.fromImage(decodeSnapshot(data), options);
  }

  /**
   * Rebuilds a store from its stored revisions (used by restore and Backend.load). The result
   * has no pending changes: its state is already wherever it was read from.
   */
  static fromImage(image: StoreImage, options: MvccStoreOptions = {}): MvccStore {
    const store = new MvccStore(options);
    const state = store.state;
    let last: StoredRevision | undefined;
    for (const rev of image.revisions) {
      if (last !== undefined && compareRevision(last, rev) >= 0) throw new CorruptDataError('revisions out of order');
      if (rev.main > image.currentRevision) throw new CorruptDataError('revision beyond current revision');
      last = rev;
      const keyId = toKeyId(rev.kv.key);
      const key = state.index.get(keyId)?.key ?? rev.kv.key;
      const record: RevisionRecord = {
        main: rev.main,
        sub: rev.sub,
        keyId,
        tombstone: rev.tombstone,
        prev: undefined,
        kv: { ...rev.kv, key },
      };
      state.loadRecord(record, key);
    }
    state.currentRevision = image.currentRevision;
    state.compactRevision = image.compactRevision;
    return store;
  }

  /** Every stored key revision in revision order (committed revisions only). */
  revisions(): IterableIterator<StoredRevision> {
    return this.state.records();
  }

  /** What changed since the previous call, for Backend.commit (write-behind persistence). */
  takePendingChanges(): PendingChanges {
    return this.state.takePendingChanges();
  }
}
