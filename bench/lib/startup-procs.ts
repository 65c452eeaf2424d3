// Where the CPU goes while pods start: the cluster's processes grouped by component (found in
// /proc by the state directory on their command lines, each with its live descendants and the
// CPU of the children it has reaped, e.g. the node agent's `ip` and `nft` runs), the Docker
// daemon with its containerd, this process, and the whole machine. And what the node agents
// logged in a time window.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { machineBusySeconds } from './cpu.js';

/** Linux's USER_HZ, 100 on every architecture Node runs on (bench/lib/cpu.ts asks getconf once). */
const TICKS_PER_SECOND = 100;

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, seconds. */
  cpuSeconds: number;
  argv: string[];
}

/** Fields of /proc/<pid>/stat after the command name: ppid and CPU (own and reaped children). */
export function parseStat(stat: string): { ppid: number; cpuTicks: number } | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), rest[1] field 4 (ppid); utime..cstime are fields 14..17.
  const nums = [rest[1], rest[11], rest[12], rest[13], rest[14]].map(Number);
  if (nums.some((n) => !Number.isFinite(n))) return undefined;
  const [ppid = 0, ut = 0, st = 0, cut = 0, cst = 0] = nums;
  return { ppid, cpuTicks: ut + st + cut + cst };
}

export function readProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = parseStat(readFileSync(`/proc/${e}/stat`, 'utf8'));
      if (!s) continue;
      const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').filter((x) => x !== '');
      out.push({ pid: Number(e), ppid: s.ppid, cpuSeconds: s.cpuTicks / TICKS_PER_SECOND, argv });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * The group a process heads, if any: our components by their dist/services/<name>/main.js and
 * the state directory in their arguments, the Docker daemon by pid, this bench by pid.
 */
export function classifyProcess(p: ProcInfo, o: { clusterDir: string; dockerdPid?: number; benchPid: number; containerdDir?: string }): string | undefined {
  if (p.pid === o.benchPid) return 'bench';
  if (o.dockerdPid !== undefined && p.pid === o.dockerdPid) return 'docker';
  // The daemon's containerd starts one shim per container (runc and the container's processes
  // below it); shims are re-parented to init, so they are found by their containerd address.
  if (o.containerdDir !== undefined && /containerd-shim/.test(p.argv[0] ?? '')) {
    const at = p.argv.indexOf('-address');
    if (at >= 0 && (p.argv[at + 1] ?? '').startsWith(`${o.containerdDir}/`)) return 'docker-shims';
  }
  const main = p.argv.find((a) => /dist\/services\/[a-z-]+\/main\.js$/.test(a));
  if (main === undefined) return undefined;
  if (!p.argv.some((a) => a.includes(o.clusterDir))) return undefined;
  const name = /dist\/services\/([a-z-]+)\/main\.js$/.exec(main)?.[1] ?? '';
  return ['store', 'api', 'sched', 'node-agent', 'host-supervisor'].includes(name) ? name : undefined;
}

/** CPU seconds per group: every process counts for the group of its nearest classified ancestor (or itself). */
export function groupCpu(procs: readonly ProcInfo[], classify: (p: ProcInfo) => string | undefined): Record<string, number> {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const memo = new Map<number, string | null>();
  const groupOf = (p: ProcInfo, depth = 0): string | null => {
    const known = memo.get(p.pid);
    if (known !== undefined) return known;
    let g: string | null = classify(p) ?? null;
    if (g === null && depth < 64) {
      const parent = byPid.get(p.ppid);
      g = parent && parent.pid !== p.pid ? groupOf(parent, depth + 1) : null;
    }
    memo.set(p.pid, g);
    return g;
  };
  const out: Record<string, number> = {};
  for (const p of procs) {
    const g = groupOf(p);
    if (g !== null) out[g] = (out[g] ?? 0) + p.cpuSeconds;
  }
  return out;
}

export interface CpuSample {
  /** Epoch ms. */
  at: number;
  machine: number | undefined;
  groups: Record<string, number>;
}

/** The folder of the containerd the Docker daemon `dockerdPid` runs (from its --config), if any. */
export function containerdDirOf(procs: readonly ProcInfo[], dockerdPid: number | undefined): string | undefined {
  if (dockerdPid === undefined) return undefined;
  const c = procs.find((p) => p.ppid === dockerdPid && /(^|\/)containerd$/.test(p.argv[0] ?? ''));
  const at = c?.argv.indexOf('--config') ?? -1;
  const config = at >= 0 ? c?.argv[at + 1] : undefined;
  return config === undefined ? undefined : path.dirname(config);
}

export function sampleCpu(o: { clusterDir: string; dockerdPid?: number }): CpuSample {
  const procs = readProcs();
  const containerdDir = containerdDirOf(procs, o.dockerdPid);
  const classify = (p: ProcInfo): string | undefined => classifyProcess(p, { ...o, benchPid: process.pid, ...(containerdDir !== undefined ? { containerdDir } : {}) });
  return { at: Date.now(), machine: machineBusySeconds(), groups: groupCpu(procs, classify) };
}

export interface CpuSpan {
  wallSeconds: number;
  /** Cores busy per group (1.0 = one core for the whole span). */
  groups: Record<string, number>;
  machineCores: number | null;
  /** Machine minus every group: other work on the machine, plus short-lived processes nobody reaped yet. */
  otherCores: number | null;
}

export function cpuBetween(a: CpuSample, b: CpuSample): CpuSpan {
  const wall = Math.max(0.001, (b.at - a.at) / 1000);
  const groups: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a.groups), ...Object.keys(b.groups)])) {
    groups[k] = Math.round((Math.max(0, (b.groups[k] ?? 0) - (a.groups[k] ?? 0)) / wall) * 100) / 100;
  }
  const machine = a.machine !== undefined && b.machine !== undefined ? (b.machine - a.machine) / wall : null;
  const ours = Object.values(groups).reduce((s, v) => s + v, 0);
  return {
    wallSeconds: Math.round(wall * 1000) / 1000,
    groups,
    machineCores: machine === null ? null : Math.round(machine * 100) / 100,
    otherCores: machine === null ? null : Math.round(Math.max(0, machine - ours) * 100) / 100,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Other work on the machine over one second. */
export async function otherCoresNow(o: { clusterDir: string; dockerdPid?: number }): Promise<number | null> {
  const a = sampleCpu(o);
  await sleep(1000);
  return cpuBetween(a, sampleCpu(o)).otherCores;
}

/**
 * Waits (up to maxSeconds) for other work on the machine to drop under threshold cores; returns
 * the last figure seen and how long it waited.
 */
export async function waitForQuiet(o: { clusterDir: string; dockerdPid?: number }, threshold: number, maxSeconds: number, log: (m: string) => void): Promise<{ otherCores: number | null; waitedSeconds: number }> {
  const start = Date.now();
  let other = await otherCoresNow(o);
  let said = false;
  while (other !== null && other > threshold && Date.now() - start < maxSeconds * 1000) {
    if (!said) log(`other work uses ${other.toFixed(2)} cores; waiting up to ${maxSeconds} s for it to drop under ${threshold}`);
    said = true;
    await sleep(2000);
    other = await otherCoresNow(o);
  }
  return { otherCores: other, waitedSeconds: Math.round((Date.now() - start) / 100) / 10 };
}

export interface AgentLogCounts {
  /** Lines per message. */
  messages: Record<string, number>;
  /** Up to 5 distinct `error` fields per message, as logged. */
  errors: Record<string, string[]>;
}

/** What the node agents logged between from and to (epoch ms), per host: lines per message, and their errors. */
export function agentLogMessages(clusterDir: string, hosts: readonly string[], from: number, to: number): Record<string, AgentLogCounts> {
  const out: Record<string, AgentLogCounts> = {};
  for (const h of hosts) {
    const counts: AgentLogCounts = { messages: {}, errors: {} };
    let text: string;
    try {
      text = readFileSync(path.join(clusterDir, 'hosts', h, 'logs', 'node-agent.log'), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const rec = JSON.parse(line) as { ts?: string; msg?: string; error?: unknown };
        const t = rec.ts === undefined ? Number.NaN : Date.parse(rec.ts);
        if (!(t >= from && t <= to)) continue;
        const msg = rec.msg ?? '?';
        counts.messages[msg] = (counts.messages[msg] ?? 0) + 1;
        if (rec.error !== undefined) {
          const list = (counts.errors[msg] ??= []);
          const e = String(rec.error).slice(0, 400);
          if (list.length < 5 && !list.includes(e)) list.push(e);
        }
      } catch {
        // a partial or foreign line
      }
    }
    out[h] = counts;
  }
  return out;
}
