// resource.Quantity as the scheduler reads it: MilliValue() for cpu, Value() for everything
// else, both rounded up as apimachinery rounds them. lib/api/quantity parses exactly (to
// thousandths); the scheduler keeps plain numbers, since every amount a node or pod declares
// fits in 2^53.
import { parseQuantity } from '../../../lib/api/quantity.js';

/** Division rounding toward +infinity, as Quantity.Value() rounds. */
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
  const r = parseQuantity(text);
  // Thousandths are rounded up already, so the whole value is their quotient rounded up.
  const parsed = r.ok ? { milli: Number(r.quantity.milli), value: Number(ceilDiv(r.quantity.milli, 1000n)) } : null;
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
