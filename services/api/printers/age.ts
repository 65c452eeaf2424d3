// Ages as kubectl shows them: apimachinery's duration.HumanDuration and the printers'
// translateTimestampSince. Durations are handled in whole microseconds so MicroTime values
// (events, leases) cross second boundaries exactly where Go's nanosecond arithmetic does.

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;

/** Go's integer division of durations: truncation toward zero. */
function div(a: number, b: number): number {
  return Math.trunc(a / b);
}

function humanDurationMicros(d: number): string {
  // Up to one second in the future still reads as "now": clocks of writer and reader differ.
  const seconds = div(d, MICROS_PER_SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;

  const minutes = div(d, MICROS_PER_MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;

  const hours = div(d, MICROS_PER_HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = div(hours, 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = div(days, 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** duration.HumanDuration for a duration in milliseconds (fractions allowed): "59s", "5m30s", "3h5m", "2d3h", "5y". */
export function humanDuration(ms: number): string {
  return humanDurationMicros(Math.trunc(ms * 1000));
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Microseconds since the epoch of a UTC wall time; years below 100 are taken literally. */
function utcMicros(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() * 1000;
}

/** 0001-01-01T00:00:00Z, Go's zero time.Time. */
const GO_ZERO_TIME_MICROS = utcMicros(1, 1, 1, 0, 0, 0);

/** An RFC 3339 time (as time.Parse(time.RFC3339) reads it) in microseconds since the epoch; undefined if malformed. */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const [month, day, hour, minute, second] = [Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  let micros = utcMicros(Number(y), month, day, hour, minute, second) + Number((frac ?? '').padEnd(6, '0').slice(0, 6));
  if (sign !== undefined) {
    const offset = (Number(oh) * 60 + Number(om)) * MICROS_PER_MINUTE;
    micros += sign === '+' ? -offset : offset;
  }
  return Number.isNaN(micros) ? undefined : micros;
}

/**
 * A metav1.Time or MicroTime field in microseconds since the epoch; undefined for a missing,
 * malformed or zero time, all of which the printers treat as IsZero().
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const micros = parseRfc3339(value);
  return micros === GO_ZERO_TIME_MICROS ? undefined : micros;
}

/** translateTimestampSince: the age of a timestamp at `now`, "<unknown>" when it is unset. */
export function translateTimestampSince(value: unknown, now: Date): string {
  const t = parseTimestamp(value);
  if (t === undefined) return '<unknown>';
  return humanDurationMicros(now.getTime() * 1000 - t);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** time.Time.UTC().Format(time.RFC3339) with whole seconds; a missing time is Go's zero time. */
export function formatRfc3339(value: unknown): string {
  const t = parseTimestamp(value);
  if (t === undefined) return '0001-01-01T00:00:00Z';
  const d = new Date(Math.floor(t / 1000));
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}Z`
  );
}
