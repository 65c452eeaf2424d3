/**
 * Linearizability checker: the Wing & Gong backtracking search with Lowe's improvements
 * (Lowe, "Testing for linearizability", 2017), in the form used by Porcupine and Knossos' "linear"
 * checker, plus P-compositionality (Horn & Kroening, 2015) via `Model.partition`.
 *
 * Outline, per partition:
 * - Every op contributes a call entry and a return entry to a doubly linked list sorted by time.
 * - The search walks the list from the head. A call entry is a candidate: if the model accepts the
 *   op's recorded output from the current state, the op is linearized ("lifted": both of its entries
 *   are unlinked) and the walk restarts from the head. Reaching a return entry means that op should
 *   already have been linearized, so the last choice is undone ("unlifted") and the walk resumes
 *   after it.
 * - Lowe's cache remembers every (set of linearized ops, model state) configuration reached. Two
 *   paths that reach the same configuration have identical futures, so the second is pruned. This is
 *   what makes the search practical on histories of thousands of ops.
 *
 * Unknown outcomes (`return === Infinity`): the return entry sorts after every finite one, so such an
 * op never forces a backtrack; it is linearized only if doing so helps explain later observations.
 * Once every known-outcome op is linearized, whatever unknown-outcome ops remain are dropped: they
 * are treated as never having taken effect, and the model is not consulted for them. This is the
 * "optionally dropped" semantics: an unknown op either takes effect at some instant after its call,
 * or not at all.
 *
 * Timestamp ties are resolved call-before-return, i.e. an op that returns at the same instant as
 * another is called counts as concurrent with it. With a coarse clock this can only make the checker
 * more permissive, never report a false violation. `HistoryRecorder` avoids ties altogether.
 */
import { Bitset } from './bitset.js';
import type { CheckOptions, CheckOutcome, CheckResult, Model, Operation } from './types.js';

const EntryKind = {
  call: 0,
  return: 1,
  sentinel: 2,
} as const;
type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

class Entry {
  prev: Entry = this;
  next: Entry = this;
  /** For a call entry, its return entry; for anything else, itself (unused). */
  match: Entry = this;

  constructor(
    readonly kind: EntryKind,
    readonly id: number,
    readonly time: number,
  ) {}
}

interface EntryList {
  head: Entry;
  tail: Entry;
}

function buildEntryList(history: readonly Operation<unknown, unknown>[]): EntryList {
  const entries: Entry[] = [];
  history.forEach((op, id) => {
    if (Number.isNaN(op.call) || Number.isNaN(op.return) || !Number.isFinite(op.call)) {
      throw new RangeError(`operation ${id}: call must be finite and return a number or Infinity`);
    }
    if (op.return < op.call) {
      throw new RangeError(`operation ${id}: return (${op.return}) precedes call (${op.call})`);
    }
    const call = new Entry(EntryKind.call, id, op.call);
    const ret = new Entry(EntryKind.return, id, op.return);
    call.match = ret;
    entries.push(call, ret);
  });
  // Calls before returns on equal timestamps (see the header); ids make the order deterministic.
  entries.sort((a, b) => a.time - b.time || a.kind - b.kind || a.id - b.id);

  const head = new Entry(EntryKind.sentinel, -1, -Infinity);
  const tail = new Entry(EntryKind.sentinel, -1, Infinity);
  let last = head;
  for (const entry of entries) {
    last.next = entry;
    entry.prev = last;
    last = entry;
  }
  last.next = tail;
  tail.prev = last;
  return { head, tail };
}

/** Unlink a call entry and its return entry. Order matters: `unlift` must exactly reverse it. */
function lift(call: Entry): void {
  call.prev.next = call.next;
  call.next.prev = call.prev;
  const ret = call.match;
  ret.prev.next = ret.next;
  ret.next.prev = ret.prev;
}

function unlift(call: Entry): void {
  const ret = call.match;
  ret.prev.next = ret;
  ret.next.prev = ret;
  call.prev.next = call;
  call.next.prev = call;
}

interface CacheEntry<State> {
  linearized: Uint32Array;
  state: State;
}

/** The part of a model the cache needs; keeps the cache independent of input/output types. */
interface StateIdentity<State> {
  equal(a: State, b: State): boolean;
  hash(state: State): string;
}

class ConfigurationCache<State> {
  private readonly buckets = new Map<string, CacheEntry<State>[]>();

  constructor(private readonly model: StateIdentity<State>) {}

  /** Returns false if the configuration was seen before (and therefore needs no further search). */
  add(linearized: Bitset, state: State): boolean {
    const key = `${linearized.hash}:${this.model.hash(state)}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(key, bucket);
    } else {
      for (const seen of bucket) {
        if (linearized.equalsWords(seen.linearized) && this.model.equal(seen.state, state)) return false;
      }
    }
    bucket.push({ linearized: linearized.snapshot(), state });
    return true;
  }
}

interface Frame<State> {
  entry: Entry;
  /** Model state before this op was linearized, restored on backtrack. */
  stateBefore: State;
}

type PartitionResult<State> =
  | { kind: 'ok' }
  | { kind: 'timeout' }
  | { kind: 'fail'; longestPrefix: number[]; stateAfterPrefix: State; blockedId: number | null };

// Checking the clock on every step would dominate the cost of cheap models.
const DEADLINE_CHECK_INTERVAL = 256;

function checkPartition<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: readonly Operation<Input, Output>[],
  deadline: number,
): PartitionResult<State> {
  const { head, tail } = buildEntryList(history);
  const linearized = new Bitset(history.length);
  const cache = new ConfigurationCache<State>(model);
  const stack: Frame<State>[] = [];
  let state = model.init();
  let remainingKnown = history.filter((op) => op.return !== Infinity).length;

  // Diagnostics: the deepest configuration reached and the op that blocked it.
  let longestPrefix: number[] = [];
  let stateAfterPrefix = state;
  let blockedId: number | null = null;

  let entry = head.next;
  let steps = 0;
  while (head.next !== tail && remainingKnown > 0) {
    if (++steps % DEADLINE_CHECK_INTERVAL === 0 && performance.now() >= deadline) return { kind: 'timeout' };

    if (entry.kind === EntryKind.call) {
      const op = history[entry.id];
      if (op === undefined) throw new Error(`internal: no operation ${entry.id}`);
      const result = model.step(state, op.input, op.output);
      if (result.ok) {
        linearized.set(entry.id);
        if (cache.add(linearized, result.state)) {
          stack.push({ entry, stateBefore: state });
          state = result.state;
          lift(entry);
          if (op.return !== Infinity) remainingKnown--;
          if (stack.length > longestPrefix.length) {
            longestPrefix = stack.map((frame) => frame.entry.id);
            stateAfterPrefix = state;
            blockedId = null;
          }
          entry = head.next;
          continue;
        }
        linearized.clear(entry.id);
      }
      entry = entry.next;
      continue;
    }

    // A return entry (a sentinel is unreachable here: every remaining call's return follows it).
    if (blockedId === null && stack.length === longestPrefix.length) blockedId = entry.id;
    const frame = stack.pop();
    if (frame === undefined) return { kind: 'fail', longestPrefix, stateAfterPrefix, blockedId };
    const undone = history[frame.entry.id];
    if (undone !== undefined && undone.return !== Infinity) remainingKnown++;
    state = frame.stateBefore;
    linearized.clear(frame.entry.id);
    unlift(frame.entry);
    entry = frame.entry.next;
  }
  return { kind: 'ok' };
}

function describeOp<State, Input, Output>(model: Model<State, Input, Output>, op: Operation<Input, Output>): string {
  const body = model.describe ? model.describe(op.input, op.output) : JSON.stringify({ input: op.input, output: op.output });
  const ret = op.return === Infinity ? 'unknown' : String(op.return);
  return `${body} (client ${op.clientId}, call ${op.call}, return ${ret})`;
}

function failureReason<State, Input, Output>(
  model: Model<State, Input, Output>,
  partitionIndex: number,
  prefix: readonly Operation<Input, Output>[],
  stateAfterPrefix: State,
  blocked: Operation<Input, Output> | null,
): string {
  const where = `partition ${partitionIndex}: longest linearizable prefix has ${prefix.length} op(s)`;
  const last = prefix.at(-1);
  const after = last === undefined ? 'from the initial state' : `after ${describeOp(model, last)}`;
  const stateText = `state ${model.hash(stateAfterPrefix)}`;
  if (blocked === null) return `${where}; no linearization found ${after} (${stateText})`;
  // Distinguish "impossible right here" from "possible here, but every continuation dead-ends".
  const immediate = model.step(stateAfterPrefix, blocked.input, blocked.output).ok
    ? 'every order that places it leads to a dead end'
    : 'the model rejects its output in that state';
  return `${where}; ${describeOp(model, blocked)} cannot be linearized ${after} (${stateText}): ${immediate}`;
}

/**
 * Decide whether `history` is linearizable with respect to `model`.
 *
 * Partitions are checked in order and the first failing one is reported. A timeout yields
 * `{ ok: 'unknown' }` unless a violation was already found in an earlier partition.
 */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  history: Operation<I, O>[],
  opts: CheckOptions = {},
): CheckOutcome<I, O> {
  const deadline = performance.now() + (opts.timeoutMs ?? Infinity);
  const partitions = model.partition ? model.partition(history) : [history];
  for (const [partitionIndex, partition] of partitions.entries()) {
    const result = checkPartition(model, partition, deadline);
    if (result.kind === 'timeout') return { ok: 'unknown', reason: 'timeout' };
    if (result.kind === 'fail') return failure(model, partitionIndex, partition, result);
  }
  return { ok: true };
}

function failure<S, I, O>(
  model: Model<S, I, O>,
  partitionIndex: number,
  partition: readonly Operation<I, O>[],
  result: Extract<PartitionResult<S>, { kind: 'fail' }>,
): CheckResult<I, O> {
  const pick = (id: number): Operation<I, O> => {
    const op = partition[id];
    if (op === undefined) throw new Error(`internal: no operation ${id}`);
    return op;
  };
  const longestPrefix = result.longestPrefix.map(pick);
  const failedOperation = result.blockedId === null ? null : pick(result.blockedId);
  return {
    ok: false,
    partitionIndex,
    longestPrefix,
    failedOperation,
    reason: failureReason(model, partitionIndex, longestPrefix, result.stateAfterPrefix, failedOperation),
  };
}
