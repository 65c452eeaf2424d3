// The comparison table and the result records of bench/store-bench.ts.
import type { PhaseId, SystemId } from './args.js';
import type { CpuWindow } from './cpu.js';
import type { LatencySummary } from './stats.js';

export interface PhaseResult {
  id: PhaseId;
  title: string;
  op: string;
  clients: number;
  channels: number;
  /** Endpoint index (0-based member) of every channel. */
  channelTargets: number[];
  measuredSeconds: number;
  warmupSeconds: number;
  okInWindow: number;
  okOutsideWindow: number;
  opsPerSec: number;
  latency: LatencySummary;
  errors: number;
  errorsInWindow: number;
  errorKinds: Record<string, number>;
  cpu: CpuWindow | null;
  workerElu: number[];
  /** Other work on the machine just before the phase (cores), from a one-second sample. */
  otherCoresBefore: number | null;
}

export interface SystemResult {
  system: SystemId;
  /** Member index that led when the cluster came up. */
  leaderIndex: number | null;
  populate: { keys: number; seconds: number; errors: number } | null;
  phases: PhaseResult[];
}

export interface TableRow {
  phase: string;
  oursOpsPerSec: number | null;
  etcdOpsPerSec: number | null;
  ratioOursEtcd: number | null;
  oursP50Ms: number | null;
  etcdP50Ms: number | null;
  oursP99Ms: number | null;
  etcdP99Ms: number | null;
  p99RatioOursEtcd: number | null;
  oursErrors: number | null;
  etcdErrors: number | null;
  oursClientCpuCores: number | null;
  etcdClientCpuCores: number | null;
  oursMembersCpuCores: number | null;
  etcdMembersCpuCores: number | null;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function tableRows(phaseOrder: { id: PhaseId; title: string }[], results: SystemResult[]): TableRow[] {
  const find = (sys: SystemId, id: PhaseId): PhaseResult | undefined =>
    results.find((r) => r.system === sys)?.phases.find((p) => p.id === id);
  return phaseOrder.map(({ id, title }) => {
    const o = find('ours', id);
    const e = find('etcd', id);
    const ratio = (a: number | undefined, b: number | undefined): number | null =>
      a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : round(a / b, 3);
    const val = (v: number | undefined, d: number): number | null => (v === undefined || !Number.isFinite(v) ? null : round(v, d));
    return {
      phase: title,
      oursOpsPerSec: val(o?.opsPerSec, 0),
      etcdOpsPerSec: val(e?.opsPerSec, 0),
      ratioOursEtcd: ratio(o?.opsPerSec, e?.opsPerSec),
      oursP50Ms: val(o?.latency.p50Ms, 3),
      etcdP50Ms: val(e?.latency.p50Ms, 3),
      oursP99Ms: val(o?.latency.p99Ms, 3),
      etcdP99Ms: val(e?.latency.p99Ms, 3),
      p99RatioOursEtcd: ratio(o?.latency.p99Ms, e?.latency.p99Ms),
      oursErrors: o ? o.errors : null,
      etcdErrors: e ? e.errors : null,
      oursClientCpuCores: val(o?.cpu?.clientCores, 2),
      etcdClientCpuCores: val(e?.cpu?.clientCores, 2),
      oursMembersCpuCores: val(o?.cpu?.memberCoresTotal, 2),
      etcdMembersCpuCores: val(e?.cpu?.memberCoresTotal, 2),
    };
  });
}

function fmt(v: number | null, digits: number, suffix = ''): string {
  return v === null ? '-' : `${v.toFixed(digits)}${suffix}`;
}

export function formatTable(rows: TableRow[]): string {
  const header = [
    'phase',
    'ours ops/s',
    'etcd ops/s',
    'ratio ours/etcd',
    'ours p50',
    'etcd p50',
    'ours p99',
    'etcd p99',
    'p99 ratio',
    'errors ours/etcd',
    'client CPU ours/etcd',
    'members CPU ours/etcd',
  ];
  const body = rows.map((r) => [
    r.phase,
    fmt(r.oursOpsPerSec, 0),
    fmt(r.etcdOpsPerSec, 0),
    fmt(r.ratioOursEtcd, 2),
    fmt(r.oursP50Ms, 2, ' ms'),
    fmt(r.etcdP50Ms, 2, ' ms'),
    fmt(r.oursP99Ms, 2, ' ms'),
    fmt(r.etcdP99Ms, 2, ' ms'),
    fmt(r.p99RatioOursEtcd, 2),
    `${r.oursErrors ?? '-'}/${r.etcdErrors ?? '-'}`,
    `${fmt(r.oursClientCpuCores, 2)}/${fmt(r.etcdClientCpuCores, 2)}`,
    `${fmt(r.oursMembersCpuCores, 2)}/${fmt(r.etcdMembersCpuCores, 2)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...body.map(line)].join('\n');
}
