// Where `meshctl cluster up`'s time goes, from its output lines stamped as they arrived: its steps
// ("==> docker", "==> images", "==> hosts", "==> credentials", "==> components", then the wait for
// health) and when the store, the API servers, the schedulers and the nodes were first all healthy.

export interface StampedLine {
  /** Milliseconds since the process was spawned. */
  atMs: number;
  line: string;
}

export interface UpStep {
  name: string;
  startMs: number;
  ms: number;
}

export interface UpBreakdown {
  steps: UpStep[];
  /** Milliseconds since spawn of the first progress line showing all healthy/ready, or null. */
  allHealthy: { store: number | null; api: number | null; sched: number | null; nodes: number | null };
}

const HEALTH: Record<keyof UpBreakdown['allHealthy'], RegExp> = {
  store: /store (\d+)\/(\d+) healthy/,
  api: /API servers (\d+)\/(\d+) ready/,
  sched: /sched (\d+)\/(\d+) healthy/,
  nodes: /nodes (\d+)\/(\d+) Ready/,
};

const round = (v: number): number => Math.round(v);

export function upBreakdown(lines: readonly StampedLine[], exitMs: number): UpBreakdown {
  const marks: { name: string; at: number }[] = [{ name: 'process start', at: 0 }];
  let lastComponentLine: number | undefined;
  let inComponents = false;
  for (const l of lines) {
    const m = /^==> (\S+)/.exec(l.line);
    if (m) {
      marks.push({ name: m[1] ?? '?', at: l.atMs });
      inComponents = m[1] === 'components';
      continue;
    }
    if (inComponents && /^(cp|w)\d+: (started|running)/.test(l.line)) lastComponentLine = l.atMs;
  }
  if (lastComponentLine !== undefined) marks.push({ name: 'wait for health', at: lastComponentLine });
  const steps: UpStep[] = marks.map((mk, i) => {
    const end = marks[i + 1]?.at ?? exitMs;
    return { name: mk.name, startMs: round(mk.at), ms: round(end - mk.at) };
  });
  const allHealthy: UpBreakdown['allHealthy'] = { store: null, api: null, sched: null, nodes: null };
  for (const l of lines) {
    for (const k of Object.keys(HEALTH) as (keyof typeof HEALTH)[]) {
      if (allHealthy[k] !== null) continue;
      const h = HEALTH[k].exec(l.line);
      if (h && h[1] === h[2]) allHealthy[k] = round(l.atMs);
    }
  }
  return { steps: steps.filter((s) => s.name !== 'process start' || s.ms > 0), allHealthy };
}
