import { CompactedError, FutureRevisionError } from './errors.js';
import { KeyIndex } from './key-index.js';
import type { KeyId, KeyRange } from './key-range.js';
import type { RevisionRecord } from './revision-record.js';
import { SortedKeyList } from './sorted-key-list.js';
import type { PendingChanges, RevisionId } from './types.js';

/**
 * The data shared by the store, its write txns and its watch hub: the key index (ordered keys
 * -> per-key generations) and the revision log (main revision -> records by sub-revision).
 * Both reference the same RevisionRecord objects.
 */
export class MvccState {
  /** etcd starts at 1 so the first write is revision 2. */
  currentRevision = 1;
  compactRevision = 0;
  txnOpen = false;

  readonly keys = new SortedKeyList();
  readonly index = new Map<KeyId, KeyIndex>();
  /**
   * Insertion order is ascending main revision (revisions are only ever appended, and
   * compaction only deletes or replaces entries in place), so iterating the Map walks history
   * in revision order without a separate sorted structure. A revision with one record (a put)
   * holds it bare: one array fewer kept alive per write.
   */
  private readonly log = new Map<number, RevisionRecord | RevisionRecord[]>();

  private readonly trackChanges: boolean;
  private added: RevisionRecord[] = [];
  private removed: RevisionId[] = [];

  constructor(trackChanges: boolean) {
    this.trackChanges = trackChanges;
  }

  keyIndexFor(id: KeyId, key: Buffer): KeyIndex {
    return this.index.get(id) ?? this.newKeyIndex(id, key);
  }

  /** Adds the index of a key that has none (the caller has looked). */
  newKeyIndex(id: KeyId, key: Buffer): KeyIndex {
    const ki = new KeyIndex(key);
    this.index.set(id, ki);
    this.keys.insert(id);
    return ki;
  }

  /** Visits the key indexes in range, in key order, including keys without a live version. */
  forEachKeyIndex(range: KeyRange, visit: (ki: KeyIndex) => void): void {
    if (range.single) {
      const ki = this.index.get(range.start);
      if (ki !== undefined) visit(ki);
      return;
    }
    const end = range.end;
    this.keys.forEachFrom(range.start, (id) => {
      if (end !== undefined && id >= end) return false;
      const ki = this.index.get(id);
      if (ki !== undefined) visit(ki);
      return true;
    });
  }

  /** The live records in range at atRev, in key order. */
  liveAt(range: KeyRange, atRev: number): RevisionRecord[] {
    const out: RevisionRecord[] = [];
    this.forEachKeyIndex(range, (ki) => {
      const rec = ki.get(atRev);
      if (rec !== undefined) out.push(rec);
    });
    return out;
  }

  /** The records of one main revision, in sub-revision order (none if compacted away). */
  recordsAt(main: number): readonly RevisionRecord[] {
    const slot = this.log.get(main);
    return slot === undefined ? [] : Array.isArray(slot) ? slot : [slot];
  }

  /** Appends a committed revision's records (all with main === currentRevision). */
  commitRevision(main: number, records: RevisionRecord[]): void {
    this.currentRevision = main;
    this.log.set(main, records.length === 1 ? (records[0] as RevisionRecord) : records);
    if (this.trackChanges) for (const r of records) this.added.push(r);
  }

  /** Re-inserts a record while rebuilding from persisted or snapshot data (revision order). */
  loadRecord(record: RevisionRecord, key: Buffer): void {
    const ki = this.keyIndexFor(record.keyId, key);
    const prev = ki.latest();
    // A record following a live version of the same key continues its generation; records are
    // written only in revision order, so this reconstructs exactly the pre-snapshot chains.
    record.prev = prev;
    if (record.tombstone) ki.tombstone(record);
    else ki.put(record);
    const slot = this.log.get(record.main);
    if (slot === undefined) this.log.set(record.main, record);
    else if (Array.isArray(slot)) slot.push(record);
    else this.log.set(record.main, [slot, record]);
  }

  compact(rev: number): void {
    if (rev <= this.compactRevision) throw new CompactedError();
    if (rev > this.currentRevision) throw new FutureRevisionError();
    const removed: RevisionRecord[] = [];
    for (const [id, ki] of this.index) {
      ki.compact(rev, removed);
      if (ki.isEmpty()) {
        this.index.delete(id);
        this.keys.remove(id);
      }
    }
    if (removed.length > 0) {
      const gone = new Set(removed);
      for (const [main, slot] of this.log) {
        if (main > rev) break;
        if (!Array.isArray(slot)) {
          if (gone.has(slot)) this.log.delete(main);
          continue;
        }
        const kept = slot.filter((r) => !gone.has(r));
        if (kept.length === 0) this.log.delete(main);
        else if (kept.length !== slot.length) this.log.set(main, kept.length === 1 ? (kept[0] as RevisionRecord) : kept);
      }
      if (this.trackChanges) for (const r of removed) this.removed.push({ main: r.main, sub: r.sub });
    }
    this.compactRevision = rev;
  }

  /** Every stored record with main <= upTo, in revision order. */
  *records(upTo = Number.MAX_SAFE_INTEGER): IterableIterator<RevisionRecord> {
    for (const [main, slot] of this.log) {
      if (main > upTo) return;
      if (Array.isArray(slot)) yield* slot;
      else yield slot;
    }
  }

  takePendingChanges(): PendingChanges {
    const changes: PendingChanges = {
      currentRevision: this.currentRevision,
      compactRevision: this.compactRevision,
      added: this.added,
      removed: this.removed,
    };
    this.added = [];
    this.removed = [];
    return changes;
  }
}
