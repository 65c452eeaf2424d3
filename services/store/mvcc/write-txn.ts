import { TxnEndedError } from './errors.js';
import { toKeyId, toKeyRange } from './key-range.js';
import type { MvccState } from './mvcc-state.js';
import { queryRange } from './range-query.js';
import { toEvent, tombstoneKv } from './revision-record.js';
import type { RevisionRecord } from './revision-record.js';
import type { KeyValue, MvccEvent, MvccWriteTxn, RangeOptions, RangeResult } from './types.js';

/**
 * A write txn applies its changes to the key index as it goes (at main = currentRevision + 1),
 * so its own reads see them, while reads at currentRevision and below, which is every other
 * reader, cannot. end() publishes the revision.
 */
export class WriteTxn implements MvccWriteTxn {
  private readonly state: MvccState;
  private readonly main: number;
  private readonly onCommit: (revision: number, records: RevisionRecord[], events: MvccEvent[]) => void;
  private readonly changes: RevisionRecord[] = [];
  private ended = false;

  constructor(state: MvccState, onCommit: (revision: number, records: RevisionRecord[], events: MvccEvent[]) => void) {
    this.state = state;
    this.main = state.currentRevision + 1;
    this.onCommit = onCommit;
    state.txnOpen = true;
  }

  range(key: Buffer, rangeEnd: Buffer | undefined, opts: RangeOptions = {}): RangeResult {
    this.assertOpen();
    return queryRange(this.state, toKeyRange(key, rangeEnd), opts, this.viewRevision());
  }

  put(key: Buffer, value: Buffer, lease: bigint): { prevKv?: KeyValue } {
    this.assertOpen();
    const keyId = toKeyId(key);
    const existing = this.state.index.get(keyId);
    // Reuse the index's copy of the key; copy caller buffers, which may be views into larger
    // network or log buffers that history would otherwise keep alive (or see mutated).
    const ki = existing ?? this.state.newKeyIndex(keyId, Buffer.from(key));
    const prev = ki.latest();
    const record: RevisionRecord = {
      main: this.main,
      sub: this.changes.length,
      keyId,
      tombstone: false,
      prev,
      kv: {
        key: ki.key,
        createRevision: prev === undefined ? this.main : prev.kv.createRevision,
        modRevision: this.main,
        version: prev === undefined ? 1 : prev.kv.version + 1,
        value: Buffer.from(value),
        lease,
      },
    };
    ki.put(record);
    this.changes.push(record);
    return prev === undefined ? {} : { prevKv: prev.kv };
  }

  deleteRange(key: Buffer, rangeEnd: Buffer | undefined): KeyValue[] {
    this.assertOpen();
    const deleted: KeyValue[] = [];
    // latest() is the live version at this txn's view (index records never run ahead of it).
    this.state.forEachKeyIndex(toKeyRange(key, rangeEnd), (ki) => {
      const prev = ki.latest();
      if (prev === undefined) return;
      const record: RevisionRecord = {
        main: this.main,
        sub: this.changes.length,
        keyId: prev.keyId,
        tombstone: true,
        prev,
        kv: tombstoneKv(ki.key, this.main),
      };
      ki.tombstone(record);
      this.changes.push(record);
      deleted.push(prev.kv);
    });
    return deleted;
  }

  end(): MvccEvent[] {
    this.assertOpen();
    this.ended = true;
    this.state.txnOpen = false;
    if (this.changes.length === 0) return [];
    this.state.commitRevision(this.main, this.changes);
    const events = this.changes.map(toEvent);
    this.onCommit(this.main, this.changes, events);
    return events;
  }

  /** etcd: a txn reads at its begin revision, or at its own revision once it has written. */
  private viewRevision(): number {
    return this.changes.length > 0 ? this.main : this.main - 1;
  }

  private assertOpen(): void {
    if (this.ended) throw new TxnEndedError();
  }
}
