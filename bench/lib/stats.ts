// Latency samples and their summary. Samples are kept exactly (one double per request, in
// milliseconds) and sorted once at the end: at the request rates this bench sees (well under a
// million per phase) that is cheaper and simpler than a histogram, and the percentiles are exact.

/** A growable Float64Array of latency samples in milliseconds. */
export class SampleBuffer {
  private buf: Float64Array;
  private n = 0;

  constructor(initialCapacity = 1 << 14) {
    this.buf = new Float64Array(initialCapacity);
  }

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  get length(): number {
    return this.n;
  }

  /** A copy trimmed to the samples pushed (its buffer can be transferred to another thread). */
  toArray(): Float64Array {
    return this.buf.slice(0, this.n);
  }
}

export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of an ascending array: the smallest sample with at least p% of samples <= it. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const idx = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[idx] ?? Number.NaN;
}

/** Merges the sample arrays of several workers and summarizes them. */
export function summarize(parts: readonly Float64Array[]): LatencySummary {
  let total = 0;
  for (const p of parts) total += p.length;
  const all = new Float64Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  all.sort(); // TypedArray sort is numeric.
  let sum = 0;
  for (const v of all) sum += v;
  return {
    count: total,
    minMs: total ? (all[0] ?? Number.NaN) : Number.NaN,
    meanMs: total ? sum / total : Number.NaN,
    p50Ms: percentile(all, 50),
    p90Ms: percentile(all, 90),
    p99Ms: percentile(all, 99),
    p999Ms: percentile(all, 99.9),
    maxMs: total ? (all[total - 1] ?? Number.NaN) : Number.NaN,
  };
}
