/**
 * Linearizability checker: the Wing & Gong backtracking search with Lowe's improvements
 * (Lowe, "Testing for linearizability", 2017), in the form used by Porcupine and Knossos' "linear"
 * checker, plus P-compositionality (Horn & Kroening, 2015) via `Model.partition`.
 *
 * Outline, per partition:
 * - Every op contributes a call entry and a return entry to a doubly linked list sorted by time.
 * - The candidates for the next linearization point are the calls before the first pending return
 *   (an op that has returned must be linearized before any op called after that return). Choosing
 *   one whose recorded output the model accepts "lifts" it (unlinks both of its entries) and opens a
 *   new level; when a level runs out of candidates the choice below it is undone ("unlifted") and
 *   the next candidate there is tried. This is the classic list walk, with each level's candidates
 *   kept explicitly so that they can be ordered and filtered (see `openLevel`).
 * - Lowe's cache remembers every (set of linearized ops, model state) configuration reached. Two
 *   paths that reach the same configuration have identical futures, so the second is pruned. This is
 *   what makes the search practical on histories of thousands of ops.
 *
 * Unknown outcomes (`return === Infinity`): the return entry sorts after every finite one, so such an
 * op never forces a backtrack; it is linearized only if doing so helps explain later observations.
 * Once every known-outcome op is linearized, whatever unknown-outcome ops remain are dropped: they
 * are treated as never having taken effect, and the model is not consulted for them. This is the
 * "optionally dropped" semantics: an unknown op either takes effect at some instant after its call,
 * or not at all. Because dropping is always allowed, configurations that used more unknown ops are
 * dominated by ones that used fewer; the cache and `dominatedByAncestor` exploit that.
 *
 * Every pruning rule here only skips configurations that provably cannot succeed when some other
 * searched configuration fails; differential.test.ts checks the result against an exhaustive search.
 *
 * Timestamp ties are resolved call-before-return, i.e. an op that returns at the same instant as
 * another is called counts as concurrent with it. With a coarse clock this can only make the checker
 * more permissive, never report a false violation. `HistoryRecorder` avoids ties altogether.
 */
import { Bitset, bitKey } from './bitset.js';
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

/**
 * Lowe's cache of visited configurations, extended with subsumption for unknown-outcome ops.
 *
 * A configuration is (linearized set, state). Because an unknown-outcome op may also never take
 * effect, a configuration that has used *more* unknown ops can do nothing that one with the same
 * known ops and state but *fewer* unknown ops cannot (the latter may still apply them later, or
 * drop them). So a visited (K, U1, s) prunes (K, U2, s) whenever U1 ⊆ U2. Buckets are keyed by the
 * known-op part only, so these configurations land together. With no unknown ops this is exactly
 * Lowe's equality check.
 */
class ConfigurationCache<State> {
  // state hash -> known-ops hash -> entries. Nested rather than a concatenated string key: building
  // a string per step showed up as a hot spot.
  private readonly buckets = new Map<string, Map<number, CacheEntry<State>[]>>();

  constructor(
    private readonly model: StateIdentity<State>,
    private readonly knownMask: Uint32Array,
  ) {}

  /** Returns false if an equal or subsuming configuration was seen before (no need to search it). */
  add(linearized: Bitset, knownHash: number, state: State): boolean {
    const stateKey = this.model.hash(state);
    let byKnown = this.buckets.get(stateKey);
    if (byKnown === undefined) {
      byKnown = new Map();
      this.buckets.set(stateKey, byKnown);
    }
    let bucket = byKnown.get(knownHash);
    if (bucket === undefined) {
      bucket = [];
      byKnown.set(knownHash, bucket);
    } else {
      for (const seen of bucket) {
        if (this.subsumes(seen.linearized, linearized.words) && this.model.equal(seen.state, state)) return false;
      }
    }
    bucket.push({ linearized: linearized.snapshot(), state });
    return true;
  }

  /** Same known ops, and `seen` used a subset of the unknown ops `current` used. */
  private subsumes(seen: Uint32Array, current: Uint32Array): boolean {
    const mask = this.knownMask;
    for (let i = 0; i < current.length; i++) {
      const s = seen[i] ?? 0;
      const c = current[i] ?? 0;
      if ((s & ~c) !== 0 || ((s ^ c) & (mask[i] ?? 0)) !== 0) return false;
    }
    return true;
  }
}

/** One configuration on the current search path and the choices left to try from it. */
interface Level<State> {
  state: State;
  /** Call entries that may be linearized next, in the order to try them. */
  candidates: Entry[];
  next: number;
  /** The candidate currently linearized on top of this level (undone when the level above fails). */
  chosen: Entry | null;
  /** The earliest pending return: the op that must be linearized before anything returning later. */
  firstReturnId: number;
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
  const { head } = buildEntryList(history);
  const isKnown = history.map((op) => op.return !== Infinity);
  const knownMask = new Bitset(history.length);
  isKnown.forEach((known, id) => known && knownMask.set(id));
  const linearized = new Bitset(history.length);
  const cache = new ConfigurationCache<State>(model, knownMask.words);
  let knownHash = 0;
  let remainingKnown = isKnown.filter(Boolean).length;

  const opAt = (id: number): Operation<Input, Output> => {
    const op = history[id];
    if (op === undefined) throw new Error(`internal: no operation ${id}`);
    return op;
  };

  /**
   * The ops that may go next from `state`: every call before the first pending return (Wing & Gong's
   * rule), with refinements that only drop choices which provably cannot matter:
   * - If a known-outcome read-only op fits right now, it is the only candidate. Linearizing it
   *   immediately loses nothing: it leaves the state unchanged, and nothing pending has to precede it
   *   (its call is before every pending return), so any valid continuation can be reordered to start
   *   with it. If that continuation fails, so does this configuration.
   * - An unknown-outcome read-only op is never a candidate: it has no effect and no observed
   *   output, so dropping it is always as good as placing it.
   * - Known-outcome ops are tried before unknown-outcome ones, so "did not take effect (yet)" is
   *   explored first and, via the cache, subsumes the configurations that did apply them.
   */
  const openLevel = (state: State): Level<State> => {
    const known: Entry[] = [];
    const unknown: Entry[] = [];
    let entry = head.next;
    for (; entry.kind === EntryKind.call; entry = entry.next) {
      const op = opAt(entry.id);
      const readOnly = model.readOnly?.(op.input, op.output) === true;
      if (!isKnown[entry.id]) {
        if (!readOnly) unknown.push(entry);
      } else if (readOnly && model.step(state, op.input, op.output).ok) {
        const forced = entry;
        while (entry.kind === EntryKind.call) entry = entry.next;
        return { state, candidates: [forced], next: 0, chosen: null, firstReturnId: entry.id };
      } else {
        known.push(entry);
      }
    }
    return { state, candidates: known.concat(unknown), next: 0, chosen: null, firstReturnId: entry.id };
  };

  const levels: Level<State>[] = [openLevel(model.init())];

  /**
   * Levels reached from an ancestor A purely by applying unknown-outcome ops share A's known ops and
   * A's window of candidates. If applying `op` directly at such an A gives the same state, then A + op
   * has the same known ops, state and candidates but fewer unknown ops used, so it subsumes the
   * configuration about to be created; A tries (or tried) that itself. Typical case: a blind write
   * applied after a pending unknown write makes having applied the unknown write pointless. Without
   * this, every subset of long-pending unknown writes gets explored.
   */
  const dominatedByAncestor = (op: Operation<Input, Output>, state: State): boolean => {
    for (let j = levels.length - 2; j >= 0; j--) {
      const ancestor = levels[j];
      const chosen = ancestor?.chosen;
      if (ancestor === undefined || chosen === null || chosen === undefined || isKnown[chosen.id]) return false;
      const direct = model.step(ancestor.state, op.input, op.output);
      if (direct.ok && model.equal(direct.state, state)) return true;
    }
    return false;
  };

  // Diagnostics: the deepest dead end and the op that blocked it. Recorded when a level fails rather
  // than whenever a new depth is reached, so successful searches never pay for copying the path.
  let longestPrefix: number[] = [];
  let stateAfterPrefix = model.init();
  let blockedId: number | null = null;
  let recordedDepth = -1;

  let steps = 0;
  while (remainingKnown > 0) {
    if (++steps % DEADLINE_CHECK_INTERVAL === 0 && performance.now() >= deadline) return { kind: 'timeout' };
    const level = levels.at(-1);
    if (level === undefined) break;

    const entry = level.candidates[level.next++];
    if (entry === undefined) {
      // Every choice from this configuration failed: it is a dead end. Undo the choice below it.
      const depth = levels.length - 1;
      if (depth > recordedDepth) {
        recordedDepth = depth;
        longestPrefix = [];
        for (let j = 0; j < depth; j++) longestPrefix.push(levels[j]?.chosen?.id ?? -1);
        stateAfterPrefix = level.state;
        blockedId = level.firstReturnId >= 0 ? level.firstReturnId : null;
      }
      levels.pop();
      const below = levels.at(-1);
      if (below === undefined) return { kind: 'fail', longestPrefix, stateAfterPrefix, blockedId };
      const undone = below.chosen;
      if (undone === null) throw new Error('internal: level without a chosen entry');
      below.chosen = null;
      linearized.clear(undone.id);
      if (isKnown[undone.id]) {
        knownHash = (knownHash ^ bitKey(undone.id)) >>> 0;
        remainingKnown++;
      }
      unlift(undone);
      continue;
    }

    const op = opAt(entry.id);
    const result = model.step(level.state, op.input, op.output);
    if (!result.ok || dominatedByAncestor(op, result.state)) continue;
    const known = isKnown[entry.id] === true;
    const nextHash = known ? (knownHash ^ bitKey(entry.id)) >>> 0 : knownHash;
    linearized.set(entry.id);
    if (!cache.add(linearized, nextHash, result.state)) {
      linearized.clear(entry.id);
      continue;
    }
    knownHash = nextHash;
    if (known) remainingKnown--;
    lift(entry);
    level.chosen = entry;
    levels.push(openLevel(result.state));
  }
  // Every known-outcome op is placed; unknown-outcome ops still pending are dropped (never applied).
  return { kind: 'ok' };
}

function describeOp<State, Input, Output>(model: Model<State, Input, Output>, op: Operation<Input, Output>): string {
  const body = model.describe
    ? model.describe(op.input, op.output)
    : JSON.stringify({ input: op.input, output: op.output });
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
