import { limitSize } from './entry-size.js';
import { CompactedError, RaftInvariantError, SnapOutOfDateError, UnavailableError } from './errors.js';
import { EntryType, None } from './types.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

/**
 * The persisted part of the log as Raft reads it. Raft never writes here: the driver persists what
 * a Ready hands out and then calls advance(). Implementations must be consistent with what was
 * persisted, and the `entries`/`term` errors are the only ones Raft tolerates.
 */
export interface Storage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at most maxBytes (but at least one). Throws CompactedError / UnavailableError. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i; i may be firstIndex()-1 (the snapshot's index). Throws CompactedError / UnavailableError. */
  term(i: number): number;
  firstIndex(): number;
  lastIndex(): number;
  /** The most recent snapshot; may throw SnapshotTemporarilyUnavailableError. */
  snapshot(): Snapshot;
}

export function emptyHardState(): HardState {
  return { term: 0, vote: None, commit: 0 };
}

export function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } }, data: new Uint8Array(0) };
}

function copyConfState(cs: ConfState): ConfState {
  return { voters: [...cs.voters], learners: [...cs.learners] };
}

function dummyEntry(index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: new Uint8Array(0) };
}

/** An in-memory Storage: useful for tests and as the log cache in front of a durable store. */
export class MemoryStorage implements Storage {
  private hardState: HardState = emptyHardState();
  private snap: Snapshot = emptySnapshot();
  // ents[0] is a dummy standing for the snapshot: its index/term answer term(firstIndex()-1).
  private ents: Entry[] = [dummyEntry(0, 0)];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: copyConfState(this.snap.metadata.confState) };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  private get offset(): number {
    return (this.ents[0] as Entry).index;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.offset;
    if (lo <= offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) {
      throw new RaftInvariantError(`entries hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    if (this.ents.length === 1) throw new UnavailableError();
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.offset;
    if (i < offset) throw new CompactedError();
    const e = this.ents[i - offset];
    if (e === undefined) throw new UnavailableError();
    return e.term;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole content with the snapshot (the log restarts after it). */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw new SnapOutOfDateError();
    this.snap = snap;
    this.ents = [dummyEntry(snap.metadata.index, snap.metadata.term)];
  }

  /**
   * Records a snapshot of the application state as of index (which must be applied) so a later
   * compact() can drop the entries it covers. cs defaults to the previous snapshot's ConfState.
   */
  createSnapshot(index: number, cs: ConfState | undefined, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) throw new SnapOutOfDateError();
    if (index > this.lastIndex()) {
      throw new RaftInvariantError(`snapshot ${index} is out of bound lastindex(${this.lastIndex()})`);
    }
    const term = (this.ents[index - this.offset] as Entry).term;
    const confState = copyConfState(cs ?? this.snap.metadata.confState);
    this.snap = { metadata: { index, term, confState }, data };
    return this.snap;
  }

  /**
   * Discards the entries before compactIndex. The entry at compactIndex stays as the dummy, so
   * afterwards firstIndex() is compactIndex + 1 and term(compactIndex) still answers.
   */
  compact(compactIndex: number): void {
    const offset = this.offset;
    if (compactIndex <= offset) throw new CompactedError();
    if (compactIndex > this.lastIndex()) {
      throw new RaftInvariantError(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const kept = this.ents[i] as Entry;
    this.ents = [dummyEntry(kept.index, kept.term), ...this.ents.slice(i + 1)];
  }

  /** Appends entries, replacing any existing suffix they conflict with. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = (entries[0] as Entry).index + entries.length - 1;
    // Entries entirely covered by the snapshot are already part of it.
    if (last < first) return;
    let ents = entries;
    if (first > (ents[0] as Entry).index) ents = ents.slice(first - (ents[0] as Entry).index);
    const offset = (ents[0] as Entry).index - this.offset;
    if (this.ents.length > offset) {
      this.ents = [...this.ents.slice(0, offset), ...ents];
    } else if (this.ents.length === offset) {
      for (const e of ents) this.ents.push(e);
    } else {
      throw new RaftInvariantError(
        `missing log entry [last: ${this.lastIndex()}, append at: ${(ents[0] as Entry).index}]`,
      );
    }
  }
}
