// A cluster for the end-to-end tests, brought up the way users do it: `bin/meshctl cluster up`
// (hosts as network namespaces, the same role scripts Vagrant runs), against the test dockerd, in
// a state directory of its own. Helpers run kubectl and meshctl against it, exec in pods through
// Docker (as kubectl exec would), and tear it down with `meshctl cluster down`.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Resources } from '../../lib/controller/resources.js';
import type { KubeObject } from '../../lib/api/object.js';
import { ensureBaseImages } from '../../lib/images/index.js';
import { HostNetwork } from '../../lib/netns/host-network.js';
import { startTestDockerd, testDockerClient } from './dockerd.js';
import type { TestDockerd } from './dockerd.js';
import { clientPod, manifestsYaml } from './e2e-manifests.js';
import type { ClientPodOptions } from './e2e-manifests.js';
import { waitFor } from './wait-for.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const meshctlBin = path.join(repoRoot, 'bin/meshctl');

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface LocalClusterOptions {
  name?: string;
  workers?: number;
  /** Extra `cluster up` flags, e.g. ['--sched-arg=--node-monitor-grace-period=8s']. */
  upArgs?: string[];
  /** Build the demo images first (cluster up --demo deploys the demo too). */
  demo?: boolean;
}

export class LocalCluster {
  private constructor(
    readonly name: string,
    readonly stateDir: string,
    readonly dockerd: TestDockerd,
    readonly client: KubeClient,
    readonly upOutput: string,
  ) {}

  get kubeconfig(): string {
    return path.join(this.stateDir, this.name, 'admin.kubeconfig');
  }

  static async up(o: LocalClusterOptions = {}): Promise<LocalCluster> {
    // Two developers' runs on one machine can keep apart with MESHKUBE_E2E_NAME and MESHKUBE_E2E_SUBNET.
    const name = o.name ?? process.env.MESHKUBE_E2E_NAME ?? 'e2e';
    const subnet = process.env.MESHKUBE_E2E_SUBNET ?? '10.10.0.0/24';
    const stateDir = mkdtempSync(path.join(tmpdir(), 'meshkube-e2e-'));
    const dockerd = await startTestDockerd();
    await ensureBaseImages(testDockerClient(dockerd.socketPath));
    // A cluster of an earlier crashed run with this name would hold the subnet and namespaces.
    const hosts = [...['cp1', 'cp2', 'cp3'], ...Array.from({ length: o.workers ?? 3 }, (_, i) => `w${String(i + 1)}`)].map((h, i) => ({ name: h, ip: `${subnet.split('.').slice(0, 3).join('.')}.${String(100 + i)}` }));
    await HostNetwork.removeLeftovers({ name, subnet, hosts });
    const args = ['cluster', 'up', '--name', name, '--state-dir', stateDir, '--workers', String(o.workers ?? 3), '--docker-host', `unix://${dockerd.socketPath}`, '--subnet', subnet, '--timeout', '150s', ...(o.demo === true ? ['--demo'] : []), ...(o.upArgs ?? [])];
    const r = await execa(meshctlBin, args, { reject: false, timeout: 240_000, all: true });
    if (r.exitCode !== 0) {
      await execa(meshctlBin, ['cluster', 'down', '--name', name, '--state-dir', stateDir], { reject: false, timeout: 120_000 });
      rmSync(stateDir, { recursive: true, force: true });
      throw new Error(`meshctl cluster up failed (exit ${String(r.exitCode)}):\n${String(r.all)}`);
    }
    const client = await KubeClient.fromKubeconfig({ explicitPath: path.join(stateDir, name, 'admin.kubeconfig') });
    return new LocalCluster(name, stateDir, dockerd, client, String(r.all));
  }

  /** meshctl with this cluster's --name and --state-dir after the verb's words. */
  async meshctl(words: readonly string[], rest: readonly string[] = [], timeoutMs = 120_000): Promise<CommandResult> {
    const r = await execa(meshctlBin, [...words, '--name', this.name, '--state-dir', this.stateDir, ...rest], { reject: false, timeout: timeoutMs });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  async kubectl(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    const r = await execa('kubectl', ['--kubeconfig', this.kubeconfig, ...args], { input: opts.input, reject: false, timeout: opts.timeoutMs ?? 60_000, env: { HOME: this.stateDir } });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  async apply(yaml: string): Promise<void> {
    const r = await this.kubectl(['apply', '-f', '-'], { input: yaml });
    if (r.exitCode !== 0) throw new Error(`kubectl apply failed: ${r.stderr}`);
  }

  async pods(selector: string, namespace = 'default'): Promise<KubeObject[]> {
    return (await this.client.list(Resources.pods, { namespace, labelSelector: selector })).items;
  }

  /** Waits until exactly `count` pods of `selector` (in default) are Ready, and returns those. */
  async waitReadyPods(selector: string, count: number, timeoutMs: number): Promise<KubeObject[]> {
    return waitFor(`${String(count)} ready pods ${selector}`, async () => {
      const ps = (await this.pods(selector)).filter(podReady);
      return ps.length === count ? ps : undefined;
    }, timeoutMs, 250);
  }

  /** Applies clientPod(o) in default and waits (up to 60 s) until it is Running and Ready. */
  async startClientPod(o: ClientPodOptions): Promise<void> {
    await this.apply(manifestsYaml(clientPod(o)));
    await waitFor(`the ${o.name} pod running`, async () => (await this.pods('')).some((p) => p.metadata.name === o.name && podReady(p)), 60_000, 250);
  }

  /** The running container of a pod, by the labels the node agent puts on it. */
  async containerId(namespace: string, pod: string, container: string): Promise<string | undefined> {
    const r = await execa('docker', ['-H', `unix://${this.dockerd.socketPath}`, 'ps', '-q', '--filter', `label=io.kubernetes.pod.namespace=${namespace}`, '--filter', `label=io.kubernetes.pod.name=${pod}`, '--filter', `label=io.kubernetes.container.name=${container}`], { reject: false, timeout: 60_000 });
    if (r.exitCode !== 0) throw new Error(`docker ps for ${namespace}/${pod} ${container} failed (exit ${String(r.exitCode)}): ${String(r.stderr)}`);
    return String(r.stdout).split('\n').filter(Boolean)[0];
  }

  /** Runs a command in a pod's container (docker exec), as `kubectl exec` would. */
  async execInPod(namespace: string, pod: string, container: string, cmd: string[], timeoutMs = 60_000): Promise<CommandResult> {
    const id = await this.containerId(namespace, pod, container);
    if (id === undefined) throw new Error(`no running container ${container} in pod ${namespace}/${pod}`);
    const r = await execa('docker', ['-H', `unix://${this.dockerd.socketPath}`, 'exec', id, ...cmd], { reject: false, timeout: timeoutMs });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  async docker(args: readonly string[]): Promise<CommandResult> {
    const r = await execa('docker', ['-H', `unix://${this.dockerd.socketPath}`, ...args], { reject: false, timeout: 60_000 });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /**
   * `meshctl cluster down`, then the state directory goes too (kept, with the hosts' logs, when
   * MESHKUBE_E2E_KEEP_STATE=1, to look into a failed run). Returns down's output.
   */
  async down(): Promise<CommandResult> {
    this.client.close();
    const keep = process.env.MESHKUBE_E2E_KEEP_STATE === '1';
    const kept = path.join(this.stateDir, 'kept');
    if (keep) cpSync(path.join(this.stateDir, this.name), kept, { recursive: true });
    const r = await this.meshctl(['cluster', 'down']);
    if (keep) console.log(`kept the state of cluster ${this.name} (hosts' logs in hosts/*/logs) in ${kept}`);
    else rmSync(this.stateDir, { recursive: true, force: true });
    return r;
  }
}

export function podReady(p: KubeObject): boolean {
  const st = p.status as { phase?: string; conditions?: Array<{ type?: string; status?: string }> } | undefined;
  return st?.phase === 'Running' && (st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

export function podNode(p: KubeObject): string {
  return String((p.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
}

/** Whether the pod is terminating (has a deletionTimestamp). */
export function podDeleting(p: KubeObject): boolean {
  return typeof (p.metadata as { deletionTimestamp?: string }).deletionTimestamp === 'string';
}

/** The worker running the fewest of `pods` (the first of `workers` on a tie), e.g. for a client whose requests should mostly cross hosts. */
export function fewestPodsWorker(pods: readonly KubeObject[], workers: readonly string[] = ['w1', 'w2', 'w3']): string {
  const nodes = pods.map(podNode);
  return workers.map((w) => ({ w, n: nodes.filter((x) => x === w).length })).sort((a, b) => a.n - b.n)[0]?.w ?? 'w1';
}
