// Runs real bin/store processes for tests: a cluster on loopback (or inside network-namespace
// hosts), with helpers to kill, restart and query members through the real etcdctl.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { SERVICE_NODE_FLAGS } from '../../lib/process/service-node-flags.js';

/** The checkout's root, whether this file runs from source (vitest) or from dist/ (bench). */
export function findRepoRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; ) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root (package.json) not found');
    dir = parent;
  }
}

export const storeMain = path.join(findRepoRoot(), 'dist/services/store/main.js');

export function requireBuiltStore(): void {
  if (!existsSync(storeMain)) throw new Error(`${storeMain} is missing: run "npm run build" first`);
}

/**
 * n distinct free ports: all probe sockets stay open until every port is known, since a
 * closed probe's port can be handed out again at once.
 */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen(0, host, () => {
            const addr = srv.address();
            if (typeof addr === 'object' && addr) resolve(addr.port);
            else reject(new Error('no port'));
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

export interface MemberSpec {
  name: string;
  host: string;
  clientPort: number;
  peerPort: number;
  metricsPort: number;
  /** argv prefix to run the member elsewhere, e.g. ['ip', 'netns', 'exec', 'lin-h1']. */
  execPrefix: string[];
}

export interface ClusterOptions {
  size?: number;
  snapshotCount?: number;
  heartbeatMs?: number;
  electionMs?: number;
  /** Per member: the address and exec prefix (network-namespace hosts); default loopback. */
  hosts?: { ip: string; execPrefix: string[] }[];
  token?: string;
  extraArgs?: string[];
  /** Which implementation to run: ours (default) or the real etcd, for side-by-side tests. */
  impl?: 'store' | 'etcd';
}

export const ETCD_BINARY = '/usr/bin/etcd';

export class StoreCluster {
  readonly members: MemberSpec[];
  readonly dataRoot: string;
  private readonly procs = new Map<number, ChildProcess>();
  private readonly exits = new Map<number, Promise<number | null>>();

  private constructor(
    members: MemberSpec[],
    private readonly opts: ClusterOptions,
  ) {
    this.members = members;
    this.dataRoot = mkdtempSync(path.join(os.tmpdir(), 'store-cluster-'));
  }

  static async create(opts: ClusterOptions = {}): Promise<StoreCluster> {
    if (opts.impl === 'etcd') {
      if (!existsSync(ETCD_BINARY)) throw new Error(`${ETCD_BINARY} is missing: apt-get install etcd-server`);
    } else {
      requireBuiltStore();
    }
    const size = opts.size ?? 3;
    const members: MemberSpec[] = [];
    const ports = await freePorts(3 * size);
    for (let i = 0; i < size; i++) {
      const h = opts.hosts?.[i];
      const host = h?.ip ?? '127.0.0.1';
      // In a namespace every member has its own address, so etcd's fixed ports cannot collide.
      members.push({
        name: `m${i + 1}`,
        host,
        clientPort: h ? 2379 : (ports[3 * i] as number),
        peerPort: h ? 2380 : (ports[3 * i + 1] as number),
        metricsPort: h ? 2381 : (ports[3 * i + 2] as number),
        execPrefix: h?.execPrefix ?? [],
      });
    }
    return new StoreCluster(members, opts);
  }

  static async start(opts: ClusterOptions = {}): Promise<StoreCluster> {
    const c = await StoreCluster.create(opts);
    for (let i = 0; i < c.members.length; i++) c.startMember(i);
    await c.waitReady();
    return c;
  }

  clientUrl(i: number): string {
    const m = this.member(i);
    return `http://${m.host}:${m.clientPort}`;
  }

  peerUrl(i: number): string {
    const m = this.member(i);
    return `http://${m.host}:${m.peerPort}`;
  }

  metricsUrl(i: number): string {
    const m = this.member(i);
    return `http://${m.host}:${m.metricsPort}`;
  }

  endpoint(i: number): string {
    const m = this.member(i);
    return `${m.host}:${m.clientPort}`;
  }

  endpoints(): string {
    return this.members.map((_m, i) => this.endpoint(i)).join(',');
  }

  member(i: number): MemberSpec {
    const m = this.members[i];
    if (!m) throw new Error(`no member ${i}`);
    return m;
  }

  dataDir(i: number): string {
    return path.join(this.dataRoot, this.member(i).name);
  }

  logFile(i: number): string {
    return path.join(this.dataRoot, `${this.member(i).name}.log`);
  }

  initialCluster(indexes?: number[]): string {
    return (indexes ?? this.members.map((_m, i) => i)).map((i) => `${this.member(i).name}=${this.peerUrl(i)}`).join(',');
  }

  /** Adds a member spec (not started) for membership tests; returns its index. */
  async addMemberSpec(): Promise<number> {
    const i = this.members.length;
    const taken = new Set(this.members.flatMap((m) => [m.clientPort, m.peerPort, m.metricsPort]));
    let ports = await freePorts(3);
    while (ports.some((p) => taken.has(p))) ports = await freePorts(3);
    const [clientPort, peerPort, metricsPort] = ports as [number, number, number];
    this.members.push({ name: `m${i + 1}`, host: '127.0.0.1', clientPort, peerPort, metricsPort, execPrefix: [] });
    return i;
  }

  startMember(i: number, extra: { state?: 'new' | 'existing'; initialCluster?: string } = {}): void {
    if (this.procs.has(i)) throw new Error(`member ${i} is already running`);
    const m = this.member(i);
    mkdirSync(this.dataRoot, { recursive: true });
    const args = [
      '--name', m.name,
      '--data-dir', this.dataDir(i),
      '--listen-client-urls', this.clientUrl(i),
      '--advertise-client-urls', this.clientUrl(i),
      '--listen-peer-urls', this.peerUrl(i),
      '--initial-advertise-peer-urls', this.peerUrl(i),
      '--initial-cluster', extra.initialCluster ?? this.initialCluster(),
      '--initial-cluster-state', extra.state ?? 'new',
      '--initial-cluster-token', this.opts.token ?? 'test-cluster',
      '--listen-metrics-urls', this.metricsUrl(i),
      '--heartbeat-interval', String(this.opts.heartbeatMs ?? 100),
      '--election-timeout', String(this.opts.electionMs ?? 1000),
      ...(this.opts.snapshotCount ? ['--snapshot-count', String(this.opts.snapshotCount)] : []),
      ...(this.opts.extraArgs ?? []),
    ];
    const program = this.opts.impl === 'etcd' ? [ETCD_BINARY] : [process.execPath, ...SERVICE_NODE_FLAGS.store, storeMain];
    const argv = [...m.execPrefix, ...program, ...args];
    const log = createWriteStream(this.logFile(i), { flags: 'a' });
    const proc = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.pipe(log, { end: false });
    proc.stderr?.pipe(log, { end: false });
    this.procs.set(i, proc);
    this.exits.set(
      i,
      new Promise((resolve) =>
        proc.once('exit', (code) => {
          this.procs.delete(i);
          resolve(code);
        }),
      ),
    );
  }

  isRunning(i: number): boolean {
    return this.procs.has(i);
  }

  pid(i: number): number | undefined {
    return this.procs.get(i)?.pid;
  }

  /** Sends a signal and waits for the process to exit; returns its exit code. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const proc = this.procs.get(i);
    if (!proc) return null;
    const exit = this.exits.get(i);
    // Under `ip netns exec`, the node process is the exec'd child itself (exec replaces ip).
    proc.kill(signal);
    return (await exit) ?? null;
  }

  async restart(i: number): Promise<void> {
    await this.kill(i, 'SIGKILL');
    this.startMember(i);
  }

  exitOf(i: number): Promise<number | null> | undefined {
    return this.exits.get(i);
  }

  async etcdctl(args: string[], opts: { endpoints?: string; timeoutMs?: number; input?: string } = {}) {
    const res = await execa('etcdctl', ['--endpoints', opts.endpoints ?? this.endpoints(), ...args], {
      env: { ETCDCTL_API: '3' },
      reject: false,
      timeout: opts.timeoutMs ?? 15_000,
      ...(opts.input !== undefined ? { input: opts.input } : {}),
    });
    return { stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode ?? -1 };
  }

  /** Status of each running member: leader ID, raft term and index (etcdctl endpoint status). */
  async statuses(): Promise<{ index: number; memberId: string; leader: string; raftTerm: number; raftIndex: number }[]> {
    const out: { index: number; memberId: string; leader: string; raftTerm: number; raftIndex: number }[] = [];
    for (let i = 0; i < this.members.length; i++) {
      if (!this.procs.has(i)) continue;
      const r = await this.etcdctl(['endpoint', 'status', '-w', 'json'], { endpoints: this.endpoint(i), timeoutMs: 3000 });
      if (r.exitCode !== 0) continue;
      // uint64 IDs do not survive JSON.parse as numbers: read long integers as strings.
      const parsed = JSON.parse(r.stdout.replace(/:\s*(\d{15,})/g, ':"$1"')) as {
        // encoding/json omits zero values: no leader means no "leader" field.
        Status: { header: { member_id?: number | string; raft_term?: number }; leader?: number | string; raftIndex?: number };
      }[];
      const st = parsed[0]?.Status;
      if (!st) continue;
      out.push({
        index: i,
        memberId: BigInt(st.header.member_id ?? 0).toString(16),
        leader: BigInt(st.leader ?? 0).toString(16),
        raftTerm: st.header.raft_term ?? 0,
        raftIndex: st.raftIndex ?? 0,
      });
    }
    return out;
  }

  /** Index of the member that leads, as the running members agree; undefined if none. */
  async leaderIndex(): Promise<number | undefined> {
    const st = await this.statuses();
    const leader = st.find((s) => s.leader !== '0' && s.memberId === s.leader);
    return leader?.index;
  }

  /** Waits until every running member answers a linearizable read (so it has a leader). */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const i of [...this.procs.keys()].sort()) {
      for (;;) {
        if (!this.procs.has(i)) {
          throw new Error(`member ${this.member(i).name} exited:\n${this.logTail(i)}`);
        }
        // A linearizable read needs a leader and a quorum, and unlike a put leaves the revision alone.
        const r = await this.etcdctl(['get', '/__ready'], { endpoints: this.endpoint(i), timeoutMs: 3000 });
        if (r.exitCode === 0) break;
        if (Date.now() > deadline) {
          throw new Error(`member ${this.member(i).name} not ready after ${timeoutMs} ms: ${r.stderr}\n${this.logTail(i)}`);
        }
        await sleep(200);
      }
    }
  }

  logTail(i: number, lines = 20): string {
    try {
      return readFileSync(this.logFile(i), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Kills every member and removes the data, unless KEEP_STORE_DATA=1 (for post-mortems). */
  async destroy(): Promise<void> {
    for (const i of [...this.procs.keys()]) await this.kill(i, 'SIGKILL');
    if (process.env.KEEP_STORE_DATA === '1') {
      console.log(`store data kept in ${this.dataRoot}`);
      return;
    }
    rmSync(this.dataRoot, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
