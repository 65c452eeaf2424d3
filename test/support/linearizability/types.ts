/**
 * Shared types for the linearizability checker.
 *
 * The shapes follow Porcupine's (call/return timestamps, a sequential model with a
 * `step` that both validates an output and advances the state) so that histories and
 * models can be reasoned about with the same vocabulary as the literature.
 */

export interface Operation<Input = unknown, Output = unknown> {
  clientId: number;
  input: Input;
  /** Invocation timestamp. Any clock works as long as every op in one history uses the same one. */
  call: number;
  /**
   * Response timestamp. `Infinity` means the outcome is unknown (timeout, lost connection): the
   * op may have taken effect at any instant after `call`, or never.
   */
  return: number;
  /** For unknown-outcome ops this is a placeholder; the model must accept it from any state. */
  output: Output;
}

export interface StepResult<State> {
  /** false: `output` cannot be produced by applying `input` to the given state. */
  ok: boolean;
  state: State;
}

export interface Model<State, Input, Output> {
  init(): State;
  /** Must be pure: the search calls it repeatedly on the same state while backtracking. */
  step(state: State, input: Input, output: Output): StepResult<State>;
  equal(a: State, b: State): boolean;
  /**
   * Optional hint: true if this op never changes the state whenever `step` accepts it (a read, a
   * failed compare-and-swap). The search then places such an op as soon as it fits instead of
   * branching on where to put it, which removes most of the search space of read-heavy histories.
   * Must be exact: answering true for an op that can change the state makes the checker unsound.
   */
  readOnly?(input: Input, output: Output): boolean;
  /** Cache bucket key. Collisions are allowed (resolved with `equal`), but make the search slower. */
  hash(state: State): string;
  /**
   * P-compositionality: split the history into independently checkable sub-histories (e.g. one per
   * key). The history is linearizable iff every part is. Omit to check the history as a whole.
   */
  partition?(history: Operation<Input, Output>[]): Operation<Input, Output>[][];
  describe?(input: Input, output: Output): string;
}

export type CheckResult<Input = unknown, Output = unknown> =
  | { ok: true }
  | {
      ok: false;
      /** Index into `model.partition(history)` (0 when the model does not partition). */
      partitionIndex: number;
      /** The longest prefix of a linearization the search managed to build in the failing partition. */
      longestPrefix: Operation<Input, Output>[];
      /**
       * The op that had to be linearized next (its return had been reached) but could not be, once the
       * longest prefix was in place. null only for inconsistent inputs that never reach that point.
       */
      failedOperation: Operation<Input, Output> | null;
      reason: string;
    };

export type CheckTimeout = { ok: 'unknown'; reason: 'timeout' };

export type CheckOutcome<Input = unknown, Output = unknown> = CheckResult<Input, Output> | CheckTimeout;

export interface CheckOptions {
  /** Give up (and return `{ ok: 'unknown' }`) after this long. Default: no limit. */
  timeoutMs?: number;
}
