// Main-thread side of the watch workers: splits the watches among them, asks for progress and
// collects what each received.
import type { ExpectedEvent, MainToWatchWorker, WatchCollectResult, WatchOpenResult, WatchOpenSpec, WatchProgress, WatchWorkerToMain } from './api-watch-protocol.js';
import { startWorkers } from './worker-pool.js';
import type { RequestWorker } from './worker-pool.js';

/** Every request to a worker waits at most this long for its reply. */
const REPLY_TIMEOUT_MS = 120_000;

type WatchWorker = RequestWorker<MainToWatchWorker, WatchWorkerToMain>;

/** Sends a message and returns the reply of the type wanted; a 'failed' or other reply throws. */
async function ask<T extends WatchWorkerToMain['type']>(
  worker: WatchWorker,
  msg: MainToWatchWorker,
  want: T,
  timeoutMs = REPLY_TIMEOUT_MS,
): Promise<Extract<WatchWorkerToMain, { type: T }>> {
  const reply = await worker.request(msg, timeoutMs);
  if (reply.type === 'failed') throw new Error(`${worker.name}: ${reply.error}`);
  if (reply.type !== want) throw new Error(`${worker.name}: unexpected reply ${reply.type} to ${msg.type}`);
  return reply as Extract<WatchWorkerToMain, { type: T }>;
}

export class WatchPool {
  private readonly workers: WatchWorker[];
  private shares: number[] = [];

  constructor(size: number) {
    this.workers = startWorkers(size, 'watch worker', new URL('./api-watch-worker.js', import.meta.url));
  }

  /** Opens `total` watches, split evenly among the workers. */
  async open(spec: Omit<WatchOpenSpec, 'count'>, total: number): Promise<WatchOpenResult[]> {
    const n = this.workers.length;
    this.shares = this.workers.map((_w, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
    const parallel = Math.max(1, Math.ceil(spec.openParallel / n));
    const replies = await Promise.all(
      this.workers.map((w, i) => ask(w, { type: 'open', spec: { ...spec, openParallel: parallel, count: this.shares[i] ?? 0 } }, 'opened')),
    );
    return replies.map((r) => r.result);
  }

  async progress(): Promise<WatchProgress> {
    const replies = await Promise.all(this.workers.map((w) => ask(w, { type: 'progress' }, 'progress')));
    return {
      events: replies.reduce((a, r) => a + r.progress.events, 0),
      closed: replies.reduce((a, r) => a + r.progress.closed, 0),
    };
  }

  async collect(expected: ExpectedEvent[]): Promise<WatchCollectResult[]> {
    const replies = await Promise.all(this.workers.map((w) => ask(w, { type: 'collect', expected }, 'collected')));
    return replies.map((r) => r.result);
  }

  /** Closes every watch, then the threads. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => ask(w, { type: 'close' }, 'closed', 5000)));
    await Promise.allSettled(this.workers.map((w) => w.terminate()));
  }
}
