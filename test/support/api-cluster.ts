// A control plane for tests: a store cluster (three members unless told) and one or more API server
// processes (dist/services/api/main.js) against it, with a kubeconfig for kubectl and client
// libraries. KUBECTL picks the kubectl binary (default: kubectl on PATH; e.g. kubectl.1.27).
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { SERVICE_NODE_FLAGS } from '../../lib/process/service-node-flags.js';
import { spawnNodeLogged } from './logged-process.js';
import { StoreCluster, freePorts, sleep, storeMain } from './store-cluster.js';

export const apiMain = path.join(path.dirname(path.dirname(storeMain)), 'api/main.js');

export interface ApiClusterOptions {
  apiServers?: number;
  extraApiArgs?: string[];
  /** Store members behind the API servers (default 3). */
  storeMembers?: number;
}

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class ApiCluster {
  readonly dir: string;
  readonly certDir: string;
  private readonly procs = new Map<number, ChildProcess>();
  private readonly exits = new Map<number, Promise<number | null>>();

  private constructor(
    readonly store: StoreCluster,
    readonly ports: number[],
    private readonly opts: ApiClusterOptions,
  ) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'api-cluster-'));
    this.certDir = path.join(this.dir, 'pki');
  }

  static async start(opts: ApiClusterOptions = {}): Promise<ApiCluster> {
    if (!existsSync(apiMain)) throw new Error(`${apiMain} is missing: run npm run build first`);
    const store = await StoreCluster.start({ size: opts.storeMembers ?? 3 });
    const ports = await freePorts(opts.apiServers ?? 1);
    const c = new ApiCluster(store, ports, opts);
    try {
      // The first server creates the CA; the others share the directory.
      c.startApi(0);
      await c.waitReady(0);
      for (let i = 1; i < ports.length; i++) c.startApi(i);
      for (let i = 1; i < ports.length; i++) await c.waitReady(i);
    } catch (err) {
      await c.destroy();
      throw err;
    }
    return c;
  }

  url(i = 0): string {
    return `https://127.0.0.1:${this.ports[i] ?? 0}`;
  }

  get kubeconfig(): string {
    return path.join(this.certDir, 'admin.kubeconfig');
  }

  logFile(i: number): string {
    return path.join(this.dir, `api-${i}.log`);
  }

  startApi(i: number): void {
    const args = [
      ...SERVICE_NODE_FLAGS.api,
      apiMain,
      '--etcd-servers', this.store.members.map((_, j) => this.store.clientUrl(j)).join(','),
      '--bind-address', '127.0.0.1',
      '--secure-port', String(this.ports[i]),
      '--cert-dir', this.certDir,
      ...(this.opts.extraApiArgs ?? []),
    ];
    const { proc, exited } = spawnNodeLogged(args, this.logFile(i), () => this.procs.delete(i));
    this.procs.set(i, proc);
    this.exits.set(i, exited);
  }

  async stopApi(i: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const proc = this.procs.get(i);
    if (!proc) return null;
    proc.kill(signal);
    return (await this.exits.get(i)) ?? null;
  }

  isRunning(i: number): boolean {
    return this.procs.has(i);
  }

  async waitReady(i: number, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!this.procs.has(i)) throw new Error(`api server ${i} exited:\n${this.logTail(i)}`);
      if (existsSync(path.join(this.certDir, 'ca.crt')) && (await this.readyz(i))) return;
      if (Date.now() > until) throw new Error(`api server ${i} not ready after ${timeoutMs} ms:\n${this.logTail(i)}`);
      await sleep(200);
    }
  }

  /** GET /readyz (no credentials needed), trusting the cluster CA. */
  readyz(i: number): Promise<boolean> {
    return new Promise((resolve) => {
      const req = https.get(`${this.url(i)}/readyz`, { ca: readFileSync(path.join(this.certDir, 'ca.crt')), timeout: 2000 }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'ok'));
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
  }

  logTail(i: number, lines = 30): string {
    try {
      return readFileSync(this.logFile(i), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Runs kubectl against API server 0 (or --server given in args). */
  async kubectl(args: readonly string[], opts: { input?: string; timeoutMs?: number; binary?: string } = {}): Promise<KubectlResult> {
    const bin = opts.binary ?? process.env.KUBECTL ?? 'kubectl';
    const r = await execa(bin, ['--kubeconfig', this.kubeconfig, ...args], {
      input: opts.input,
      reject: false,
      timeout: opts.timeoutMs ?? 30_000,
      env: { HOME: this.dir, KUBECACHEDIR: path.join(this.dir, 'kube-cache') },
      extendEnv: true,
    });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  async destroy(): Promise<void> {
    for (const i of [...this.procs.keys()]) await this.stopApi(i, 'SIGKILL');
    await this.store.destroy();
    if (process.env.KEEP_STORE_DATA !== '1') rmSync(this.dir, { recursive: true, force: true });
  }
}
