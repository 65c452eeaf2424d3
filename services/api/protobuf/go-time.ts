// The JSON forms of apimachinery's time types, as Go's encoding produces and parses them:
// metav1.Time is RFC 3339 in UTC with whole seconds ("2026-01-02T03:04:05Z"), metav1.MicroTime
// has exactly six fractional digits ("2026-01-02T03:04:05.123456Z"), metav1.Duration is
// time.Duration.String() ("1h0m0s", "1.5s", "300ms").

const NANOS_PER_SECOND = 1_000_000_000;

/** A protobuf Timestamp-like instant: whole seconds since the Unix epoch plus nanoseconds. */
export interface UnixInstant {
  seconds: number;
  nanos: number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Normalises nanos into [0, 1e9) by carrying whole seconds, as Go's time.Unix does. */
function normalised(instant: UnixInstant): UnixInstant {
  const carry = Math.floor(instant.nanos / NANOS_PER_SECOND);
  return { seconds: instant.seconds + carry, nanos: instant.nanos - carry * NANOS_PER_SECOND };
}

function utcDateTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new RangeError(`time out of range: ${seconds} seconds since the epoch`);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`
  );
}

/** metav1.Time's JSON form: RFC 3339, UTC, sub-second part dropped. */
export function formatRfc3339(instant: UnixInstant): string {
  return `${utcDateTime(normalised(instant).seconds)}Z`;
}

/** metav1.MicroTime's JSON form: RFC 3339, UTC, microseconds (truncated) in six digits. */
export function formatRfc3339Micro(instant: UnixInstant): string {
  const n = normalised(instant);
  return `${utcDateTime(n.seconds)}.${pad(Math.floor(n.nanos / 1000), 6)}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Parses an RFC 3339 timestamp as Go's time.Parse(time.RFC3339, s) does (a fractional second
 * is accepted, any offset is applied). Returns undefined when the text is not one.
 */
export function parseRfc3339(text: string): UnixInstant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8] ?? 'Z';
  let offsetSeconds = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetSeconds = sign * (oh * 3600 + om * 60);
  }
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year);
  const seconds = d.getTime() / 1000 - offsetSeconds;
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0'));
  return { seconds, nanos };
}

// ---------------------------------------------------------------------------
// Durations (nanoseconds as bigint: int64 exceeds JavaScript's safe integers)
// ---------------------------------------------------------------------------

const NS = 1n;
const US = 1_000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const MIN = 60n * S;
const H = 60n * MIN;
const INT64_MAX = (1n << 63n) - 1n;

/** v / unit with up to `digits` fractional digits, trailing zeros (and a bare dot) dropped. */
function withFraction(v: bigint, unit: bigint, digits: number): string {
  const whole = v / unit;
  const frac = (v % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? whole.toString() : `${whole}.${frac}`;
}

/** Go's time.Duration.String(). */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const sign = nanoseconds < 0n ? '-' : '';
  const u = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (u < S) {
    if (u < US) return `${sign}${u}ns`;
    if (u < MS) return `${sign}${withFraction(u, US, 3)}µs`;
    return `${sign}${withFraction(u, MS, 6)}ms`;
  }
  let text = `${withFraction(u % MIN, S, 9)}s`;
  const minutes = u / MIN;
  if (minutes > 0n) {
    text = `${minutes % 60n}m${text}`;
    const hours = minutes / 60n;
    if (hours > 0n) text = `${hours}h${text}`;
  }
  return sign + text;
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: NS,
  us: US,
  'µs': US, // U+00B5 micro sign
  'μs': US, // U+03BC Greek mu
  ms: MS,
  s: S,
  m: MIN,
  h: H,
};

const DURATION_TERM = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;

/** Go's time.ParseDuration, in nanoseconds; undefined when the text is not a duration. */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  DURATION_TERM.lastIndex = 0;
  while (DURATION_TERM.lastIndex < rest.length) {
    const m = DURATION_TERM.exec(rest);
    if (!m) return undefined;
    const whole = m[1] ?? '';
    const frac = m[2] ?? '';
    if (whole === '' && frac === '') return undefined;
    const unit = DURATION_UNITS[m[3] ?? ''];
    if (unit === undefined) return undefined;
    total += BigInt(whole === '' ? '0' : whole) * unit;
    if (frac !== '') total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    if (total > INT64_MAX + (negative ? 1n : 0n)) return undefined;
  }
  return negative ? -total : total;
}
