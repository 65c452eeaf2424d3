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

export interface CpuSnapshot {
  at: bigint;
  /** This process (the load generator, every thread), seconds of user+system time. */
  client: NodeJS.CpuUsage;
  /** Per member pid, seconds. */
  members: (number | undefined)[];
}

export function snapshot(memberPids: (number | undefined)[]): CpuSnapshot {
  return {
    at: process.hrtime.bigint(),
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
}

export function cpuWindow(a: CpuSnapshot, b: CpuSnapshot): CpuWindow {
  const wall = Number(b.at - a.at) / 1e9;
  const user = (b.client.user - a.client.user) / 1e6;
  const sys = (b.client.system - a.client.system) / 1e6;
  const members = b.members.map((v, i) => {
    const before = a.members[i];
    return v === undefined || before === undefined || wall <= 0 ? null : (v - before) / wall;
  });
  return {
    wallSeconds: wall,
    clientUserSeconds: user,
    clientSystemSeconds: sys,
    clientCores: wall > 0 ? (user + sys) / wall : 0,
    memberCores: members,
    memberCoresTotal: members.reduce<number>((s, v) => s + (v ?? 0), 0),
  };
}
