// Error conditions of the write-ahead log and the snapshotter. Each class is one condition so
// callers can branch with instanceof; all extend WalError so "any WAL failure" is one check.

/** Base class of every error raised by services/store/wal. */
export class WalError extends Error {
  override name = 'WalError';
}

/** create() was asked to initialise a directory that already holds WAL segments. */
export class WalExistsError extends WalError {
  override name = 'WalExistsError';
  constructor(readonly dir: string) {
    super(`WAL already exists in ${dir}`);
  }
}

/** open() found no WAL segment in the directory. */
export class WalNotFoundError extends WalError {
  override name = 'WalNotFoundError';
  constructor(readonly dir: string) {
    super(`no WAL found in ${dir}`);
  }
}

/** Durable log data is damaged or missing; replay stops rather than silently dropping records. */
export class WalCorruptError extends WalError {
  override name = 'WalCorruptError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`WAL corrupt in ${file} at offset ${offset}: ${reason}`);
  }
}

/** Segments disagree about the metadata written by create(), e.g. files from two different logs. */
export class WalMetadataConflictError extends WalError {
  override name = 'WalMetadataConflictError';
  constructor(readonly file: string) {
    super(`WAL metadata in ${file} differs from earlier segments`);
  }
}

/** open() was given a snapshot mark that the log never recorded. */
export class WalSnapshotNotFoundError extends WalError {
  override name = 'WalSnapshotNotFoundError';
  constructor(
    readonly index: number,
    readonly term: number,
  ) {
    super(`WAL has no snapshot mark at index ${index} term ${term}`);
  }
}

/** The log holds a snapshot mark at the requested index but with another term. */
export class WalSnapshotMismatchError extends WalError {
  override name = 'WalSnapshotMismatchError';
  constructor(
    readonly index: number,
    readonly expectedTerm: number,
    readonly foundTerm: number,
  ) {
    super(`WAL snapshot mark at index ${index} has term ${foundTerm}, expected ${expectedTerm}`);
  }
}

/** A value cannot be encoded (negative, fractional or beyond 2^53, or a field too long). */
export class WalInvalidValueError extends WalError {
  override name = 'WalInvalidValueError';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`cannot encode ${field}=${String(value)}`);
  }
}

/** A second operation was started while one was in flight; the caller must serialize calls. */
export class WalBusyError extends WalError {
  override name = 'WalBusyError';
  constructor(
    readonly operation: string,
    readonly inFlight: string,
  ) {
    super(`WAL ${operation} called while ${inFlight} is in flight; calls must be serialized`);
  }
}

/** The WAL was used after close(). */
export class WalClosedError extends WalError {
  override name = 'WalClosedError';
  constructor(readonly operation: string) {
    super(`WAL ${operation} called after close`);
  }
}

/** An earlier write or fsync failed; the on-disk state is unknown, so the WAL refuses further use. */
export class WalFailedError extends WalError {
  override name = 'WalFailedError';
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`WAL unusable after a failed ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** The directory's WAL is already open in this process. */
export class WalLockedError extends WalError {
  override name = 'WalLockedError';
  constructor(readonly dir: string) {
    super(`WAL in ${dir} is already open in this process`);
  }
}

/** A record payload passed its checksum but does not decode; replay reports it as WalCorruptError. */
export class WalDecodeError extends WalError {
  override name = 'WalDecodeError';
}
