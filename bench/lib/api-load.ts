// The two load drivers of the API bench, both on the main thread (the request rates are low
// enough, and the main thread's event-loop utilization is reported so an overloaded client shows):
// - open loop: requests start at fixed times (rate r: one every 1/r s) whatever the previous
//   ones do, and latency counts from the *scheduled* start, so queueing behind a slow request
//   (on the server or in the client) is part of it;
// - closed loop: n callers, each sending its next request when the previous one returns.
import { performance } from 'node:perf_hooks';
import type { OpOutcome } from './api-mutations.js';
import { SampleBuffer } from './stats.js';

export const MAX_ERROR_KINDS = 12;

/** Counts `msg` in `kinds`, keeping at most `max` distinct messages (the rest go to "(other)"). */
export function countKind(kinds: Record<string, number>, msg: string, max = MAX_ERROR_KINDS): void {
  if (kinds[msg] !== undefined) kinds[msg] = (kinds[msg] ?? 0) + 1;
  else if (Object.keys(kinds).length < max) kinds[msg] = 1;
  else kinds['(other)'] = (kinds['(other)'] ?? 0) + 1;
}

export interface LoadWindow {
  warmupMs: number;
  measureMs: number;
}

/** Called on the main thread at the window's edges (e.g. to read CPU counters). */
export interface LoadHooks {
  atWarmEnd?: () => void;
  atEnd?: () => void;
}

export interface LoadResult {
  /** Latency samples (ms) of the successful requests counted, per outcome label. */
  samples: Map<string, SampleBuffer>;
  /** Successful requests counted, per label. */
  ok: Map<string, number>;
  /** Failed requests counted, per label. */
  errors: Map<string, number>;
  /** Failed requests by message, window or not (at most MAX_ERROR_KINDS messages, the rest as "(other)"). */
  errorKinds: Record<string, number>;
  /** Requests that succeeded outside the window (warm-up, or after it for the closed loop). */
  okOutsideWindow: number;
  errorsOutsideWindow: number;
  measuredSeconds: number;
  /** Event-loop utilization of this thread over the window (1 = saturated). */
  clientElu: number;
  /** Open loop only: how late requests were sent against their schedule (ms), p99 and max. */
  sendLagP99Ms: number | null;
  sendLagMaxMs: number | null;
}

const nowNs = (): bigint => process.hrtime.bigint();

function sleepUntil(t: bigint): Promise<void> {
  const ms = Number(t - nowNs()) / 1e6;
  return ms > 0.5 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

class Tally {
  readonly samples = new Map<string, SampleBuffer>();
  readonly ok = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly errorKinds: Record<string, number> = {};
  okOutsideWindow = 0;
  errorsOutsideWindow = 0;

  success(label: string, ms: number): void {
    let buf = this.samples.get(label);
    if (!buf) {
      buf = new SampleBuffer(1024);
      this.samples.set(label, buf);
    }
    buf.push(ms);
    this.ok.set(label, (this.ok.get(label) ?? 0) + 1);
  }

  /** Every failure's message is kept; only those inside the window count against the label. */
  failure(label: string, error: string, inWindow: boolean): void {
    if (inWindow) this.errors.set(label, (this.errors.get(label) ?? 0) + 1);
    else this.errorsOutsideWindow++;
    countKind(this.errorKinds, error);
  }
}

/** Runs the window hooks from timers (delays on a busy thread are harmless: CPU snapshots carry their own instants). */
function scheduleHooks(warmEnd: bigint, endAt: bigint, hooks: LoadHooks): { flush: () => void } {
  const entries: { timer: NodeJS.Timeout; fn: () => void; fired: boolean }[] = [];
  const fire = (e: { timer: NodeJS.Timeout; fn: () => void; fired: boolean }): void => {
    if (e.fired) return;
    e.fired = true;
    clearTimeout(e.timer);
    e.fn();
  };
  for (const [t, fn] of [[warmEnd, hooks.atWarmEnd], [endAt, hooks.atEnd]] as const) {
    if (!fn) continue;
    const e = { timer: setTimeout(() => fire(e), Math.max(0, Number(t - nowNs()) / 1e6)), fn, fired: false };
    entries.push(e);
  }
  return { flush: () => entries.forEach(fire) };
}

function finish(t: Tally, measuredSeconds: number, elu: number, lag: SampleBuffer | undefined): LoadResult {
  let lagP99: number | null = null;
  let lagMax: number | null = null;
  if (lag && lag.length > 0) {
    const sorted = lag.toArray().sort();
    lagP99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? null;
    lagMax = sorted[sorted.length - 1] ?? null;
  }
  return {
    samples: t.samples,
    ok: t.ok,
    errors: t.errors,
    errorKinds: t.errorKinds,
    okOutsideWindow: t.okOutsideWindow,
    errorsOutsideWindow: t.errorsOutsideWindow,
    measuredSeconds,
    clientElu: elu,
    sendLagP99Ms: lagP99,
    sendLagMaxMs: lagMax,
  };
}

/**
 * Open loop at `rateHz`: request i is due at start + i/rate. A request counts when it is due
 * inside the measured window; its latency runs from when it was due to its reply. After the
 * window, the requests still in flight are awaited (each is bounded by the client's deadline).
 */
export async function openLoop(rateHz: number, window: LoadWindow, op: () => Promise<OpOutcome>, hooks: LoadHooks = {}): Promise<LoadResult> {
  const tally = new Tally();
  const lag = new SampleBuffer(1024);
  const startAt = nowNs() + 20_000_000n;
  const warmEnd = startAt + BigInt(Math.round(window.warmupMs * 1e6));
  const endAt = warmEnd + BigInt(Math.round(window.measureMs * 1e6));
  const intervalNs = 1e9 / rateHz;
  const hookTimers = scheduleHooks(warmEnd, endAt, hooks);
  const inFlight = new Set<Promise<void>>();
  let elu0 = performance.eventLoopUtilization();
  let eluTaken = false;
  for (let i = 0; ; i++) {
    const due = startAt + BigInt(Math.round(i * intervalNs));
    if (due >= endAt) break;
    await sleepUntil(due);
    const sent = nowNs();
    const counted = due >= warmEnd;
    if (counted && !eluTaken) {
      elu0 = performance.eventLoopUtilization();
      eluTaken = true;
    }
    if (counted) lag.push(Number(sent - due) / 1e6);
    const p = op().then(
      (out) => {
        const ms = Number(nowNs() - due) / 1e6;
        if (out.error !== undefined) tally.failure(out.label, out.error, counted);
        else if (counted) tally.success(out.label, ms);
        else tally.okOutsideWindow++;
      },
      (err: unknown) => tally.failure('(bench)', err instanceof Error ? err.message : String(err), counted),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await sleepUntil(endAt);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  await Promise.all([...inFlight]);
  hookTimers.flush();
  return finish(tally, window.measureMs / 1000, elu, lag);
}

/**
 * Closed loop with `concurrency` callers. Only requests that complete inside the measured
 * window count (as in store-bench); callers stop sending at its end and the rest drain.
 */
export async function closedLoop(concurrency: number, window: LoadWindow, op: () => Promise<OpOutcome>, hooks: LoadHooks = {}): Promise<LoadResult> {
  const tally = new Tally();
  const startAt = nowNs() + 20_000_000n;
  const warmEnd = startAt + BigInt(Math.round(window.warmupMs * 1e6));
  const endAt = warmEnd + BigInt(Math.round(window.measureMs * 1e6));
  const hookTimers = scheduleHooks(warmEnd, endAt, hooks);
  let elu0 = performance.eventLoopUtilization();
  const eluTimer = setTimeout(() => (elu0 = performance.eventLoopUtilization()), Math.max(0, Number(warmEnd - nowNs()) / 1e6));
  let eluEnd: number | undefined;
  const eluEndTimer = setTimeout(() => (eluEnd = performance.eventLoopUtilization(elu0).utilization), Math.max(0, Number(endAt - nowNs()) / 1e6));
  await sleepUntil(startAt);
  const caller = async (): Promise<void> => {
    for (;;) {
      const s = nowNs();
      if (s >= endAt) return;
      let out: OpOutcome;
      try {
        out = await op();
      } catch (err) {
        out = { label: '(bench)', error: err instanceof Error ? err.message : String(err) };
      }
      const e = nowNs();
      const inWindow = e >= warmEnd && e <= endAt;
      if (out.error !== undefined) tally.failure(out.label, out.error, inWindow);
      else if (inWindow) tally.success(out.label, Number(e - s) / 1e6);
      else tally.okOutsideWindow++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  clearTimeout(eluTimer);
  clearTimeout(eluEndTimer);
  hookTimers.flush();
  return finish(tally, window.measureMs / 1000, eluEnd ?? performance.eventLoopUtilization(elu0).utilization, undefined);
}
