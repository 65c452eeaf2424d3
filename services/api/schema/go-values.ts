// The checks Kubernetes' Go decoding applies to strings with a meaning of their own (quantities,
// base64 bytes, RFC 3339 times), with the error texts Go produces for them.

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';

const QUANTITY_SHAPE = /^([+-]?)([0-9]*)(\.[0-9]*)?([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIXES: ReadonlySet<string> = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);

/** Why resource.ParseQuantity rejects `text`, or undefined when it is a valid quantity. */
export function quantityError(text: string): string | undefined {
  const s = text.trim();
  if (s === '') return QUANTITY_FORMAT_ERROR;
  const m = QUANTITY_SHAPE.exec(s);
  if (!m) return QUANTITY_FORMAT_ERROR;
  const whole = m[2] ?? '';
  const fraction = (m[3] ?? '').slice(1);
  const suffix = m[4] ?? '';
  if (!QUANTITY_SUFFIXES.has(suffix) && !/^[eE][-+]?[0-9]+$/.test(suffix)) return QUANTITY_SUFFIX_ERROR;
  if (whole === '' && fraction === '') return QUANTITY_NUMERIC_ERROR;
  return undefined;
}

const BASE64_ALPHABET = /[A-Za-z0-9+/]/;

/** Why Go's base64.StdEncoding rejects `s` ("illegal base64 data at input byte N"), or undefined. */
export function base64Error(s: string): string | undefined {
  const corrupt = (at: number): string => `illegal base64 data at input byte ${at}`;
  const isNewline = (ch: string | undefined): boolean => ch === '\n' || ch === '\r';
  let si = 0;
  for (;;) {
    // One quantum: up to four alphabet characters, newlines skipped.
    let j = 0;
    while (j < 4) {
      if (si === s.length) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const ch = s[si] ?? '';
      si++;
      if (BASE64_ALPHABET.test(ch)) {
        j++;
        continue;
      }
      if (isNewline(ch)) continue;
      if (ch !== '=') return corrupt(si - 1);
      // Padding: only after two or three characters of a quantum.
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < s.length && isNewline(s[si])) si++;
        if (si === s.length) return corrupt(s.length);
        if (s[si] !== '=') return corrupt(si - 1);
        si++;
      }
      while (si < s.length && isNewline(s[si])) si++;
      return si < s.length ? corrupt(si) : undefined;
    }
  }
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/** Go's strconv.Quote for the texts time errors show. */
function quote(s: string): string {
  return JSON.stringify(s);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const isDigit = (s: string, i: number): boolean => {
  const ch = s[i];
  return ch !== undefined && ch >= '0' && ch <= '9';
};

/**
 * Why Go's time.Parse(layout, value) fails for the two layouts Kubernetes uses (RFC 3339 for
 * metav1.Time, RFC 3339 with microseconds for metav1.MicroTime), or undefined when it parses.
 */
export function timeError(value: string, layout: typeof RFC3339 | typeof RFC3339_MICRO): string | undefined {
  const cannot = (rest: string, elem: string): string => `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(elem)}`;
  const outOfRange = (what: string): string => `parsing time ${quote(value)}: ${what} out of range`;
  let rest = value;
  const literal = (lit: string): boolean => {
    if (!rest.startsWith(lit)) return false;
    rest = rest.slice(lit.length);
    return true;
  };
  /** Two fixed digits, as Go's getnum(value, true). */
  const fixed2 = (): number | undefined => {
    if (!isDigit(rest, 0) || !isDigit(rest, 1)) return undefined;
    const n = Number(rest.slice(0, 2));
    rest = rest.slice(2);
    return n;
  };

  // 2006
  if (rest.length < 4 || !/^[0-9]{4}/.test(rest)) return cannot(rest, '2006');
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);
  if (!literal('-')) return cannot(rest, '-');
  const monthAt = rest;
  const month = fixed2();
  if (month === undefined) return cannot(monthAt, '01');
  if (month < 1 || month > 12) return outOfRange('month');
  if (!literal('-')) return cannot(rest, '-');
  const dayAt = rest;
  const day = fixed2();
  if (day === undefined) return cannot(dayAt, '02');
  if (!literal('T')) return cannot(rest, 'T');
  // 15: one or two digits.
  const hourAt = rest;
  if (!isDigit(rest, 0)) return cannot(hourAt, '15');
  const hourDigits = isDigit(rest, 1) ? 2 : 1;
  const hour = Number(rest.slice(0, hourDigits));
  rest = rest.slice(hourDigits);
  if (hour >= 24) return outOfRange('hour');
  if (!literal(':')) return cannot(rest, ':');
  const minuteAt = rest;
  const minute = fixed2();
  if (minute === undefined) return cannot(minuteAt, '04');
  if (minute >= 60) return outOfRange('minute');
  if (!literal(':')) return cannot(rest, ':');
  const secondAt = rest;
  const second = fixed2();
  if (second === undefined) return cannot(secondAt, '05');
  if (second >= 60) return outOfRange('second');
  if (layout === RFC3339_MICRO) {
    if (rest.length < 7 || (rest[0] !== '.' && rest[0] !== ',') || !/^[0-9]{6}$/.test(rest.slice(1, 7))) return cannot(rest, '.000000');
    rest = rest.slice(7);
  } else if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    // A fractional second is accepted even though the layout does not show one.
    let i = 1;
    while (isDigit(rest, i)) i++;
    rest = rest.slice(i);
  }
  // Z07:00
  const zoneAt = rest;
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    const sign = rest[0];
    if (rest.length < 6 || rest[3] !== ':' || (sign !== '+' && sign !== '-') || !/^[0-9]{2}$/.test(rest.slice(1, 3)) || !/^[0-9]{2}$/.test(rest.slice(4, 6))) {
      return cannot(zoneAt, 'Z07:00');
    }
    if (Number(rest.slice(1, 3)) > 24) return outOfRange('time zone offset hour');
    if (Number(rest.slice(4, 6)) > 60) return outOfRange('time zone offset minute');
    rest = rest.slice(6);
  }
  if (rest !== '') return `parsing time ${quote(value)}: extra text: ${quote(rest)}`;
  if (day < 1 || day > daysIn(month, year)) return outOfRange('day');
  return undefined;
}
