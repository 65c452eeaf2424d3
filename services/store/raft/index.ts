// Public API of the Raft core. Everything else in this folder is internal.
export * from './types.js';
export type { Storage } from './storage.js';
export { MemoryStorage } from './storage.js';
export type { Config } from './config.js';
export { RawNode } from './raw-node.js';
export type { Status, ProgressStatus } from './status.js';
export { ProgressState } from './progress.js';
export { ReadOnlyOption } from './read-only.js';
export { encodeConfChange, decodeConfChange } from './conf-change.js';
export {
  BootstrapError,
  CompactedError,
  ConfigInvalidError,
  MalformedConfChangeError,
  ProposalDroppedError,
  RaftInvariantError,
  SnapOutOfDateError,
  SnapshotTemporarilyUnavailableError,
  UnavailableError,
} from './errors.js';
