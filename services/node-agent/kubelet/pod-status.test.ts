import { describe, expect, it } from 'vitest';
import { formatTime } from '../../../lib/api/time.js';
import type { ProbeView } from './pod-actions.js';
import type { PodView, RestartPolicy } from './pod-spec.js';
import { podView } from './pod-spec.js';
import type { StatusInputs, Waiting } from './pod-status.js';
import { generatePodStatus, podPhase } from './pod-status.js';
import type { ContainerRunState, ContainerState, RuntimePod, SandboxState } from './runtime-state.js';
import { sortRuntimePod } from './runtime-state.js';
import type { ProbeKind, ProbeResult } from './probes.js';

type Json = Record<string, unknown>;

const image = 'mesh/base:latest';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const NOW = T0 + 60_000;
const iso = (ms: number): string => formatTime(ms);

function view(restartPolicy: RestartPolicy, containers: Json[], initContainers: Json[] = []): PodView {
  return podView({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { restartPolicy, containers, initContainers } });
}

const plain = (name: string): Json => ({ name, image });
const sandbox = (o: Partial<SandboxState> = {}): SandboxState => ({ id: 'sb1', attempt: 0, ready: true, createdAt: T0, ip: '10.244.1.2', ...o });

let seq = 0;
function ctr(name: string, state: ContainerRunState, o: Partial<ContainerState> = {}): ContainerState {
  seq++;
  return {
    id: `c${String(seq)}`,
    name,
    sandboxId: 'sb1',
    attempt: 0,
    state,
    createdAt: T0 + seq,
    startedAt: T0 + 1000,
    image,
    imageId: 'docker-pullable://mesh/base@sha256:1',
    hash: '',
    restartCount: 0,
    ...(state === 'exited' ? { exitCode: 0, finishedAt: T0 + 5000 } : {}),
    ...o,
  };
}

function probes(results: Record<string, ProbeResult> = {}): ProbeView {
  return { result: (id: string, kind: ProbeKind) => results[`${id}/${kind}`] };
}

function inputs(pod: PodView, sandboxes: SandboxState[], containers: ContainerState[], o: Partial<StatusInputs> = {}): StatusInputs {
  const runtime: RuntimePod = sortRuntimePod({ uid: 'u', sandboxes, containers });
  return { pod, runtime, probes: probes(), waiting: new Map<string, Waiting>(), podIP: '10.244.1.2', hostIP: '10.10.0.21', oldStatus: {}, now: NOW, ...o };
}

function cond(s: Json, type: string): Json | undefined {
  return (s.conditions as Json[]).find((c) => c.type === type);
}

function cstatus(s: Json, name: string, init = false): Json {
  const list = (init ? s.initContainerStatuses : s.containerStatuses) as Json[];
  const found = list.find((c) => c.name === name);
  if (!found) throw new Error(`no status for ${name}`);
  return found;
}

describe('generatePodStatus', () => {
  it('a running, ready pod: the whole status', () => {
    const app = ctr('app', 'running');
    const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-12-31T00:00:00Z' };
    const s = generatePodStatus(inputs(view('Always', [plain('app')]), [sandbox()], [app], { oldStatus: { conditions: [scheduled], qosClass: 'BestEffort' } }));
    const now = iso(NOW);
    expect(s).toEqual({
      phase: 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        scheduled,
      ],
      hostIP: '10.10.0.21',
      hostIPs: [{ ip: '10.10.0.21' }],
      startTime: now,
      podIP: '10.244.1.2',
      podIPs: [{ ip: '10.244.1.2' }],
      qosClass: 'BestEffort',
      containerStatuses: [
        {
          name: 'app',
          image,
          imageID: 'docker-pullable://mesh/base@sha256:1',
          containerID: `docker://${app.id}`,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: iso(T0 + 1000) } },
          lastState: {},
        },
      ],
    });
  });

  it('carries startTime, podIP and the transition times of conditions that keep their status', () => {
    const old = {
      startTime: '2025-12-31T10:00:00Z',
      podIP: '10.244.1.9',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: '2025-12-31T10:00:05Z' },
        { type: 'Initialized', status: 'False', lastTransitionTime: '2025-12-31T10:00:01Z' },
      ],
    };
    const s = generatePodStatus(inputs(view('Always', [plain('app')]), [sandbox()], [ctr('app', 'running')], { oldStatus: old, podIP: undefined }));
    expect(s.startTime).toBe('2025-12-31T10:00:00Z');
    expect(s.podIP).toBe('10.244.1.9');
    expect(s.podIPs).toEqual([{ ip: '10.244.1.9' }]);
    expect(cond(s, 'Ready')?.lastTransitionTime).toBe('2025-12-31T10:00:05Z');
    expect(cond(s, 'Initialized')?.lastTransitionTime).toBe(iso(NOW));
    expect(cond(s, 'PodScheduled')).toBeUndefined();
    expect(s.qosClass).toBeUndefined();
  });

  it('has no podIP without one, and PodReadyToStartContainers False without a sandbox', () => {
    const s = generatePodStatus(inputs(view('Always', [plain('app')]), [], [], { podIP: undefined }));
    expect(s.podIP).toBeUndefined();
    expect(s.podIPs).toBeUndefined();
    expect(cond(s, 'PodReadyToStartContainers')).toEqual({ type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: iso(NOW) });
    expect(s.phase).toBe('Pending');
    expect(cstatus(s, 'app')).toEqual({ name: 'app', image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} });
  });

  it('reports a readiness probe: not ready until it succeeds', () => {
    const pod = view('Always', [{ ...plain('app'), readinessProbe: { tcpSocket: { port: 80 } } }, plain('side')]);
    const app = ctr('app', 'running');
    const side = ctr('side', 'running');
    const before = generatePodStatus(inputs(pod, [sandbox()], [app, side]));
    expect(cstatus(before, 'app')).toMatchObject({ ready: false, started: true });
    expect(cstatus(before, 'side')).toMatchObject({ ready: true, started: true });
    expect(before.phase).toBe('Running');
    const notReady = { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' };
    expect(cond(before, 'Ready')).toMatchObject({ type: 'Ready', ...notReady });
    expect(cond(before, 'ContainersReady')).toMatchObject({ type: 'ContainersReady', ...notReady });
    const after = generatePodStatus(inputs(pod, [sandbox()], [app, side], { probes: probes({ [`${app.id}/readiness`]: 'success' }) }));
    expect(cstatus(after, 'app')).toMatchObject({ ready: true, started: true });
    expect(cond(after, 'Ready')).toEqual({ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: iso(NOW) });
  });

  it('a startup probe that has not passed: not started and not ready', () => {
    const pod = view('Always', [{ ...plain('app'), startupProbe: { exec: { command: ['true'] } } }]);
    const app = ctr('app', 'running');
    const s = generatePodStatus(inputs(pod, [sandbox()], [app], { probes: probes({ [`${app.id}/startup`]: 'failure' }) }));
    expect(cstatus(s, 'app')).toMatchObject({ ready: false, started: false });
    const ok = generatePodStatus(inputs(pod, [sandbox()], [app], { probes: probes({ [`${app.id}/startup`]: 'success' }) }));
    expect(cstatus(ok, 'app')).toMatchObject({ ready: true, started: true });
  });

  it('a container waiting for its image: the waiting reason and message, phase Pending', () => {
    const waiting = new Map([['app', { reason: 'ErrImagePull', message: 'pull failed' }]]);
    const s = generatePodStatus(inputs(view('Always', [plain('app')]), [sandbox()], [], { waiting }));
    expect(cstatus(s, 'app').state).toEqual({ waiting: { reason: 'ErrImagePull', message: 'pull failed' } });
    expect(s.phase).toBe('Pending');
  });

  it('a crash-looping container: waiting CrashLoopBackOff with the last run as lastState, phase Running', () => {
    const app = ctr('app', 'exited', { exitCode: 1, restartCount: 3, message: 'boom' });
    const waiting = new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_default(u)' }]]);
    const s = generatePodStatus(inputs(view('Always', [plain('app')]), [sandbox()], [app], { waiting }));
    expect(cstatus(s, 'app')).toEqual({
      name: 'app',
      image,
      imageID: 'docker-pullable://mesh/base@sha256:1',
      containerID: `docker://${app.id}`,
      ready: false,
      started: false,
      restartCount: 3,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_default(u)' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'boom', containerID: `docker://${app.id}`, startedAt: iso(T0 + 1000), finishedAt: iso(T0 + 5000) } },
    });
    expect(s.phase).toBe('Running');
  });

  it('a restarted container shows the previous run as lastState', () => {
    const prev = ctr('app', 'exited', { exitCode: 137, reason: 'OOMKilled' });
    const cur = ctr('app', 'running', { restartCount: 1 });
    const s = generatePodStatus(inputs(view('Always', [plain('app')]), [sandbox()], [prev, cur]));
    expect(cstatus(s, 'app')).toMatchObject({
      containerID: `docker://${cur.id}`,
      restartCount: 1,
      state: { running: { startedAt: iso(T0 + 1000) } },
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', containerID: `docker://${prev.id}`, startedAt: iso(T0 + 1000), finishedAt: iso(T0 + 5000) } },
    });
  });

  it('restartPolicy Never, all succeeded: Succeeded, Ready False with PodCompleted', () => {
    const app = ctr('app', 'exited', { exitCode: 0 });
    const s = generatePodStatus(inputs(view('Never', [plain('app')]), [sandbox()], [app]));
    expect(s.phase).toBe('Succeeded');
    expect(cstatus(s, 'app').state).toEqual({ terminated: { exitCode: 0, reason: 'Completed', containerID: `docker://${app.id}`, startedAt: iso(T0 + 1000), finishedAt: iso(T0 + 5000) } });
    expect(cond(s, 'Ready')).toEqual({ type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: iso(NOW), reason: 'PodCompleted' });
    expect(cond(s, 'ContainersReady')).toEqual({ type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: iso(NOW), reason: 'PodCompleted' });
  });

  it.each([
    ['Never', [0, 1], 'Failed'],
    ['Never', [0, 0], 'Succeeded'],
    ['OnFailure', [0, 0], 'Succeeded'],
    ['OnFailure', [0, 1], 'Running'],
    ['Always', [0, 0], 'Running'],
  ] as const)('restartPolicy %s, exit codes %j: %s', (policy, codes, phase) => {
    const pod = view(policy, [plain('a'), plain('b')]);
    const s = generatePodStatus(inputs(pod, [sandbox()], [ctr('a', 'exited', { exitCode: codes[0] }), ctr('b', 'exited', { exitCode: codes[1] })]));
    expect(s.phase).toBe(phase);
  });

  it('init containers: Pending and not Initialized while they run', () => {
    const pod = view('Always', [plain('app')], [plain('i1'), plain('i2')]);
    const i1 = ctr('i1', 'running');
    const s = generatePodStatus(inputs(pod, [sandbox()], [i1]));
    expect(s.phase).toBe('Pending');
    expect(cond(s, 'Initialized')).toEqual({ type: 'Initialized', status: 'False', lastProbeTime: null, lastTransitionTime: iso(NOW), reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i1 i2]' });
    expect(cstatus(s, 'i1', true)).toMatchObject({ ready: false, started: true, state: { running: { startedAt: iso(T0 + 1000) } } });
    expect(cstatus(s, 'i2', true).state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(cstatus(s, 'app').state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
  });

  it('init containers done: Completed and ready, Initialized, app containers being created', () => {
    const pod = view('Always', [plain('app')], [plain('i1')]);
    const i1 = ctr('i1', 'exited', { exitCode: 0 });
    const s = generatePodStatus(inputs(pod, [sandbox()], [i1]));
    expect(cstatus(s, 'i1', true)).toMatchObject({ ready: true, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(cond(s, 'Initialized')?.status).toBe('True');
    expect(cstatus(s, 'app').state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(s.phase).toBe('Pending');
  });

  it('a failed init container: its message names it', () => {
    const pod = view('Always', [plain('app')], [plain('i1'), plain('i2')]);
    const s = generatePodStatus(inputs(pod, [sandbox()], [ctr('i1', 'exited', { exitCode: 0 }), ctr('i2', 'exited', { exitCode: 3 })]));
    expect(cond(s, 'Initialized')?.message).toBe('containers with incomplete status: [i2]');
    expect(cstatus(s, 'i2', true)).toMatchObject({ ready: false, state: { terminated: { exitCode: 3, reason: 'Error' } } });
    expect(s.phase).toBe('Pending');
  });

  it('has no initContainerStatuses without init containers', () => {
    expect(generatePodStatus(inputs(view('Always', [plain('app')]), [sandbox()], [])).initContainerStatuses).toBeUndefined();
  });

  it('a pod marked failed: phase Failed with reason and message', () => {
    const pod = view('Never', [plain('app')], [plain('i1')]);
    const s = generatePodStatus(inputs(pod, [sandbox({ ready: false, ip: undefined })], [ctr('i1', 'exited', { exitCode: 1 })], { failed: { reason: 'Failed', message: 'init container i1 failed' } }));
    expect(s.phase).toBe('Failed');
    expect(s.reason).toBe('Failed');
    expect(s.message).toBe('init container i1 failed');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});

describe('podPhase (kubelet getPhase)', () => {
  const running = { state: { running: {} }, lastState: {} };
  const waiting = { state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} };
  const crashLoop = { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } };
  const ok = { state: { terminated: { exitCode: 0 } }, lastState: {} };
  const bad = { state: { terminated: { exitCode: 1 } }, lastState: {} };

  it.each([
    ['Always', [], 'Pending'],
    ['Always', [running], 'Running'],
    ['Always', [running, waiting], 'Pending'],
    ['Always', [waiting], 'Pending'],
    ['Always', [crashLoop], 'Running'],
    ['OnFailure', [crashLoop], 'Running'],
    ['Always', [ok], 'Running'],
    ['OnFailure', [ok], 'Succeeded'],
    ['Never', [ok], 'Succeeded'],
    ['Always', [bad], 'Running'],
    ['OnFailure', [bad], 'Running'],
    ['Never', [bad], 'Failed'],
    ['Never', [ok, bad], 'Failed'],
    ['Never', [running, ok], 'Running'],
    ['Never', [running, bad], 'Running'],
  ] as const)('restartPolicy %s, %j: %s', (policy, statuses, want) => {
    expect(podPhase(view(policy, [plain('a')]), statuses.map((s) => structuredClone(s) as Json), true, false)).toBe(want);
  });

  it('is Pending before initialization and Failed when it failed', () => {
    expect(podPhase(view('Always', [plain('a')]), [running], false, false)).toBe('Pending');
    expect(podPhase(view('Always', [plain('a')]), [running], true, true)).toBe('Failed');
  });
});
