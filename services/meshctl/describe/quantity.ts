// Resource quantities ("100m", "1.5", "128Mi", "1e3") as far as describe needs them: parse,
// add, compare, and print sums the way resource.Quantity prints them.

export interface Quantity {
  /** In base units (cores, bytes). */
  value: number;
  binary: boolean;
}

const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

export function parseQuantity(v: unknown): Quantity {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(s);
  if (!m) return { value: 0, binary: false };
  const base = Number(m[1]);
  if (m[2] !== undefined) return { value: base * 10 ** Number(m[2].slice(1)), binary: false };
  const suffix = m[3] ?? '';
  const binary = suffix in BINARY;
  return { value: base * (binary ? (BINARY[suffix] ?? 1) : (DECIMAL[suffix] ?? 1)), binary };
}

/** Canonical text: the largest suffix that keeps the value whole (milli-units for fractions). */
export function formatQuantity(q: Quantity): string {
  const v = q.value;
  if (v === 0) return '0';
  if (q.binary) {
    for (const [suffix, mult] of Object.entries(BINARY).reverse()) if (Number.isInteger(v / mult) && Math.abs(v) >= mult) return `${v / mult}${suffix}`;
  }
  if (!Number.isInteger(v)) {
    const milli = Math.round(v * 1000);
    return `${milli}m`;
  }
  for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k']) {
    const mult = DECIMAL[suffix] ?? 1;
    if (Math.abs(v) >= mult && Number.isInteger(v / mult)) return `${v / mult}${suffix}`;
  }
  return String(v);
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { value: a.value + b.value, binary: a.value === 0 ? b.binary : a.binary };
}
