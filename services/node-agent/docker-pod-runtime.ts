// The kubelet's PodRuntime over Docker (runtime/) and the CNI bridge (network/): a sandbox is
// a pause container whose network namespace gets a veth and a pod IP, containers join it, and
// the spec hash and restart count ride on the containers as dockershim kept them, so that an
// agent that restarts finds its pods as it left them.
import { milliOf } from './kubelet/env.js';
import type { ContainerLaunch, PodRuntime } from './kubelet/pod-runtime.js';
import type { PodView } from './kubelet/pod-spec.js';
import type { ContainerState, RuntimePod, SandboxState } from './kubelet/runtime-state.js';
import { emptyRuntimePod, sortRuntimePod } from './kubelet/runtime-state.js';
import type { Logger } from '../../lib/controller/informer.js';
import type { Container, ContainerRuntime, ContainerStatus, PodSandbox } from './runtime/index.js';
import { ContainerNotFoundError } from './runtime/index.js';

/** Annotation keys as dockershim stored them on containers. */
export const HASH_ANNOTATION = 'io.kubernetes.container.hash';
export const RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';

export interface PodNetworkPort {
  setUp(containerId: string, netnsPath: string): Promise<{ ip: string }>;
  tearDown(containerId: string, netnsPath?: string): Promise<void>;
  ipOf(containerId: string): Promise<string | undefined>;
}

function ms(d: Date | undefined): number | undefined {
  const t = d?.getTime();
  return t === undefined || Number.isNaN(t) || t <= 0 ? undefined : t;
}

function bytes(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = milliOf(q);
  return m === undefined ? undefined : Number(m / 1000n);
}

function millicores(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = milliOf(q);
  return m === undefined ? undefined : Number(m);
}

export class DockerPodRuntime implements PodRuntime {
  /** Exited containers do not change: their status is read once. */
  private readonly finished = new Map<string, ContainerStatus>();

  constructor(
    private readonly rt: ContainerRuntime,
    private readonly network: PodNetworkPort,
    private readonly log: Logger,
  ) {}

  private async status(id: string): Promise<ContainerStatus | undefined> {
    const cached = this.finished.get(id);
    if (cached) return cached;
    try {
      const s = await this.rt.containerStatus(id);
      if (s.state === 'exited') this.finished.set(id, s);
      return s;
    } catch (err) {
      if (err instanceof ContainerNotFoundError) return undefined;
      throw err;
    }
  }

  private toContainer(s: ContainerStatus, sandboxId: string): ContainerState {
    const restart = Number(s.annotations[RESTART_COUNT_ANNOTATION] ?? s.metadata.attempt);
    const startedAt = ms(s.startedAt);
    const finishedAt = ms(s.finishedAt);
    const c: ContainerState = {
      id: s.id,
      name: s.metadata.name,
      sandboxId,
      attempt: s.metadata.attempt,
      state: s.state,
      createdAt: ms(s.createdAt) ?? 0,
      image: s.image,
      imageId: s.imageId,
      hash: s.annotations[HASH_ANNOTATION] ?? '',
      restartCount: Number.isFinite(restart) ? restart : 0,
      ...(startedAt !== undefined ? { startedAt } : {}),
    };
    if (s.state === 'exited') {
      c.exitCode = s.exitCode;
      if (finishedAt !== undefined) c.finishedAt = finishedAt;
      if (s.reason !== '') c.reason = s.reason;
      if (s.message !== '') c.message = s.message;
    }
    return c;
  }

  async listPods(): Promise<Map<string, RuntimePod>> {
    const [sandboxes, containers] = await Promise.all([this.rt.listPodSandboxes(), this.rt.listContainers()]);
    // A full listing shows which exited containers are gone: their cached statuses go too.
    const live = new Set(containers.map((c) => c.id));
    for (const id of this.finished.keys()) if (!live.has(id)) this.finished.delete(id);
    return this.assemble(sandboxes, containers);
  }

  async getPod(uid: string): Promise<RuntimePod> {
    const [sandboxes, containers] = await Promise.all([this.rt.listPodSandboxes({ podUid: uid }), this.rt.listContainers({ podUid: uid })]);
    return (await this.assemble(sandboxes, containers)).get(uid) ?? emptyRuntimePod(uid);
  }

  /** Sandboxes (with their pod IPs) and containers (with their statuses) grouped by pod UID. */
  private async assemble(sandboxes: readonly PodSandbox[], containers: readonly Container[]): Promise<Map<string, RuntimePod>> {
    const pods = new Map<string, RuntimePod>();
    const podOf = (uid: string): RuntimePod => {
      let p = pods.get(uid);
      if (!p) {
        p = emptyRuntimePod(uid);
        pods.set(uid, p);
      }
      return p;
    };
    const sandboxUid = new Map<string, string>();
    for (const s of sandboxes) {
      sandboxUid.set(s.id, s.metadata.uid);
      const ip = s.state === 'ready' ? await this.network.ipOf(s.id) : undefined;
      const st: SandboxState = { id: s.id, attempt: s.metadata.attempt, ready: s.state === 'ready', createdAt: s.createdAt.getTime(), ...(ip !== undefined ? { ip } : {}) };
      podOf(s.metadata.uid).sandboxes.push(st);
    }
    for (const c of containers) {
      const uid = c.labels['io.kubernetes.pod.uid'] ?? sandboxUid.get(c.podSandboxId);
      if (uid === undefined) continue;
      const s = await this.status(c.id);
      if (s) podOf(uid).containers.push(this.toContainer(s, c.podSandboxId));
    }
    for (const [uid, p] of pods) pods.set(uid, sortRuntimePod(p));
    return pods;
  }

  async runSandbox(pod: PodView, attempt: number): Promise<{ id: string; ip: string }> {
    const s = await this.rt.runPodSandbox({ name: pod.name, namespace: pod.namespace, uid: pod.uid, attempt, hostname: pod.hostname });
    try {
      const { ip } = await this.network.setUp(s.id, s.netnsPath);
      return { id: s.id, ip };
    } catch (err) {
      this.log('pod network setup failed', { pod: `${pod.namespace}/${pod.name}`, error: err instanceof Error ? err.message : String(err) });
      await this.network.tearDown(s.id, s.netnsPath).catch(() => undefined);
      await this.rt.removePodSandbox(s.id).catch(() => undefined);
      throw err;
    }
  }

  async stopSandbox(id: string): Promise<void> {
    let netnsPath: string | undefined;
    try {
      netnsPath = (await this.rt.podSandboxStatus(id)).netnsPath;
    } catch (err) {
      if (!(err instanceof ContainerNotFoundError)) throw err;
    }
    // The network goes first, while the namespace it lives in still exists.
    await this.network.tearDown(id, netnsPath);
    await this.rt.stopPodSandbox(id);
  }

  async removeSandbox(id: string): Promise<void> {
    await this.network.tearDown(id);
    await this.rt.removePodSandbox(id);
  }

  async imagePresent(image: string): Promise<boolean> {
    return (await this.rt.imageStatus(image)) !== undefined;
  }

  async startContainer(_pod: PodView, sandboxId: string, l: ContainerLaunch): Promise<string> {
    const c = l.spec;
    const memoryLimitBytes = bytes(c.limits.memory);
    const cpuLimitMilli = millicores(c.limits.cpu);
    const cpuRequestMilli = millicores(c.requests.cpu ?? c.limits.cpu);
    const id = await this.rt.createContainer(sandboxId, {
      name: c.name,
      attempt: l.attempt,
      image: c.image,
      ...(c.command !== undefined ? { command: c.command } : {}),
      ...(c.args !== undefined ? { args: c.args } : {}),
      env: l.env,
      ...(c.workingDir !== undefined ? { workingDir: c.workingDir } : {}),
      mounts: l.mounts,
      ...(memoryLimitBytes !== undefined ? { memoryLimitBytes } : {}),
      ...(cpuLimitMilli !== undefined ? { cpuLimitMilli } : {}),
      ...(cpuRequestMilli !== undefined ? { cpuRequestMilli } : {}),
      ...(c.runAsUser !== undefined ? { runAsUser: c.runAsUser } : {}),
      annotations: { [HASH_ANNOTATION]: c.hash, [RESTART_COUNT_ANNOTATION]: String(l.restartCount) },
    });
    try {
      await this.rt.startContainer(id);
    } catch (err) {
      // A container that never started is not kept: the next sync creates a fresh one.
      await this.rt.removeContainer(id).catch(() => undefined);
      throw err;
    }
    return id;
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.rt.stopContainer(id, graceSeconds);
  }

  async removeContainer(id: string): Promise<void> {
    this.finished.delete(id);
    await this.rt.removeContainer(id);
  }

  async exec(id: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return this.rt.execSync(id, cmd, timeoutMs);
  }
}
