import { describe, expect, it } from 'vitest';
import type { ProbeView } from './pod-actions.js';
import { computePodActions, initProgress, shouldRestart } from './pod-actions.js';
import type { PodView, RestartPolicy } from './pod-spec.js';
import { podView } from './pod-spec.js';
import type { ContainerRunState, ContainerState, RuntimePod, SandboxState } from './runtime-state.js';
import { sortRuntimePod } from './runtime-state.js';
import type { ProbeKind, ProbeResult } from './probes.js';

type Json = Record<string, unknown>;

const image = 'mesh/base:latest';

function view(restartPolicy: RestartPolicy, containers: string[], initContainers: string[] = [], extra: Json = {}): PodView {
  return podView({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { restartPolicy, containers: containers.map((name) => ({ name, image })), initContainers: initContainers.map((name) => ({ name, image })), ...extra },
  });
}

const sandbox = (id = 'sb1', o: Partial<SandboxState> = {}): SandboxState => ({ id, attempt: 0, ready: true, createdAt: 1, ip: '10.244.1.2', ...o });

let seq = 0;
function ctr(pod: PodView, name: string, state: ContainerRunState, o: Partial<ContainerState> = {}): ContainerState {
  const spec = [...pod.containers, ...pod.initContainers].find((c) => c.name === name);
  return {
    id: `c${String(++seq)}`,
    name,
    sandboxId: 'sb1',
    attempt: 0,
    state,
    createdAt: 100 + seq,
    image,
    imageId: 'sha256:1',
    hash: spec?.hash ?? '',
    restartCount: 0,
    ...(state === 'exited' ? { exitCode: 0 } : {}),
    ...o,
  };
}

function rt(sandboxes: SandboxState[], containers: ContainerState[]): RuntimePod {
  return sortRuntimePod({ uid: 'u', sandboxes, containers });
}

function probes(results: Record<string, ProbeResult> = {}): ProbeView {
  return { result: (id: string, kind: ProbeKind) => results[`${id}/${kind}`] };
}

/** The actions as names, for table assertions. */
function summary(pod: PodView, r: RuntimePod, p: ProbeView = probes()): Json {
  const a = computePodActions(pod, r, p);
  return {
    killPod: a.killPod,
    createSandbox: a.createSandbox,
    sandboxAttempt: a.sandboxAttempt,
    sandboxId: a.sandboxId,
    nextInit: a.nextInit?.name,
    start: a.start.map((c) => c.name),
    kill: a.kill.map((k) => `${k.container.name}: ${k.message}`),
    initFailed: a.initFailed,
  };
}

const none = { killPod: false, createSandbox: false, sandboxAttempt: 0, sandboxId: 'sb1', nextInit: undefined, start: [], kill: [], initFailed: false };

describe('computePodActions without a usable sandbox', () => {
  it('creates the first sandbox and starts every container', () => {
    const p = view('Always', ['app', 'side']);
    expect(summary(p, rt([], []))).toEqual({ killPod: true, createSandbox: true, sandboxAttempt: 0, sandboxId: undefined, nextInit: undefined, start: ['app', 'side'], kill: [], initFailed: false });
  });

  it('starts with the first init container when there are any', () => {
    const p = view('Always', ['app'], ['i1', 'i2']);
    expect(summary(p, rt([], []))).toMatchObject({ killPod: true, createSandbox: true, sandboxAttempt: 0, nextInit: 'i1', start: [] });
  });

  it('replaces a sandbox that is not ready with the next attempt', () => {
    const p = view('Always', ['app']);
    const r = rt([sandbox('sb1', { attempt: 2, ready: false })], [ctr(p, 'app', 'exited', { exitCode: 137 })]);
    expect(summary(p, r)).toMatchObject({ killPod: true, createSandbox: true, sandboxAttempt: 3, start: ['app'] });
  });

  it('replaces a ready sandbox without an IP, and two ready sandboxes', () => {
    const p = view('Always', ['app']);
    expect(summary(p, rt([sandbox('sb1', { ip: undefined })], []))).toMatchObject({ killPod: true, createSandbox: true, sandboxAttempt: 1 });
    expect(summary(p, rt([sandbox('sb1', { createdAt: 1 }), sandbox('sb2', { createdAt: 2 })], []))).toMatchObject({ killPod: true, createSandbox: true, sandboxAttempt: 1 });
  });

  it('restartPolicy Never: a pod that has run stays down', () => {
    const p = view('Never', ['app']);
    const r = rt([sandbox('sb1', { ready: false })], [ctr(p, 'app', 'exited', { exitCode: 1 })]);
    expect(summary(p, r)).toMatchObject({ killPod: true, createSandbox: false, start: [] });
  });

  it('restartPolicy OnFailure: succeeded containers are not started again; nothing to start means no sandbox', () => {
    const p = view('OnFailure', ['ok', 'bad']);
    const r = rt([sandbox('sb1', { ready: false })], [ctr(p, 'ok', 'exited', { exitCode: 0 }), ctr(p, 'bad', 'exited', { exitCode: 2 })]);
    expect(summary(p, r)).toMatchObject({ killPod: true, createSandbox: true, sandboxAttempt: 1, start: ['bad'] });
    const done = rt([sandbox('sb1', { ready: false })], [ctr(p, 'ok', 'exited', { exitCode: 0 }), ctr(p, 'bad', 'exited', { exitCode: 0 })]);
    expect(summary(p, done)).toMatchObject({ killPod: true, createSandbox: false, start: [] });
  });
});

describe('computePodActions with a ready sandbox', () => {
  it('does nothing while every container runs', () => {
    const p = view('Always', ['app', 'side']);
    expect(summary(p, rt([sandbox()], [ctr(p, 'app', 'running'), ctr(p, 'side', 'running')]))).toEqual(none);
  });

  it('starts containers that never ran, or are created or unknown', () => {
    const p = view('Always', ['a', 'b', 'c', 'd']);
    const r = rt([sandbox()], [ctr(p, 'a', 'running'), ctr(p, 'c', 'created'), ctr(p, 'd', 'unknown')]);
    expect(summary(p, r)).toEqual({ ...none, start: ['b', 'c', 'd'] });
  });

  it.each([
    ['Always', 0, ['app'], false],
    ['Always', 1, ['app'], false],
    ['OnFailure', 1, ['app'], false],
    ['OnFailure', 0, [], true],
    ['Never', 0, [], true],
    ['Never', 1, [], true],
  ] as const)('restartPolicy %s, exit code %d: start %j, killPod %s', (policy, exitCode, start, killPod) => {
    const p = view(policy, ['app']);
    expect(summary(p, rt([sandbox()], [ctr(p, 'app', 'exited', { exitCode })]))).toEqual({ ...none, start: [...start], killPod });
  });

  it('keeps the pod while one container still runs', () => {
    const p = view('Never', ['app', 'side']);
    expect(summary(p, rt([sandbox()], [ctr(p, 'app', 'exited', { exitCode: 0 }), ctr(p, 'side', 'running')]))).toEqual(none);
  });

  it('kills and restarts a container that failed its liveness or startup probe, or whose spec changed', () => {
    const p = view('Always', ['live', 'start', 'changed', 'fine']);
    const live = ctr(p, 'live', 'running');
    const start = ctr(p, 'start', 'running');
    const changed = ctr(p, 'changed', 'running', { hash: 'old' });
    const fine = ctr(p, 'fine', 'running');
    const r = rt([sandbox()], [live, start, changed, fine]);
    const pr = probes({ [`${live.id}/liveness`]: 'failure', [`${start.id}/startup`]: 'failure', [`${fine.id}/readiness`]: 'failure', [`${fine.id}/liveness`]: 'success' });
    const s = summary(p, r, pr);
    expect(s.kill).toEqual([
      'live: Container live failed liveness probe, will be restarted',
      'start: Container start failed startup probe, will be restarted',
      'changed: Container changed definition changed, will be restarted',
    ]);
    expect(s.start).toEqual(['live', 'start', 'changed']);
    expect(s.killPod).toBe(false);
  });

  it('restartPolicy Never: a failed liveness probe kills without restarting, and then the pod', () => {
    const p = view('Never', ['app']);
    const c = ctr(p, 'app', 'running');
    const s = summary(p, rt([sandbox()], [c]), probes({ [`${c.id}/liveness`]: 'failure' }));
    expect(s).toEqual({ ...none, kill: ['app: Container app failed liveness probe'], killPod: true });
  });

  it('runs init containers in order, one at a time', () => {
    const p = view('Always', ['app'], ['i1', 'i2']);
    expect(summary(p, rt([sandbox()], []))).toEqual({ ...none, nextInit: 'i1' });
    expect(summary(p, rt([sandbox()], [ctr(p, 'i1', 'running')]))).toEqual(none);
    expect(summary(p, rt([sandbox()], [ctr(p, 'i1', 'exited', { exitCode: 0 })]))).toEqual({ ...none, nextInit: 'i2' });
    expect(summary(p, rt([sandbox()], [ctr(p, 'i1', 'exited', { exitCode: 0 }), ctr(p, 'i2', 'exited', { exitCode: 0 })]))).toEqual({ ...none, start: ['app'] });
  });

  it('re-runs a failed init container, unless restartPolicy is Never: then the pod has failed', () => {
    for (const policy of ['Always', 'OnFailure'] as const) {
      const p = view(policy, ['app'], ['i1']);
      expect(summary(p, rt([sandbox()], [ctr(p, 'i1', 'exited', { exitCode: 1 })]))).toEqual({ ...none, nextInit: 'i1' });
    }
    const p = view('Never', ['app'], ['i1']);
    expect(summary(p, rt([sandbox()], [ctr(p, 'i1', 'exited', { exitCode: 1 })]))).toEqual({ ...none, killPod: true, initFailed: true });
  });
});

describe('shouldRestart', () => {
  it.each([
    ['Always', undefined, undefined, true],
    ['Never', undefined, undefined, true],
    ['Always', 'running', undefined, false],
    ['Never', 'created', undefined, true],
    ['Never', 'unknown', undefined, true],
    ['Always', 'exited', 0, true],
    ['Always', 'exited', 1, true],
    ['OnFailure', 'exited', 0, false],
    ['OnFailure', 'exited', 1, true],
    ['Never', 'exited', 0, false],
    ['Never', 'exited', 1, false],
  ] as const)('restartPolicy %s, container %s (exit %s): %s', (policy, state, exitCode, want) => {
    const p = view(policy, ['app']);
    const r = rt([sandbox()], state === undefined ? [] : [ctr(p, 'app', state, exitCode === undefined ? {} : { exitCode })]);
    const spec = p.containers[0];
    if (!spec) throw new Error('no container');
    expect(shouldRestart(spec, p, r)).toBe(want);
  });
});

describe('initProgress', () => {
  const p = view('Always', ['app'], ['i1', 'i2']);
  const kind = (r: RuntimePod, sandboxId: string | undefined): string => {
    const x = initProgress(p, r, sandboxId);
    return x.kind === 'next' || x.kind === 'failed' ? `${x.kind} ${x.spec.name}` : x.kind;
  };

  it.each([
    ['nothing ran', 'next i1', []],
    ['i1 created', 'running', [['i1', 'created']]],
    ['i1 running', 'running', [['i1', 'running']]],
    ['i1 succeeded', 'next i2', [['i1', 'exited', 0]]],
    ['i1 failed', 'failed i1', [['i1', 'exited', 1]]],
    ['i1 unknown', 'next i1', [['i1', 'unknown']]],
    ['i2 running', 'running', [['i1', 'exited', 0], ['i2', 'running']]],
    ['i2 failed', 'failed i2', [['i1', 'exited', 0], ['i2', 'exited', 2]]],
    ['all succeeded', 'done', [['i1', 'exited', 0], ['i2', 'exited', 0]]],
    ['an app container exists (init containers removed)', 'done', [['app', 'running']]],
    ['an app container exited', 'done', [['app', 'exited', 1]]],
  ] as const)('%s: %s', (_what, want, list) => {
    const cs = list.map(([name, state, exitCode]) => ctr(p, name, state, exitCode === undefined ? {} : { exitCode }));
    expect(kind(rt([sandbox()], cs), 'sb1')).toBe(want);
  });

  it('is done at once without init containers', () => {
    expect(initProgress(view('Always', ['app']), rt([], []), undefined)).toEqual({ kind: 'done' });
  });

  it('looks only at the containers of the given sandbox', () => {
    const old = [ctr(p, 'i1', 'exited', { exitCode: 0, sandboxId: 'sb0' }), ctr(p, 'i2', 'exited', { exitCode: 0, sandboxId: 'sb0' }), ctr(p, 'app', 'exited', { exitCode: 1, sandboxId: 'sb0' })];
    expect(kind(rt([sandbox('sb1'), sandbox('sb0', { ready: false })], old), 'sb1')).toBe('next i1');
    expect(kind(rt([sandbox('sb1'), sandbox('sb0', { ready: false })], old), undefined)).toBe('done');
  });
});
