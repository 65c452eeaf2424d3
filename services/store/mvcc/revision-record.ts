import type { KeyId } from './key-range.js';
import type { KeyValue, MvccEvent, StoredRevision } from './types.js';

/**
 * One stored key revision in memory. The same object sits in its key's index and in the
 * revision log, so history costs one allocation per change.
 */
export interface RevisionRecord extends StoredRevision {
  readonly keyId: KeyId;
  /**
   * The previous record of the same generation (the value this change replaced), used for
   * watch prevKv. Undefined for a create, and cleared once compaction removes that record.
   */
  prev: RevisionRecord | undefined;
}

const EMPTY = Buffer.alloc(0);

/** The kv etcd attaches to a DELETE event: only the key and the deletion revision. */
export function tombstoneKv(key: Buffer, main: number): KeyValue {
  return { key, createRevision: 0, modRevision: main, version: 0, value: EMPTY, lease: 0n };
}

export function compareRevision(a: { main: number; sub: number }, b: { main: number; sub: number }): number {
  return a.main !== b.main ? a.main - b.main : a.sub - b.sub;
}

/** The watch/txn event for a record, with prevKv whenever the replaced version is known. */
export function toEvent(record: RevisionRecord): MvccEvent {
  const event: MvccEvent = { type: record.tombstone ? 'DELETE' : 'PUT', kv: record.kv };
  if (record.prev !== undefined) event.prevKv = record.prev.kv;
  return event;
}
