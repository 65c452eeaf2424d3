// resource.Quantity as the scheduler reads it: MilliValue() for cpu, Value() for everything
// else, both rounded up as apimachinery rounds them. Quantities are parsed exactly (bigint
// rationals) and then kept as plain numbers, since every amount a node or pod declares fits in
// 2^53. services/api has a full Quantity type for validation; a service must not reach into
// another one's internals, and the scheduler only needs these two numbers.

const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const decimalSuffixes: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

interface Rational {
  num: bigint;
  den: bigint;
}

function parseRational(text: string): Rational | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, sign = '', whole = '', frac = '', suffix = ''] = m;
  if (whole.length + frac.length === 0) return undefined;
  let num = BigInt(`${whole}${frac}` || '0');
  let den = 10n ** BigInt(frac.length);
  if (Object.prototype.hasOwnProperty.call(decimalSuffixes, suffix)) {
    const e = decimalSuffixes[suffix] ?? 0;
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else if (Object.prototype.hasOwnProperty.call(binarySuffixes, suffix)) {
    num *= 1024n ** BigInt(binarySuffixes[suffix] ?? 0);
  } else {
    const em = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!em) return undefined;
    const e = Number(em[1]);
    if (!Number.isSafeInteger(e) || Math.abs(e) > 100) return undefined;
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  }
  return { num: sign === '-' ? -num : num, den };
}

/** Division rounding toward +infinity, as Quantity.Value()/MilliValue() round. */
function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d < n ? q + 1n : q;
}

interface Parsed {
  milli: number;
  value: number;
}

// Pods of one workload repeat the same few strings; parsing each once keeps pod intake cheap.
const memo = new Map<string, Parsed | null>();
const MEMO_LIMIT = 4096;

function parse(v: unknown): Parsed | undefined {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  else return undefined;
  const hit = memo.get(text);
  if (hit !== undefined) return hit ?? undefined;
  const r = parseRational(text);
  const parsed = r ? { milli: Number(ceilDiv(r.num * 1000n, r.den)), value: Number(ceilDiv(r.num, r.den)) } : null;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, parsed);
  return parsed ?? undefined;
}

/** Quantity.MilliValue(): the amount in thousandths, rounded up; undefined when it does not parse. */
export function quantityMilliValue(v: unknown): number | undefined {
  return parse(v)?.milli;
}

/** Quantity.Value(): the amount in whole units, rounded up; undefined when it does not parse. */
export function quantityValue(v: unknown): number | undefined {
  return parse(v)?.value;
}
