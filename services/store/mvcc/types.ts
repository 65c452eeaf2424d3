// Public value types of the MVCC store. Shapes follow etcd v3.4's mvcc package and mvccpb so the
// server can map them one to one onto the etcd gRPC messages.

/**
 * One version of a key. Objects handed out by the store are shared with its history: treat them
 * (and their Buffers) as immutable.
 */
export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
  /** 0n = no lease; lease IDs are int64. */
  lease: bigint;
}

export const EventType = { Put: 'PUT', Delete: 'DELETE' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/**
 * A DELETE event's kv carries only the key and modRevision (the deletion revision); the other
 * fields are zero/empty, as etcd sends them.
 */
export interface MvccEvent {
  type: EventType;
  kv: KeyValue;
  prevKv?: KeyValue;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeOptions {
  /** <= 0 or undefined: the current revision. */
  revision?: number;
  /** 0 or undefined: no limit. */
  limit?: number;
  countOnly?: boolean;
  keysOnly?: boolean;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
  /** 0 or undefined: no bound. */
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** Keys matching the range at the revision, before limit and the revision filters (as etcd counts). */
  count: number;
  /** True when limit cut the (filtered) result. */
  more: boolean;
  /** The store revision the read was served at (etcd's response header revision). */
  revision: number;
}

export interface MvccWriteTxn {
  /** Sees this txn's own earlier writes, as etcd txns do. */
  range(key: Buffer, rangeEnd: Buffer | undefined, opts?: RangeOptions): RangeResult;
  put(key: Buffer, value: Buffer, lease: bigint): { prevKv?: KeyValue };
  /** The deleted kvs as they were just before deletion (for prev_kv and the deleted count). */
  deleteRange(key: Buffer, rangeEnd: Buffer | undefined): KeyValue[];
  /**
   * Commits. Bumps currentRevision by one iff anything changed; the events share that main
   * revision and come in sub-revision order, with prevKv attached where the key existed before.
   * Synced watchers are notified synchronously before this returns.
   */
  end(): MvccEvent[];
}

export interface WatchRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  /** 0 or undefined: from the next revision. */
  startRevision?: number;
  prevKv?: boolean;
  filters?: { noPut?: boolean; noDelete?: boolean };
}

export interface WatchBatch {
  events: MvccEvent[];
  /** Store revision at send time. */
  revision: number;
  /** Set (with canceled) when the watch is cancelled because its start revision was compacted. */
  compactRevision?: number;
  canceled?: boolean;
}

export interface Watcher {
  cancel(): void;
  readonly id: number;
  /** Caught up: every event up to the current revision has gone to the sink. */
  readonly synced: boolean;
}

export type WatchSink = (batch: WatchBatch) => void;

/** Identifies one stored key revision. */
export interface RevisionId {
  readonly main: number;
  readonly sub: number;
}

/** One stored key revision, as persisted: a put (kv) or a tombstone (kv holds key + modRevision). */
export interface StoredRevision extends RevisionId {
  readonly kv: KeyValue;
  readonly tombstone: boolean;
}

/** What changed since the previous takePendingChanges(): input for Backend.commit (write-behind). */
export interface PendingChanges {
  readonly currentRevision: number;
  readonly compactRevision: number;
  /** New key revisions, in revision order. */
  readonly added: readonly StoredRevision[];
  /** Key revisions removed by compaction. May include revisions also listed in added. */
  readonly removed: readonly RevisionId[];
}
