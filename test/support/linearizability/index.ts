export type {
  CheckOptions,
  CheckOutcome,
  CheckResult,
  CheckTimeout,
  Model,
  Operation,
  StepResult,
} from './types.js';
export { checkOperations } from './checker.js';
export {
  KV_UNKNOWN,
  createKvHistoryRecorder,
  isUnknownOutput,
  kvModel,
  partitionKey,
} from './kv-model.js';
export type {
  KvAckOutput,
  KvCasOutput,
  KvGetOutput,
  KvInput,
  KvOperation,
  KvOutput,
  KvState,
  KvUnknownOutput,
} from './kv-model.js';
export { HistoryRecorder } from './history-recorder.js';
export type { HistoryRecorderOptions, OperationToken } from './history-recorder.js';
