// Public surface of the WAL package: the log, the snapshot files, and their errors.
export { Wal, DEFAULT_SEGMENT_BYTES } from './wal.js';
export type { WalOpenResult, WalOptions, SnapshotMark } from './wal.js';
export { Snapshotter } from './snapshotter.js';
export * from './errors.js';
