import { describe, expect, it } from 'vitest';
import { checkOperations } from './checker.js';
import { at, cas, get, lost, put } from './kv-fixtures.js';
import { kvModel } from './kv-model.js';
import type { Model, Operation } from './types.js';

// A FIFO queue, to show the search is model-agnostic and to replay Herlihy & Wing's queue example.
type QueueInput = { kind: 'enq'; value: string } | { kind: 'deq' };
type QueueOutput = { value: string | null } | { unknown: true } | Record<string, never>;
type QueueState = readonly string[];

const queueModel: Model<QueueState, QueueInput, QueueOutput> = {
  init: () => [],
  step(state, input, output) {
    if (input.kind === 'enq') return { ok: true, state: [...state, input.value] };
    const head = state[0] ?? null;
    const rest = state.slice(1);
    if ('unknown' in output) return { ok: true, state: rest };
    return { ok: 'value' in output && output.value === head, state: rest };
  },
  equal: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
  hash: (state) => state.join('\u0000'),
  describe: (input, output) =>
    input.kind === 'enq' ? `enq(${input.value})` : `deq() -> ${'value' in output ? String(output.value) : '?'}`,
};

function queueOp(input: QueueInput, output: QueueOutput, client: number, call: number, ret: number) {
  return { clientId: client, input, output, call, return: ret } satisfies Operation<QueueInput, QueueOutput>;
}

// A counter whose unknown increments are always applied by the model: only the checker can make them
// "not happen", which isolates the drop semantics from any model leniency.
type CounterInput = { kind: 'inc' } | { kind: 'read' };
type CounterOutput = { value: number } | { unknown: true } | Record<string, never>;
const counterModel: Model<number, CounterInput, CounterOutput> = {
  init: () => 0,
  step: (state, input, output) =>
    input.kind === 'inc'
      ? { ok: true, state: state + 1 }
      : { ok: 'value' in output && output.value === state, state },
  equal: (a, b) => a === b,
  hash: (state) => String(state),
};

function counterOp(input: CounterInput, output: CounterOutput, call: number, ret: number) {
  return { clientId: 0, input, output, call, return: ret } satisfies Operation<CounterInput, CounterOutput>;
}

describe('checkOperations with a queue model', () => {
  it('accepts overlapping enqueues dequeued in either order', () => {
    const history = [
      queueOp({ kind: 'enq', value: 'x' }, {}, 0, 0, 10),
      queueOp({ kind: 'enq', value: 'y' }, {}, 1, 1, 9),
      queueOp({ kind: 'deq' }, { value: 'y' }, 0, 11, 12),
      queueOp({ kind: 'deq' }, { value: 'x' }, 1, 13, 14),
    ];
    expect(checkOperations(queueModel, history)).toEqual({ ok: true });
  });

  it("rejects Herlihy & Wing's non-linearizable queue history", () => {
    // Herlihy & Wing 1990: enq(x) completes before enq(y) starts, yet a later deq returns y.
    const history = [
      queueOp({ kind: 'enq', value: 'x' }, {}, 0, 0, 2),
      queueOp({ kind: 'enq', value: 'y' }, {}, 1, 3, 5),
      queueOp({ kind: 'deq' }, { value: 'y' }, 0, 6, 8),
    ];
    const result = checkOperations(queueModel, history);
    expect(result.ok).toBe(false);
    if (result.ok !== false) return;
    expect(result.partitionIndex).toBe(0);
    expect(result.failedOperation).toBe(history[2]);
    expect(result.reason).toContain('deq() -> y');
  });
});

describe('checkOperations: unknown outcomes', () => {
  const lostInc = counterOp({ kind: 'inc' }, { unknown: true }, 0, Infinity);
  const read = (value: number, call: number, ret: number) => counterOp({ kind: 'read' }, { value }, call, ret);

  it('drops an unknown-outcome op that was never observed, even if the model always applies it', () => {
    const history = [lostInc, read(0, 5, 6), read(0, 7, 8)];
    expect(checkOperations(counterModel, history)).toEqual({ ok: true });
  });

  it('applies an unknown-outcome op that was observed', () => {
    const history = [lostInc, read(0, 5, 6), read(1, 7, 8)];
    expect(checkOperations(counterModel, history)).toEqual({ ok: true });
  });

  it('still applies an unknown-outcome op at most once', () => {
    const history = [lostInc, read(2, 7, 8)];
    expect(checkOperations(counterModel, history).ok).toBe(false);
  });

  it('drops leftover unknown-outcome ops without needing the model to accept them', () => {
    const refusingUnknown: Model<number, CounterInput, CounterOutput> = {
      ...counterModel,
      step: (state, input, output) =>
        'unknown' in output ? { ok: false, state } : counterModel.step(state, input, output),
    };
    const history = [lostInc, read(0, 5, 6)];
    expect(checkOperations(refusingUnknown, history)).toEqual({ ok: true });
  });

  it('accepts a history made only of unknown-outcome ops', () => {
    expect(checkOperations(counterModel, [lostInc, lostInc])).toEqual({ ok: true });
  });
});

describe('checkOperations: pruning around unknown outcomes', () => {
  it('does not let a configuration that spent an unknown op prune one that saved it', () => {
    // Found by the differential test. Linearizable: cas(null -> a), put(b), put(b), delete, get -> null.
    // Spending the lost delete early (to let the cas see null after the first put) is a dead end;
    // the configurations that keep it for the final read must still be searched.
    const history = [
      cas('x', null, 'a', true, at(0, 3, 4)),
      lost({ kind: 'put', key: 'x', value: 'c' }, 1, 6),
      put('x', 'b', at(2, 2, 3)),
      put('x', 'b', at(3, 4, 5)),
      get('x', null, at(4, 7, 7)),
      lost({ kind: 'delete', key: 'x' }, 5, 2),
    ];
    expect(checkOperations(kvModel, history)).toEqual({ ok: true });
  });

  it('still uses a pending unknown write when a later observation needs it', () => {
    // Applying the first lost put would be pointless if the second overwrote it unobserved; here the
    // read in between observes it, so that shortcut must not apply.
    const history = [
      lost({ kind: 'put', key: 'x', value: 'a' }, 0, 0),
      lost({ kind: 'put', key: 'x', value: 'b' }, 1, 0),
      get('x', 'a', at(2, 1, 2)),
      get('x', 'b', at(2, 3, 4)),
    ];
    expect(checkOperations(kvModel, history)).toEqual({ ok: true });
    expect(checkOperations(kvModel, [...history, get('x', 'a', at(2, 5, 6))]).ok).toBe(false);
  });
});

describe('checkOperations: inputs and limits', () => {
  it('rejects a history whose return precedes its call', () => {
    expect(() => checkOperations(kvModel, [put('x', 'a', at(0, 5, 4))])).toThrow(RangeError);
  });

  it('rejects NaN timestamps', () => {
    expect(() => checkOperations(kvModel, [put('x', 'a', at(0, Number.NaN, 4))])).toThrow(RangeError);
  });

  it('reports the empty prefix when the very first op cannot be placed', () => {
    const read = get('x', 'ghost', at(0, 0, 1));
    const result = checkOperations(kvModel, [read]);
    expect(result).toMatchObject({ ok: false, partitionIndex: 0, longestPrefix: [], failedOperation: read });
  });

  it('returns unknown when the time budget runs out', () => {
    // Thirty mutually concurrent writes followed by an impossible read: refuting it means visiting
    // every subset of the writes, far more than any budget allows.
    const writes = Array.from({ length: 30 }, (_, i) => put('x', `v${i}`, at(i, 0, 100)));
    const history = [...writes, get('x', 'never-written', at(0, 101, 102))];
    expect(checkOperations(kvModel, history, { timeoutMs: 0 })).toEqual({ ok: 'unknown', reason: 'timeout' });
  });

  it('finds violations within a generous time budget', () => {
    const history = [put('a', '1', at(0, 0, 1)), get('a', null, at(0, 2, 3))];
    expect(checkOperations(kvModel, history, { timeoutMs: 60_000 }).ok).toBe(false);
  });
});
