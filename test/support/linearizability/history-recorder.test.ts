import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { checkOperations } from './checker.js';
import { HistoryRecorder } from './history-recorder.js';
import { KV_UNKNOWN, createKvHistoryRecorder, kvModel } from './kv-model.js';
import type { KvInput, KvOutput } from './kv-model.js';
import { seededRandom } from './kv-simulation.js';

describe('HistoryRecorder', () => {
  it('records completed, unknown and still-pending operations', () => {
    let tick = 0;
    const recorder = new HistoryRecorder<string, string>({ unknownOutput: '?', clock: () => (tick += 10) });
    const a = recorder.begin(1, 'a');
    const b = recorder.begin(2, 'b');
    recorder.begin(3, 'c');
    recorder.end(a, 'A');
    recorder.unknown(b);
    expect(recorder.operations()).toEqual([
      { clientId: 1, input: 'a', call: 10, return: 40, output: 'A' },
      { clientId: 2, input: 'b', call: 20, return: Infinity, output: '?' },
      { clientId: 3, input: 'c', call: 30, return: Infinity, output: '?' },
    ]);
  });

  it('keeps timestamps strictly increasing even if the clock stalls or steps back', () => {
    const readings = [5, 5, 5, 3, 9];
    const recorder = new HistoryRecorder<string, string>({ unknownOutput: '?', clock: () => readings.shift() ?? 0 });
    const first = recorder.begin(0, 'first');
    recorder.end(first, 'ok');
    const second = recorder.begin(1, 'second');
    recorder.end(second, 'ok');
    const third = recorder.begin(1, 'third');
    const [op1, op2, op3] = recorder.operations();
    expect([op1?.call, op1?.return, op2?.call, op2?.return, op3?.call]).toEqual([5, 6, 7, 8, 9]);
    expect(third).toBe(2);
  });

  it('refuses to complete an operation twice or complete an unknown token', () => {
    const recorder = createKvHistoryRecorder();
    const token = recorder.begin(0, { kind: 'get', key: 'x' });
    recorder.end(token, { value: null });
    expect(() => recorder.end(token, { value: null })).toThrow(/already completed/);
    expect(() => recorder.unknown(token)).toThrow(/already completed/);
    const other = recorder.begin(0, { kind: 'get', key: 'x' });
    recorder.unknown(other);
    expect(() => recorder.end(other, { value: null })).toThrow(/already completed/);
    expect(() => recorder.end((other + 1) as typeof other, { value: null })).toThrow(/unknown token/);
  });

  it('uses the kv unknown marker for unknown outcomes', () => {
    const recorder = createKvHistoryRecorder();
    recorder.unknown(recorder.begin(0, { kind: 'put', key: 'x', value: 'a' }));
    expect(recorder.operations()[0]).toMatchObject({ return: Infinity, output: KV_UNKNOWN });
  });

  it('produces histories the checker accepts for a correct concurrent store', async () => {
    const recorder = createKvHistoryRecorder();
    const store = new Map<string, string>();
    const random = seededRandom(42);
    // Each request takes effect after a random number of event-loop turns, so requests interleave.
    const delay = async (): Promise<void> => {
      for (let turns = Math.floor(random() * 3); turns > 0; turns--) await yieldToEventLoop();
    };
    const execute = async (input: KvInput): Promise<KvOutput> => {
      await delay();
      const current = store.get(input.key) ?? null;
      let output: KvOutput;
      switch (input.kind) {
        case 'get':
          output = { value: current };
          break;
        case 'put':
          store.set(input.key, input.value);
          output = {};
          break;
        case 'delete':
          store.delete(input.key);
          output = {};
          break;
        case 'cas':
          if (current === input.expected) store.set(input.key, input.value);
          output = { succeeded: current === input.expected };
          break;
      }
      await delay();
      return output;
    };
    const client = async (clientId: number): Promise<void> => {
      for (let i = 0; i < 25; i++) {
        const key = random() < 0.5 ? 'x' : 'y';
        const roll = random();
        const input: KvInput =
          roll < 0.4
            ? { kind: 'get', key }
            : roll < 0.7
              ? { kind: 'put', key, value: `${clientId}-${i}` }
              : roll < 0.9
                ? { kind: 'cas', key, expected: store.get(key) ?? null, value: `${clientId}-${i}-cas` }
                : { kind: 'delete', key };
        const token = recorder.begin(clientId, input);
        const output = await execute(input);
        // Pretend some responses were lost in transit: the effect happened, the client never knew.
        if (random() < 0.05) recorder.unknown(token);
        else recorder.end(token, output);
      }
    };
    await Promise.all([0, 1, 2, 3, 4].map(client));

    const history = recorder.operations();
    expect(history).toHaveLength(125);
    expect(checkOperations(kvModel, history)).toEqual({ ok: true });

    // Appending a read (after the last acknowledged put) of a value nobody wrote must be rejected.
    const putOp = history.filter((op) => op.input.kind === 'put' && op.return !== Infinity).at(-1);
    if (putOp === undefined || putOp.input.kind !== 'put') throw new Error('workload produced no put');
    const bogusRead = {
      clientId: 99,
      input: { kind: 'get', key: putOp.input.key } as const,
      call: putOp.return + 1,
      return: putOp.return + 2,
      output: { value: 'value-nobody-wrote' },
    };
    expect(checkOperations(kvModel, [...history, bogusRead]).ok).toBe(false);
  });
});

describe('HistoryRecorder with a custom output type', () => {
  it('accepts any unknown marker', () => {
    const recorder = new HistoryRecorder<KvInput, KvOutput | { lost: true }>({ unknownOutput: { lost: true } });
    recorder.begin(0, { kind: 'get', key: 'x' });
    expect(recorder.operations()[0]?.output).toEqual({ lost: true });
  });
});
