// When syncs run: as kube-proxy's BoundedFrequencyRunner, one per min-sync-period (its
// --min-sync-period, default 1 s) with a burst of two (its burstSyncs), so a change right after a
// sync is programmed at once and only a third within the period waits; a full one every
// full-sync period; never two at once. Time comes from a Clock, so tests drive it with FakeClock.
import type { Clock, TimerHandle } from '../../../lib/controller/clock.js';

export interface SyncLoopOptions {
  minSyncPeriodMs: number;
  fullSyncPeriodMs: number;
}

/** kube-proxy's burstSyncs. */
const BURST = 2;

export class SyncLoop {
  private timer: TimerHandle | undefined;
  private fullTimer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** A token bucket: BURST at most, one more per min-sync-period, one taken by each sync. */
  private tokens = BURST;
  private refilledAt: number;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly o: SyncLoopOptions,
    /** Runs one sync; `full` asks for the periodic full one. Must not throw. */
    private readonly sync: (full: boolean) => Promise<void>,
  ) {
    this.refilledAt = clock.now();
  }

  start(): void {
    this.armFull();
    this.request();
  }

  /** A sync soon: now if the bucket holds a token, else when it next does. */
  request(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.o.minSyncPeriodMs);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.runOnce(false);
    }, wait);
  }

  /** Resolves when no sync is running or scheduled to run right away. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.fullTimer?.cancel();
  }

  private armFull(): void {
    this.fullTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.armFull();
      this.fullPending = true;
      this.request();
    }, this.o.fullSyncPeriodMs);
  }

  private fullPending = false;

  private refill(): void {
    const now = this.clock.now();
    const period = this.o.minSyncPeriodMs;
    this.tokens = period <= 0 ? BURST : Math.min(BURST, this.tokens + (now - this.refilledAt) / period);
    this.refilledAt = now;
  }

  private runOnce(_fromTimer: boolean): void {
    if (this.stopped) return;
    this.refill();
    this.tokens = Math.max(0, this.tokens - 1);
    const full = this.fullPending;
    this.fullPending = false;
    this.running = this.sync(full).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }
}
