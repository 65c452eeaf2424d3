// The scheduler's counters and latency samples (what scheduler_perf and the
// scheduler_* metrics report): attempts by result, and per-attempt and end-to-end latency.

/** The most recent `capacity` samples (milliseconds), with exact percentiles over them. */
export class LatencySamples {
  private readonly buf: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Float64Array(capacity);
  }

  push(ms: number): void {
    this.buf[this.next] = ms;
    this.next = (this.next + 1) % this.buf.length;
    if (this.filled < this.buf.length) this.filled++;
  }

  get count(): number {
    return this.filled;
  }

  /** The samples kept, oldest first. */
  values(): Float64Array {
    if (this.filled < this.buf.length) return this.buf.slice(0, this.filled);
    const out = new Float64Array(this.buf.length);
    out.set(this.buf.subarray(this.next), 0);
    out.set(this.buf.subarray(0, this.next), this.buf.length - this.next);
    return out;
  }

  /** Nearest-rank percentile (0..100) of the samples kept; NaN when there are none. */
  percentile(p: number): number {
    if (this.filled === 0) return Number.NaN;
    const sorted = this.values().sort();
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
  }
}

export class SchedulerMetrics {
  /** Scheduling attempts (pods popped). */
  attempts = 0;
  /** Pods bound. */
  scheduled = 0;
  /** Attempts that found no node. */
  unschedulable = 0;
  /** Attempts that failed with an error (plugin error, bind failure). */
  errors = 0;
  /** Pop to bind issued (or to failure), per attempt. */
  readonly attemptDurationsMs = new LatencySamples();
  /** First enqueue to bind done, per scheduled pod. */
  readonly e2eDurationsMs = new LatencySamples();
}
