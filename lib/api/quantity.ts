// resource.Quantity as apimachinery parses, rounds and prints it: "500m", "1Gi", "1e3". Values
// are kept in thousandths (milli-units), because resource lists are rounded up to milli scale
// when they are defaulted, and that is the precision every comparison here needs.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in thousandths, rounded away from zero. */
  readonly milli: bigint;
  readonly format: QuantityFormat;
}

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export type QuantityParse = { ok: true; quantity: Quantity } | { ok: false; error: string };

const decimalSuffixes: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

function pow(base: bigint, exp: number): bigint {
  return base ** BigInt(exp);
}

/** Integer division rounding away from zero. */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d === n ? q : n < 0n ? q - 1n : q + 1n;
}

/** Parses a quantity from its JSON form (a string, or a number as Go's decoder also accepts). */
export function parseQuantity(v: unknown): QuantityParse {
  let text: string;
  if (typeof v === 'string') text = v.trim();
  else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  else return { ok: false, error: QUANTITY_FORMAT_ERROR };
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text);
  if (!m) return { ok: false, error: QUANTITY_FORMAT_ERROR };
  const [, sign = '', whole = '', frac = '', suffix = ''] = m;
  if (whole.length + frac.length === 0) return { ok: false, error: QUANTITY_FORMAT_ERROR };

  let numerator = BigInt(`${whole}${frac}` || '0');
  let denominator = pow(10n, frac.length);
  let format: QuantityFormat;
  if (Object.prototype.hasOwnProperty.call(decimalSuffixes, suffix)) {
    format = 'DecimalSI';
    const e = decimalSuffixes[suffix] ?? 0;
    if (e >= 0) numerator *= pow(10n, e);
    else denominator *= pow(10n, -e);
  } else if (Object.prototype.hasOwnProperty.call(binarySuffixes, suffix)) {
    format = 'BinarySI';
    numerator *= pow(1024n, binarySuffixes[suffix] ?? 0);
  } else {
    const em = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!em) return { ok: false, error: QUANTITY_SUFFIX_ERROR };
    const e = Number(em[1]);
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1000) return { ok: false, error: QUANTITY_SUFFIX_ERROR };
    format = 'DecimalExponent';
    if (e >= 0) numerator *= pow(10n, e);
    else denominator *= pow(10n, -e);
  }
  if (sign === '-') numerator = -numerator;
  return { ok: true, quantity: { milli: divAwayFromZero(numerator * 1000n, denominator), format } };
}

/** Quantity.String(): the canonical form Kubernetes stores and prints. */
export function quantityString(q: Quantity): string {
  if (q.milli === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    // Small or fractional binary values print in decimal, as Go does to avoid rounding.
    if ((q.milli > -1024000n && q.milli < 1024000n) || q.milli % 1000n !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let v = q.milli / 1000n;
    let e = 0;
    while (e < 6 && v % 1024n === 0n) {
      v /= 1024n;
      e++;
    }
    return `${v}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][e] ?? ''}`;
  }
  let mantissa = q.milli;
  let exp = -3;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp++;
  }
  const r = ((exp % 3) + 3) % 3;
  if (r !== 0) {
    mantissa *= pow(10n, r);
    exp -= r;
  }
  if (format === 'DecimalExponent') return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
  const si = Object.entries(decimalSuffixes).find(([, e]) => e === exp);
  return si ? `${mantissa}${si[0]}` : `${mantissa}e${exp}`;
}

/** The canonical string of a JSON quantity, or undefined when it does not parse. */
export function canonicalQuantity(v: unknown): string | undefined {
  const p = parseQuantity(v);
  return p.ok ? quantityString(p.quantity) : undefined;
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.milli < b.milli ? -1 : a.milli > b.milli ? 1 : 0;
}
