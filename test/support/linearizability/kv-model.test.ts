import { describe, expect, it } from 'vitest';
import { checkOperations } from './checker.js';
import { at, cas, del, get, lost, put } from './kv-fixtures.js';
import { kvModel, partitionKey } from './kv-model.js';
import type { KvInput, KvOperation, KvOutput, KvState } from './kv-model.js';
import type { CheckOutcome, Model } from './types.js';

function check(history: KvOperation[]): CheckOutcome<KvInput, KvOutput> {
  return checkOperations(kvModel, history);
}

function expectViolation(history: KvOperation[]): Extract<CheckOutcome<KvInput, KvOutput>, { ok: false }> {
  const result = check(history);
  if (result.ok !== false) throw new Error(`expected a violation, got ${JSON.stringify(result)}`);
  return result;
}

describe('kvModel: linearizable histories are accepted', () => {
  it('accepts the empty history', () => {
    expect(check([])).toEqual({ ok: true });
  });

  it('accepts a sequential history covering every operation kind', () => {
    const history = [
      get('x', null, at(0, 0, 1)),
      put('x', 'a', at(0, 2, 3)),
      get('x', 'a', at(1, 4, 5)),
      cas('x', 'a', 'b', true, at(0, 6, 7)),
      cas('x', 'a', 'c', false, at(1, 8, 9)),
      get('x', 'b', at(1, 10, 11)),
      del('x', at(0, 12, 13)),
      get('x', null, at(1, 14, 15)),
      cas('x', null, 'd', true, at(1, 16, 17)),
      get('x', 'd', at(0, 18, 19)),
    ];
    expect(check(history)).toEqual({ ok: true });
  });

  it('accepts overlapping writes and reads when some order explains them', () => {
    // put(b) must precede put(a): the first read sees b, a later read sees a.
    const history = [
      put('x', 'a', at(0, 0, 10)),
      put('x', 'b', at(1, 1, 11)),
      get('x', 'b', at(2, 2, 5)),
      get('x', 'a', at(3, 6, 12)),
      get('x', 'a', at(2, 13, 14)),
    ];
    expect(check(history)).toEqual({ ok: true });
  });

  it('accepts concurrent reads that observe a concurrent write at different points', () => {
    const history = [
      put('x', 'a', at(0, 0, 1)),
      put('x', 'b', at(0, 2, 20)),
      get('x', 'a', at(1, 3, 9)),
      get('x', 'b', at(2, 4, 8)),
      get('x', 'b', at(1, 10, 11)),
    ];
    expect(check(history)).toEqual({ ok: true });
  });

  it('treats ops whose return and call timestamps tie as concurrent', () => {
    // The read may be ordered before the write, so this coarse-clock history is not a violation.
    expect(check([put('x', 'a', at(0, 0, 5)), get('x', null, at(1, 5, 10))])).toEqual({ ok: true });
  });

  it('accepts racing cas ops where exactly one wins', () => {
    const history = [
      put('x', 'a', at(0, 0, 1)),
      cas('x', 'a', 'b', false, at(1, 2, 10)),
      cas('x', 'a', 'c', true, at(2, 3, 9)),
      get('x', 'c', at(0, 11, 12)),
    ];
    expect(check(history)).toEqual({ ok: true });
  });

  it('accepts a cas chain where a failed cas is explained by a concurrent success', () => {
    const history = [
      cas('x', null, 'a', true, at(0, 0, 10)),
      cas('x', null, 'b', false, at(1, 1, 3)),
      cas('x', 'a', 'c', true, at(2, 4, 6)),
      get('x', 'c', at(1, 7, 8)),
    ];
    expect(check(history)).toEqual({ ok: true });
  });

  it('accepts an unknown-outcome write that is later observed', () => {
    const history = [
      put('x', 'a', at(0, 0, 1)),
      lost({ kind: 'put', key: 'x', value: 'b' }, 1, 2),
      get('x', 'a', at(2, 3, 4)),
      get('x', 'b', at(2, 50, 51)),
      get('x', 'b', at(0, 60, 61)),
    ];
    expect(check(history)).toEqual({ ok: true });
  });

  it('accepts an unknown-outcome write that is never observed', () => {
    const history = [
      put('x', 'a', at(0, 0, 1)),
      lost({ kind: 'put', key: 'x', value: 'b' }, 1, 2),
      get('x', 'a', at(2, 3, 4)),
      get('x', 'a', at(2, 50, 51)),
    ];
    expect(check(history)).toEqual({ ok: true });
  });

  it('accepts unknown-outcome cas and delete ops either way', () => {
    const applied = [
      put('x', 'a', at(0, 0, 1)),
      lost({ kind: 'cas', key: 'x', expected: 'a', value: 'b' }, 1, 2),
      get('x', 'b', at(0, 3, 4)),
      lost({ kind: 'delete', key: 'x' }, 0, 5),
      get('x', null, at(2, 6, 7)),
    ];
    const notApplied = [
      put('x', 'a', at(0, 0, 1)),
      lost({ kind: 'cas', key: 'x', expected: 'a', value: 'b' }, 1, 2),
      lost({ kind: 'delete', key: 'x' }, 0, 5),
      get('x', 'a', at(2, 6, 7)),
    ];
    expect(check(applied)).toEqual({ ok: true });
    expect(check(notApplied)).toEqual({ ok: true });
  });

  it('accepts unknown-outcome reads without constraining anything', () => {
    const history = [put('x', 'a', at(0, 0, 1)), lost({ kind: 'get', key: 'x' }, 1, 2), get('x', 'a', at(0, 3, 4))];
    expect(check(history)).toEqual({ ok: true });
  });
});

describe('kvModel: non-linearizable histories are rejected', () => {
  it('rejects a stale read after a completed write, naming the read and the prefix', () => {
    const first = put('x', 'a', at(0, 0, 1));
    const second = put('x', 'b', at(0, 2, 3));
    const stale = get('x', 'a', at(1, 4, 5));
    const result = expectViolation([first, second, stale]);
    expect(result.partitionIndex).toBe(0);
    expect(result.longestPrefix).toEqual([first, second]);
    expect(result.failedOperation).toBe(stale);
    expect(result.reason).toContain('get("x") -> "a"');
    expect(result.reason).toContain('model rejects');
  });

  it('rejects a read of the initial value after a write completed', () => {
    expectViolation([put('x', 'a', at(0, 0, 1)), get('x', null, at(1, 2, 3))]);
  });

  it('rejects two non-overlapping reads seeing values in an impossible order', () => {
    // Both writes overlap all reads, but a -> b -> a would need a third write.
    const history = [
      put('x', 'a', at(0, 0, 20)),
      put('x', 'b', at(1, 0, 20)),
      get('x', 'a', at(2, 1, 2)),
      get('x', 'b', at(3, 3, 4)),
      get('x', 'a', at(2, 5, 6)),
    ];
    expectViolation(history);
  });

  it('rejects a successful cas against a value that was already overwritten', () => {
    const history = [put('x', 'a', at(0, 0, 1)), put('x', 'b', at(1, 2, 3)), cas('x', 'a', 'c', true, at(0, 4, 5))];
    const result = expectViolation(history);
    expect(result.failedOperation?.input.kind).toBe('cas');
  });

  it('rejects a lost update: two cas ops succeed from the same expected value', () => {
    const history = [
      put('x', 'a', at(0, 0, 1)),
      cas('x', 'a', 'b', true, at(1, 2, 10)),
      cas('x', 'a', 'c', true, at(2, 3, 9)),
    ];
    expectViolation(history);
  });

  it('rejects a failed cas whose expected value was certainly current', () => {
    expectViolation([put('x', 'a', at(0, 0, 1)), cas('x', 'a', 'b', false, at(0, 2, 3))]);
  });

  it("rejects the new-old inversion from Porcupine's register example", () => {
    // Reconstructed from Porcupine's README/tests: a write overlaps two sequential reads; the first
    // read sees the new value, the later one the old value, which no single write instant explains.
    const history = [
      put('x', '0', at(0, -10, -5)),
      put('x', '200', at(0, 0, 100)),
      get('x', '200', at(1, 10, 30)),
      get('x', '0', at(2, 40, 90)),
    ];
    const result = expectViolation(history);
    expect(result.failedOperation?.output).toEqual({ value: '0' });
  });

  it('rejects a delete that is not observed by a later read', () => {
    expectViolation([put('x', 'a', at(0, 0, 1)), del('x', at(0, 2, 3)), get('x', 'a', at(1, 4, 5))]);
  });

  it('rejects an unknown-outcome write observed before it was called', () => {
    expectViolation([get('x', 'b', at(0, 0, 1)), lost({ kind: 'put', key: 'x', value: 'b' }, 1, 2)]);
  });

  it('rejects an unknown-outcome write that takes effect and is then un-done', () => {
    const history = [
      lost({ kind: 'put', key: 'x', value: 'b' }, 1, 0),
      get('x', 'b', at(0, 1, 2)),
      get('x', null, at(0, 3, 4)),
    ];
    expectViolation(history);
  });
});

describe('kvModel: P-compositionality', () => {
  const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);

  function healthyKey(key: string, offset: number): KvOperation[] {
    return [
      put(key, `${key}-a`, at(0, offset, offset + 5)),
      put(key, `${key}-b`, at(1, offset + 1, offset + 6)),
      get(key, `${key}-b`, at(2, offset + 7, offset + 8)),
      cas(key, `${key}-b`, `${key}-c`, true, at(0, offset + 9, offset + 12)),
      get(key, `${key}-c`, at(1, offset + 13, offset + 14)),
    ];
  }

  it('accepts many independent well-behaved keys interleaved in time', () => {
    const history = keys.flatMap((key, i) => healthyKey(key, i % 3)).sort((a, b) => a.call - b.call);
    expect(kvModel.partition?.(history)).toHaveLength(keys.length);
    expect(check(history)).toEqual({ ok: true });
  });

  it('rejects a history where only one key is bad and points at that key', () => {
    const badKey = 'k13';
    const history = keys
      .flatMap((key, i) => {
        const ops = healthyKey(key, i % 3);
        // A read of a value that was overwritten before the read started.
        return key === badKey ? [...ops, get(key, `${key}-a`, at(2, 20, 21))] : ops;
      })
      .sort((a, b) => a.call - b.call);

    const result = expectViolation(history);
    const partitions = kvModel.partition?.(history) ?? [];
    const failing = partitions[result.partitionIndex] ?? [];
    expect(partitionKey(failing)).toBe(badKey);
    expect(failing.every((op) => op.input.key === badKey)).toBe(true);
    expect(result.failedOperation?.input.key).toBe(badKey);
    expect(result.longestPrefix.every((op) => op.input.key === badKey)).toBe(true);
    expect(result.reason).toContain(`"${badKey}"`);
  });

  it('reaches the same verdicts when the whole multi-key history is checked as one partition', () => {
    const { partition: _unused, ...rest } = kvModel;
    const wholeHistoryModel: Model<KvState, KvInput, KvOutput> = rest;
    const good = keys.slice(0, 4).flatMap((key) => healthyKey(key, 0));
    const bad = [...good, get('k2', 'k2-a', at(3, 30, 31))];
    expect(checkOperations(wholeHistoryModel, good)).toEqual({ ok: true });
    const result = checkOperations(wholeHistoryModel, bad);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.partitionIndex).toBe(0);
  });
});

describe('kvModel: model details', () => {
  it('treats a deleted key and a never-written key as the same state', () => {
    const written = kvModel.step(kvModel.init(), { kind: 'put', key: 'x', value: 'a' }, {});
    const deleted = kvModel.step(written.state, { kind: 'delete', key: 'x' }, {});
    expect(kvModel.equal(deleted.state, kvModel.init())).toBe(true);
    expect(kvModel.hash(deleted.state)).toBe(kvModel.hash(kvModel.init()));
  });

  it('hashes states independently of insertion order', () => {
    const ab = new Map([
      ['a', '1'],
      ['b', '2'],
    ]);
    const ba = new Map([
      ['b', '2'],
      ['a', '1'],
    ]);
    expect(kvModel.hash(ab)).toBe(kvModel.hash(ba));
    expect(kvModel.equal(ab, ba)).toBe(true);
  });

  it('rejects outputs that do not fit the operation kind loudly', () => {
    expect(() => kvModel.step(kvModel.init(), { kind: 'get', key: 'x' }, {})).toThrow(TypeError);
  });

  it('drops unknown-outcome reads when partitioning', () => {
    const history = [lost({ kind: 'get', key: 'x' }, 0, 0), put('y', 'a', at(1, 0, 1))];
    expect(kvModel.partition?.(history)).toEqual([[history[1]]]);
  });

  it('describes operations readably', () => {
    expect(kvModel.describe?.({ kind: 'cas', key: 'x', expected: null, value: 'a' }, { succeeded: true })).toBe(
      'cas("x", null -> "a") -> succeeded',
    );
    expect(kvModel.describe?.({ kind: 'put', key: 'x', value: 'a' }, { unknown: true })).toBe('put("x", "a") -> ?');
  });
});
