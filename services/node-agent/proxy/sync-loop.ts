// When syncs run: at most one per min-sync-period (kube-proxy's --min-sync-period, default 1 s),
// a full one every full-sync period, never two at once. Time comes from a Clock, so tests drive
// it with FakeClock.
import type { Clock, TimerHandle } from '../../../lib/controller/clock.js';

export interface SyncLoopOptions {
  minSyncPeriodMs: number;
  fullSyncPeriodMs: number;
}

export class SyncLoop {
  private timer: TimerHandle | undefined;
  private fullTimer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly o: SyncLoopOptions,
    /** Runs one sync; `full` asks for the periodic full one. Must not throw. */
    private readonly sync: (full: boolean) => Promise<void>,
  ) {}

  start(): void {
    this.armFull();
    this.request();
  }

  /** A sync soon: now if the last one started at least min-sync-period ago, else when it has. */
  request(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastStart + this.o.minSyncPeriodMs - this.clock.now());
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

  private runOnce(_fromTimer: boolean): void {
    if (this.stopped) return;
    this.lastStart = this.clock.now();
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
