export { Backend } from './backend.js';
export {
  CompactedError,
  CorruptDataError,
  FutureRevisionError,
  TxnEndedError,
  TxnInProgressError,
  WriteDuringDeliveryError,
} from './errors.js';
export { MvccStore } from './mvcc-store.js';
export type { HashKVResult, MvccStoreOptions } from './mvcc-store.js';
export { DEFAULT_PUMP_EVENTS } from './watch-hub.js';
export { startWatchPump } from './watch-pump.js';
export { EventType } from './types.js';
export type {
  KeyValue,
  MvccEvent,
  MvccWriteTxn,
  PendingChanges,
  RangeOptions,
  RangeResult,
  RevisionId,
  SortOrder,
  SortTarget,
  StoredRevision,
  WatchBatch,
  WatchRequest,
  WatchSink,
  Watcher,
} from './types.js';
