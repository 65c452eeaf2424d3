// bin/sched processes for tests: one or more copies against an ApiCluster, each with its own
// log file, started and stopped (SIGTERM or SIGKILL) at will.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { ApiCluster } from './api-cluster.js';
import { apiMain } from './api-cluster.js';
import { SERVICE_NODE_FLAGS } from '../../lib/process/service-node-flags.js';
import { spawnNodeLogged } from './logged-process.js';
import { freePorts, sleep } from './store-cluster.js';

export const schedMain = path.join(path.dirname(path.dirname(apiMain)), 'sched/main.js');

export class SchedProcesses {
  private readonly procs = new Map<number, ChildProcess>();
  private readonly exits = new Map<number, Promise<number | null>>();
  private ports: number[] = [];

  constructor(
    private readonly cluster: ApiCluster,
    private readonly extraArgs: readonly string[] = [],
  ) {
    if (!existsSync(schedMain)) throw new Error(`${schedMain} is missing: run npm run build first`);
  }

  /** Starts `n` copies and waits until each has synced its caches. */
  async start(n = 1): Promise<void> {
    this.ports = await freePorts(n);
    for (let i = 0; i < n; i++) this.startOne(i);
    for (let i = 0; i < n; i++) await this.waitReady(i);
  }

  /** Starts one more copy (the next index) and waits until it has synced its caches. */
  async addCopy(): Promise<number> {
    const [port] = await freePorts(1);
    const i = this.ports.length;
    this.ports.push(port ?? 0);
    this.startOne(i);
    await this.waitReady(i);
    return i;
  }

  /** The health/metrics port of copy i. */
  port(i: number): number {
    return this.ports[i] ?? 0;
  }

  logFile(i: number): string {
    return path.join(this.cluster.dir, `sched-${i}.log`);
  }

  startOne(i: number): void {
    const args = [...SERVICE_NODE_FLAGS.sched, schedMain, '--kubeconfig', this.cluster.kubeconfig, '--healthz-bind-address', `127.0.0.1:${this.ports[i] ?? 0}`, ...this.extraArgs];
    const { proc, exited } = spawnNodeLogged(args, this.logFile(i), () => this.procs.delete(i));
    this.procs.set(i, proc);
    this.exits.set(i, exited);
  }

  isRunning(i: number): boolean {
    return this.procs.has(i);
  }

  async stop(i: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const proc = this.procs.get(i);
    if (!proc) return null;
    proc.kill(signal);
    return (await this.exits.get(i)) ?? null;
  }

  private get(i: number, p: string): Promise<{ status: number; body: string } | undefined> {
    return new Promise((resolve) => {
      const req = http.get(`http://127.0.0.1:${this.ports[i] ?? 0}${p}`, { timeout: 2000 }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', () => resolve(undefined));
      req.on('timeout', () => req.destroy());
    });
  }

  async waitReady(i: number, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!this.procs.has(i)) throw new Error(`sched ${i} exited:\n${this.logTail(i)}`);
      const r = await this.get(i, '/readyz');
      if (r?.status === 200) return;
      if (Date.now() > until) throw new Error(`sched ${i} not ready after ${timeoutMs} ms:\n${this.logTail(i)}`);
      await sleep(100);
    }
  }

  /** The roles copy i currently leads ("scheduler", "controllers"). */
  async leading(i: number): Promise<string[]> {
    const r = await this.get(i, '/leaders');
    if (r?.status !== 200) return [];
    const v = JSON.parse(r.body) as { leading?: unknown };
    return Array.isArray(v.leading) ? v.leading.filter((x): x is string => typeof x === 'string') : [];
  }

  logTail(i: number, lines = 30): string {
    try {
      return readFileSync(this.logFile(i), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async destroy(): Promise<void> {
    for (const i of [...this.procs.keys()]) await this.stop(i, 'SIGKILL');
  }
}
