/**
 * Sequential specification of a key-value store (the subset of etcd semantics the store tests
 * exercise): get, put, compare-and-swap on the value (null = absent), delete.
 *
 * Unknown outcomes: an op whose client never learned the result is recorded with
 * `return: Infinity` and `output: { unknown: true }`. The model accepts it from any state and applies
 * the op's effect as if it executed at that point (a cas applies only if its comparison holds, exactly
 * as the server would have evaluated it). The "never took effect" alternative is provided by the
 * checker, which drops unknown-outcome ops left over once every known-outcome op is placed.
 */
import { HistoryRecorder } from './history-recorder.js';
import type { Model, Operation } from './types.js';

export type KvInput =
  | { kind: 'get'; key: string }
  | { kind: 'put'; key: string; value: string }
  | { kind: 'cas'; key: string; expected: string | null; value: string }
  | { kind: 'delete'; key: string };

export type KvGetOutput = { value: string | null };
export type KvCasOutput = { succeeded: boolean };
/** put and delete acknowledge with an empty object. */
export type KvAckOutput = Record<string, never>;
export type KvUnknownOutput = { unknown: true };
export type KvOutput = KvGetOutput | KvCasOutput | KvAckOutput | KvUnknownOutput;

/** Absent keys are simply missing from the map, so "deleted" and "never written" compare equal. */
export type KvState = ReadonlyMap<string, string>;

export type KvOperation = Operation<KvInput, KvOutput>;

export const KV_UNKNOWN: KvUnknownOutput = Object.freeze({ unknown: true });

export function isUnknownOutput(output: KvOutput): output is KvUnknownOutput {
  return 'unknown' in output && output.unknown === true;
}

function isGetOutput(output: KvOutput): output is KvGetOutput {
  return 'value' in output;
}

function isCasOutput(output: KvOutput): output is KvCasOutput {
  return 'succeeded' in output && typeof output.succeeded === 'boolean';
}

function withValue(state: KvState, key: string, value: string | null): KvState {
  if ((state.get(key) ?? null) === value) return state;
  const next = new Map(state);
  if (value === null) next.delete(key);
  else next.set(key, value);
  return next;
}

// Effect of an op whose result is not known: whatever the server would have done at that instant.
function applyBlind(state: KvState, input: KvInput): KvState {
  switch (input.kind) {
    case 'get':
      return state;
    case 'put':
      return withValue(state, input.key, input.value);
    case 'delete':
      return withValue(state, input.key, null);
    case 'cas':
      return (state.get(input.key) ?? null) === input.expected ? withValue(state, input.key, input.value) : state;
  }
}

function shapeError(input: KvInput, output: KvOutput): TypeError {
  return new TypeError(`kvModel: output ${JSON.stringify(output)} does not fit a ${input.kind} operation`);
}

function quote(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => new Map<string, string>(),

  step(state, input, output) {
    if (isUnknownOutput(output)) return { ok: true, state: applyBlind(state, input) };
    const current = state.get(input.key) ?? null;
    switch (input.kind) {
      case 'get':
        if (!isGetOutput(output)) throw shapeError(input, output);
        return { ok: output.value === current, state };
      case 'put':
        return { ok: true, state: withValue(state, input.key, input.value) };
      case 'delete':
        return { ok: true, state: withValue(state, input.key, null) };
      case 'cas': {
        if (!isCasOutput(output)) throw shapeError(input, output);
        const matches = current === input.expected;
        if (output.succeeded) return { ok: matches, state: withValue(state, input.key, input.value) };
        return { ok: !matches, state };
      }
    }
  },

  readOnly(input, output) {
    if (isUnknownOutput(output)) return input.kind === 'get';
    return input.kind === 'get' || (input.kind === 'cas' && isCasOutput(output) && !output.succeeded);
  },

  equal(a, b) {
    if (a === b) return true;
    if (a.size !== b.size) return false;
    for (const [key, value] of a) {
      if (b.get(key) !== value) return false;
    }
    return true;
  },

  hash(state) {
    // Called once per search step. Per-key partitions hold at most one entry, so skip the general
    // path (sorting, JSON) in that case; keys and values are quoted so that no two states collide.
    if (state.size === 0) return '{}';
    if (state.size === 1) {
      for (const [key, value] of state) return `{${JSON.stringify(key)}:${JSON.stringify(value)}}`;
    }
    const keys = [...state.keys()].sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(state.get(key))}`).join(',')}}`;
  },

  partition(history) {
    const byKey = new Map<string, KvOperation[]>();
    for (const op of history) {
      // A get that never answered constrains nothing (it has no effect and no observed value), and
      // every pending op multiplies the search space, so leave it out.
      if (op.input.kind === 'get' && isUnknownOutput(op.output)) continue;
      let ops = byKey.get(op.input.key);
      if (ops === undefined) {
        ops = [];
        byKey.set(op.input.key, ops);
      }
      ops.push(op);
    }
    return [...byKey.values()];
  },

  describe(input, output) {
    const result = (text: string): string => (isUnknownOutput(output) ? `${text} -> ?` : text);
    switch (input.kind) {
      case 'get':
        return result(`get(${JSON.stringify(input.key)})`) + (isGetOutput(output) ? ` -> ${quote(output.value)}` : '');
      case 'put':
        return result(`put(${JSON.stringify(input.key)}, ${quote(input.value)})`);
      case 'delete':
        return result(`delete(${JSON.stringify(input.key)})`);
      case 'cas': {
        const call = `cas(${JSON.stringify(input.key)}, ${quote(input.expected)} -> ${quote(input.value)})`;
        return isCasOutput(output) ? `${call} -> ${output.succeeded ? 'succeeded' : 'failed'}` : result(call);
      }
    }
  },
};

/** The key a kv history partition is about (partitions are per key, so any op will do). */
export function partitionKey(partition: readonly KvOperation[]): string | undefined {
  return partition[0]?.input.key;
}

/** A recorder preconfigured with the kv unknown-outcome marker. */
export function createKvHistoryRecorder(clock?: () => number): HistoryRecorder<KvInput, KvOutput> {
  return new HistoryRecorder<KvInput, KvOutput>({ unknownOutput: KV_UNKNOWN, ...(clock ? { clock } : {}) });
}
