// A PodRuntime for the kubelet's own unit tests, driven on virtual time: containers "run" until
// the test makes them exit. The node agent's behaviour against real Docker is tested in
// test/node-agent; this one lets restart, back-off and probe logic be checked step by step.
import type { Clock } from '../../../lib/controller/clock.js';
import type { ContainerLaunch, PodRuntime } from './pod-runtime.js';
import type { PodView } from './pod-spec.js';
import type { ContainerState, RuntimePod, SandboxState } from './runtime-state.js';
import { sortRuntimePod } from './runtime-state.js';

export interface ScriptedContainer extends ContainerState {
  podUid: string;
  launch?: ContainerLaunch;
  /** Exit code when stopped: 0 if the process handles SIGTERM, else 137 (SIGKILL). */
  exitOnStop: number;
}

export class ScriptedRuntime implements PodRuntime {
  readonly sandboxes = new Map<string, SandboxState & { podUid: string }>();
  readonly containers = new Map<string, ScriptedContainer>();
  readonly images = new Set<string>();
  readonly calls: string[] = [];
  private seq = 0;
  private ipSeq = 1;
  execResult: (id: string, cmd: string[]) => { exitCode: number; stdout: string; stderr: string } = () => ({ exitCode: 0, stdout: '', stderr: '' });

  constructor(private readonly clock: Clock) {}

  private id(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(4, '0')}`;
  }

  async listPods(): Promise<Map<string, RuntimePod>> {
    await Promise.resolve();
    const uids = new Set<string>([...[...this.sandboxes.values()].map((s) => s.podUid), ...[...this.containers.values()].map((c) => c.podUid)]);
    const out = new Map<string, RuntimePod>();
    for (const uid of uids) out.set(uid, this.pod(uid));
    return out;
  }

  private pod(uid: string): RuntimePod {
    return sortRuntimePod({
      uid,
      sandboxes: [...this.sandboxes.values()].filter((s) => s.podUid === uid).map(({ podUid: _p, ...s }) => ({ ...s })),
      containers: [...this.containers.values()].filter((c) => c.podUid === uid).map(({ podUid: _p, launch: _l, exitOnStop: _e, ...c }) => ({ ...c })),
    });
  }

  async getPod(uid: string): Promise<RuntimePod> {
    await Promise.resolve();
    return this.pod(uid);
  }

  async runSandbox(pod: PodView, attempt: number): Promise<{ id: string; ip: string }> {
    await Promise.resolve();
    const id = this.id('sb');
    const ip = `10.244.1.${String(++this.ipSeq)}`;
    this.sandboxes.set(id, { id, attempt, ready: true, createdAt: this.clock.now(), ip, podUid: pod.uid });
    this.calls.push(`runSandbox ${pod.name} ${String(attempt)}`);
    return { id, ip };
  }

  async stopSandbox(id: string): Promise<void> {
    await Promise.resolve();
    const s = this.sandboxes.get(id);
    if (s) {
      s.ready = false;
      delete s.ip;
    }
    this.calls.push(`stopSandbox ${id}`);
  }

  async removeSandbox(id: string): Promise<void> {
    await Promise.resolve();
    this.sandboxes.delete(id);
    this.calls.push(`removeSandbox ${id}`);
  }

  async imagePresent(image: string): Promise<boolean> {
    await Promise.resolve();
    return this.images.has(image);
  }

  async startContainer(pod: PodView, sandboxId: string, launch: ContainerLaunch): Promise<string> {
    await Promise.resolve();
    const id = this.id('c');
    const now = this.clock.now();
    this.containers.set(id, {
      id,
      name: launch.spec.name,
      sandboxId,
      attempt: launch.attempt,
      state: 'running',
      createdAt: now,
      startedAt: now,
      image: launch.spec.image,
      imageId: `sha256:${launch.spec.image}`,
      hash: launch.spec.hash,
      restartCount: launch.restartCount,
      podUid: pod.uid,
      launch,
      exitOnStop: 0,
    });
    this.calls.push(`start ${launch.spec.name} restartCount=${String(launch.restartCount)}`);
    return id;
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await Promise.resolve();
    const c = this.containers.get(id);
    if (c && c.state === 'running') this.exitContainer(c, c.exitOnStop);
    this.calls.push(`stop ${c?.name ?? id} grace=${String(graceSeconds)}`);
  }

  async removeContainer(id: string): Promise<void> {
    await Promise.resolve();
    this.containers.delete(id);
  }

  async exec(id: string, cmd: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    await Promise.resolve();
    this.calls.push(`exec ${this.containers.get(id)?.name ?? id} ${cmd.join(' ')}`);
    return this.execResult(id, cmd);
  }

  private exitContainer(c: ScriptedContainer, code: number): void {
    c.state = 'exited';
    c.exitCode = code;
    c.reason = code === 0 ? 'Completed' : 'Error';
    c.finishedAt = this.clock.now();
  }

  /** The running container `name` of the pod exits with `code`. */
  exit(podUid: string, name: string, code: number): void {
    const c = [...this.containers.values()].find((x) => x.podUid === podUid && x.name === name && x.state === 'running');
    if (!c) throw new Error(`no running container ${name}`);
    this.exitContainer(c, code);
  }

  running(podUid: string): string[] {
    return [...this.containers.values()].filter((c) => c.podUid === podUid && c.state === 'running').map((c) => c.name);
  }
}
