// Durations in log lines, shaped like Go's time.Duration text: 500ms, 3.2s, 1m30s, 2h0m5s.

export function durationText(ms: number): string {
  const v = Math.max(0, Math.round(ms));
  if (v < 1000) return `${v}ms`;
  if (v < 60_000) return `${trim(v / 1000)}s`;
  const h = Math.floor(v / 3_600_000);
  const m = Math.floor((v % 3_600_000) / 60_000);
  const s = Math.floor((v % 60_000) / 1000);
  return h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}

/** One decimal, without a trailing ".0". */
function trim(s: number): string {
  const t = (Math.floor(s * 10) / 10).toFixed(1);
  return t.endsWith('.0') ? t.slice(0, -2) : t;
}
