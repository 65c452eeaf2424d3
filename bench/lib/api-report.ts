// Result records, targets and the table of bench/api-bench.ts.
import type { ApiPhaseId } from './api-args.js';
import type { CpuWindow } from './cpu.js';
import type { LatencySummary } from './stats.js';
import { summarize } from './stats.js';
import type { SampleBuffer } from './stats.js';

/** The issue's targets: Kubernetes' SLO for mutations is p99 <= 1 s; ours is much tighter. */
export const TARGETS = {
  mutationP99Ms: 50,
  fanoutP99Ms: 100,
} as const;

export interface OpRow {
  /** e.g. "create ConfigMap", "list selector", or a group such as "create". */
  label: string;
  ok: number;
  errors: number;
  opsPerSec: number;
  latency: LatencySummary;
}

export interface ApiCpu {
  wallSeconds: number;
  /** Cores busy in the API server process (1.00 = one core for the whole window). */
  apiServerCores: number | null;
  storeMemberCores: (number | null)[];
  storeCores: number;
  /** This process, every thread (load drivers and watch workers). */
  clientCores: number;
  machineCores: number | null;
  /** Busy cores that were neither this process, nor the API server, nor the store. */
  otherCores: number | null;
}

export interface TargetCheck {
  what: string;
  limitMs: number;
  p99Ms: number;
  p99Met: boolean;
  /** No failed request, and for the fan-out every watcher got every event exactly once. */
  complete: boolean;
  met: boolean;
}

export interface FanoutSummary {
  watchersRequested: number;
  watchersOpened: number;
  openFailures: number;
  openErrorKinds: Record<string, number>;
  openSeconds: number;
  changes: number;
  /** Seconds from the first write's send to the last write's response. */
  writeSeconds: number;
  /** Changes per second over writeSeconds (below the rate asked for when writes took longer than the interval). */
  changesPerSec: number;
  writeErrors: number;
  writeErrorKinds: Record<string, number>;
  writeLatency: LatencySummary;
  writeLagMaxMs: number;
  /** watchersOpened x changes. */
  expectedPairs: number;
  receivedPairs: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  errorEvents: number;
  badLines: number;
  watchersMissingEvents: number;
  streamsClosedEarly: number;
  drained: boolean;
  drainSeconds: number;
  /**
   * Delay from the write's request being sent to the watcher receiving the event (the table's
   * figure and the target's, as etcd's watch-latency benchmark counts from the put's start):
   * it includes the write's own commit, so it is an upper bound on the fan-out proper.
   */
  delayFromSend: LatencySummary;
  /**
   * Delay from the write's response arriving to the watcher receiving the event: a lower
   * bound, negative when the server sends the event to the watchers before the writer's answer.
   */
  delayFromResponse: LatencySummary;
  /** CPU while the watches were being opened. */
  openCpu: ApiCpu | null;
}

export interface ApiPhaseResult {
  id: ApiPhaseId;
  title: string;
  mode: 'open-loop' | 'closed-loop' | 'fan-out';
  rateHz: number | null;
  concurrency: number | null;
  warmupSeconds: number;
  measuredSeconds: number;
  ok: number;
  opsPerSec: number;
  /** Failed requests counted in the window (fan-out: failed writes + missing + duplicate + unexpected events). */
  errors: number;
  errorsOutsideWindow: number;
  errorKinds: Record<string, number>;
  okOutsideWindow: number;
  /** All requests of the phase (fan-out: the delivery delays, from the writes' sends). */
  latency: LatencySummary;
  byLabel: OpRow[];
  /** What the table shows under the phase: by operation (mutations) or by label. */
  byGroup: OpRow[];
  sendLagP99Ms: number | null;
  sendLagMaxMs: number | null;
  /** Main thread's event-loop utilization over the window. */
  clientElu: number;
  /** Watch workers' event-loop utilization (fan-out only). */
  workerElu: number[];
  cpu: ApiCpu | null;
  otherCoresBefore: number | null;
  target: TargetCheck | null;
  fanout: FanoutSummary | null;
}

/** CPU window of [apiServer, ...storeMembers] pids, as cpu.ts measures them. */
export function apiCpu(w: CpuWindow): ApiCpu {
  const [api, ...store] = w.memberCores;
  return {
    wallSeconds: w.wallSeconds,
    apiServerCores: api ?? null,
    storeMemberCores: store,
    storeCores: store.reduce<number>((a, c) => a + (c ?? 0), 0),
    clientCores: w.clientCores,
    machineCores: w.machineCores,
    otherCores: w.otherCores,
  };
}

/** Rows per label and per group (group(label)), from the load drivers' per-label tallies. */
export function opRows(
  samples: Map<string, SampleBuffer>,
  ok: Map<string, number>,
  errors: Map<string, number>,
  seconds: number,
  group: (label: string) => string,
  /** Groups listed here come first, in this order; the others follow alphabetically. */
  groupOrder: readonly string[] = [],
): { byLabel: OpRow[]; byGroup: OpRow[] } {
  const labels = [...new Set([...samples.keys(), ...errors.keys()])].sort();
  const row = (label: string, members: string[]): OpRow => {
    const n = members.reduce((a, l) => a + (ok.get(l) ?? 0), 0);
    return {
      label,
      ok: n,
      errors: members.reduce((a, l) => a + (errors.get(l) ?? 0), 0),
      opsPerSec: seconds > 0 ? n / seconds : 0,
      latency: summarize(members.map((l) => samples.get(l)?.toArray() ?? new Float64Array(0))),
    };
  };
  const groups = new Map<string, string[]>();
  for (const l of labels) groups.set(group(l), [...(groups.get(group(l)) ?? []), l]);
  const rank = (g: string): number => (groupOrder.includes(g) ? groupOrder.indexOf(g) : groupOrder.length);
  const ordered = [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  return {
    byLabel: labels.map((l) => row(l, [l])),
    byGroup: ordered.map(([g, members]) => row(g, members)),
  };
}

export function targetCheck(what: string, limitMs: number, p99Ms: number, complete: boolean): TargetCheck {
  const p99Met = Number.isFinite(p99Ms) && p99Ms <= limitMs;
  return { what, limitMs, p99Ms, p99Met, complete, met: p99Met && complete };
}

export interface TableRow {
  phase: string;
  opsPerSec: number | null;
  count: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  errors: number | null;
  target: string;
  apiServerCores: number | null;
  storeCores: number | null;
  clientCores: number | null;
}

const round = (v: number | null | undefined, d: number): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d;

function latencyCells(l: LatencySummary): Pick<TableRow, 'count' | 'p50Ms' | 'p90Ms' | 'p99Ms' | 'maxMs'> {
  return { count: l.count, p50Ms: round(l.p50Ms, 2), p90Ms: round(l.p90Ms, 2), p99Ms: round(l.p99Ms, 2), maxMs: round(l.maxMs, 2) };
}

export function tableRows(phases: ApiPhaseResult[]): TableRow[] {
  const rows: TableRow[] = [];
  for (const p of phases) {
    const t = p.target;
    rows.push({
      phase: p.title,
      opsPerSec: round(p.opsPerSec, 1),
      ...latencyCells(p.latency),
      errors: p.errors,
      target: t ? `p99 <= ${t.limitMs} ms: ${t.met ? 'met' : t.p99Met ? 'NOT MET (errors)' : 'NOT MET'}` : '',
      apiServerCores: round(p.cpu?.apiServerCores, 2),
      storeCores: round(p.cpu?.storeCores, 2),
      clientCores: round(p.cpu?.clientCores, 2),
    });
    const subs: OpRow[] = p.byGroup.length > 1 ? p.byGroup : [];
    for (const s of subs) {
      rows.push({ phase: `  ${s.label}`, opsPerSec: round(s.opsPerSec, 1), ...latencyCells(s.latency), errors: s.errors, target: '', apiServerCores: null, storeCores: null, clientCores: null });
    }
    if (p.fanout) {
      const f = p.fanout;
      rows.push({
        phase: '  writes (send to response)',
        opsPerSec: round(f.changesPerSec, 1),
        ...latencyCells(f.writeLatency),
        errors: f.writeErrors,
        target: '',
        apiServerCores: null,
        storeCores: null,
        clientCores: null,
      });
      rows.push({ phase: '  delay from write response', opsPerSec: null, ...latencyCells(f.delayFromResponse), errors: null, target: '', apiServerCores: null, storeCores: null, clientCores: null });
    }
  }
  return rows;
}

function fmt(v: number | null, digits: number, suffix = ''): string {
  return v === null ? '' : `${v.toFixed(digits)}${suffix}`;
}

export function formatTable(rows: TableRow[]): string {
  const header = ['phase', 'ops/s', 'count', 'p50', 'p90', 'p99', 'max', 'errors', 'target', 'API CPU', 'store CPU', 'client CPU'];
  const body = rows.map((r) => [
    r.phase,
    fmt(r.opsPerSec, 1),
    r.count === null ? '' : String(r.count),
    fmt(r.p50Ms, 2, ' ms'),
    fmt(r.p90Ms, 2, ' ms'),
    fmt(r.p99Ms, 2, ' ms'),
    fmt(r.maxMs, 2, ' ms'),
    r.errors === null ? '' : String(r.errors),
    r.target,
    fmt(r.apiServerCores, 2),
    fmt(r.storeCores, 2),
    fmt(r.clientCores, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const left = new Set([0, 8]);
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (left.has(i) ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...body.map(line)].join('\n');
}
