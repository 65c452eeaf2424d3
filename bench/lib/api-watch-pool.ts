// Main-thread side of the watch workers: splits the watches among them, asks for progress and
// collects what each received.
import { Worker } from 'node:worker_threads';
import type { ExpectedEvent, MainToWatchWorker, WatchCollectResult, WatchOpenResult, WatchOpenSpec, WatchProgress, WatchWorkerToMain } from './api-watch-protocol.js';

/** Every request to a worker waits at most this long for its reply. */
const REPLY_TIMEOUT_MS = 120_000;

class WatchWorker {
  private readonly worker: Worker;
  private pending: { resolve: (m: WatchWorkerToMain) => void; reject: (e: Error) => void } | undefined;
  private dead: Error | undefined;

  constructor(readonly index: number) {
    this.worker = new Worker(new URL('./api-watch-worker.js', import.meta.url));
    this.worker.on('message', (msg: WatchWorkerToMain) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(msg);
    });
    const fail = (err: Error): void => {
      this.dead = err;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`watch worker ${index} exited (code ${code})`)));
  }

  async request<T extends WatchWorkerToMain['type']>(msg: MainToWatchWorker, want: T, timeoutMs = REPLY_TIMEOUT_MS): Promise<Extract<WatchWorkerToMain, { type: T }>> {
    if (this.dead) throw this.dead;
    if (this.pending) throw new Error(`watch worker ${this.index} is busy`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await new Promise<WatchWorkerToMain>((resolve, reject) => {
        this.pending = { resolve, reject };
        timer = setTimeout(() => {
          this.pending = undefined;
          reject(new Error(`watch worker ${this.index}: no reply to ${msg.type} within ${timeoutMs} ms`));
        }, timeoutMs);
        this.worker.postMessage(msg);
      });
      if (reply.type === 'failed') throw new Error(`watch worker ${this.index}: ${reply.error}`);
      if (reply.type !== want) throw new Error(`watch worker ${this.index}: unexpected reply ${reply.type} to ${msg.type}`);
      return reply as Extract<WatchWorkerToMain, { type: T }>;
    } finally {
      clearTimeout(timer);
    }
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

export class WatchPool {
  private readonly workers: WatchWorker[];
  private shares: number[] = [];

  constructor(size: number) {
    this.workers = Array.from({ length: size }, (_v, i) => new WatchWorker(i));
  }

  /** Opens `total` watches, split evenly among the workers. */
  async open(spec: Omit<WatchOpenSpec, 'count'>, total: number): Promise<WatchOpenResult[]> {
    const n = this.workers.length;
    this.shares = this.workers.map((_w, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
    const parallel = Math.max(1, Math.ceil(spec.openParallel / n));
    const replies = await Promise.all(
      this.workers.map((w, i) => w.request({ type: 'open', spec: { ...spec, openParallel: parallel, count: this.shares[i] ?? 0 } }, 'opened')),
    );
    return replies.map((r) => r.result);
  }

  async progress(): Promise<WatchProgress> {
    const replies = await Promise.all(this.workers.map((w) => w.request({ type: 'progress' }, 'progress')));
    return {
      events: replies.reduce((a, r) => a + r.progress.events, 0),
      closed: replies.reduce((a, r) => a + r.progress.closed, 0),
    };
  }

  async collect(expected: ExpectedEvent[]): Promise<WatchCollectResult[]> {
    const replies = await Promise.all(this.workers.map((w) => w.request({ type: 'collect', expected }, 'collected')));
    return replies.map((r) => r.result);
  }

  /** Closes every watch, then the threads. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.request({ type: 'close' }, 'closed', 5000)));
    await Promise.allSettled(this.workers.map((w) => w.terminate()));
  }
}
