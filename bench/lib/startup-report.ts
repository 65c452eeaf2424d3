// The startup bench's tables and its verdict against the target.
import type { LatencySummary } from './stats.js';
import type { PhaseId, StartupSummary } from './startup-timeline.js';
import { PHASES } from './startup-timeline.js';

/** Our target for create → Ready at p99 (Kubernetes' SLO is 5 s at p99, for create → started). */
export const TARGET_P99_MS = 1500;
export const KUBERNETES_SLO_P99_MS = 5000;

export interface TargetVerdict {
  metric: string;
  p99Ms: number;
  targetP99Ms: number;
  met: boolean;
  kubernetesSloP99Ms: number;
}

/** Met only if every pod got Ready and the pooled p99 is within the target. */
export function verdict(pooled: StartupSummary): TargetVerdict {
  const p99 = pooled.latencies.createToReady.p99Ms;
  const allReady = pooled.latencies.createToReady.count === pooled.pods && pooled.pods > 0;
  return { metric: 'create → Ready, p99 over every pod of every round', p99Ms: round(p99, 1), targetP99Ms: TARGET_P99_MS, met: allReady && p99 <= TARGET_P99_MS, kubernetesSloP99Ms: KUBERNETES_SLO_P99_MS };
}

const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

function ms(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(0)} ms` : '-';
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

function latencyRow(label: string, s: LatencySummary): string[] {
  return [label, String(s.count), ms(s.p50Ms), ms(s.p90Ms), ms(s.p99Ms), ms(s.maxMs)];
}

export interface UpTiming {
  label: string;
  ms: number;
  ok: boolean;
}

/** Cluster up times, then create → Ready and create → scheduled per round and pooled. */
export function summaryTable(ups: UpTiming[], rounds: StartupSummary[], pooled: StartupSummary): string {
  const upRows = ups.map((u) => [u.label, u.ok ? 'exit 0' : 'FAILED', `${(u.ms / 1000).toFixed(1)} s`]);
  const upTable = formatTable(['cluster up', 'result', 'spawn → exit'], upRows);
  const rows: string[][] = [];
  rounds.forEach((r, i) => {
    rows.push(latencyRow(`round ${i + 1}: create → Ready`, r.latencies.createToReady));
    rows.push(latencyRow(`round ${i + 1}: create → scheduled`, r.latencies.createToScheduled));
  });
  rows.push(latencyRow('all rounds: create → Ready', pooled.latencies.createToReady));
  rows.push(latencyRow('all rounds: create → scheduled', pooled.latencies.createToScheduled));
  rows.push(latencyRow('all rounds: create → started (SLI)', pooled.latencies.createToStarted));
  rows.push(latencyRow('all rounds: create request', pooled.latencies.createRequest));
  return `${upTable}\n\n${formatTable(['pods', 'n', 'p50', 'p90', 'p99', 'max'], rows)}`;
}

/** The per-phase breakdown of create → Ready (pooled). */
export function phaseTable(pooled: StartupSummary): string {
  const rows = (Object.keys(PHASES) as PhaseId[]).map((id) => {
    const s = pooled.phases[id];
    const share = pooled.phaseMeans[id].share;
    return [PHASES[id].title, ms(s.p50Ms), ms(s.p90Ms), ms(s.p99Ms), ms(s.maxMs), `${ms(pooled.phaseMeans[id].meanMs)} (${Number.isFinite(share) ? (share * 100).toFixed(0) : '-'}%)`];
  });
  return formatTable(['phase (all rounds)', 'p50', 'p90', 'p99', 'max', 'mean (share)'], rows);
}

export function verdictLine(v: TargetVerdict): string {
  return `target: create → Ready p99 <= ${v.targetP99Ms} ms: ${Number.isFinite(v.p99Ms) ? `${v.p99Ms} ms` : 'no data'}, ${v.met ? 'met' : 'MISSED'} (Kubernetes' SLO: p99 <= ${v.kubernetesSloP99Ms} ms)`;
}
