// Go's time.Duration text, as Kubernetes components take it on their command lines.

/** "1m30s", "500ms", "40s" in milliseconds; undefined if it is not a duration. */
export function parseGoDuration(v: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v)) !== null) {
    total += Number(m[1]) * (units[m[2] as string] as number);
    pos = re.lastIndex;
  }
  if (v === '' || pos !== v.length) return undefined;
  return Math.round(total);
}
