// CPU accounting: the bench process's own CPU (all its threads) and the members' CPU from /proc.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User+system CPU seconds of a process (all its threads), or undefined if it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: parse after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return (utime + stime) / clockTicks();
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all processes, all cores) from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...; guest time is already inside user.
    const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    return Number.isFinite(busy) ? busy / clockTicks() : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  at: bigint;
  machine: number | undefined;
  /** This process (the load generator, every thread), seconds of user+system time. */
  client: NodeJS.CpuUsage;
  /** Per member pid, seconds. */
  members: (number | undefined)[];
}

export function snapshot(memberPids: (number | undefined)[]): CpuSnapshot {
  return {
    at: process.hrtime.bigint(),
    machine: machineBusySeconds(),
    client: process.cpuUsage(),
    members: memberPids.map((p) => (p === undefined ? undefined : processCpuSeconds(p))),
  };
}

export interface CpuWindow {
  wallSeconds: number;
  clientUserSeconds: number;
  clientSystemSeconds: number;
  /** Client CPU seconds per wall second: 1.0 = one core fully busy. */
  clientCores: number;
  /** Per member, CPU seconds per wall second. */
  memberCores: (number | null)[];
  memberCoresTotal: number;
  /** Whole machine, cores busy (all processes). */
  machineCores: number | null;
  /** Busy cores that were neither the load generator nor the members: other work on the machine. */
  otherCores: number | null;
}

export function cpuWindow(a: CpuSnapshot, b: CpuSnapshot): CpuWindow {
  const wall = Number(b.at - a.at) / 1e9;
  const user = (b.client.user - a.client.user) / 1e6;
  const sys = (b.client.system - a.client.system) / 1e6;
  const members = b.members.map((v, i) => {
    const before = a.members[i];
    return v === undefined || before === undefined || wall <= 0 ? null : (v - before) / wall;
  });
  const memberTotal = members.reduce<number>((s, v) => s + (v ?? 0), 0);
  const clientCores = wall > 0 ? (user + sys) / wall : 0;
  const machine = a.machine === undefined || b.machine === undefined || wall <= 0 ? null : (b.machine - a.machine) / wall;
  return {
    wallSeconds: wall,
    clientUserSeconds: user,
    clientSystemSeconds: sys,
    clientCores,
    memberCores: members,
    memberCoresTotal: memberTotal,
    machineCores: machine,
    otherCores: machine === null ? null : Math.max(0, machine - clientCores - memberTotal),
  };
}

/**
 * Waits (at most maxWaitS) until the rest of the machine, apart from this process and the given
 * members, stays under `thresholdCores` for a one-second sample. Returns the last sample.
 */
export async function waitQuiet(
  memberPids: (number | undefined)[],
  maxWaitS: number,
  thresholdCores: number,
  onBusy: (otherCores: number) => void,
): Promise<number | null> {
  const until = Date.now() + maxWaitS * 1000;
  let warned = false;
  for (;;) {
    const a = snapshot(memberPids);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const other = cpuWindow(a, snapshot(memberPids)).otherCores;
    if (other === null || other < thresholdCores || Date.now() >= until) return other;
    if (!warned) onBusy(other);
    warned = true;
  }
}
