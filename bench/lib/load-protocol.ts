// Messages between the bench's main thread and its load-generating worker threads.
import type { ClientKind } from './kv-client.js';

export type OpKind = 'put' | 'get-linearizable' | 'get-serializable';

/** One gRPC channel (its own TCP connection) and how many callers share it. */
export interface ChannelSpec {
  endpoint: string;
  callers: number;
}

export interface ClientSpec {
  kind: ClientKind;
  requestTimeoutMs: number;
}

export interface KeySpec {
  /** Keys are 'k' + a zero-padded decimal index, 8 bytes in all. */
  space: number;
  valueBytes: number;
}

/** A timed phase: every caller issues requests back to back (closed loop) until endAt. */
export interface TimedPhaseSpec {
  kind: 'timed';
  op: OpKind;
  channels: ChannelSpec[];
  keys: KeySpec;
  /**
   * For 'put': keys are random in [0, keys.space). For gets: random in [0, populated), the keys
   * written by the populate step, so every get must find its key.
   */
  populated: number;
  client: ClientSpec;
}

/** Writes keys [from, to) once each, spread over the worker's callers. */
export interface PopulateSpec {
  kind: 'populate';
  channels: ChannelSpec[];
  keys: KeySpec;
  from: number;
  to: number;
  client: ClientSpec;
}

export type PhaseSpec = TimedPhaseSpec | PopulateSpec;

/** Times are process.hrtime.bigint() values: the same monotonic clock in every thread. */
export interface GoTimes {
  startAt: bigint;
  warmEnd: bigint;
  endAt: bigint;
}

export type MainToWorker =
  | { type: 'prepare'; phase: PhaseSpec }
  | { type: 'go'; times: GoTimes }
  | { type: 'exit' };

export interface WorkerPhaseResult {
  /** Successful requests that completed inside [warmEnd, endAt] (all of them for populate). */
  okInWindow: number;
  /** Successful requests that completed in the warm-up or after endAt (drain). */
  okOutsideWindow: number;
  errors: number;
  errorsInWindow: number;
  /** First few distinct error messages, with counts. */
  errorKinds: Record<string, number>;
  /** Latencies (ms) of okInWindow requests, in completion order. */
  samples: Float64Array;
  /** Event-loop utilization of this worker thread while its callers ran (1 = saturated). */
  elu: number;
  /** Wall time from the first request sent to the last reply received, ms. */
  activeMs: number;
}

export type WorkerToMain =
  | { type: 'ready'; channels: number }
  | { type: 'done'; result: WorkerPhaseResult }
  | { type: 'failed'; error: string };

export function keyFor(index: number): Buffer {
  return Buffer.from(`k${String(index).padStart(7, '0')}`, 'latin1');
}
