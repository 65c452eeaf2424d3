// End-to-end 6: the user's path from the README. `meshctl cluster up --demo` gives a cluster whose
// demo answers a curl from the machine; running it again changes nothing; `meshctl cluster down`
// then leaves no namespace, link, nftables table, container, process or state behind.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, meshctlBin } from '../support/local-cluster.js';
import { waitFor } from '../support/wait-for.js';

async function lines(file: string, args: string[]): Promise<string[]> {
  const r = await execa(file, args, { reject: false });
  return String(r.stdout).split('\n').filter((l) => l.trim() !== '');
}

/** What of a cluster named `name` with state in `stateDir` exists on the machine. */
interface Leftovers {
  netns: string[];
  links: string[];
  tables: string[];
  containers: string[];
  processes: string[];
  stateDir: string[];
}

async function leftovers(name: string, stateDir: string, dockerSocket: string): Promise<Leftovers> {
  const netns = (await lines('ip', ['netns', 'list'])).filter((l) => l.startsWith(`${name}-`));
  const links = (await lines('ip', ['-o', 'link', 'show'])).map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter((n) => n === `br-${name}` || n.startsWith(`ve-${name}-`));
  const tables = (await lines('nft', ['list', 'tables'])).filter((l) => new RegExp(`\\b${name}(-|$)`).test(l));
  const containers = (await lines('docker', ['-H', `unix://${dockerSocket}`, 'ps', '-a', '--filter', 'label=meshkube.node', '--format', '{{.Names}} {{.Label "meshkube.node"}}'])).filter((l) => l.includes(` ${name}-w`));
  const processes = (await lines('ps', ['-eo', 'pid=,args='])).filter((l) => l.includes(stateDir) && !l.includes('vitest'));
  return { netns, links, tables, containers, processes, stateDir: existsSync(path.join(stateDir, name)) ? [path.join(stateDir, name)] : [] };
}

describe('e2e: cluster up --demo, up again, down', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await LocalCluster.up({ workers: 3, demo: true });
  }, 300_000);

  afterAll(async () => {
    if (existsSync(path.join(cluster.stateDir, cluster.name))) await cluster.down();
    // The test's own `cluster down` leaves the (then empty) directory the run was given.
    else rmSync(cluster.stateDir, { recursive: true, force: true });
  }, 120_000);

  it('prints a curl that reaches the demo from the machine, naming the frontend and backend pods and versions', async () => {
    const curl = /curl (http:\/\/[\d.]+:30080\/)/.exec(cluster.upOutput)?.[1];
    expect(curl, cluster.upOutput).toBeDefined();
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await execa('curl', ['-s', '-m', '3', curl ?? ''], { reject: false });
      expect(String(r.stdout)).toMatch(/^frontend pod=frontend-\S+ -> backend (v1|v2) pod=backend-\1-\S+ ip=10\.244\.\d+\.\d+$/);
      seen.add(/backend (v\d)/.exec(String(r.stdout))?.[1] ?? '');
    }
    expect([...seen].sort()).toEqual(['v1', 'v2']);
  }, 120_000);

  it('changes nothing when cluster up runs again', async () => {
    const before = await cluster.meshctl(['cluster', 'status']);
    const r = await execa(meshctlBin, ['cluster', 'up', '--name', cluster.name, '--state-dir', cluster.stateDir, '--workers', '3', '--docker-host', `unix://${cluster.dockerd.socketPath}`, '--subnet', process.env.MESHKUBE_E2E_SUBNET ?? '10.10.0.0/24', '--demo'], { reject: false, timeout: 180_000 });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toContain('host network is up');
    for (const h of ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3']) expect(String(r.stdout)).toMatch(new RegExp(`^${h}: running \\(supervisor pid \\d+`, 'm'));
    expect(String(r.stdout)).toContain('deployment.apps/frontend unchanged');
    const pids = (text: string): string[] => text.split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 5).join(' '));
    expect(pids((await cluster.meshctl(['cluster', 'status'])).stdout)).toEqual(pids(before.stdout));
  }, 240_000);

  it('shows status, logs, the kubeconfig path and runs commands inside a host', async () => {
    const status = await cluster.meshctl(['cluster', 'status']);
    expect(status.stdout).toMatch(/^cp1\s+10\.\d+\.\d+\.11\s+up\s+store\s+\d+\s+running\s+0$/m);
    expect(status.stdout).toMatch(/^Store leader: cp[123]$/m);
    expect(status.stdout).toMatch(/^w3\s+True$/m);
    expect((await cluster.meshctl(['cluster', 'kubeconfig'])).stdout.trim()).toBe(cluster.kubeconfig);
    const logs = await cluster.meshctl(['cluster', 'logs', 'w1', 'node-agent']);
    expect(logs.stdout).toContain('"msg":"node agent ready"');
    expect((await cluster.meshctl(['cluster', 'logs', 'w1', 'api'])).stderr).toContain('host w1 does not run api');
    // Inside cp2: its own address, and etcdctl against the local store member.
    const ip = await cluster.meshctl(['cluster', 'exec', 'cp2'], ['--', 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    expect(ip.stdout).toMatch(/inet 10\.\d+\.\d+\.12\/24/);
    const etcd = await cluster.meshctl(['cluster', 'exec', 'cp2'], ['--', 'etcdctl', '--endpoints', '127.0.0.1:2379', 'endpoint', 'health']);
    expect(etcd.exitCode, etcd.stderr).toBe(0);
    expect(etcd.stdout + etcd.stderr).toContain('127.0.0.1:2379 is healthy');
    const failing = await cluster.meshctl(['cluster', 'exec', 'w1'], ['--', 'sh', '-c', 'exit 7']);
    expect(failing.exitCode).toBe(7);
  }, 60_000);

  it('follows a log with -f: a crash the supervisor sees shows up, and Ctrl-C ends the follow', async () => {
    const follow = execa(meshctlBin, ['cluster', 'logs', 'cp2', 'supervisor', '-f', '--name', cluster.name, '--state-dir', cluster.stateDir], { reject: false });
    let out = '';
    follow.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    await waitFor('the log so far', () => out.includes('"msg":"started component sched'), 20_000, 100);
    const sched = /^cp2\s+\S+\s+up\s+sched\s+(\d+)/m.exec((await cluster.meshctl(['cluster', 'status'])).stdout)?.[1];
    expect(sched).toMatch(/^\d+$/);
    process.kill(Number(sched), 'SIGKILL');
    await waitFor('the crash in the followed log', () => out.includes(`component sched exited (signal SIGKILL)`), 20_000, 100);
    follow.kill('SIGINT');
    expect((await follow).exitCode).toBe(0);
  }, 60_000);

  it('cluster down removes every namespace, link, nftables table, container, process and the state directory', async () => {
    // A partitioned host (nftables table in its namespace) and running pods make it harder.
    expect((await cluster.meshctl(['chaos', 'partition', 'w2'])).exitCode).toBe(0);
    const present = await leftovers(cluster.name, cluster.stateDir, cluster.dockerd.socketPath);
    expect(present.netns).toHaveLength(6);
    expect(present.containers.length).toBeGreaterThan(0);
    expect(present.processes.length).toBeGreaterThan(0);

    const down = await cluster.meshctl(['cluster', 'down'], [], 180_000);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await leftovers(cluster.name, cluster.stateDir, cluster.dockerd.socketPath)).toEqual({ netns: [], links: [], tables: [], containers: [], processes: [], stateDir: [] });
    // Down again: nothing to do, still fine.
    const again = await cluster.meshctl(['cluster', 'down']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('does not exist');
  }, 240_000);
});
