// What one sync of a pod must do, decided from its spec and its runtime state alone, as the
// kubelet's computePodActions does: (re)create the sandbox, run the next init container, start
// or restart app containers, kill containers that failed a probe or changed, or kill the whole
// pod when nothing is left to run.
import type { ContainerSpec, PodView } from './pod-spec.js';
import type { ContainerState, RuntimePod } from './runtime-state.js';
import { latestContainer } from './runtime-state.js';
import type { ProbeResult } from './probes.js';

export interface ContainerToKill {
  container: ContainerState;
  /** Why, for the Killing event: "Container app failed liveness probe, will be restarted". */
  message: string;
}

export interface PodActions {
  /** Stop every container and the sandbox (a new sandbox is coming, or the pod is done). */
  killPod: boolean;
  createSandbox: boolean;
  sandboxAttempt: number;
  /** The ready sandbox to start containers in, when not creating one. */
  sandboxId?: string;
  /** The init container to run next. */
  nextInit?: ContainerSpec;
  /** App containers to start (after their back-off, checked when starting). */
  start: ContainerSpec[];
  kill: ContainerToKill[];
  /** Init failed and restartPolicy is Never: the pod has failed. */
  initFailed: boolean;
}

export interface ProbeView {
  result(containerId: string, kind: 'liveness' | 'readiness' | 'startup'): ProbeResult | undefined;
}

function succeeded(c: ContainerState | undefined): boolean {
  return c?.state === 'exited' && c.exitCode === 0;
}

/** kubelet's ShouldContainerBeRestarted. */
export function shouldRestart(spec: ContainerSpec, pod: PodView, rt: RuntimePod): boolean {
  const c = latestContainer(rt, spec.name);
  if (!c) return true;
  if (c.state === 'running') return false;
  if (c.state === 'created' || c.state === 'unknown') return true;
  if (pod.restartPolicy === 'Never') return false;
  if (pod.restartPolicy === 'OnFailure') return c.exitCode !== 0;
  return true;
}

type InitProgress = { kind: 'done' } | { kind: 'next'; spec: ContainerSpec } | { kind: 'running' } | { kind: 'failed'; spec: ContainerSpec };

/** kubelet's findNextInitContainerToRun, over the init containers of the current sandbox. */
export function initProgress(pod: PodView, rt: RuntimePod, sandboxId: string | undefined): InitProgress {
  const inSandbox = (name: string): ContainerState | undefined => rt.containers.find((c) => c.name === name && (sandboxId === undefined || c.sandboxId === sandboxId));
  // Once an app container runs, initialization is over (init containers may have been removed).
  if (pod.containers.some((c) => latestContainer(rt, c.name) && (sandboxId === undefined || inSandbox(c.name)))) return { kind: 'done' };
  for (let i = pod.initContainers.length - 1; i >= 0; i--) {
    const spec = pod.initContainers[i];
    if (!spec) continue;
    const c = inSandbox(spec.name);
    if (!c) continue;
    if (c.state === 'running' || c.state === 'created') return { kind: 'running' };
    if (c.state === 'exited' && c.exitCode !== 0) return { kind: 'failed', spec };
    if (c.state === 'unknown') return { kind: 'next', spec };
    // The newest init container that ran succeeded: the next one is due, or all are done.
    const next = pod.initContainers[i + 1];
    return next ? { kind: 'next', spec: next } : { kind: 'done' };
  }
  const first = pod.initContainers[0];
  return first ? { kind: 'next', spec: first } : { kind: 'done' };
}

export function computePodActions(pod: PodView, rt: RuntimePod, probes: ProbeView): PodActions {
  const actions: PodActions = { killPod: false, createSandbox: false, sandboxAttempt: 0, start: [], kill: [], initFailed: false };
  const sandbox = rt.sandboxes[0];
  const sandboxUsable = sandbox !== undefined && sandbox.ready && sandbox.ip !== undefined && rt.sandboxes.filter((s) => s.ready).length === 1;

  if (!sandboxUsable) {
    actions.killPod = true;
    actions.createSandbox = true;
    actions.sandboxAttempt = sandbox ? sandbox.attempt + 1 : 0;
    // A pod that must not restart and has run once stays down.
    if (pod.restartPolicy === 'Never' && sandbox !== undefined && rt.containers.length > 0) {
      actions.createSandbox = false;
      return actions;
    }
    if (pod.initContainers.length > 0) {
      actions.nextInit = pod.initContainers[0];
      return actions;
    }
    for (const c of pod.containers) {
      if (pod.restartPolicy === 'OnFailure' && succeeded(latestContainer(rt, c.name))) continue;
      actions.start.push(c);
    }
    if (actions.start.length === 0) actions.createSandbox = false;
    return actions;
  }

  actions.sandboxId = sandbox.id;
  const init = initProgress(pod, rt, sandbox.id);
  if (init.kind === 'running') return actions;
  if (init.kind === 'failed') {
    if (pod.restartPolicy === 'Never') {
      actions.killPod = true;
      actions.initFailed = true;
      return actions;
    }
    actions.nextInit = init.spec;
    return actions;
  }
  if (init.kind === 'next') {
    actions.nextInit = init.spec;
    return actions;
  }

  let keep = 0;
  for (const spec of pod.containers) {
    const c = latestContainer(rt, spec.name);
    if (!c || c.state !== 'running') {
      if (shouldRestart(spec, pod, rt)) actions.start.push(spec);
      continue;
    }
    let message: string | undefined;
    if (probes.result(c.id, 'liveness') === 'failure') message = `Container ${spec.name} failed liveness probe`;
    else if (probes.result(c.id, 'startup') === 'failure') message = `Container ${spec.name} failed startup probe`;
    else if (c.hash !== spec.hash) message = `Container ${spec.name} definition changed`;
    if (message === undefined) {
      keep++;
      continue;
    }
    const restart = pod.restartPolicy !== 'Never';
    actions.kill.push({ container: c, message: `${message}${restart ? ', will be restarted' : ''}` });
    if (restart) actions.start.push(spec);
  }
  if (keep === 0 && actions.start.length === 0) actions.killPod = true;
  return actions;
}
