/**
 * Records a concurrent history for the checker: call `begin` right before sending a request and
 * `end` right after its response arrives (or `unknown` when the outcome cannot be known, e.g. the
 * request timed out or the connection dropped).
 *
 * All clients of one history must share one recorder. JavaScript runs these callbacks one at a
 * time, so the order in which the recorder sees events is the real-time order; timestamps are made
 * strictly increasing in that order so that a coarse or stalled clock can never turn a genuine
 * "happened before" into a tie (which the checker would read as "concurrent").
 */
import type { Operation } from './types.js';

export type OperationToken = number & { readonly __brand: 'OperationToken' };

export interface HistoryRecorderOptions<Output> {
  /** Output recorded for ops that end via `unknown` or are still in flight in `operations()`. */
  unknownOutput: Output;
  /** Monotonic clock. Default: `process.hrtime.bigint()` in ns since the recorder was created. */
  clock?: () => number;
}

interface Slot<Input, Output> {
  clientId: number;
  input: Input;
  call: number;
  outcome: { kind: 'pending' } | { kind: 'returned'; at: number; output: Output } | { kind: 'unknown' };
}

function defaultClock(): () => number {
  const origin = process.hrtime.bigint();
  // ns since origin fits a double exactly for ~104 days.
  return () => Number(process.hrtime.bigint() - origin);
}

export class HistoryRecorder<Input, Output> {
  private readonly slots: Slot<Input, Output>[] = [];
  private readonly clock: () => number;
  private readonly unknownOutput: Output;
  private last = -Infinity;

  constructor(options: HistoryRecorderOptions<Output>) {
    this.clock = options.clock ?? defaultClock();
    this.unknownOutput = options.unknownOutput;
  }

  private now(): number {
    const reading = this.clock();
    // Strictly increasing (see the header); `+ 1` is one tick of whatever unit the clock uses.
    this.last = reading > this.last ? reading : this.last + 1;
    return this.last;
  }

  begin(clientId: number, input: Input): OperationToken {
    this.slots.push({ clientId, input, call: this.now(), outcome: { kind: 'pending' } });
    return (this.slots.length - 1) as OperationToken;
  }

  end(token: OperationToken, output: Output): void {
    this.pendingSlot(token).outcome = { kind: 'returned', at: this.now(), output };
  }

  /** The outcome will never be known: the op may take effect at any time after its call, or never. */
  unknown(token: OperationToken): void {
    this.pendingSlot(token).outcome = { kind: 'unknown' };
  }

  /** Snapshot of the history so far; ops still in flight are reported with an unknown outcome. */
  operations(): Operation<Input, Output>[] {
    return this.slots.map((slot) => {
      const base = { clientId: slot.clientId, input: slot.input, call: slot.call };
      return slot.outcome.kind === 'returned'
        ? { ...base, return: slot.outcome.at, output: slot.outcome.output }
        : { ...base, return: Infinity, output: this.unknownOutput };
    });
  }

  private pendingSlot(token: OperationToken): Slot<Input, Output> {
    const slot = this.slots[token];
    if (slot === undefined) throw new Error(`HistoryRecorder: unknown token ${token}`);
    if (slot.outcome.kind !== 'pending') throw new Error(`HistoryRecorder: operation ${token} already completed`);
    return slot;
  }
}
