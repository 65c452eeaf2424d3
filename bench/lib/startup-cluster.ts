// The cluster the startup bench measures, brought up and torn down the way users do it:
// `bin/meshctl cluster up` / `cluster down` as child processes, against the test dockerd (or a
// private one), with the images built beforehand so that `cluster up` only checks them. Also the
// clean-up of an earlier run's leftovers and the teardown that runs on errors and signals.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type Dockerode from 'dockerode';
import { dockerClient, ensureDockerd, removeContainers, runningDockerdPid, stopDockerd } from '../../lib/docker/dockerd.js';
import { HostNetwork } from '../../lib/netns/host-network.js';
import { planLocalCluster, emptyExtraArgs } from '../../services/meshctl/cluster/cluster-plan.js';
import { TEST_DOCKER_DIR, startTestDockerd } from '../../test/support/dockerd.js';
import type { DockerdChoice } from './startup-args.js';
import type { StampedLine } from './startup-up-steps.js';

const PRIVATE_DIR = '/run/meshkube-bench';
const PRIVATE_DATA_ROOT = '/var/lib/meshkube-bench/docker';

export interface BenchDockerd {
  socketPath: string;
  docker: Dockerode;
  pid: number | undefined;
  /** Stops the daemon if the bench started it (private daemon only; the test dockerd stays). */
  stop(): Promise<void>;
}

export async function startBenchDockerd(choice: DockerdChoice): Promise<BenchDockerd> {
  if (choice === 'test') {
    const d = await startTestDockerd();
    return { socketPath: d.socketPath, docker: d.docker, pid: await runningDockerdPid(path.join(TEST_DOCKER_DIR, 'docker.pid')), stop: async () => undefined };
  }
  const socketPath = path.join(PRIVATE_DIR, 'docker.sock');
  const pidFile = path.join(PRIVATE_DIR, 'docker.pid');
  const logFile = path.join(PRIVATE_DIR, 'dockerd.log');
  const h = await ensureDockerd({ socketPath, pidFile, logFile, dataRoot: PRIVATE_DATA_ROOT, execRoot: path.join(PRIVATE_DIR, 'exec') });
  const pid = h.pid ?? (await runningDockerdPid(pidFile));
  return {
    socketPath,
    docker: dockerClient(socketPath),
    pid,
    stop: async () => {
      if (h.started && h.pid !== undefined) await stopDockerd(h.pid, logFile);
    },
  };
}

export interface ClusterSpec {
  home: string;
  name: string;
  subnet: string;
  workers: number;
  stateDir: string;
  socketPath: string;
}

export function meshctlPath(home: string): string {
  return path.join(home, 'bin', 'meshctl');
}

export function workerNames(workers: number): string[] {
  return Array.from({ length: workers }, (_, i) => `w${String(i + 1)}`);
}

export function clusterDirOf(s: ClusterSpec): string {
  return path.join(s.stateDir, s.name);
}

export function upArgs(s: ClusterSpec): string[] {
  return ['cluster', 'up', '--name', s.name, '--workers', String(s.workers), '--state-dir', s.stateDir, '--docker-host', `unix://${s.socketPath}`, '--subnet', s.subnet];
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn to exit. */
  ms: number;
  lines: StampedLine[];
}

/** The meshctl child running now, so that a signal can stop it before the teardown. */
let running: ChildProcess | undefined;

/** Runs bin/meshctl with `args`, timing spawn to exit and stamping each output line (stdout and stderr). */
export function runMeshctl(home: string, args: readonly string[], onLine: (l: StampedLine) => void = () => undefined): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const lines: StampedLine[] = [];
    const t0 = performance.now();
    const child = spawn(meshctlPath(home), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    const take = (stream: NodeJS.ReadableStream): void => {
      let buf = '';
      stream.on('data', (c: Buffer) => {
        const atMs = performance.now() - t0;
        buf += c.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const l = { atMs, line: buf.slice(0, nl) };
          buf = buf.slice(nl + 1);
          lines.push(l);
          onLine(l);
        }
      });
      stream.on('end', () => {
        if (buf !== '') lines.push({ atMs: performance.now() - t0, line: buf });
      });
    };
    take(child.stdout);
    take(child.stderr);
    child.on('error', (err) => {
      running = undefined;
      reject(err);
    });
    child.on('exit', (exitCode, signal) => {
      const ms = performance.now() - t0;
      running = undefined;
      // Let the pipes drain before handing the lines over.
      child.on('close', () => resolve({ exitCode, signal, ms, lines }));
    });
  });
}

/**
 * Stops a meshctl child still running (cluster up interrupted by a signal) and waits for it.
 * meshctl takes a first SIGTERM as "stop watching" (cluster up goes on); a second one exits.
 */
export async function stopRunningMeshctl(): Promise<void> {
  const c = running;
  if (c === undefined || c.exitCode !== null) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  setTimeout(() => c.kill('SIGTERM'), 100);
  const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(t);
}

export async function clusterDown(s: ClusterSpec): Promise<RunResult> {
  return runMeshctl(s.home, ['cluster', 'down', '--name', s.name, '--state-dir', s.stateDir]);
}

/**
 * What an earlier run may have left: its cluster (the fixed state directory still holds it:
 * `cluster down` stops its processes), the host network of this name and subnet, and containers
 * of the bench namespace.
 */
export async function removeLeftovers(s: ClusterSpec, docker: Dockerode, namespace: string, log: (m: string) => void): Promise<void> {
  if (existsSync(path.join(clusterDirOf(s), 'cluster.json'))) {
    log(`an earlier run's cluster is still in ${clusterDirOf(s)}: meshctl cluster down`);
    const r = await clusterDown(s);
    if (r.exitCode !== 0) log(`cluster down of the leftover cluster exited ${String(r.exitCode)}:\n${r.lines.map((l) => l.line).join('\n')}`);
  }
  rmSync(s.stateDir, { recursive: true, force: true });
  const plan = planLocalCluster({ name: s.name, stateDir: s.stateDir, controlPlanes: 3, workers: s.workers, subnet: s.subnet, dockerHost: `unix://${s.socketPath}`, home: s.home, extraArgs: emptyExtraArgs() });
  await HostNetwork.removeLeftovers({ name: s.name, subnet: s.subnet, hosts: plan.hosts.map((h) => ({ name: h.name, ip: h.ip })) });
  const removed = await removeContainers(docker, `io.kubernetes.pod.namespace=${namespace}`);
  if (removed > 0) log(`removed ${removed} containers of an earlier run`);
}

/**
 * Containers on the daemon labelled as our workers' (meshkube.node=w1, or =<cluster>-w1 where the
 * agents are given a per-cluster --runtime-node-id) that belong to no pod of our cluster (`ours`:
 * the pod UIDs our API has). Agents that find their containers by that label remove such
 * containers as orphans (and the other cluster's agents ours), and `cluster down` removes every
 * container with its workers' labels.
 */
export async function foreignNodeContainers(docker: Dockerode, clusterName: string, workers: readonly string[], ours: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  for (const w of workers) {
    for (const label of [w, `${clusterName}-${w}`]) {
      const list = await docker.listContainers({ all: true, filters: { label: [`meshkube.node=${label}`] } });
      for (const c of list) {
        const uid = c.Labels['io.kubernetes.pod.uid'] ?? '';
        if (!ours.has(uid)) out.push(`${label}:${(c.Names[0] ?? c.Id).replace(/^\//, '')}`);
      }
    }
  }
  return out;
}

/** Runs registered clean-ups once, last registered first, on normal exit, error or signal. */
export class Teardown {
  private readonly steps: { what: string; fn: () => Promise<void> }[] = [];
  private ran: Promise<void> | undefined;
  /** A signal arrived: the bench's own work stops at its next check. */
  interrupted: NodeJS.Signals | undefined;

  /** Throws once a signal has arrived, so the measuring stops while the teardown runs. */
  check(): void {
    if (this.interrupted !== undefined) throw new Error(`interrupted by ${this.interrupted}`);
  }

  add(what: string, fn: () => Promise<void>): void {
    this.steps.push({ what, fn });
  }

  run(log: (m: string) => void): Promise<void> {
    this.ran ??= (async () => {
      for (const s of [...this.steps].reverse()) {
        try {
          await s.fn();
        } catch (err) {
          log(`teardown: ${s.what} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
    return this.ran;
  }

  /** SIGINT/SIGTERM: stop a running meshctl, tear down, exit 130/143; a second signal exits at once. */
  installSignalHandlers(log: (m: string) => void): void {
    let caught = false;
    const on = (sig: NodeJS.Signals, code: number): void => {
      process.on(sig, () => {
        if (caught) {
          log(`${sig} again: exiting without finishing the teardown`);
          process.exit(code);
        }
        caught = true;
        this.interrupted = sig;
        log(`${sig}: tearing down`);
        void stopRunningMeshctl()
          .then(() => this.run(log))
          .then(() => log('torn down; no results written for an interrupted run'))
          .finally(() => process.exit(code));
      });
    };
    on('SIGINT', 130);
    on('SIGTERM', 143);
  }
}
