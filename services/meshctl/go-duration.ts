// Go's time.ParseDuration, which kubectl's --timeout flags use ("30s", "1m30s", "500ms").
import { FlagError } from './errors.js';

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds; throws CliError with Go's message for a malformed duration. */
export function parseGoDuration(text: string, flag = 'timeout'): number {
  const bad = (why: string): FlagError => new FlagError(`invalid argument "${text}" for "--${flag}" flag: time: ${why} "${text}"`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw bad('invalid duration');
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)([a-zµμ]+)/;
  while (s !== '') {
    const m = re.exec(s);
    if (!m) throw bad(/^\d+(?:\.\d*)?$/.test(s) ? 'missing unit in duration' : 'invalid duration');
    const unit = UNITS[m[2] ?? ''];
    if (unit === undefined) throw bad(`unknown unit "${m[2] ?? ''}" in duration`);
    total += Number(m[1]) * unit;
    s = s.slice(m[0].length);
  }
  return sign * total;
}
