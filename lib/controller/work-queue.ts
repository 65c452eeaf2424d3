// client-go's rate-limited work queue: keys, not objects; a key added many times while
// waiting is handed out once; a key being processed is never handed to a second worker
// (added again meanwhile, it comes back after done()); failures retry with per-key
// exponential backoff.
import type { Clock, TimerHandle } from './clock.js';
import { realClock } from './clock.js';

export interface RateLimiterOptions {
  /** First retry delay; client-go's default controller limiter starts at 5 ms. */
  baseDelayMs?: number;
  /** Longest retry delay; client-go caps at 1000 s. */
  maxDelayMs?: number;
}

/** Per-key exponential backoff: base·2^failures, capped. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();
  private readonly base: number;
  private readonly max: number;

  constructor(o: RateLimiterOptions = {}) {
    this.base = o.baseDelayMs ?? 5;
    this.max = o.maxDelayMs ?? 1_000_000;
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.max, this.base * 2 ** Math.min(n, 40));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface WorkQueueOptions extends RateLimiterOptions {
  clock?: Clock;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  /** Keys waiting to be processed (in `queue`, or to be re-queued when their worker is done). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiting = new Map<string, { at: number; timer: TimerHandle }>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly backoff: ExponentialBackoff;
  private readonly clock: Clock;
  private shuttingDown = false;

  constructor(o: WorkQueueOptions = {}) {
    this.clock = o.clock ?? realClock;
    this.backoff = new ExponentialBackoff(o);
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  get isShutDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
      return;
    }
    this.queue.push(key);
  }

  /** Adds the key after a delay; of two pending delays for a key, the one due first wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending) {
      if (pending.at <= at) return;
      pending.timer.cancel();
    }
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Adds the key after its backoff delay (the retry path of a failed sync). */
  addRateLimited(key: string): void {
    this.addAfter(key, this.backoff.when(key));
  }

  /** Clears the key's failure count (after a successful sync). */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  retries(key: string): number {
    return this.backoff.retries(key);
  }

  /** The next key without waiting, or undefined. */
  tryGet(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++] as string;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  /** The next key, waiting for one; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const key = this.tryGet();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks the key processed; if it was added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
