// The PodStatus the kubelet reports, computed from the spec, the runtime state, the probe
// results and the reasons the last sync left containers waiting (generateAPIPodStatus and
// getPhase in the kubelet). Pure: the caller writes it through pods/status.
import { isRecord } from '../../../lib/api/object.js';
import { formatTime } from '../../../lib/api/time.js';
import type { ContainerSpec, PodView } from './pod-spec.js';
import type { ProbeView } from './pod-actions.js';
import { initProgress } from './pod-actions.js';
import type { ContainerState, RuntimePod } from './runtime-state.js';
import { latestContainer, previousContainer } from './runtime-state.js';

type Json = Record<string, unknown>;

export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInputs {
  pod: PodView;
  runtime: RuntimePod;
  probes: ProbeView;
  /** Why a container is not running, from the last sync (CrashLoopBackOff, ErrImageNeverPull...). */
  waiting: ReadonlyMap<string, Waiting>;
  podIP?: string;
  hostIP: string;
  /** The status the API holds now: startTime, PodScheduled, qosClass and transition times carry over. */
  oldStatus: Json;
  now: number;
  /** Set when the pod failed (init failed with restartPolicy Never). */
  failed?: { reason: string; message: string };
}

const DOCKER = 'docker://';

function iso(ms: number | undefined): string | undefined {
  return ms === undefined || ms <= 0 ? undefined : formatTime(ms);
}

function terminated(c: ContainerState): Json {
  const t: Json = { exitCode: c.exitCode ?? 0, reason: c.reason ?? (c.exitCode === 0 ? 'Completed' : 'Error'), containerID: DOCKER + c.id };
  if (c.message !== undefined && c.message !== '') t.message = c.message;
  const started = iso(c.startedAt);
  const finished = iso(c.finishedAt);
  if (started !== undefined) t.startedAt = started;
  if (finished !== undefined) t.finishedAt = finished;
  return t;
}

function waitingState(w: Waiting): Json {
  return w.message !== undefined && w.message !== '' ? { waiting: { reason: w.reason, message: w.message } } : { waiting: { reason: w.reason } };
}

function containerStatus(spec: ContainerSpec, inp: StatusInputs, defaultWaiting: string, isInit: boolean): Json {
  const c = latestContainer(inp.runtime, spec.name);
  const prev = previousContainer(inp.runtime, spec.name);
  const status: Json = { name: spec.name, image: spec.image, imageID: c?.imageId ?? '', ready: false, restartCount: c?.restartCount ?? 0, started: false };
  if (c) status.containerID = DOCKER + c.id;
  const w = inp.waiting.get(spec.name);
  let state: Json;
  let last: Json = {};
  if (!c) {
    state = waitingState(w ?? { reason: defaultWaiting });
  } else if (c.state === 'running') {
    state = { running: { startedAt: iso(c.startedAt) ?? formatTime(inp.now) } };
    if (prev && prev.state === 'exited') last = { terminated: terminated(prev) };
    const startup = inp.probes.result(c.id, 'startup');
    const started = startup === undefined || startup === 'success';
    status.started = started;
    if (!isInit) {
      const readiness = inp.probes.result(c.id, 'readiness');
      status.ready = started && (spec.readinessProbe === undefined || readiness === 'success');
    }
  } else if (c.state === 'exited') {
    if (w) {
      // Waiting to restart: the end of this run is the last state.
      state = waitingState(w);
      last = { terminated: terminated(c) };
    } else {
      state = { terminated: terminated(c) };
      if (prev && prev.state === 'exited') last = { terminated: terminated(prev) };
    }
    if (isInit && c.exitCode === 0) status.ready = true;
  } else {
    state = waitingState(w ?? { reason: 'ContainerCreating' });
    if (prev && prev.state === 'exited') last = { terminated: terminated(prev) };
  }
  status.state = state;
  status.lastState = last;
  return status;
}

function condition(type: string, ok: boolean, inp: StatusInputs, reason?: string, message?: string): Json {
  const old = (Array.isArray(inp.oldStatus.conditions) ? inp.oldStatus.conditions.filter(isRecord) : []).find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  const c: Json = { type, status, lastProbeTime: null, lastTransitionTime: old && old.status === status && typeof old.lastTransitionTime === 'string' ? old.lastTransitionTime : formatTime(inp.now) };
  if (!ok && reason !== undefined) c.reason = reason;
  if (!ok && message !== undefined) c.message = message;
  return c;
}

/** kubelet's getPhase over the app containers' statuses. */
export function podPhase(pod: PodView, statuses: Json[], initDone: boolean, initFailed: boolean): string {
  if (initFailed) return 'Failed';
  if (!initDone) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeededCount = 0;
  for (const s of statuses) {
    const state = isRecord(s.state) ? s.state : {};
    const last = isRecord(s.lastState) ? s.lastState : {};
    if (isRecord(state.running)) running++;
    else if (isRecord(state.terminated)) {
      stopped++;
      if (state.terminated.exitCode === 0) succeededCount++;
    } else if (isRecord(state.waiting)) {
      if (isRecord(last.terminated)) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (pod.restartPolicy === 'Always') return 'Running';
    if (stopped === succeededCount) return 'Succeeded';
    if (pod.restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

export function generatePodStatus(inp: StatusInputs): Json {
  const { pod, runtime } = inp;
  const sandbox = runtime.sandboxes[0];
  const progress = initProgress(pod, runtime, sandbox?.ready ? sandbox.id : undefined);
  const initDone = progress.kind === 'done';
  const initStatuses = pod.initContainers.map((c) => containerStatus(c, inp, 'PodInitializing', true));
  const statuses = pod.containers.map((c) => containerStatus(c, inp, initDone ? 'ContainerCreating' : 'PodInitializing', false));
  const phase = inp.failed ? 'Failed' : podPhase(pod, statuses, initDone, false);

  const notReady = statuses.filter((s) => s.ready !== true).map((s) => String(s.name));
  const incompleteInit = pod.initContainers.filter((c, i) => {
    const s = initStatuses[i] ?? {};
    const st = isRecord(s.state) ? s.state : {};
    return !(isRecord(st.terminated) && st.terminated.exitCode === 0) && !(initDone && latestContainer(runtime, c.name) === undefined);
  });
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = notReady.length === 0 && !completed;
  const notReadyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
  const oldConditions = Array.isArray(inp.oldStatus.conditions) ? inp.oldStatus.conditions.filter(isRecord) : [];
  const scheduled = oldConditions.find((c) => c.type === 'PodScheduled');
  const conditions: Json[] = [
    condition('PodReadyToStartContainers', sandbox !== undefined && sandbox.ready && sandbox.ip !== undefined, inp),
    condition('Initialized', initDone, inp, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.map((c) => c.name).join(' ')}]`),
    condition('Ready', containersReady, inp, notReadyReason, notReadyMessage),
    condition('ContainersReady', containersReady, inp, notReadyReason, notReadyMessage),
    ...(scheduled ? [scheduled] : []),
  ];
  const status: Json = {
    phase,
    conditions,
    hostIP: inp.hostIP,
    hostIPs: [{ ip: inp.hostIP }],
    startTime: typeof inp.oldStatus.startTime === 'string' ? inp.oldStatus.startTime : formatTime(inp.now),
    containerStatuses: statuses,
  };
  if (pod.initContainers.length > 0) status.initContainerStatuses = initStatuses;
  const ip = inp.podIP ?? (typeof inp.oldStatus.podIP === 'string' ? inp.oldStatus.podIP : undefined);
  if (ip !== undefined && ip !== '') {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  if (typeof inp.oldStatus.qosClass === 'string') status.qosClass = inp.oldStatus.qosClass;
  if (inp.failed) {
    status.reason = inp.failed.reason;
    status.message = inp.failed.message;
  }
  return status;
}
