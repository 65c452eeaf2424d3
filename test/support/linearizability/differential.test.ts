/**
 * Cross-checks the search (and its pruning: cache subsumption, ancestor dominance, greedy read-only
 * placement) against a brute-force definition of linearizability on many small random histories,
 * linearizable or not.
 */
import { describe, expect, it } from 'vitest';
import { checkOperations } from './checker.js';
import { KV_UNKNOWN, kvModel } from './kv-model.js';
import type { KvInput, KvOperation, KvOutput, KvState } from './kv-model.js';
import { seededRandom } from './kv-simulation.js';
import type { Model, Operation } from './types.js';

/**
 * Linearizability straight from the definition, as an exhaustive search over configurations (set of
 * ops done, state): from any configuration, any op that no pending op must precede (by real time:
 * a precedes b when a returned before b was called) may be applied if the model accepts it, and an
 * unknown-outcome op may instead be discarded. Linearizable iff some configuration has every
 * known-outcome op done. Memoized on exact configurations only, none of the checker's reductions.
 */
function reference<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[]): boolean {
  const all = (1 << history.length) - 1;
  const knownMask = history.reduce((mask, op, i) => (op.return !== Infinity ? mask | (1 << i) : mask), 0);
  const seen = new Set<string>();
  const pending: { done: number; state: S }[] = [{ done: 0, state: model.init() }];
  for (let config = pending.pop(); config !== undefined; config = pending.pop()) {
    const { done, state } = config;
    if ((done & knownMask) === knownMask) return true;
    const notDone = history.filter((_, j) => (done & (1 << j)) === 0);
    history.forEach((op, i) => {
      if ((done & (1 << i)) !== 0 || notDone.some((other) => other.return < op.call)) return;
      const next = (done | (1 << i)) & all;
      const successors: S[] = op.return === Infinity ? [state] : [];
      const result = model.step(state, op.input, op.output);
      if (result.ok) successors.push(result.state);
      for (const successor of successors) {
        const key = `${next}|${model.hash(successor)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        pending.push({ done: next, state: successor });
      }
    });
  }
  return false;
}

function randomHistory(seed: number, keys: readonly string[]): KvOperation[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new RangeError('empty');
    return item;
  };
  const values = ['a', 'b', 'c'] as const;
  const size = 3 + Math.floor(random() * 10);
  // Some histories have no unknown outcomes, some many: pruning around them is the subtle part.
  const unknownRate = pick([0, 0.2, 0.4]);
  return Array.from({ length: size }, (_, clientId): KvOperation => {
    const key = pick(keys);
    // Small integer times make equal timestamps (ties) common on purpose.
    const call = Math.floor(random() * 14);
    const ret = random() < unknownRate ? Infinity : call + Math.floor(random() * 7);
    const roll = random();
    let input: KvInput;
    let output: KvOutput;
    if (roll < 0.35) {
      input = { kind: 'get', key };
      output = { value: pick([null, ...values]) };
    } else if (roll < 0.65) {
      input = { kind: 'put', key, value: pick(values) };
      output = {};
    } else if (roll < 0.9) {
      input = { kind: 'cas', key, expected: pick([null, ...values]), value: pick(values) };
      output = { succeeded: random() < 0.5 };
    } else {
      input = { kind: 'delete', key };
      output = {};
    }
    return { clientId, input, call, return: ret, output: ret === Infinity ? KV_UNKNOWN : output };
  });
}

const { readOnly: _readOnly, ...withoutReadOnlyHint } = kvModel;
const plainSearchModel: Model<KvState, KvInput, KvOutput> = withoutReadOnlyHint;

describe('agreement with an exhaustive reference search', () => {
  const cases = [
    { name: 'one key', keys: ['x'], seeds: 4000 },
    { name: 'two keys', keys: ['x', 'y'], seeds: 1000 },
  ];

  for (const { name, keys, seeds } of cases) {
    it(`agrees on small random kv histories (${name})`, () => {
      const verdicts = { linearizable: 0, violation: 0 };
      for (let seed = 1; seed <= seeds; seed++) {
        const history = randomHistory(seed, keys);
        const expected = reference(kvModel, history);
        verdicts[expected ? 'linearizable' : 'violation']++;
        for (const model of [kvModel, plainSearchModel]) {
          const result = checkOperations(model, history);
          expect(result.ok, `seed ${seed}: ${JSON.stringify(history)}`).toBe(expected);
        }
      }
      // Both outcomes must be well represented, or the comparison says little.
      expect(verdicts.linearizable).toBeGreaterThan(seeds / 10);
      expect(verdicts.violation).toBeGreaterThan(seeds / 10);
    });
  }
});
