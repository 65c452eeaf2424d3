import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { FakeClock } from '../../../lib/controller/clock.js';
import { FakeRecorder } from '../../../lib/controller/event-recorder.js';
import { FakeClient } from '../../../lib/controller/fake-client.js';
import { Resources } from '../../../lib/controller/resources.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kubelet } from './kubelet.js';
import { podView } from './pod-spec.js';
import type { ProbeOutcome } from './probes.js';
import { ScriptedRuntime } from './scripted-runtime.js';

type Json = Record<string, unknown>;

function pod(name: string, spec: Json, uid = `uid-${name}`): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid },
    spec: { nodeName: 'n1', ...spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
};

interface Harness {
  clock: FakeClock;
  client: FakeClient;
  runtime: ScriptedRuntime;
  recorder: FakeRecorder;
  kubelet: Kubelet;
  probe: { next: ProbeOutcome };
}

const tempRoots: string[] = [];
afterEach(() => {
  for (const dir of tempRoots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempRoot(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubelet-test-'));
  tempRoots.push(dir);
  return dir;
}

function harness(): Harness {
  const clock = new FakeClock();
  const client = new FakeClient();
  const runtime = new ScriptedRuntime(clock);
  runtime.images.add('mesh/base:latest');
  const recorder = new FakeRecorder();
  const probe = { next: { result: 'success', output: '' } as ProbeOutcome };
  const kubelet = new Kubelet({
    nodeName: 'n1',
    hostIP: '10.10.0.21',
    rootDir: tempRoot(),
    client,
    runtime,
    probeRunner: { run: async () => Promise.resolve(probe.next) },
    recorder,
    clock,
    log: () => undefined,
    dns: { nameserver: '10.96.0.10', clusterDomain: 'cluster.local' },
    listServices: () => [],
  });
  return { clock, client, runtime, recorder, kubelet, probe };
}

function add(h: Harness, p: KubeObject): KubeObject {
  const [stored] = h.client.seed(Resources.pods, p);
  if (!stored) throw new Error('seed failed');
  h.kubelet.podUpdated(stored);
  return stored;
}

function status(h: Harness, name: string): Json {
  const p = h.client.stored(Resources.pods, 'default', name);
  return p && isRecord(p.status) ? p.status : {};
}

function containerStatus(h: Harness, name: string, container: string): Json {
  const list = status(h, name).containerStatuses;
  const found = Array.isArray(list) ? list.filter(isRecord).find((c) => c.name === container) : undefined;
  if (!found) throw new Error(`no status for ${container}`);
  return found;
}

function condition(h: Harness, name: string, type: string): string | undefined {
  const list = status(h, name).conditions;
  const c = Array.isArray(list) ? list.filter(isRecord).find((x) => x.type === type) : undefined;
  return c ? String(c.status) : undefined;
}

const image = 'mesh/base:latest';

describe('Kubelet.syncPod', () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await h.kubelet.stop(); // workers are driven by hand: syncPod is called directly
  });

  it('creates the sandbox, starts the containers and reports Running and Ready with the pod IP', async () => {
    add(h, pod('web', { containers: [{ name: 'app', image }, { name: 'side', image }] }));
    await h.kubelet.syncPod('uid-web');
    expect(h.runtime.calls).toEqual(['runSandbox web 0', 'start app restartCount=0', 'start side restartCount=0']);
    const s = status(h, 'web');
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('10.244.1.2');
    expect(s.hostIP).toBe('10.10.0.21');
    expect(condition(h, 'web', 'Ready')).toBe('True');
    expect(condition(h, 'web', 'ContainersReady')).toBe('True');
    expect(condition(h, 'web', 'Initialized')).toBe('True');
    expect(condition(h, 'web', 'PodScheduled')).toBe('True');
    expect(containerStatus(h, 'web', 'app').state).toMatchObject({ running: {} });
    expect(h.recorder.events).toContain('Normal Started Started container app');
    // A second sync with nothing changed starts nothing and writes nothing.
    h.client.clearActions();
    await h.kubelet.syncPod('uid-web');
    expect(h.runtime.calls.filter((c) => c.startsWith('start'))).toHaveLength(2);
    expect(h.client.writes()).toEqual([]);
  });

  it('restarts a crashing container with a back-off that doubles: CrashLoopBackOff', async () => {
    add(h, pod('crash', { containers: [{ name: 'app', image }] }));
    await h.kubelet.syncPod('uid-crash');
    h.clock.advance(1000);
    h.runtime.exit('uid-crash', 'app', 1);
    await h.kubelet.syncPod('uid-crash'); // first crash: restarted at once
    expect(h.runtime.running('uid-crash')).toEqual(['app']);
    expect(containerStatus(h, 'crash', 'app').restartCount).toBe(1);
    expect(containerStatus(h, 'crash', 'app').lastState).toMatchObject({ terminated: { exitCode: 1, reason: 'Error' } });

    h.clock.advance(1000);
    h.runtime.exit('uid-crash', 'app', 1);
    const wait1 = await h.kubelet.syncPod('uid-crash');
    expect(h.runtime.running('uid-crash')).toEqual([]);
    const cs = containerStatus(h, 'crash', 'app');
    expect(cs.state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=crash_default(uid-crash)' } });
    expect(cs.lastState).toMatchObject({ terminated: { exitCode: 1 } });
    expect(status(h, 'crash').phase).toBe('Running');
    expect(wait1).toBe(10_000);
    expect(h.recorder.events.some((e) => e.startsWith('Warning BackOff Back-off restarting failed container app'))).toBe(true);

    h.clock.advance(10_000);
    await h.kubelet.syncPod('uid-crash');
    expect(h.runtime.running('uid-crash')).toEqual(['app']);
    expect(containerStatus(h, 'crash', 'app').restartCount).toBe(2);

    h.runtime.exit('uid-crash', 'app', 1);
    await h.kubelet.syncPod('uid-crash');
    expect(containerStatus(h, 'crash', 'app').state).toMatchObject({ waiting: { reason: 'CrashLoopBackOff', message: expect.stringContaining('back-off 20s') as unknown } });
    h.clock.advance(10_000);
    await h.kubelet.syncPod('uid-crash');
    expect(h.runtime.running('uid-crash')).toEqual([]); // still inside the 20 s back-off
    h.clock.advance(10_000);
    await h.kubelet.syncPod('uid-crash');
    expect(h.runtime.running('uid-crash')).toEqual(['app']);
  });

  it('resets the back-off after a container ran for ten minutes', async () => {
    add(h, pod('reset', { containers: [{ name: 'app', image }] }));
    await h.kubelet.syncPod('uid-reset');
    h.runtime.exit('uid-reset', 'app', 1);
    await h.kubelet.syncPod('uid-reset');
    h.runtime.exit('uid-reset', 'app', 1);
    await h.kubelet.syncPod('uid-reset');
    h.clock.advance(10_000);
    await h.kubelet.syncPod('uid-reset');
    h.clock.advance(11 * 60_000);
    h.runtime.exit('uid-reset', 'app', 1);
    await h.kubelet.syncPod('uid-reset');
    expect(h.runtime.running('uid-reset')).toEqual(['app']);
  });

  it('reports a missing image: ErrImageNeverPull with pull policy Never, ErrImagePull then ImagePullBackOff otherwise', async () => {
    add(h, pod('never', { containers: [{ name: 'app', image: 'mesh/missing:v1', imagePullPolicy: 'Never' }] }));
    await h.kubelet.syncPod('uid-never');
    expect(containerStatus(h, 'never', 'app').state).toEqual({ waiting: { reason: 'ErrImageNeverPull', message: 'Container image "mesh/missing:v1" is not present with pull policy of Never' } });
    expect(status(h, 'never').phase).toBe('Pending');
    expect(h.recorder.events).toContain('Warning ErrImageNeverPull Container image "mesh/missing:v1" is not present with pull policy of Never');

    add(h, pod('pull', { containers: [{ name: 'app', image: 'mesh/missing:v2' }] }));
    await h.kubelet.syncPod('uid-pull');
    expect(containerStatus(h, 'pull', 'app').state).toMatchObject({ waiting: { reason: 'ErrImagePull', message: expect.stringContaining('mesh/missing:v2') as unknown } });
    h.clock.advance(1000);
    await h.kubelet.syncPod('uid-pull');
    expect(containerStatus(h, 'pull', 'app').state).toEqual({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "mesh/missing:v2"' } });
  });

  it('runs init containers one at a time, in order, before the app containers', async () => {
    add(h, pod('init', { initContainers: [{ name: 'i1', image }, { name: 'i2', image }], containers: [{ name: 'app', image }] }));
    await h.kubelet.syncPod('uid-init');
    expect(h.runtime.running('uid-init')).toEqual(['i1']);
    expect(status(h, 'init').phase).toBe('Pending');
    expect(condition(h, 'init', 'Initialized')).toBe('False');
    expect(containerStatus(h, 'init', 'app').state).toEqual({ waiting: { reason: 'PodInitializing' } });
    h.runtime.exit('uid-init', 'i1', 0);
    await h.kubelet.syncPod('uid-init');
    expect(h.runtime.running('uid-init')).toEqual(['i2']);
    h.runtime.exit('uid-init', 'i2', 0);
    await h.kubelet.syncPod('uid-init');
    expect(h.runtime.running('uid-init')).toEqual(['app']);
    expect(condition(h, 'init', 'Initialized')).toBe('True');
    expect(status(h, 'init').phase).toBe('Running');
  });

  it('follows restartPolicy: Never leaves a finished pod Succeeded or Failed, OnFailure restarts only failures', async () => {
    add(h, pod('job', { restartPolicy: 'Never', containers: [{ name: 'app', image }] }));
    await h.kubelet.syncPod('uid-job');
    h.runtime.exit('uid-job', 'app', 0);
    await h.kubelet.syncPod('uid-job');
    expect(status(h, 'job').phase).toBe('Succeeded');
    expect(containerStatus(h, 'job', 'app').state).toMatchObject({ terminated: { exitCode: 0, reason: 'Completed' } });
    expect(condition(h, 'job', 'Ready')).toBe('False');

    add(h, pod('bad', { restartPolicy: 'Never', containers: [{ name: 'app', image }] }));
    await h.kubelet.syncPod('uid-bad');
    h.runtime.exit('uid-bad', 'app', 3);
    await h.kubelet.syncPod('uid-bad');
    expect(status(h, 'bad').phase).toBe('Failed');
    expect(h.runtime.running('uid-bad')).toEqual([]);

    add(h, pod('retry', { restartPolicy: 'OnFailure', containers: [{ name: 'app', image }] }));
    await h.kubelet.syncPod('uid-retry');
    h.runtime.exit('uid-retry', 'app', 2);
    await h.kubelet.syncPod('uid-retry');
    expect(h.runtime.running('uid-retry')).toEqual(['app']);
    h.runtime.exit('uid-retry', 'app', 0);
    h.clock.advance(60_000);
    await h.kubelet.syncPod('uid-retry');
    expect(h.runtime.running('uid-retry')).toEqual([]);
    expect(status(h, 'retry').phase).toBe('Succeeded');
  });

  it('restarts a container whose liveness probe fails failureThreshold times', async () => {
    const livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 2, failureThreshold: 3 };
    add(h, pod('live', { containers: [{ name: 'app', image, livenessProbe }] }));
    await h.kubelet.syncPod('uid-live');
    h.probe.next = { result: 'failure', output: 'HTTP probe failed with statuscode: 500' };
    h.clock.advance(2000);
    await flush();
    h.clock.advance(2000);
    await flush();
    expect(h.runtime.calls.filter((c) => c.startsWith('stop '))).toEqual([]);
    h.clock.advance(2000);
    await flush();
    await h.kubelet.syncPod('uid-live');
    expect(h.runtime.calls).toContain('stop app grace=30');
    expect(h.runtime.calls).toContain('start app restartCount=1');
    expect(h.recorder.events).toContain('Warning Unhealthy Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(h.recorder.events).toContain('Normal Killing Container app failed liveness probe, will be restarted');
  });

  it('keeps a container out of Ready until its readiness probe passes, and takes it out when it fails', async () => {
    const readinessProbe = { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 2 };
    add(h, pod('ready', { containers: [{ name: 'app', image, readinessProbe }] }));
    await h.kubelet.syncPod('uid-ready');
    expect(condition(h, 'ready', 'Ready')).toBe('False');
    h.clock.advance(10);
    await flush();
    await h.kubelet.syncPod('uid-ready');
    expect(condition(h, 'ready', 'Ready')).toBe('True');
    h.probe.next = { result: 'failure', output: 'dial tcp: connection refused' };
    h.clock.advance(1000);
    await flush();
    await h.kubelet.syncPod('uid-ready');
    expect(condition(h, 'ready', 'Ready')).toBe('True'); // one failure of two
    h.clock.advance(1000);
    await flush();
    await h.kubelet.syncPod('uid-ready');
    expect(condition(h, 'ready', 'Ready')).toBe('False');
    expect(containerStatus(h, 'ready', 'app').ready).toBe(false);
  });

  it('terminates a pod marked for deletion: preStop, stop within the grace period, then deletes it with its uid', async () => {
    const stored = add(h, pod('bye', { terminationGracePeriodSeconds: 5, containers: [{ name: 'app', image, lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 1'] } } } }] }));
    await h.kubelet.syncPod('uid-bye');
    const cur = h.client.stored(Resources.pods, 'default', 'bye') ?? stored;
    h.kubelet.podUpdated({ ...cur, metadata: { ...cur.metadata, deletionTimestamp: '2026-01-01T00:00:05Z', deletionGracePeriodSeconds: 5 } });
    h.client.clearActions();
    await h.kubelet.syncPod('uid-bye');
    expect(h.runtime.calls).toContain('exec app sh -c sleep 1');
    expect(h.runtime.calls).toContain('stop app grace=5');
    const del = h.client.writes('delete');
    expect(del).toHaveLength(1);
    expect(del[0]?.deleteOptions).toMatchObject({ gracePeriodSeconds: 0, preconditions: { uid: 'uid-bye' } });
    expect(h.runtime.containers.size).toBe(0);
    expect(h.runtime.sandboxes.size).toBe(0);
  });

  it('cleans up containers of pods the API does not have (left from an earlier run)', async () => {
    add(h, pod('kept', { containers: [{ name: 'app', image }] }));
    await h.kubelet.syncPod('uid-kept');
    await h.runtime.runSandbox(podView(pod('stray', { containers: [{ name: 'app', image }] }, 'uid-stray')), 0);
    await h.kubelet.relist();
    await h.kubelet.syncPod('uid-stray');
    expect([...h.runtime.sandboxes.values()].map((s) => s.podUid)).toEqual(['uid-kept']);
  });
});
