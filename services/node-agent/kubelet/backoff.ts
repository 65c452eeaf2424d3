// The kubelet's restart back-off (client-go flowcontrol.Backoff as the kubelet configures it):
// 10 s after the first failure, doubling to 5 min; an entry untouched for twice the maximum
// (10 min, e.g. a container that ran that long) starts again from 10 s.
import type { Clock } from '../../../lib/controller/clock.js';

export const CRASH_LOOP_INITIAL_MS = 10_000;
export const CRASH_LOOP_MAX_MS = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class RestartBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs = CRASH_LOOP_INITIAL_MS,
    readonly maxMs = CRASH_LOOP_MAX_MS,
  ) {}

  private expired(e: Entry, eventTime: number): boolean {
    return eventTime - e.lastUpdate > 2 * this.maxMs;
  }

  /** Records a restart for `key` caused by an exit at `eventTime`, lengthening the back-off. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    // lastUpdate is the restart itself (client-go's Next records the clock, not the exit), so a
    // container that then runs for twice the maximum starts over from the initial back-off.
    if (!e || this.expired(e, eventTime)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = this.clock.now();
  }

  /** Whether a restart for an exit at `eventTime` must still wait. */
  isInBackoffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, eventTime)) return false;
    return this.clock.now() - eventTime < e.backoffMs;
  }

  /** The current back-off of `key`, for the CrashLoopBackOff message. */
  current(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** When the back-off for an exit at `eventTime` ends. */
  readyAt(key: string, eventTime: number): number {
    return eventTime + this.current(key);
  }

  forgetPrefix(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/** Go's time.Duration text for whole seconds and minutes ("10s", "5m0s"), as kubelet messages show. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}
