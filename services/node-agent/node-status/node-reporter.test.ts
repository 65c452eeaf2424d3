import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { formatMicroTime, formatTime } from '../../../lib/api/time.js';
import { FakeClock } from '../../../lib/controller/clock.js';
import { FakeClient, statusError } from '../../../lib/controller/fake-client.js';
import { Resources } from '../../../lib/controller/resources.js';
import type { MachineFacts, Readiness } from './node-object.js';
import { nodeLabels } from './node-object.js';
import type { NodeReporterOptions } from './node-reporter.js';
import { DEFAULT_LEASE_DURATION_SECONDS, LEASE_NAMESPACE, NodeReporter } from './node-reporter.js';

type Json = Record<string, unknown>;

const T0 = Date.parse('2026-01-01T00:00:00Z');

const machine: MachineFacts = {
  cpus: 4,
  memoryBytes: 8 * 1024 ** 3,
  machineID: 'm-1',
  systemUUID: 's-1',
  bootID: 'b-1',
  kernelVersion: '6.1.0',
  osImage: 'Linux',
  architecture: 'arm64',
  containerRuntimeVersion: 'docker://27.0.1',
};
const identity = { nodeName: 'n1', nodeIP: '10.10.0.21', hostname: 'host-1', labels: { zone: 'a' } };

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
};

interface Harness {
  clock: FakeClock;
  client: FakeClient;
  logs: string[];
  readiness: Readiness;
  reporter: NodeReporter;
}

function harness(o: Partial<NodeReporterOptions> = {}): Harness {
  const clock = new FakeClock(T0);
  const client = new FakeClient();
  client.now = () => clock.now();
  const logs: string[] = [];
  const state = { readiness: { ready: true } as Readiness };
  const reporter = new NodeReporter({ client, clock, log: (msg, fields) => logs.push(`${msg} ${JSON.stringify(fields ?? {})}`), identity, machine, readiness: () => state.readiness, ...o });
  return {
    clock,
    client,
    logs,
    reporter,
    get readiness(): Readiness {
      return state.readiness;
    },
    set readiness(r: Readiness) {
      state.readiness = r;
    },
  };
}

/** The client's actions as "verb resource[/subresource] namespace/name". */
function actions(c: FakeClient): string[] {
  return c.actions.map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.namespace}/${a.name}`);
}

function node(c: FakeClient): KubeObject {
  const n = c.stored(Resources.nodes, '', 'n1');
  if (!n) throw new Error('no node');
  return n;
}

function lease(c: FakeClient): KubeObject {
  const l = c.stored(Resources.leases, LEASE_NAMESPACE, 'n1');
  if (!l) throw new Error('no lease');
  return l;
}

function readyCondition(n: KubeObject): Json {
  const s = isRecord(n.status) ? n.status : {};
  const c = (Array.isArray(s.conditions) ? s.conditions.filter(isRecord) : []).find((x) => x.type === 'Ready');
  if (!c) throw new Error('no Ready condition');
  return c;
}

describe('NodeReporter.register', () => {
  it('creates the Node, posts its status and creates its Lease owned by the Node', async () => {
    const h = harness();
    const registered = await h.reporter.register();
    expect(actions(h.client)).toEqual(['create nodes /n1', 'patch nodes/status /n1', `get leases ${LEASE_NAMESPACE}/n1`, `create leases ${LEASE_NAMESPACE}/n1`]);
    const n = node(h.client);
    expect(n.metadata.labels).toEqual(nodeLabels(identity, machine));
    expect(n.metadata.labels?.zone).toBe('a');
    expect(readyCondition(n)).toMatchObject({ status: 'True', reason: 'KubeletReady', lastHeartbeatTime: formatTime(T0) });
    expect(isRecord(n.status) && n.status.capacity).toEqual({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(registered.metadata.uid).toBe(n.metadata.uid);
    expect(h.reporter.current?.metadata.uid).toBe(n.metadata.uid);
    const patch = h.client.actions[1];
    expect(patch?.patchType).toBe('merge');
    const l = lease(h.client);
    expect(l.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: n.metadata.uid }]);
    expect(l.spec).toEqual({ holderIdentity: 'n1', leaseDurationSeconds: DEFAULT_LEASE_DURATION_SECONDS, renewTime: formatMicroTime(T0) });
    expect(DEFAULT_LEASE_DURATION_SECONDS).toBe(40);
  });

  it('adopts a Node that is already there (409), merging its labels in', async () => {
    const h = harness();
    const [existing] = h.client.seed(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { custom: 'x', 'kubernetes.io/hostname': 'old' } }, spec: { podCIDR: '10.244.1.0/24' } });
    await h.reporter.register();
    expect(actions(h.client)).toEqual(['create nodes /n1', 'patch nodes /n1', 'patch nodes/status /n1', `get leases ${LEASE_NAMESPACE}/n1`, `create leases ${LEASE_NAMESPACE}/n1`]);
    const n = node(h.client);
    expect(n.metadata.uid).toBe(existing?.metadata.uid);
    expect(n.metadata.labels).toEqual({ custom: 'x', ...nodeLabels(identity, machine) });
    expect(n.spec).toEqual({ podCIDR: '10.244.1.0/24' });
    expect(lease(h.client).metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: existing?.metadata.uid }]);
  });

  it('fails on any other error from create', async () => {
    const h = harness();
    h.client.react('create', 'nodes', () => statusError(403, 'Forbidden', 'nodes is forbidden: User "system:node:n1" cannot create resource "nodes"'));
    await expect(h.reporter.register()).rejects.toThrow('nodes is forbidden');
  });
});

describe('NodeReporter.registerWithRetry', () => {
  it('tries again after 100 ms, doubling to 7 s, until the API server answers', async () => {
    const h = harness();
    let failures = 9;
    h.client.react('create', 'nodes', () => (failures-- > 0 ? new Error('The connection to the server 10.10.0.11:6443 was refused') : undefined));
    const waits: number[] = [];
    const setTimer = h.clock.setTimeout.bind(h.clock);
    h.clock.setTimeout = (fn, ms) => {
      waits.push(ms);
      return setTimer(fn, ms);
    };
    let done = false;
    const registered = h.reporter.registerWithRetry().then((n) => {
      done = true;
      return n;
    });
    for (let i = 0; i < 9; i++) {
      await flush();
      expect(done).toBe(false);
      expect(waits).toHaveLength(i + 1);
      h.clock.advance(waits[i] ?? 0);
    }
    expect((await registered).metadata.name).toBe('n1');
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 7000, 7000]);
    expect(h.logs.filter((l) => l.startsWith('Unable to register node with API server'))).toHaveLength(9);
  });
});

describe('NodeReporter heartbeats', () => {
  it('renews the Lease on each heartbeat and posts nothing when the status did not change', async () => {
    const h = harness();
    await h.reporter.register();
    h.client.clearActions();
    h.clock.advance(10_000);
    await h.reporter.heartbeat();
    expect(actions(h.client)).toEqual([`get leases ${LEASE_NAMESPACE}/n1`, `update leases ${LEASE_NAMESPACE}/n1`]);
    expect(lease(h.client).spec).toEqual({ holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: formatMicroTime(T0 + 10_000) });
  });

  it('posts the status at once when it changed, with the new transition time', async () => {
    const h = harness();
    await h.reporter.register();
    h.client.clearActions();
    h.clock.advance(10_000);
    h.readiness = { ready: false, message: 'PLEG is not healthy' };
    await h.reporter.heartbeat();
    expect(h.client.writes().map((a) => `${a.verb} ${a.resource}/${a.subresource}`)).toEqual(['update leases/', 'patch nodes/status']);
    expect(readyCondition(node(h.client))).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy', lastTransitionTime: formatTime(T0 + 10_000) });

    h.client.clearActions();
    h.clock.advance(1000);
    h.readiness = { ready: true };
    await h.reporter.statusChanged();
    expect(actions(h.client)).toEqual(['patch nodes/status /n1']);
    expect(readyCondition(node(h.client))).toMatchObject({ status: 'True', lastTransitionTime: formatTime(T0 + 11_000), lastHeartbeatTime: formatTime(T0 + 11_000) });

    // Nothing changed: statusChanged posts nothing either.
    h.client.clearActions();
    await h.reporter.statusChanged();
    expect(h.client.writes()).toEqual([]);
  });

  it('posts an unchanged status again once reportMs has passed since the last post', async () => {
    const h = harness({ reportMs: 30_000 });
    await h.reporter.register();
    h.client.clearActions();
    h.clock.advance(29_999);
    await h.reporter.heartbeat();
    expect(h.client.writes('patch')).toEqual([]);
    h.clock.advance(1);
    await h.reporter.heartbeat();
    expect(h.client.writes('patch')).toHaveLength(1);
    const ready = readyCondition(node(h.client));
    expect(ready.lastHeartbeatTime).toBe(formatTime(T0 + 30_000));
    expect(ready.lastTransitionTime).toBe(formatTime(T0));
  });

  it('posts an unchanged status once a minute by default', async () => {
    const h = harness();
    await h.reporter.register();
    h.client.clearActions();
    h.clock.advance(59_999);
    await h.reporter.heartbeat();
    expect(h.client.writes('patch')).toEqual([]);
    h.clock.advance(1);
    await h.reporter.heartbeat();
    expect(h.client.writes('patch')).toHaveLength(1);
  });

  it('start() beats every quarter of the lease duration until stop()', async () => {
    const h = harness({ leaseDurationSeconds: 20 });
    await h.reporter.register();
    expect(lease(h.client).spec).toMatchObject({ leaseDurationSeconds: 20 });
    h.client.clearActions();
    h.reporter.start();
    h.clock.advance(4_999);
    await flush();
    expect(h.client.writes()).toEqual([]);
    h.clock.advance(1);
    await flush();
    expect(lease(h.client).spec).toMatchObject({ renewTime: formatMicroTime(T0 + 5_000) });
    h.clock.advance(5_000);
    await flush();
    expect(lease(h.client).spec).toMatchObject({ renewTime: formatMicroTime(T0 + 10_000) });
    expect(h.client.writes('update')).toHaveLength(2);
    h.reporter.stop();
    h.clock.advance(60_000);
    await flush();
    expect(h.client.writes('update')).toHaveLength(2);
    expect(h.clock.pending).toBe(0);
  });

  it('recreates a Lease that was deleted', async () => {
    const h = harness();
    await h.reporter.register();
    await h.client.delete(Resources.leases, 'n1', { namespace: LEASE_NAMESPACE });
    h.client.clearActions();
    h.clock.advance(10_000);
    await h.reporter.heartbeat();
    expect(actions(h.client)).toEqual([`get leases ${LEASE_NAMESPACE}/n1`, `create leases ${LEASE_NAMESPACE}/n1`]);
    expect(lease(h.client).spec).toMatchObject({ renewTime: formatMicroTime(T0 + 10_000) });
  });

  it('logs a failed renewal or status post and goes on', async () => {
    const h = harness();
    await h.reporter.register();
    h.client.react('update', 'leases', () => statusError(500, 'InternalError', 'etcd unavailable'));
    h.client.react('patch', 'nodes/status', () => statusError(503, 'ServiceUnavailable', 'try later'));
    h.readiness = { ready: false };
    h.clock.advance(10_000);
    await h.reporter.heartbeat();
    expect(h.logs).toHaveLength(2);
    expect(h.logs[0]).toMatch(/^lease renewal failed .*etcd unavailable/);
    expect(h.logs[1]).toMatch(/^node status update failed .*try later/);
  });
});
