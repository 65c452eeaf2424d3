// Stale UDP conntrack entries, as kube-proxy clears them: UDP has no connection teardown, so a
// flow to a removed endpoint (or one created while the service had no endpoint) keeps going
// nowhere until its entry is deleted. The decision is pure; the cleaner runs `conntrack -D`.
import { execa } from 'execa';
import type { ProgrammedPort } from './ruleset.js';

/** One `conntrack -D` filter. */
export type ConntrackFlush =
  /** Flows to a service IP (clusterIP) that were DNATed to an endpoint IP that is gone. */
  | { kind: 'service-endpoint'; serviceIP: string; endpointIP: string }
  /** Flows to a node port that were DNATed to an endpoint IP that is gone. */
  | { kind: 'nodeport-endpoint'; nodePort: number; endpointIP: string }
  /** Every flow to a service IP (it just got its first endpoint). */
  | { kind: 'service'; serviceIP: string }
  /** Every flow to a node port (it just got its first endpoint). */
  | { kind: 'nodeport'; nodePort: number };

export interface ConntrackCleaner {
  flush(flushes: readonly ConntrackFlush[]): Promise<void>;
}

/** The flushes a UDP port's change calls for (TCP ports need none: a reset ends their flows). */
export function conntrackFlushes(before: ProgrammedPort | undefined, after: ProgrammedPort | undefined): ConntrackFlush[] {
  const out: ConntrackFlush[] = [];
  const b = before?.port;
  const a = after?.port;
  if (b?.protocol === 'udp') {
    const remaining = new Set(a?.protocol === 'udp' && a.clusterIP === b.clusterIP ? a.endpoints.map((e) => e.ip) : []);
    const remainingNp = new Set(a?.protocol === 'udp' && a.nodePort === b.nodePort ? a.endpoints.map((e) => e.ip) : []);
    for (const ip of new Set(b.endpoints.map((e) => e.ip))) {
      if (!remaining.has(ip)) out.push({ kind: 'service-endpoint', serviceIP: b.clusterIP, endpointIP: ip });
      if (b.nodePort !== undefined && !remainingNp.has(ip)) out.push({ kind: 'nodeport-endpoint', nodePort: b.nodePort, endpointIP: ip });
    }
  }
  if (a?.protocol === 'udp' && a.endpoints.length > 0) {
    const hadEndpoints = b?.protocol === 'udp' && b.clusterIP === a.clusterIP && b.endpoints.length > 0;
    if (!hadEndpoints) out.push({ kind: 'service', serviceIP: a.clusterIP });
    const npHad = b?.protocol === 'udp' && b.nodePort === a.nodePort && b.endpoints.length > 0;
    if (a.nodePort !== undefined && !npHad) out.push({ kind: 'nodeport', nodePort: a.nodePort });
  }
  return out;
}

/** conntrack(8) arguments of one flush. */
export function conntrackArgs(f: ConntrackFlush): string[] {
  switch (f.kind) {
    case 'service-endpoint':
      return ['-D', '-p', 'udp', '--orig-dst', f.serviceIP, '--dst-nat', f.endpointIP];
    case 'nodeport-endpoint':
      return ['-D', '-p', 'udp', '--orig-port-dst', String(f.nodePort), '--dst-nat', f.endpointIP];
    case 'service':
      return ['-D', '-p', 'udp', '--orig-dst', f.serviceIP];
    case 'nodeport':
      return ['-D', '-p', 'udp', '--orig-port-dst', String(f.nodePort)];
  }
}

/** Runs `conntrack -D` per flush. Exit 1 with "0 flow entries have been deleted" is not an error. */
export class ExecConntrackCleaner implements ConntrackCleaner {
  constructor(private readonly o: { prefix?: readonly string[]; log?: (msg: string, fields?: Record<string, unknown>) => void } = {}) {}

  async flush(flushes: readonly ConntrackFlush[]): Promise<void> {
    for (const f of flushes) {
      const all = [...(this.o.prefix ?? []), 'conntrack', ...conntrackArgs(f)];
      const r = await execa(all[0] as string, all.slice(1), { reject: false, timeout: 15_000 });
      const stderr = String(r.stderr ?? '');
      if (r.exitCode === 0 || (r.exitCode === 1 && /0 flow entries/.test(stderr))) continue;
      this.o.log?.('conntrack flush failed', { args: all.slice(1).join(' '), exitCode: r.exitCode, stderr });
    }
  }
}
