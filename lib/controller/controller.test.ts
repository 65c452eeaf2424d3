import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { MAX_RETRIES, runWorkers } from './controller.js';
import { WorkQueue } from './work-queue.js';

async function yieldLoop(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Harness {
  clock: FakeClock;
  queue: WorkQueue;
  stop: AbortController;
  logs: Array<{ msg: string; fields?: Record<string, unknown> }>;
  done: Promise<void>;
  ended: () => boolean;
}

describe('runWorkers', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) {
      h.stop.abort();
      await h.done;
    }
  });

  function start(sync: (key: string) => Promise<void>, workers = 1): Harness {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    const stop = new AbortController();
    const logs: Harness['logs'] = [];
    let finished = false;
    const done = runWorkers('test-controller', queue, sync, workers, stop.signal, (msg, fields) => void logs.push(fields ? { msg, fields } : { msg })).then(() => {
      finished = true;
    });
    const h: Harness = { clock, queue, stop, logs, done, ended: () => finished };
    harnesses.push(h);
    return h;
  }

  it('syncs each added key and forgets its failures on success', async () => {
    const synced: string[] = [];
    let failFirst = true;
    const h = start(async (key) => {
      synced.push(key);
      if (key === 'ns/a' && failFirst) {
        failFirst = false;
        throw new Error('transient');
      }
    });
    h.queue.add('ns/a');
    h.queue.add('ns/b');
    await until(() => synced.length === 2, 'two syncs');
    expect(h.queue.retries('ns/a')).toBe(1);
    expect(h.queue.retries('ns/b')).toBe(0);
    h.clock.advance(5);
    await until(() => synced.length === 3, 'the retry');
    await yieldLoop();
    expect(synced).toEqual(['ns/a', 'ns/b', 'ns/a']);
    expect(h.queue.retries('ns/a')).toBe(0);
    expect(h.logs).toEqual([{ msg: 'sync failed; will retry', fields: { controller: 'test-controller', key: 'ns/a', error: 'transient' } }]);
  });

  it(`retries a failing key with doubling backoff from 5 ms, then drops it after ${MAX_RETRIES} retries`, async () => {
    let calls = 0;
    const h = start(async () => {
      calls++;
      throw new Error('still broken');
    });
    h.queue.add('ns/a');
    await until(() => calls === 1, 'the first sync');
    for (let retry = 0; retry < MAX_RETRIES; retry++) {
      const delay = 5 * 2 ** retry;
      h.clock.advance(delay - 1);
      await yieldLoop();
      expect(calls).toBe(retry + 1);
      h.clock.advance(1);
      await until(() => calls === retry + 2, `retry ${retry + 1} after ${delay} ms`);
    }
    await yieldLoop();
    expect(calls).toBe(MAX_RETRIES + 1);
    expect(h.queue.retries('ns/a')).toBe(0);
    expect(h.clock.pending).toBe(0);
    expect(h.logs.filter((l) => l.msg === 'sync failed; will retry')).toHaveLength(MAX_RETRIES);
    expect(h.logs.at(-1)).toMatchObject({ msg: 'sync failed too often; dropping the key until it changes', fields: { controller: 'test-controller', key: 'ns/a' } });
    h.clock.advance(10_000_000);
    await yieldLoop();
    expect(calls).toBe(MAX_RETRIES + 1);
    // A new event brings it back, with a fresh backoff.
    h.queue.add('ns/a');
    await until(() => calls === MAX_RETRIES + 2, 'the sync after a new add');
    expect(h.queue.retries('ns/a')).toBe(1);
  });

  it('never syncs one key on two workers at once, but syncs different keys in parallel', async () => {
    const active = new Map<string, number>();
    let maxSameKey = 0;
    let maxTotal = 0;
    const releases: Array<() => void> = [];
    const synced: string[] = [];
    const h = start(async (key) => {
      active.set(key, (active.get(key) ?? 0) + 1);
      maxSameKey = Math.max(maxSameKey, active.get(key) ?? 0);
      maxTotal = Math.max(maxTotal, [...active.values()].reduce((a, b) => a + b, 0));
      await new Promise<void>((resolve) => releases.push(resolve));
      active.set(key, (active.get(key) ?? 1) - 1);
      synced.push(key);
    }, 3);
    h.queue.add('a');
    h.queue.add('b');
    await until(() => releases.length === 2, 'two syncs running');
    h.queue.add('a'); // while 'a' is being synced
    h.queue.add('a');
    await yieldLoop();
    expect(releases).toHaveLength(2);
    for (const r of releases.splice(0)) r();
    await until(() => releases.length === 1, "the second sync of 'a'");
    releases.splice(0)[0]?.();
    await until(() => synced.length === 3, 'three syncs');
    expect(synced.sort()).toEqual(['a', 'a', 'b']);
    expect(maxSameKey).toBe(1);
    expect(maxTotal).toBe(2);
  });

  it('ends when the signal aborts, after the syncs in progress', async () => {
    let release: (() => void) | undefined;
    const h = start(async () => {
      await new Promise<void>((resolve) => (release = resolve));
    }, 2);
    h.queue.add('a');
    await until(() => release !== undefined, 'the sync to start');
    h.stop.abort();
    await yieldLoop();
    expect(h.queue.isShutDown).toBe(true);
    expect(h.ended()).toBe(false);
    release?.();
    await until(h.ended, 'run to end');
  });

  it('ends at once when the signal is already aborted', async () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    const stop = new AbortController();
    stop.abort();
    let calls = 0;
    await runWorkers(
      'x',
      queue,
      async () => {
        calls++;
        await Promise.resolve();
      },
      4,
      stop.signal,
      () => undefined,
    );
    expect(calls).toBe(0);
    expect(queue.isShutDown).toBe(true);
  });
});
