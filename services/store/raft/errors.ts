// One class per condition so callers can branch with instanceof instead of matching messages.

/** The requested index is older than the storage's first index (the prefix was compacted away). */
export class CompactedError extends Error {
  constructor() {
    super('requested index is unavailable due to compaction');
    this.name = 'CompactedError';
  }
}

/** The requested index is newer than anything the storage holds. */
export class UnavailableError extends Error {
  constructor() {
    super('requested entry at index is unavailable');
    this.name = 'UnavailableError';
  }
}

/** A snapshot older than the one already held was offered. */
export class SnapOutOfDateError extends Error {
  constructor() {
    super('requested index is older than the existing snapshot');
    this.name = 'SnapOutOfDateError';
  }
}

/** Storage is still producing a snapshot; the leader retries later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  constructor() {
    super('snapshot is temporarily unavailable');
    this.name = 'SnapshotTemporarilyUnavailableError';
  }
}

/** The proposal could not be accepted (no leader known, leadership transfer, removed node, ...). */
export class ProposalDroppedError extends Error {
  constructor(reason = 'raft proposal dropped') {
    super(reason);
    this.name = 'ProposalDroppedError';
  }
}

/** The Config passed to RawNode is unusable. */
export class ConfigInvalidError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ConfigInvalidError';
  }
}

/** A broken internal invariant (etcd panics here): continuing would risk safety. */
export class RaftInvariantError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RaftInvariantError';
  }
}

/** Bytes that do not decode to a ConfChange. */
export class MalformedConfChangeError extends Error {
  constructor(reason: string) {
    super(`malformed conf change: ${reason}`);
    this.name = 'MalformedConfChangeError';
  }
}

/** bootstrap() was called on a node whose storage already holds a log, or without peers. */
export class BootstrapError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BootstrapError';
  }
}
