// One class per failure condition so callers can map each onto its etcd gRPC status.
// Messages match etcd's so they can be passed through to clients verbatim.

export class CompactedError extends Error {
  override readonly name = 'CompactedError';
  constructor() {
    super('mvcc: required revision has been compacted');
  }
}

export class FutureRevisionError extends Error {
  override readonly name = 'FutureRevisionError';
  constructor() {
    super('mvcc: required revision is a future revision');
  }
}

/** The store admits one write txn at a time, and compaction only between txns. */
export class TxnInProgressError extends Error {
  override readonly name = 'TxnInProgressError';
  constructor() {
    super('mvcc: a write txn is already open');
  }
}

/** A txn was used after end(). */
export class TxnEndedError extends Error {
  override readonly name = 'TxnEndedError';
  constructor() {
    super('mvcc: write txn already ended');
  }
}

/**
 * A watch sink tried to write to the store while it was being notified. Allowing that would
 * deliver the nested revision to some watchers before the outer one.
 */
export class WriteDuringDeliveryError extends Error {
  override readonly name = 'WriteDuringDeliveryError';
  constructor() {
    super('mvcc: cannot write to the store from inside a watch sink');
  }
}

/** Persisted or snapshot bytes that do not decode. */
export class CorruptDataError extends Error {
  override readonly name = 'CorruptDataError';
  constructor(detail: string) {
    super(`mvcc: corrupt data: ${detail}`);
  }
}
