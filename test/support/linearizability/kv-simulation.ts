/**
 * Generates kv histories that are linearizable by construction: each op takes effect atomically at a
 * random instant inside its [call, return] interval, and outputs are computed by replaying the ops in
 * the order of those instants. Used to exercise the checker on realistic, seeded, random histories.
 */
import { KV_UNKNOWN } from './kv-model.js';
import type { KvInput, KvOperation, KvOutput } from './kv-model.js';
import { seededRandom } from '../../../lib/prng.js';

export { seededRandom } from '../../../lib/prng.js';

export interface KvSimulationOptions {
  seed: number;
  operations: number;
  clients: number;
  keys: readonly string[];
  /** Fraction of ops whose client never learns the outcome (half of those take effect). Default 0. */
  unknownRate?: number;
  /** Upper bound on an op's duration, in ticks; larger means more overlap. Default 10. */
  maxDuration?: number;
}

export interface SimulatedOperation {
  op: KvOperation;
  /** Instant the op took effect, or null if it never did (only possible for unknown outcomes). */
  appliedAt: number | null;
}

export function simulateKvHistory(options: KvSimulationOptions): SimulatedOperation[] {
  const random = seededRandom(options.seed);
  const int = (below: number): number => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  };
  const maxDuration = options.maxDuration ?? 10;
  const unknownRate = options.unknownRate ?? 0;
  const clientFree = Array.from({ length: options.clients }, () => int(maxDuration));
  const written = new Map<string, string[]>();
  let nextValue = 0;

  const drafts: { clientId: number; input: KvInput; call: number; return: number; appliedAt: number | null }[] = [];
  for (let i = 0; i < options.operations; i++) {
    const clientId = int(options.clients);
    const call = (clientFree[clientId] ?? 0) + int(3);
    const duration = 1 + int(maxDuration);
    const key = pick(options.keys);
    const history = written.get(key) ?? [];
    const roll = random();
    let input: KvInput;
    if (roll < 0.4) {
      input = { kind: 'get', key };
    } else if (roll < 0.7 || history.length === 0) {
      const value = `v${nextValue++}`;
      input = { kind: 'put', key, value };
      written.set(key, [...history, value]);
    } else if (roll < 0.9) {
      // Mostly recent values so that a fair share of cas ops succeed.
      const expected = random() < 0.2 ? null : pick(history.slice(-3));
      const value = `v${nextValue++}`;
      input = { kind: 'cas', key, expected, value };
      written.set(key, [...history, value]);
    } else {
      input = { kind: 'delete', key };
    }
    const unknown = random() < unknownRate;
    const appliedAt = unknown && random() < 0.5 ? null : call + random() * duration;
    drafts.push({ clientId, input, call, return: unknown ? Infinity : call + duration, appliedAt });
    clientFree[clientId] = call + duration;
  }

  // Replay in effect order to compute what each client observed.
  const outputs = new Map<number, KvOutput>();
  const store = new Map<string, string>();
  const order = drafts
    .map((draft, index) => ({ draft, index }))
    .filter(({ draft }) => draft.appliedAt !== null)
    .sort((a, b) => (a.draft.appliedAt ?? 0) - (b.draft.appliedAt ?? 0));
  for (const { draft, index } of order) {
    const input = draft.input;
    const current = store.get(input.key) ?? null;
    switch (input.kind) {
      case 'get':
        outputs.set(index, { value: current });
        break;
      case 'put':
        store.set(input.key, input.value);
        outputs.set(index, {});
        break;
      case 'delete':
        store.delete(input.key);
        outputs.set(index, {});
        break;
      case 'cas': {
        const succeeded = current === input.expected;
        if (succeeded) store.set(input.key, input.value);
        outputs.set(index, { succeeded });
        break;
      }
    }
  }

  return drafts.map((draft, index) => ({
    op: {
      clientId: draft.clientId,
      input: draft.input,
      call: draft.call,
      return: draft.return,
      output: draft.return === Infinity ? KV_UNKNOWN : (outputs.get(index) ?? KV_UNKNOWN),
    },
    appliedAt: draft.appliedAt,
  }));
}
