// The kubelet's pod lifecycle: pods bound to this node arrive through an informer; each pod has
// one worker at a time running syncPod (decide with computePodActions, act through the runtime,
// report status through pods/status). A relist of the runtime every second (the PLEG) wakes the
// pod whose containers changed; probe results and back-off timers wake it too. A pod marked for
// deletion is stopped within its grace period (preStop first) and then removed from the API; a
// pod the API no longer has is stopped and cleaned up, which also covers containers left by an
// earlier run of the agent.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { isApiError } from '../../../lib/api/kube-client/api-error.js';
import type { ControllerClient } from '../../../lib/controller/client.js';
import type { Clock, TimerHandle } from '../../../lib/controller/clock.js';
import type { EventRecorder } from '../../../lib/controller/event-recorder.js';
import type { Logger } from '../../../lib/controller/informer.js';
import { Resources } from '../../../lib/controller/resources.js';
import { RestartBackoff, goDuration } from './backoff.js';
import type { EnvSources } from './env.js';
import { ContainerConfigError, containerEnv, serviceLinkEnv } from './env.js';
import { computePodActions } from './pod-actions.js';
import type { ContainerSpec, Handler, PodView } from './pod-spec.js';
import { podView, resolvePort } from './pod-spec.js';
import type { PodRuntime } from './pod-runtime.js';
import type { Waiting } from './pod-status.js';
import { generatePodStatus } from './pod-status.js';
import type { ProbeKind, ProbeRunner } from './probes.js';
import { ProbeManager } from './probes.js';
import type { ContainerState, RuntimePod } from './runtime-state.js';
import { latestContainer } from './runtime-state.js';
import { VolumeSetupError, containerMounts, podEtcFiles, removePodDir, setUpVolumes } from './volumes.js';

type Json = Record<string, unknown>;

/** The kubelet's floor for a grace period it enforces itself (minimumGracePeriodInSeconds). */
const MIN_GRACE_SECONDS = 2;
/** How often a pod is synced even when nothing woke it (the kubelet's --sync-frequency). */
const DEFAULT_RESYNC_MS = 10_000;

export interface KubeletOptions {
  nodeName: string;
  hostIP: string;
  rootDir: string;
  client: ControllerClient;
  runtime: PodRuntime;
  probeRunner: ProbeRunner;
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
  dns: { nameserver: string; clusterDomain: string };
  /** The Services the env's service links come from. */
  listServices: () => KubeObject[];
  nodeAllocatable?: () => Record<string, string>;
  resyncMs?: number;
}

interface Worker {
  running: boolean;
  again: boolean;
  timer?: TimerHandle;
  timerAt?: number;
}

interface PodMemory {
  waiting: Map<string, Waiting>;
  lastStatus?: string;
  failed?: { reason: string; message: string };
  /** The API object as last seen, for cleanup after it is gone. */
  pod?: KubeObject;
  terminated?: boolean;
  /** The API object was deleted after termination; nothing is left to do but forget it. */
  removed?: boolean;
  imageBackoffAt: Map<string, number>;
}

export class Kubelet {
  private readonly pods = new Map<string, KubeObject>();
  private readonly workers = new Map<string, Worker>();
  private readonly memory = new Map<string, PodMemory>();
  private readonly backoff: RestartBackoff;
  private readonly imageBackoff: RestartBackoff;
  readonly probes: ProbeManager;
  private relistFingerprints = new Map<string, string>();
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: KubeletOptions) {
    this.backoff = new RestartBackoff(o.clock);
    this.imageBackoff = new RestartBackoff(o.clock);
    this.probes = new ProbeManager(o.probeRunner, o.clock, {
      onChange: (uid, _id, kind, result) => {
        this.o.log('probe result changed', { pod: this.describe(uid), kind, result });
        this.enqueue(uid);
      },
      onFailure: (uid, c, kind, output) => {
        const pod = this.pods.get(uid);
        if (pod) this.o.recorder.event(pod, 'Warning', 'Unhealthy', `${probeName(kind)} probe failed: ${output}`.slice(0, 1024));
        else this.o.log('probe failed', { container: c.name, kind, output });
      },
    });
  }

  private describe(uid: string): string {
    const p = this.pods.get(uid) ?? this.memory.get(uid)?.pod;
    return p ? `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}` : uid;
  }

  private mem(uid: string): PodMemory {
    let m = this.memory.get(uid);
    if (!m) {
      m = { waiting: new Map(), imageBackoffAt: new Map() };
      this.memory.set(uid, m);
    }
    return m;
  }

  /** The informer's view changed: a pod bound to this node was added, updated or deleted. */
  podUpdated(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    if (uid === '') return;
    this.pods.set(uid, pod);
    this.mem(uid).pod = pod;
    this.enqueue(uid);
  }

  podDeleted(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    this.pods.delete(uid);
    this.enqueue(uid);
  }

  /** Wakes the pod's worker (now, or after delayMs if no earlier wake is pending). */
  enqueue(uid: string, delayMs = 0): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, again: false };
      this.workers.set(uid, w);
    }
    const at = this.o.clock.now() + delayMs;
    if (delayMs > 0) {
      if (w.timer && w.timerAt !== undefined && w.timerAt <= at) return;
      w.timer?.cancel();
      const worker = w;
      w.timerAt = at;
      w.timer = this.o.clock.setTimeout(() => {
        worker.timer = undefined;
        worker.timerAt = undefined;
        this.enqueue(uid);
      }, delayMs);
      return;
    }
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = true;
    const p = this.runWorker(uid, w);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async runWorker(uid: string, w: Worker): Promise<void> {
    try {
      do {
        w.again = false;
        let retryMs: number | undefined;
        try {
          retryMs = await this.syncPod(uid);
        } catch (err) {
          this.o.log('pod sync failed', { pod: this.describe(uid), error: err instanceof Error ? err.message : String(err) });
          retryMs = 1000;
        }
        if (this.stopped) return;
        if (!this.pods.has(uid) && !this.memory.has(uid)) {
          w.timer?.cancel();
          this.workers.delete(uid);
          return;
        }
        if (retryMs !== undefined) this.enqueue(uid, retryMs);
      } while (w.again && !this.stopped);
    } finally {
      w.running = false;
    }
  }

  /** PLEG: compares the runtime with the last relist and wakes pods whose containers changed. */
  async relist(): Promise<void> {
    const all = await this.o.runtime.listPods();
    const next = new Map<string, string>();
    for (const [uid, rp] of all) {
      const fp = [...rp.sandboxes.map((s) => `${s.id}:${String(s.ready)}`), ...rp.containers.map((c) => `${c.id}:${c.state}`)].sort().join(',');
      next.set(uid, fp);
      if (this.relistFingerprints.get(uid) !== fp || !this.pods.has(uid)) this.enqueue(uid);
    }
    for (const uid of this.relistFingerprints.keys()) if (!next.has(uid)) this.enqueue(uid);
    this.relistFingerprints = next;
  }

  /** Every pod this node knows of, as the node API's /pods lists them. */
  knownPods(): KubeObject[] {
    return [...this.pods.values()];
  }

  /**
   * One pass over a pod. Returns when to look again (ms) if something waits on time: a
   * back-off, a grace period, a volume that could not be set up.
   */
  async syncPod(uid: string): Promise<number | undefined> {
    const pod = this.pods.get(uid);
    const rt = await this.o.runtime.getPod(uid);
    if (!pod) {
      await this.cleanUp(uid, rt, MIN_GRACE_SECONDS);
      return undefined;
    }
    const view = podView(pod);
    if (view.nodeName !== this.o.nodeName) return undefined;
    const mem = this.mem(uid);
    if (view.deletionTimestamp !== undefined) {
      if (!mem.removed) await this.terminate(pod, view, rt);
      return undefined;
    }
    if (mem.terminated) return undefined;
    const phase = isRecord(pod.status) ? pod.status.phase : undefined;
    if ((phase === 'Succeeded' || phase === 'Failed') && !rt.sandboxes.some((s) => s.ready)) return undefined;

    const actions = computePodActions(view, rt, this.probes);
    let retryMs: number | undefined;
    // The runtime is read again only after this sync changed something in it.
    let changed = actions.killPod || actions.kill.length > 0 || actions.createSandbox;
    const current = async (): Promise<RuntimePod> => (changed ? this.o.runtime.getPod(uid) : rt);
    if (actions.killPod) {
      await this.killContainers(pod, view, rt.containers.filter((c) => c.state === 'running' || c.state === 'created'), view.terminationGracePeriodSeconds);
      for (const s of rt.sandboxes) if (s.ready) await this.o.runtime.stopSandbox(s.id);
      this.probes.removePod(uid);
    }
    for (const k of actions.kill) {
      this.o.recorder.event(pod, 'Normal', 'Killing', k.message);
      await this.killContainers(pod, view, [k.container], view.terminationGracePeriodSeconds);
    }
    if (actions.initFailed) {
      const failedInit = view.initContainers.find((c) => {
        const s = latestContainer(rt, c.name);
        return s?.state === 'exited' && s.exitCode !== 0;
      });
      mem.failed = { reason: 'Failed', message: `init container ${failedInit?.name ?? ''} failed` };
    }

    let sandboxId = actions.sandboxId;
    let podIP = rt.sandboxes[0]?.ip;
    if (actions.createSandbox) {
      try {
        const s = await this.o.runtime.runSandbox(view, actions.sandboxAttempt);
        sandboxId = s.id;
        podIP = s.ip;
      } catch (err) {
        this.o.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errText(err)}`);
        await this.writeStatus(pod, view, await this.o.runtime.getPod(uid), undefined);
        return 1000;
      }
    }

    const toStart: { spec: ContainerSpec; init: boolean }[] = [];
    if (actions.nextInit) toStart.push({ spec: actions.nextInit, init: true });
    for (const s of actions.start) toStart.push({ spec: s, init: false });
    if (sandboxId !== undefined && podIP !== undefined && toStart.length > 0) {
      let volumes: Map<string, string> | undefined;
      try {
        volumes = await setUpVolumes(this.o.rootDir, view, this.facts(pod, podIP), this.sources());
      } catch (err) {
        if (!(err instanceof VolumeSetupError)) throw err;
        this.o.recorder.event(pod, 'Warning', 'FailedMount', err.message);
        retryMs = 2000;
      }
      if (volumes) {
        const etc = await podEtcFiles(this.o.rootDir, view, podIP, this.o.dns);
        const fresh = await current();
        changed = true;
        for (const { spec } of toStart) {
          const wait = await this.startContainer(pod, view, fresh, sandboxId, podIP, spec, volumes, etc);
          if (wait !== undefined) retryMs = Math.min(retryMs ?? wait, wait);
        }
      }
    }

    const after = await current();
    this.syncProbes(uid, view, after);
    await this.writeStatus(pod, view, after, podIP);
    return retryMs ?? this.o.resyncMs ?? DEFAULT_RESYNC_MS;
  }

  private facts(pod: KubeObject, podIP: string): { pod: KubeObject; podIP: string; hostIP: string; nodeName: string } {
    return { pod, podIP, hostIP: this.o.hostIP, nodeName: this.o.nodeName };
  }

  private sources(): EnvSources {
    const get = async (r: typeof Resources.secrets, namespace: string, name: string): Promise<KubeObject | undefined> => {
      try {
        return await this.o.client.get(r, name, { namespace });
      } catch (err) {
        if (isApiError(err, 404)) return undefined;
        throw err;
      }
    };
    return {
      getSecret: (ns, name) => get(Resources.secrets, ns, name),
      getConfigMap: (ns, name) => get(Resources.configMaps, ns, name),
    };
  }

  private syncProbes(uid: string, view: PodView, rt: RuntimePod): void {
    const ip = rt.sandboxes[0]?.ip ?? '';
    const running: { containerId: string; container: ContainerSpec; startedAt: number }[] = [];
    for (const spec of view.containers) {
      const c = latestContainer(rt, spec.name);
      if (c?.state === 'running') running.push({ containerId: c.id, container: spec, startedAt: c.startedAt ?? this.o.clock.now() });
    }
    this.probes.syncPod(uid, ip, running);
  }

  /** Starts one container, or records why it waits; returns when to try again if it waits. */
  private async startContainer(pod: KubeObject, view: PodView, rt: RuntimePod, sandboxId: string, podIP: string, spec: ContainerSpec, volumes: Map<string, string>, etc: { hostPath: string; containerPath: string; readOnly: boolean }[]): Promise<number | undefined> {
    const mem = this.mem(view.uid);
    const key = `${view.uid}/${spec.name}`;
    const last = latestContainer(rt, spec.name);
    const now = this.o.clock.now();
    if (last && last.state === 'exited') {
      const finished = last.finishedAt ?? now;
      if (this.backoff.isInBackoffSince(key, finished)) {
        const wait = this.backoff.current(key);
        const msg = `back-off ${goDuration(wait)} restarting failed container=${spec.name} pod=${view.name}_${view.namespace}(${view.uid})`;
        if (mem.waiting.get(spec.name)?.reason !== 'CrashLoopBackOff') {
          this.o.recorder.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${spec.name} in pod ${view.name}_${view.namespace}(${view.uid})`);
        }
        mem.waiting.set(spec.name, { reason: 'CrashLoopBackOff', message: msg });
        return Math.max(100, this.backoff.readyAt(key, finished) - now);
      }
      this.backoff.next(key, finished);
    }

    if (!(await this.o.runtime.imagePresent(spec.image))) {
      if (spec.imagePullPolicy === 'Never') {
        const msg = `Container image "${spec.image}" is not present with pull policy of Never`;
        if (mem.waiting.get(spec.name)?.reason !== 'ErrImageNeverPull') this.o.recorder.event(pod, 'Warning', 'ErrImageNeverPull', msg);
        mem.waiting.set(spec.name, { reason: 'ErrImageNeverPull', message: msg });
        return 10_000;
      }
      // No registry is reachable from these hosts, so a pull can only fail; it is reported as
      // the kubelet reports a failed pull, with the same back-off.
      const pullKey = `${key}/image`;
      if (this.imageBackoff.isInBackoffSince(pullKey, mem.imageBackoffAt.get(spec.name) ?? now)) {
        const msg = `Back-off pulling image "${spec.image}"`;
        if (mem.waiting.get(spec.name)?.reason !== 'ImagePullBackOff') this.o.recorder.event(pod, 'Normal', 'BackOff', msg);
        mem.waiting.set(spec.name, { reason: 'ImagePullBackOff', message: msg });
        const at = this.imageBackoff.readyAt(pullKey, mem.imageBackoffAt.get(spec.name) ?? now);
        return Math.max(100, at - now);
      }
      this.imageBackoff.next(pullKey, now);
      mem.imageBackoffAt.set(spec.name, now);
      const msg = `Failed to pull image "${spec.image}": image "${spec.image}" is not present on the node and no image registry is reachable from it`;
      this.o.recorder.event(pod, 'Warning', 'Failed', msg);
      mem.waiting.set(spec.name, { reason: 'ErrImagePull', message: msg });
      return this.imageBackoff.current(pullKey);
    }
    this.o.recorder.event(pod, 'Normal', 'Pulled', `Container image "${spec.image}" already present on machine`);

    let env: { name: string; value: string }[];
    let mounts: { hostPath: string; containerPath: string; readOnly: boolean }[];
    try {
      const serviceEnv = serviceLinkEnv(this.o.listServices(), view.namespace, view.enableServiceLinks);
      env = await containerEnv(spec, this.facts(pod, podIP), this.sources(), serviceEnv, this.o.nodeAllocatable?.() ?? {});
      mounts = [...containerMounts(spec, volumes), ...etc.filter((e) => !spec.volumeMounts.some((m) => m.mountPath === e.containerPath))];
    } catch (err) {
      if (!(err instanceof ContainerConfigError) && !(err instanceof VolumeSetupError)) throw err;
      this.o.recorder.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
      mem.waiting.set(spec.name, { reason: 'CreateContainerConfigError', message: err.message });
      return 10_000;
    }
    const restartCount = last ? last.restartCount + 1 : 0;
    try {
      await this.o.runtime.startContainer(view, sandboxId, { spec, env, mounts, restartCount, attempt: restartCount });
    } catch (err) {
      const msg = errText(err);
      this.o.recorder.event(pod, 'Warning', 'Failed', `Error: ${msg}`);
      mem.waiting.set(spec.name, { reason: 'RunContainerError', message: msg });
      return 10_000;
    }
    mem.waiting.delete(spec.name);
    this.o.recorder.event(pod, 'Normal', 'Created', `Created container ${spec.name}`);
    this.o.recorder.event(pod, 'Normal', 'Started', `Started container ${spec.name}`);
    return undefined;
  }

  /** Runs preStop hooks, then stops the containers within the grace period, all at once. */
  private async killContainers(pod: KubeObject | undefined, view: PodView | undefined, containers: ContainerState[], graceSeconds: number): Promise<void> {
    const start = this.o.clock.now();
    await Promise.all(
      containers.map(async (c) => {
        const spec = view ? [...view.containers, ...view.initContainers].find((s) => s.name === c.name) : undefined;
        if (pod && spec) this.o.recorder.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
        if (spec?.preStop && c.state === 'running') {
          try {
            await this.runHook(spec.preStop, c, spec, view?.uid ?? '', graceSeconds * 1000);
          } catch (err) {
            if (pod) this.o.recorder.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${errText(err)}`);
          }
        }
        const spent = (this.o.clock.now() - start) / 1000;
        const left = Math.max(MIN_GRACE_SECONDS, Math.ceil(graceSeconds - spent));
        await this.o.runtime.stopContainer(c.id, graceSeconds === 0 ? 0 : left);
      }),
    );
  }

  private async runHook(h: Handler, c: ContainerState, spec: ContainerSpec, uid: string, timeoutMs: number): Promise<void> {
    switch (h.kind) {
      case 'exec': {
        const r = await this.o.runtime.exec(c.id, h.exec.command, timeoutMs);
        if (r.exitCode !== 0) throw new Error(`command '${h.exec.command.join(' ')}' exited with ${String(r.exitCode)}: ${r.stdout}${r.stderr}`);
        return;
      }
      case 'httpGet': {
        const ip = (await this.o.runtime.getPod(uid)).sandboxes[0]?.ip ?? '';
        const port = resolvePort(h.httpGet.port, spec);
        const url = `${h.httpGet.scheme.toLowerCase()}://${h.httpGet.host ?? ip}:${String(port ?? 80)}${h.httpGet.path}`;
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return;
      }
      case 'sleep':
        await new Promise<void>((resolve) => this.o.clock.setTimeout(resolve, h.sleep.seconds * 1000));
        return;
      case 'tcpSocket':
        return;
    }
  }

  /** A pod marked for deletion: stop it within its grace period, report, then remove it from the API. */
  private async terminate(pod: KubeObject, view: PodView, rt: RuntimePod): Promise<void> {
    const mem = this.mem(view.uid);
    const grace = view.deletionGracePeriodSeconds ?? view.terminationGracePeriodSeconds;
    const live = rt.containers.filter((c) => c.state === 'running' || c.state === 'created');
    await this.killContainers(pod, view, live, grace);
    this.probes.removePod(view.uid);
    for (const s of rt.sandboxes) if (s.ready) await this.o.runtime.stopSandbox(s.id);
    mem.terminated = true;
    const after = await this.o.runtime.getPod(view.uid);
    await this.writeStatus(pod, view, after, undefined);
    try {
      await this.o.client.delete(Resources.pods, view.name, { namespace: view.namespace, gracePeriodSeconds: 0, preconditions: { uid: view.uid } });
    } catch (err) {
      if (!isApiError(err, 404) && !isApiError(err, 409)) throw err;
    }
    mem.removed = true;
    await this.removeRuntimeState(view.uid, after);
  }

  /** The pod is gone from the API (or never was ours): stop and remove what is left of it. */
  private async cleanUp(uid: string, rt: RuntimePod, graceSeconds: number): Promise<void> {
    const mem = this.memory.get(uid);
    const pod = mem?.pod;
    const view = pod ? podView(pod) : undefined;
    const live = rt.containers.filter((c) => c.state === 'running' || c.state === 'created');
    if (live.length > 0) await this.killContainers(pod, view, live, view ? Math.min(graceSeconds, view.terminationGracePeriodSeconds) : graceSeconds);
    for (const s of rt.sandboxes) if (s.ready) await this.o.runtime.stopSandbox(s.id);
    await this.removeRuntimeState(uid, rt);
  }

  private async removeRuntimeState(uid: string, rt: RuntimePod): Promise<void> {
    this.probes.removePod(uid);
    for (const c of rt.containers) await this.o.runtime.removeContainer(c.id);
    for (const s of rt.sandboxes) await this.o.runtime.removeSandbox(s.id);
    await removePodDir(this.o.rootDir, uid);
    this.backoff.forgetPrefix(`${uid}/`);
    this.imageBackoff.forgetPrefix(`${uid}/`);
    if (!this.pods.has(uid)) this.memory.delete(uid);
  }

  private async writeStatus(pod: KubeObject, view: PodView, rt: RuntimePod, podIP: string | undefined): Promise<void> {
    const mem = this.mem(view.uid);
    const oldStatus = isRecord(pod.status) ? pod.status : {};
    const status = generatePodStatus({
      pod: view,
      runtime: rt,
      probes: this.probes,
      waiting: mem.waiting,
      ...(podIP !== undefined ? { podIP } : {}),
      hostIP: this.o.hostIP,
      oldStatus,
      now: this.o.clock.now(),
      ...(mem.failed ? { failed: mem.failed } : {}),
    });
    const text = JSON.stringify(status);
    if (text === mem.lastStatus) return;
    // A merge patch: lists are replaced whole; top-level fields no longer reported are removed.
    const patch: Json = { ...status };
    for (const k of Object.keys(oldStatus)) if (!(k in patch) && k !== 'nominatedNodeName') patch[k] = null;
    try {
      const updated = await this.o.client.patch(Resources.pods, view.name, { metadata: { uid: view.uid }, status: patch }, 'merge', { namespace: view.namespace, subresource: 'status' });
      mem.lastStatus = text;
      if (this.pods.has(view.uid)) this.pods.set(view.uid, updated);
    } catch (err) {
      if (isApiError(err, 404) || isApiError(err, 409)) return;
      throw err;
    }
  }

  /** Starts nothing itself: the caller feeds pods and calls relist; stop waits for running syncs. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) w.timer?.cancel();
    this.probes.stopAll();
    await Promise.allSettled([...this.inFlight]);
  }
}

function probeName(kind: ProbeKind): string {
  return kind === 'liveness' ? 'Liveness' : kind === 'readiness' ? 'Readiness' : 'Startup';
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
