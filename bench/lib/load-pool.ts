// Main-thread side of the load generator: a pool of worker threads, each owning a share of the
// gRPC channels. Runs one phase at a time on all workers and merges their results.
import type { ChannelSpec, GoTimes, MainToWorker, PhaseSpec, WorkerPhaseResult, WorkerToMain } from './load-protocol.js';
import { startWorkers } from './worker-pool.js';
import type { RequestWorker } from './worker-pool.js';

export interface MergedPhaseResult {
  perWorker: WorkerPhaseResult[];
  /** Event-loop utilization per worker that had channels (1 = that thread was saturated). */
  workerElu: number[];
}

/** Hooks called on the main thread at the window's edges (e.g. to read CPU counters). */
export interface WindowHooks {
  atWarmEnd?: () => void;
  atEnd?: () => void;
}

export class LoadPool {
  private readonly workers: RequestWorker<MainToWorker, WorkerToMain>[];

  constructor(readonly size: number) {
    this.workers = startWorkers(size, 'load worker', new URL('./load-worker.js', import.meta.url));
  }

  /** Channel j goes to worker j % size, so every worker gets the same mix of endpoints. */
  private split(channels: ChannelSpec[]): ChannelSpec[][] {
    const out: ChannelSpec[][] = this.workers.map(() => []);
    channels.forEach((ch, j) => out[j % this.workers.length]?.push(ch));
    return out;
  }

  /**
   * Runs a phase: workers connect their channels, then all start at the same instant.
   * `durations` (ms) are ignored for populate phases, which end when the keys are written.
   */
  async run(
    phase: PhaseSpec,
    durations: { warmupMs: number; measureMs: number },
    hooks: WindowHooks = {},
  ): Promise<MergedPhaseResult> {
    const shares = this.split(phase.channels);
    const active = this.workers.filter((_w, i) => (shares[i]?.length ?? 0) > 0);
    const activeShares = shares.filter((s) => s.length > 0);
    // Populate: split the key range among the workers in proportion to their callers.
    const phases: PhaseSpec[] = activeShares.map((share, i) => {
      if (phase.kind !== 'populate') return { ...phase, channels: share };
      const total = phase.channels.reduce((a, c) => a + c.callers, 0);
      const before = activeShares.slice(0, i).flat().reduce((a, c) => a + c.callers, 0);
      const mine = share.reduce((a, c) => a + c.callers, 0);
      const n = phase.to - phase.from;
      const from = phase.from + Math.floor((n * before) / total);
      const to = phase.from + Math.floor((n * (before + mine)) / total);
      return { ...phase, channels: share, from, to };
    });
    const readies = await Promise.all(active.map((w, i) => w.request({ type: 'prepare', phase: phases[i] as PhaseSpec })));
    for (const r of readies) if (r.type === 'failed') throw new Error(`load worker could not connect: ${r.error}`);

    const now = process.hrtime.bigint();
    const startAt = now + 50_000_000n;
    const warmEnd = startAt + BigInt(Math.round(durations.warmupMs * 1e6));
    const endAt = warmEnd + BigInt(Math.round(durations.measureMs * 1e6));
    const times: GoTimes = phase.kind === 'populate' ? { startAt, warmEnd: startAt, endAt: startAt } : { startAt, warmEnd, endAt };
    // The hooks run from timers on this (otherwise idle) thread; one that a busy machine delays
    // past the workers' replies runs right then (the CPU figures use the actual instants).
    const pending: { timer: NodeJS.Timeout; fn: () => void; fired: boolean }[] = [];
    const at = (t: bigint, fn: (() => void) | undefined): void => {
      if (!fn) return;
      const entry = { timer: setTimeout(() => fire(entry), Math.max(0, Number(t - process.hrtime.bigint()) / 1e6)), fn, fired: false };
      pending.push(entry);
    };
    const fire = (entry: { timer: NodeJS.Timeout; fn: () => void; fired: boolean }): void => {
      if (entry.fired) return;
      entry.fired = true;
      clearTimeout(entry.timer);
      entry.fn();
    };
    at(warmEnd, hooks.atWarmEnd);
    at(endAt, hooks.atEnd);
    let ok = false;
    try {
      const replies = await Promise.all(active.map((w) => w.request({ type: 'go', times })));
      ok = true;
      for (const p of pending) fire(p);
      const perWorker: WorkerPhaseResult[] = [];
      for (const r of replies) {
        if (r.type === 'failed') throw new Error(`load worker failed: ${r.error}`);
        if (r.type !== 'done') throw new Error(`load worker: unexpected reply ${r.type}`);
        perWorker.push(r.result);
      }
      return { perWorker, workerElu: perWorker.map((r) => r.elu) };
    } finally {
      if (!ok) for (const p of pending) clearTimeout(p.timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
