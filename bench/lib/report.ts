// The comparison table and the result records of bench/store-bench.ts.
import type { PhaseId, SystemId } from './args.js';
import type { CpuWindow } from './cpu.js';
import type { LatencySummary } from './stats.js';
import { summarize } from './stats.js';

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
  /** 1-based round (--rounds), or 0 for the rounds merged. */
  round: number;
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

function meanCpu(ws: CpuWindow[]): CpuWindow | null {
  if (ws.length === 0) return null;
  const mean = (f: (w: CpuWindow) => number | null): number | null => {
    const vs = ws.map(f).filter((v): v is number => v !== null);
    return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null;
  };
  const members = (ws[0] as CpuWindow).memberCores.map((_c, i) => mean((w) => w.memberCores[i] ?? null));
  return {
    wallSeconds: ws.reduce((a, w) => a + w.wallSeconds, 0),
    clientUserSeconds: ws.reduce((a, w) => a + w.clientUserSeconds, 0),
    clientSystemSeconds: ws.reduce((a, w) => a + w.clientSystemSeconds, 0),
    clientCores: mean((w) => w.clientCores) ?? 0,
    memberCores: members,
    memberCoresTotal: mean((w) => w.memberCoresTotal) ?? 0,
    machineCores: mean((w) => w.machineCores),
    otherCores: mean((w) => w.otherCores),
  };
}

/**
 * One system's rounds merged: throughput over all the measured windows together, percentiles
 * over all the latency samples pooled, CPU averaged, errors summed.
 */
export function mergeRounds(system: SystemId, rounds: { result: SystemResult; samples: Map<PhaseId, Float64Array[]> }[]): SystemResult {
  const first = rounds[0]?.result;
  const phases: PhaseResult[] = [];
  for (const p0 of first?.phases ?? []) {
    const all = rounds.map((r) => r.result.phases.find((p) => p.id === p0.id)).filter((p): p is PhaseResult => p !== undefined);
    const samples = rounds.flatMap((r) => r.samples.get(p0.id) ?? []);
    const ok = all.reduce((a, p) => a + p.okInWindow, 0);
    const secs = all.reduce((a, p) => a + p.measuredSeconds, 0);
    const errorKinds: Record<string, number> = {};
    for (const p of all) for (const [k, v] of Object.entries(p.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
    const elu: number[] = [];
    for (const p of all) p.workerElu.forEach((e, i) => (elu[i] = Math.max(elu[i] ?? 0, e)));
    const before = all.map((p) => p.otherCoresBefore).filter((v): v is number => v !== null);
    phases.push({
      ...p0,
      measuredSeconds: secs,
      okInWindow: ok,
      okOutsideWindow: all.reduce((a, p) => a + p.okOutsideWindow, 0),
      opsPerSec: secs > 0 ? ok / secs : 0,
      latency: summarize(samples),
      errors: all.reduce((a, p) => a + p.errors, 0),
      errorsInWindow: all.reduce((a, p) => a + p.errorsInWindow, 0),
      errorKinds,
      cpu: meanCpu(all.map((p) => p.cpu).filter((c): c is CpuWindow => c !== null)),
      workerElu: elu,
      otherCoresBefore: before.length ? Math.max(...before) : null,
    });
  }
  return { system, round: 0, leaderIndex: first?.leaderIndex ?? null, populate: first?.populate ?? null, phases };
}

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
