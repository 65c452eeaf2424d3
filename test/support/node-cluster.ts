// A real cluster for node agent tests: hosts as network namespaces on a bridge (HostNetwork),
// store + API server + bin/sched in the root namespace (the API reachable from the hosts at the
// bridge address), a test dockerd with the base images, and one bin/node-agent per host, run
// inside its namespace with its own node credentials and serving certificate.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Resources } from '../../lib/controller/resources.js';
import { ensureBaseImages } from '../../lib/images/index.js';
import { CertFiles, issueComponentCredentials } from '../../services/api/auth/cert-dir.js';
import { kubeconfigYaml } from '../../services/api/auth/kubeconfig.js';
import { issueServerCert } from '../../services/api/auth/pki.js';
import { ApiCluster, apiMain } from './api-cluster.js';
import { removeTestContainers, startTestDockerd, testDockerClient } from './dockerd.js';
import type { TestDockerd } from './dockerd.js';
import { spawnLogged } from './logged-process.js';
import { HostNetwork } from './netns/index.js';
import { SchedProcesses } from './sched-processes.js';
import { sleep } from './store-cluster.js';

export const nodeAgentMain = path.join(path.dirname(path.dirname(apiMain)), 'node-agent/main.js');

export interface NodeClusterOptions {
  /** Short prefix for namespaces and node names ([a-z][a-z0-9]*). */
  name: string;
  hosts: string[];
  /** An unused /24 for the host network (default 10.10.0.0/24). */
  subnet?: string;
  apiArgs?: string[];
  schedArgs?: string[];
  agentArgs?: string[];
}

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class NodeCluster {
  private readonly agents = new Map<string, { proc: ChildProcess; exited: Promise<number | null> }>();

  private constructor(
    readonly o: NodeClusterOptions,
    readonly net: HostNetwork,
    readonly api: ApiCluster,
    readonly sched: SchedProcesses,
    readonly client: KubeClient,
    readonly dockerd: TestDockerd,
    readonly docker: Dockerode,
  ) {}

  static async start(o: NodeClusterOptions): Promise<NodeCluster> {
    if (!existsSync(nodeAgentMain)) throw new Error(`${nodeAgentMain} is missing: run npm run build first`);
    const subnet = o.subnet ?? '10.10.0.0/24';
    const base = subnet.split('/')[0]?.split('.').slice(0, 3).join('.') ?? '10.10.0';
    const net = await HostNetwork.create({ name: o.name, subnet, hosts: o.hosts.map((h, i) => ({ name: h, ip: `${base}.${String(21 + i)}` })) });
    const bridgeIp = `${base}.1`;
    let api: ApiCluster | undefined;
    let sched: SchedProcesses | undefined;
    let client: KubeClient | undefined;
    let dockerd: TestDockerd | undefined;
    try {
      dockerd = await startTestDockerd();
      const docker = testDockerClient(dockerd.socketPath);
      for (const h of o.hosts) await removeTestContainers(docker, `meshkube.node=${o.name}-${h}`);
      await ensureBaseImages(docker);
      api = await ApiCluster.start({ extraApiArgs: ['--bind-address', '0.0.0.0', '--advertise-address', bridgeIp, ...(o.apiArgs ?? [])] });
      client = await KubeClient.fromKubeconfig({ explicitPath: api.kubeconfig });
      sched = new SchedProcesses(api, o.schedArgs ?? []);
      await sched.start(1);
      const c = new NodeCluster(o, net, api, sched, client, dockerd, docker);
      for (const h of o.hosts) await c.writeAgentFiles(h, bridgeIp);
      for (const h of o.hosts) c.startAgent(h);
      for (const h of o.hosts) await c.waitNodeReady(h);
      return c;
    } catch (err) {
      await sched?.destroy();
      client?.close();
      await api?.destroy();
      await dockerd?.stop();
      await net.destroy();
      throw err;
    }
  }

  nodeName(host: string): string {
    return `${this.o.name}-${host}`;
  }

  agentDir(host: string): string {
    return path.join(this.api.dir, `agent-${host}`);
  }

  agentLog(host: string): string {
    return path.join(this.api.dir, `agent-${host}.log`);
  }

  agentLogTail(host: string, lines = 40): string {
    try {
      return readFileSync(this.agentLog(host), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private async writeAgentFiles(host: string, bridgeIp: string): Promise<void> {
    const dir = this.agentDir(host);
    mkdirSync(dir, { recursive: true });
    const node = this.nodeName(host);
    const creds = await issueComponentCredentials(this.api.certDir, { commonName: `system:node:${node}`, organizations: ['system:nodes'] });
    const caPem = readFileSync(path.join(this.api.certDir, CertFiles.caCert), 'utf8');
    const caKey = readFileSync(path.join(this.api.certDir, CertFiles.caKey), 'utf8');
    writeFileSync(
      path.join(dir, 'kubeconfig'),
      kubeconfigYaml({ server: `https://${bridgeIp}:${String(this.api.ports[0] ?? 0)}`, caPem, clientCertPem: creds.certPem, clientKeyPem: creds.keyPem, clusterName: 'test', userName: node, contextName: 'test' }),
    );
    const serving = issueServerCert({ certPem: caPem, keyPem: caKey }, { commonName: node, dnsNames: [node], ipAddresses: [this.net.ip(host)] });
    writeFileSync(path.join(dir, 'kubelet.crt'), serving.certPem);
    writeFileSync(path.join(dir, 'kubelet.key'), serving.keyPem);
    writeFileSync(path.join(dir, 'ca.crt'), caPem);
  }

  startAgent(host: string): void {
    const dir = this.agentDir(host);
    const args = [
      ...this.net.execPrefix(host),
      process.execPath,
      '--enable-source-maps',
      nodeAgentMain,
      '--kubeconfig', path.join(dir, 'kubeconfig'),
      '--node-name', this.nodeName(host),
      '--node-ip', this.net.ip(host),
      '--root-dir', path.join(dir, 'root'),
      '--container-runtime-endpoint', `unix://${this.dockerd.socketPath}`,
      '--tls-cert-file', path.join(dir, 'kubelet.crt'),
      '--tls-private-key-file', path.join(dir, 'kubelet.key'),
      '--client-ca-file', path.join(dir, 'ca.crt'),
      '--min-sync-period', '0s',
      ...(this.o.agentArgs ?? []),
    ];
    const [file, ...rest] = args as [string, ...string[]];
    const started = spawnLogged(file, rest, this.agentLog(host), () => this.agents.delete(host));
    this.agents.set(host, started);
  }

  async stopAgent(host: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const a = this.agents.get(host);
    if (!a) return null;
    a.proc.kill(signal);
    return a.exited;
  }

  agentRunning(host: string): boolean {
    return this.agents.has(host);
  }

  async waitNodeReady(host: string, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!this.agents.has(host)) throw new Error(`node agent ${host} exited:\n${this.agentLogTail(host)}`);
      try {
        const n = await this.client.get(Resources.nodes, this.nodeName(host));
        const st = n.status as { conditions?: Array<{ type: string; status: string }> } | undefined;
        if (st?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
      } catch {
        // not registered yet
      }
      if (Date.now() > until) throw new Error(`node ${host} not Ready after ${String(timeoutMs)} ms:\n${this.agentLogTail(host)}`);
      await sleep(250);
    }
  }

  kubectl(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): ReturnType<ApiCluster['kubectl']> {
    return this.api.kubectl(args, opts);
  }

  private dockerArgs(): string[] {
    return ['-H', `unix://${this.dockerd.socketPath}`];
  }

  /** The running container of a pod, by the labels the agent puts on it. */
  async containerId(namespace: string, pod: string, container: string): Promise<string | undefined> {
    const r = await execa('docker', [...this.dockerArgs(), 'ps', '-q', '--filter', `label=io.kubernetes.pod.namespace=${namespace}`, '--filter', `label=io.kubernetes.pod.name=${pod}`, '--filter', `label=io.kubernetes.container.name=${container}`], { reject: false });
    return String(r.stdout).split('\n').filter(Boolean)[0];
  }

  /** Runs a command in a pod's container (docker exec), as `kubectl exec` would. */
  async execInPod(namespace: string, pod: string, container: string, cmd: string[], timeoutMs = 60_000): Promise<ExecOutput> {
    const id = await this.containerId(namespace, pod, container);
    if (id === undefined) throw new Error(`no running container ${container} in pod ${namespace}/${pod}`);
    const r = await execa('docker', [...this.dockerArgs(), 'exec', id, ...cmd], { reject: false, timeout: timeoutMs });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** Docker containers this cluster's agents made (running or not). */
  async containers(host?: string): Promise<string[]> {
    const nodes = host !== undefined ? [host] : this.o.hosts;
    const out: string[] = [];
    for (const h of nodes) {
      const r = await execa('docker', [...this.dockerArgs(), 'ps', '-aq', '--filter', `label=meshkube.node=${this.nodeName(h)}`], { reject: false });
      out.push(...String(r.stdout).split('\n').filter(Boolean));
    }
    return out;
  }

  /** Docker containers (sandbox included, running or not) of the pod with this uid. */
  async containersOfPod(uid: string): Promise<string[]> {
    const r = await execa('docker', [...this.dockerArgs(), 'ps', '-aq', '--filter', `label=io.kubernetes.pod.uid=${uid}`], { reject: false });
    return String(r.stdout).split('\n').filter(Boolean);
  }

  /** Names (io.kubernetes.container.name, POD for the sandbox) of the pod's running containers. */
  async runningContainersOfPod(uid: string): Promise<string[]> {
    const r = await execa('docker', [...this.dockerArgs(), 'ps', '--filter', `label=io.kubernetes.pod.uid=${uid}`, '--format', '{{.Label "io.kubernetes.container.name"}}'], { reject: false });
    return String(r.stdout).split('\n').filter(Boolean);
  }

  async destroy(): Promise<void> {
    for (const h of [...this.agents.keys()]) await this.stopAgent(h);
    for (const h of this.o.hosts) await removeTestContainers(this.docker, `meshkube.node=${this.nodeName(h)}`).catch(() => 0);
    await this.sched.destroy();
    this.client.close();
    await this.api.destroy();
    await this.dockerd.stop();
    await this.net.destroy();
    for (const h of this.o.hosts) rmSync(this.agentDir(h), { recursive: true, force: true });
  }
}
