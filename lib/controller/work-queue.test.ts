import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { ExponentialBackoff, WorkQueue } from './work-queue.js';

/** Lets pending promise callbacks run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Records what a get() resolved with, so a test can check it has not resolved yet. */
function track(p: Promise<string | undefined>): { settled: boolean; value: string | undefined } {
  const state: { settled: boolean; value: string | undefined } = { settled: false, value: undefined };
  void p.then((v) => {
    state.settled = true;
    state.value = v;
  });
  return state;
}

function drain(q: WorkQueue): string[] {
  const out: string[] = [];
  for (let k = q.tryGet(); k !== undefined; k = q.tryGet()) out.push(k);
  return out;
}

describe('WorkQueue', () => {
  it('hands keys out in the order they were added', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    for (const k of ['ns/c', 'ns/a', 'ns/b']) q.add(k);
    expect(q.length).toBe(3);
    expect(drain(q)).toEqual(['ns/c', 'ns/a', 'ns/b']);
    expect(q.length).toBe(0);
  });

  it('hands out a key added many times while waiting once, at its first position', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    expect(drain(q)).toEqual(['a', 'b']);
  });

  it('does not hand a key being processed to a second caller; added meanwhile, it comes back after done()', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0);
    const second = track(q.get());
    await settle();
    expect(second.settled).toBe(false);
    q.done('a');
    await settle();
    expect(second).toEqual({ settled: true, value: 'a' });
    // Handed out once, although added twice during processing.
    q.done('a');
    expect(q.tryGet()).toBeUndefined();
  });

  it('does not requeue a key on done() when nobody added it during processing', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    expect(q.tryGet()).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
    expect(q.tryGet()).toBeUndefined();
  });

  it('lets other keys through while one is being processed', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    expect(q.tryGet()).toBe('a');
    q.add('a');
    q.add('b');
    expect(q.tryGet()).toBe('b');
    expect(q.tryGet()).toBeUndefined();
    q.done('a');
    expect(q.tryGet()).toBe('a');
  });

  it('get() waits for an add and resolves with the key', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const got = track(q.get());
    await settle();
    expect(got.settled).toBe(false);
    q.add('ns/x');
    await settle();
    expect(got).toEqual({ settled: true, value: 'ns/x' });
    // The key is now being processed: adding it again does not hand it out.
    q.add('ns/x');
    expect(q.tryGet()).toBeUndefined();
  });

  it('serves waiting getters first come, first served, one key each', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const first = track(q.get());
    const second = track(q.get());
    q.add('a');
    await settle();
    expect(first).toEqual({ settled: true, value: 'a' });
    expect(second.settled).toBe(false);
    q.add('a'); // still processing: not for the second getter
    await settle();
    expect(second.settled).toBe(false);
    q.add('b');
    await settle();
    expect(second).toEqual({ settled: true, value: 'b' });
  });

  it('shutDown() resolves waiting getters with undefined and ignores later adds', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const a = track(q.get());
    const b = track(q.get());
    q.shutDown();
    await settle();
    expect(a).toEqual({ settled: true, value: undefined });
    expect(b).toEqual({ settled: true, value: undefined });
    expect(q.isShutDown).toBe(true);
    q.add('late');
    expect(await q.get()).toBeUndefined();
  });

  it('still hands out keys queued before shutDown(), then undefined (client-go drains)', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.shutDown();
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(await q.get()).toBeUndefined();
  });

  it('shutDown() cancels delayed adds', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 100);
    q.shutDown();
    expect(clock.pending).toBe(0);
    clock.advance(1000);
    expect(q.tryGet()).toBeUndefined();
  });

  describe('addAfter', () => {
    it('adds the key when the fake clock reaches the delay', () => {
      const clock = new FakeClock();
      const q = new WorkQueue({ clock });
      q.addAfter('a', 100);
      expect(q.length).toBe(0);
      clock.advance(99);
      expect(q.length).toBe(0);
      clock.advance(1);
      expect(q.tryGet()).toBe('a');
    });

    it('resolves a waiting getter when the delay fires', async () => {
      const clock = new FakeClock();
      const q = new WorkQueue({ clock });
      const got = track(q.get());
      q.addAfter('a', 50);
      await settle();
      expect(got.settled).toBe(false);
      clock.advance(50);
      await settle();
      expect(got).toEqual({ settled: true, value: 'a' });
    });

    it('adds at once for a delay of zero or less', () => {
      const clock = new FakeClock();
      const q = new WorkQueue({ clock });
      q.addAfter('a', 0);
      q.addAfter('b', -5);
      expect(drain(q)).toEqual(['a', 'b']);
      expect(clock.pending).toBe(0);
    });

    it('keeps one pending add per key, the earliest (client-go delaying queue)', () => {
      const clock = new FakeClock();
      const q = new WorkQueue({ clock });
      q.addAfter('a', 100);
      q.addAfter('a', 300);
      q.addAfter('b', 300);
      q.addAfter('b', 100);
      clock.advance(100);
      expect(drain(q).sort()).toEqual(['a', 'b']);
      clock.advance(500);
      expect(q.tryGet()).toBeUndefined();
    });

    it('fires keys in the order of their delays', () => {
      const clock = new FakeClock();
      const q = new WorkQueue({ clock });
      q.addAfter('late', 30);
      q.addAfter('early', 10);
      q.addAfter('middle', 20);
      clock.advance(30);
      expect(drain(q)).toEqual(['early', 'middle', 'late']);
    });
  });

  describe('addRateLimited', () => {
    it('delays a key 5 ms, then doubles per failure; forget() resets', () => {
      const clock = new FakeClock();
      const q = new WorkQueue({ clock });
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        q.addRateLimited('a');
        const start = clock.now();
        let waited = 0;
        while (q.length === 0) {
          clock.advance(1);
          waited = clock.now() - start;
          expect(waited).toBeLessThanOrEqual(1000);
        }
        delays.push(waited);
        expect(q.tryGet()).toBe('a');
        q.done('a');
      }
      expect(delays).toEqual([5, 10, 20, 40, 80]);
      expect(q.retries('a')).toBe(5);
      q.forget('a');
      expect(q.retries('a')).toBe(0);
      q.addRateLimited('a');
      clock.advance(4);
      expect(q.length).toBe(0);
      clock.advance(1);
      expect(q.tryGet()).toBe('a');
    });

    it('counts failures per key', () => {
      const clock = new FakeClock();
      const q = new WorkQueue({ clock });
      q.addRateLimited('a');
      clock.advance(5);
      q.addRateLimited('a'); // second failure: 10 ms
      q.addRateLimited('b');
      expect(q.retries('a')).toBe(2);
      expect(q.retries('b')).toBe(1);
      clock.advance(5);
      expect(drain(q)).toEqual(['a', 'b']);
    });
  });
});

describe('ExponentialBackoff', () => {
  it.each([
    { base: 5, max: 1_000_000, failures: 0, want: 5 },
    { base: 5, max: 1_000_000, failures: 1, want: 10 },
    { base: 5, max: 1_000_000, failures: 10, want: 5120 },
    { base: 5, max: 1_000_000, failures: 30, want: 1_000_000 },
    { base: 100, max: 1000, failures: 4, want: 1000 },
    { base: 5, max: 1_000_000, failures: 500, want: 1_000_000 },
  ])('after $failures failures (base $base, max $max) waits $want ms', ({ base, max, failures, want }) => {
    const b = new ExponentialBackoff({ baseDelayMs: base, maxDelayMs: max });
    for (let i = 0; i < failures; i++) b.when('k');
    expect(b.retries('k')).toBe(failures);
    expect(b.when('k')).toBe(want);
  });

  it('defaults to client-go controller backoff: 5 ms doubling up to 1000 s', () => {
    const b = new ExponentialBackoff();
    expect([b.when('k'), b.when('k'), b.when('k')]).toEqual([5, 10, 20]);
    for (let i = 0; i < 40; i++) b.when('k');
    expect(b.when('k')).toBe(1_000_000);
    b.forget('k');
    expect(b.retries('k')).toBe(0);
    expect(b.when('k')).toBe(5);
  });
});
