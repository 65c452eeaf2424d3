// Starting the two clusters. The bench uses test/support's StoreCluster whenever it can; but the
// compiled dist/test/support/store-cluster.js resolves the repository root one folder too high
// (dist/ instead of the repo), so it looks for dist/dist/services/store/main.js and refuses to
// start our store. Until that is fixed, our members are started by FallbackCluster below, which
// passes exactly the flags StoreCluster.startMember passes (keep the two in step).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import { ETCD_BINARY, freePort, sleep, StoreCluster, storeMain } from '../../test/support/store-cluster.js';

/** What the bench needs from a running three-member cluster. */
export interface BenchCluster {
  readonly members: readonly { name: string }[];
  readonly dataRoot: string;
  endpoint(i: number): string;
  endpoints(): string;
  pid(i: number): number | undefined;
  kill(i: number, signal?: NodeJS.Signals): Promise<number | null>;
  destroy(): Promise<void>;
}

function repoRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; ) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('bench: repository root (package.json) not found');
    dir = parent;
  }
}

export function ourStoreMain(): string {
  return path.join(repoRoot(), 'dist', 'services', 'store', 'main.js');
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  metricsPort: number;
}

/** Loopback members of our store, launched the way StoreCluster launches them. */
class FallbackCluster implements BenchCluster {
  readonly dataRoot = mkdtempSync(path.join(os.tmpdir(), 'store-bench-'));
  private readonly procs = new Map<number, ChildProcess>();
  private readonly exits = new Map<number, Promise<number | null>>();

  constructor(readonly members: Member[]) {}

  endpoint(i: number): string {
    return `127.0.0.1:${this.member(i).clientPort}`;
  }

  endpoints(): string {
    return this.members.map((_m, i) => this.endpoint(i)).join(',');
  }

  pid(i: number): number | undefined {
    return this.procs.get(i)?.pid;
  }

  private member(i: number): Member {
    const m = this.members[i];
    if (!m) throw new Error(`no member ${i}`);
    return m;
  }

  start(main: string): void {
    const initialCluster = this.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
    this.members.forEach((m, i) => {
      const client = `http://127.0.0.1:${m.clientPort}`;
      const peer = `http://127.0.0.1:${m.peerPort}`;
      // The same flags, in the same order, as StoreCluster.startMember with its defaults.
      const args = [
        '--name', m.name,
        '--data-dir', path.join(this.dataRoot, m.name),
        '--listen-client-urls', client,
        '--advertise-client-urls', client,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', initialCluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', 'test-cluster',
        '--listen-metrics-urls', `http://127.0.0.1:${m.metricsPort}`,
        '--heartbeat-interval', '100',
        '--election-timeout', '1000',
      ];
      const log = createWriteStream(path.join(this.dataRoot, `${m.name}.log`), { flags: 'a' });
      const proc = spawn(process.execPath, ['--enable-source-maps', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    });
  }

  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const proc = this.procs.get(i);
    if (!proc) return null;
    const exit = this.exits.get(i);
    proc.kill(signal);
    return (await exit) ?? null;
  }

  async destroy(): Promise<void> {
    for (const i of [...this.procs.keys()]) await this.kill(i, 'SIGKILL');
    rmSync(this.dataRoot, { recursive: true, force: true });
  }
}

/** Waits until a linearizable read (needs a leader and a quorum) succeeds on every member. */
async function waitReady(c: BenchCluster, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < c.members.length; i++) {
    const client = createEtcdClient(c.endpoint(i));
    try {
      for (;;) {
        try {
          await client.KV.Range({ key: Buffer.from('/__ready') }, { deadline: Date.now() + 2000 });
          break;
        } catch (err) {
          if (Date.now() > deadline) {
            throw new Error(`cluster not ready after ${timeoutMs} ms (logs in ${c.dataRoot})`, { cause: err });
          }
          await sleep(200);
        }
      }
    } finally {
      client.close();
    }
  }
}

/** Index of the member every member names as leader (Maintenance.Status), or undefined. */
export async function leaderIndex(c: BenchCluster): Promise<number | undefined> {
  const ids: { member: string; leader: string }[] = [];
  for (let i = 0; i < c.members.length; i++) {
    const client = createEtcdClient(c.endpoint(i));
    try {
      const st = await client.Maintenance.Status({}, { deadline: Date.now() + 3000 });
      ids.push({ member: st.header?.member_id ?? '', leader: st.leader });
    } catch {
      ids.push({ member: '', leader: '' });
    } finally {
      client.close();
    }
  }
  const lead = ids[0]?.leader;
  if (!lead || lead === '0' || ids.some((s) => s.leader !== lead)) return undefined;
  const idx = ids.findIndex((s) => s.member === lead);
  return idx >= 0 ? idx : undefined;
}

/**
 * Starts three loopback members of `impl`, waits until they serve, and returns them.
 * `usedFallback` says whether our own launcher had to stand in for StoreCluster.
 */
export async function startCluster(
  impl: 'store' | 'etcd',
  onCreated: (c: BenchCluster) => void = () => {},
): Promise<{ cluster: BenchCluster; usedFallback: boolean }> {
  if (impl === 'etcd' || existsSync(storeMain)) {
    if (impl === 'etcd' && !existsSync(ETCD_BINARY)) throw new Error(`${ETCD_BINARY} is missing (apt-get install etcd-server)`);
    const cluster = await StoreCluster.create({ size: 3, impl });
    onCreated(cluster);
    try {
      for (let i = 0; i < cluster.members.length; i++) cluster.startMember(i);
      await cluster.waitReady();
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return { cluster, usedFallback: false };
  }
  const main = ourStoreMain();
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
  const members: Member[] = [];
  for (let i = 0; i < 3; i++) {
    members.push({ name: `m${i + 1}`, clientPort: await freePort(), peerPort: await freePort(), metricsPort: await freePort() });
  }
  const cluster = new FallbackCluster(members);
  onCreated(cluster);
  try {
    cluster.start(main);
    await waitReady(cluster);
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return { cluster, usedFallback: true };
}
