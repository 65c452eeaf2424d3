// metav1.Time (RFC 3339, seconds) and metav1.MicroTime (microseconds) as the API writes them.

/** metav1.Time: "2026-01-01T00:00:00Z". */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: "2026-01-01T00:00:00.123000Z" (Date has milliseconds; the rest is zeros). */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Milliseconds since the epoch, or undefined for a missing or unparsable time. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== 'string' || s === '') return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Microseconds since the epoch of a MicroTime such as "2026-01-01T00:00:00.123456Z" (Date keeps only ms). */
export function parseMicroTime(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return seconds * 1000 + Number(fraction);
}
