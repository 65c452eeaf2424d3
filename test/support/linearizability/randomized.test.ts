import { describe, expect, it } from 'vitest';
import { checkOperations } from './checker.js';
import { kvModel, partitionKey } from './kv-model.js';
import type { KvOperation } from './kv-model.js';
import { seededRandom, simulateKvHistory } from './kv-simulation.js';
import type { SimulatedOperation } from './kv-simulation.js';

const SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i);

function simulate(seed: number, operations = 40): SimulatedOperation[] {
  return simulateKvHistory({ seed, operations, clients: 4, keys: ['a', 'b'], unknownRate: 0.05, maxDuration: 8 });
}

function isKnownGet(op: KvOperation): boolean {
  return op.input.kind === 'get' && op.return !== Infinity;
}

function isKnownPut(op: KvOperation): op is KvOperation & { input: { kind: 'put'; value: string } } {
  return op.input.kind === 'put' && op.return !== Infinity;
}

/**
 * A read that returns the value of put P1 although a later put P2 of the same key finished after P1
 * and before the read began. Values are unique per write, so no linearization can explain it.
 */
function findStaleRead(history: KvOperation[]): { index: number; value: string } | null {
  for (const [index, read] of history.entries()) {
    if (!isKnownGet(read)) continue;
    for (const p2 of history) {
      if (!isKnownPut(p2) || p2.input.key !== read.input.key || !(p2.return < read.call)) continue;
      const p1 = history.find(
        (op): op is KvOperation & { input: { kind: 'put'; value: string } } =>
          isKnownPut(op) && op.input.key === read.input.key && op.return < p2.call,
      );
      if (p1 !== undefined) return { index, value: p1.input.value };
    }
  }
  return null;
}

function withReadOutput(history: KvOperation[], index: number, value: string): KvOperation[] {
  return history.map((op, i) => (i === index ? { ...op, output: { value } } : op));
}

function expectRejectedAtKey(history: KvOperation[], key: string): void {
  const result = checkOperations(kvModel, history);
  expect(result.ok).toBe(false);
  if (result.ok !== false) return;
  const partition = kvModel.partition?.(history)[result.partitionIndex] ?? [];
  expect(partitionKey(partition)).toBe(key);
}

describe('randomized histories from a simulated linearizable store', () => {
  it('accepts every generated history', () => {
    for (const seed of SEEDS) {
      const history = simulate(seed).map((s) => s.op);
      expect(checkOperations(kvModel, history), `seed ${seed}`).toEqual({ ok: true });
    }
  });

  it('rejects a history once one read returns a value that was never written', () => {
    for (const seed of SEEDS) {
      const history = simulate(seed).map((s) => s.op);
      const reads = history.flatMap((op, index) => (isKnownGet(op) ? [index] : []));
      const index = reads[Math.floor(seededRandom(seed)() * reads.length)];
      if (index === undefined) continue;
      const corrupted = withReadOutput(history, index, 'never-written');
      expectRejectedAtKey(corrupted, history[index]?.input.key ?? '');
    }
  });

  it('rejects a history once one read returns a clearly stale value', () => {
    let corruptedCount = 0;
    for (const seed of SEEDS) {
      const history = simulate(seed).map((s) => s.op);
      const stale = findStaleRead(history);
      if (stale === null) continue;
      corruptedCount++;
      expectRejectedAtKey(withReadOutput(history, stale.index, stale.value), history[stale.index]?.input.key ?? '');
    }
    // The generator must actually produce the situation, or this test proves nothing.
    expect(corruptedCount).toBeGreaterThan(SEEDS.length / 2);
  });

  it('exercises unknown outcomes that did and did not take effect', () => {
    const simulated = SEEDS.flatMap((seed) => simulate(seed));
    const unknown = simulated.filter((s) => s.op.return === Infinity && s.op.input.kind !== 'get');
    expect(unknown.some((s) => s.appliedAt === null)).toBe(true);
    expect(unknown.some((s) => s.appliedAt !== null)).toBe(true);
  });
});

describe('performance sanity', () => {
  const big = simulateKvHistory({
    seed: 7,
    operations: 2000,
    clients: 10,
    keys: ['k0', 'k1', 'k2', 'k3', 'k4'],
    unknownRate: 0.01,
    maxDuration: 10,
  }).map((s) => s.op);

  it('checks 2,000 ops over 5 keys from 10 concurrent clients', () => {
    expect(checkOperations(kvModel, big)).toEqual({ ok: true });
  });

  it('refutes the same history with one stale read near the end', () => {
    const stale = findStaleRead(big.slice(1500));
    expect(stale).not.toBeNull();
    if (stale === null) return;
    const index = 1500 + stale.index;
    expectRejectedAtKey(withReadOutput(big, index, stale.value), big[index]?.input.key ?? '');
  });
});
