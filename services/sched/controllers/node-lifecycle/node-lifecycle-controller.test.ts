import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { statusError } from '../../../../lib/controller/fake-client.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import type { ControllerDeps } from '../controller-deps.js';
import { formatTime } from '../../../../lib/api/time.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';
import { T0, condition, conditionsOf, makeLease, makeNode, makePod, readyNode, taintsOf } from './test-objects.js';

const SEC = 1000;

function setup(o: ConstructorParameters<typeof NodeLifecycleController>[1] = {}): { fx: ControllerFixture; ctrl: NodeLifecycleController } {
  const fx = new ControllerFixture();
  const deps: ControllerDeps = { client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log };
  return { fx, ctrl: new NodeLifecycleController(deps, o) };
}

/** Events other than the RegisteredNode every first sync records. */
function eventsBut(fx: ControllerFixture): string[] {
  return fx.recorder.events.filter((e) => !e.includes('RegisteredNode'));
}

/** Brings the informer caches up to the fake API after the controller wrote. */
function refresh(fx: ControllerFixture): void {
  fx.syncCache(Resources.nodes);
  fx.syncCache(Resources.pods);
}

describe('NodeLifecycleController: heartbeats', () => {
  it('registers a node seen for the first time and leaves a healthy one alone', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, readyNode('n1'));
    fx.seed(Resources.leases, makeLease('n1', T0));
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]);
    expect(fx.recorder.events).toEqual(['Normal RegisteredNode Node n1 event: Registered Node n1 in Controller']);
  });

  it('turns a silent node Unknown after the grace period, taints it, and marks its pods not ready', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, readyNode('n1', T0, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
    fx.seed(Resources.leases, makeLease('n1', T0));
    fx.seed(Resources.pods, makePod('p1', 'n1'), makePod('p2', 'n1', { ready: false }), makePod('other', 'n2'));
    await ctrl.sync('n1');
    fx.clock.advance(40 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]); // exactly the grace period: not yet

    fx.clock.advance(1 * SEC);
    await ctrl.sync('n1');
    const now = formatTime(T0 + 41 * SEC);
    const writes = fx.client.writes();
    expect(writes.map((a) => `${a.verb} ${a.resource}/${a.subresource} ${a.name}`)).toEqual(['update nodes/status n1', 'patch nodes/ n1', 'update pods/status p1']);

    const conditions = conditionsOf(writes[0]?.object);
    expect(conditions.map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime])).toEqual(
      ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => [t, 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', now]),
    );
    // The heartbeat stays what the node last wrote.
    expect(conditions[0]?.lastHeartbeatTime).toBe(formatTime(T0));

    expect(taintsOf(writes[1]?.patch)).toEqual([
      { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: now },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: now },
    ]);
    expect(conditionsOf(writes[2]?.object).find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', lastTransitionTime: now });
    expect(eventsBut(fx)).toEqual(['Normal NodeNotReady Node n1 status is now: NodeNotReady', 'Warning NodeNotReady Node is not ready']);
    expect(fx.recorder.records.find((r) => r.reason === 'NodeNotReady' && r.obj.kind === 'Node')?.obj.metadata.name).toBe('n1');

    // Later checks find nothing more to do.
    refresh(fx);
    fx.client.clearActions();
    fx.clock.advance(5 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]);
    expect(eventsBut(fx)).toHaveLength(2);
  });

  it('counts a renewed lease as a heartbeat', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, readyNode('n1'));
    fx.seed(Resources.leases, makeLease('n1', T0));
    await ctrl.sync('n1');
    fx.clock.advance(30 * SEC);
    fx.cacheOnly(Resources.leases, makeLease('n1', T0 + 30 * SEC));
    await ctrl.sync('n1');
    fx.clock.advance(39 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]);
    fx.clock.advance(2 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.writes().map((a) => `${a.verb} ${a.resource}/${a.subresource}`)).toEqual(['update nodes/status', 'patch nodes/']);
  });

  it("times heartbeats by its own observation, not by the node's clock", async () => {
    const { fx, ctrl } = setup();
    // The node's clock is a year behind: its heartbeat looks ancient, but it is new to us.
    const yearAgo = T0 - 365 * 24 * 3600 * SEC;
    fx.seed(Resources.nodes, readyNode('n1', yearAgo));
    fx.seed(Resources.leases, makeLease('n1', yearAgo));
    await ctrl.sync('n1');
    fx.clock.advance(20 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]);
    fx.clock.advance(21 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.writes('update')).toHaveLength(1);
  });

  it('gives a node that never reported the startup grace from its creation, then marks it NodeStatusNeverUpdated', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, makeNode('n1', { createdMs: T0 - 10 * SEC }));
    fx.clock.advance(50 * SEC); // 60 s after creation
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]);
    fx.clock.advance(1 * SEC);
    await ctrl.sync('n1');
    const [update, patch] = fx.client.writes();
    const now = formatTime(T0 + 51 * SEC);
    expect(conditionsOf(update?.object).map((c) => [c.type, c.status, c.reason, c.message, c.lastHeartbeatTime, c.lastTransitionTime])).toEqual(
      ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => [t, 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.', formatTime(T0 - 10 * SEC), now]),
    );
    expect(taintsOf(patch?.patch).map((t) => `${String(t.key)}:${String(t.effect)}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    // It was never Ready, so there is no NodeNotReady transition to report.
    expect(eventsBut(fx)).toEqual([]);
  });

  it('honours --node-monitor-grace-period', async () => {
    const { fx, ctrl } = setup({ nodeMonitorGracePeriodMs: 10 * SEC });
    fx.seed(Resources.nodes, readyNode('n1'));
    await ctrl.sync('n1');
    fx.clock.advance(11 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.writes('update')).toHaveLength(1);
  });

  it('re-reads the node and tries again when its status update conflicts', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, readyNode('n1'));
    await ctrl.sync('n1');
    let conflicts = 1;
    fx.client.react('update', 'nodes/status', () => (conflicts-- > 0 ? statusError(409, 'Conflict', 'the object has been modified') : undefined));
    fx.clock.advance(41 * SEC);
    await ctrl.sync('n1');
    expect(fx.client.actions.filter((a) => a.resource === 'nodes').map((a) => `${a.verb} ${a.subresource}`)).toEqual(['update status', 'get ', 'update status', 'patch ']);
    expect(conditionsOf(fx.client.stored(Resources.nodes, '', 'n1')).find((c) => c.type === 'Ready')?.status).toBe('Unknown');
  });

  it('forgets a deleted node', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, readyNode('n1'));
    await ctrl.sync('n1');
    fx.informers.for(Resources.nodes).cache.remove('n1');
    await ctrl.sync('n1');
    expect(fx.recorder.events).toContain('Normal RemovingNode Node n1 event: Removing Node n1 from Controller');
    expect(fx.client.writes()).toEqual([]);
  });
});

describe('NodeLifecycleController: condition taints', () => {
  const key = (t: Record<string, unknown>): string => `${String(t.key)}:${String(t.effect)}`;

  it('taints a node its agent reports Ready=False with not-ready, without touching its status', async () => {
    const { fx, ctrl } = setup();
    const [seeded] = fx.seed(Resources.nodes, makeNode('n1', { conditions: [condition('Ready', 'False')] }));
    fx.seed(Resources.pods, makePod('p1', 'n1'));
    await ctrl.sync('n1');
    const writes = fx.client.writes();
    expect(writes.map((a) => `${a.verb} ${a.resource}`)).toEqual(['patch nodes']);
    expect(taintsOf(writes[0]?.patch).map(key)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    expect(writes[0]?.patch).toMatchObject({ metadata: { resourceVersion: seeded?.metadata.resourceVersion } });
    expect(eventsBut(fx)).toEqual([]);
  });

  it('swaps not-ready for unreachable when the node goes silent, keeping other taints', async () => {
    const { fx, ctrl } = setup();
    const old = formatTime(T0 - 100 * SEC);
    fx.seed(
      Resources.nodes,
      makeNode('n1', {
        conditions: [condition('Ready', 'False')],
        taints: [
          { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: old },
          { key: 'gpu', effect: 'NoExecute' },
          { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: old },
        ],
      }),
    );
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]);
    fx.clock.advance(41 * SEC);
    await ctrl.sync('n1');
    const now = formatTime(T0 + 41 * SEC);
    const [update, patch] = fx.client.writes();
    expect(conditionsOf(update?.object).find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(taintsOf(patch?.patch)).toEqual([
      { key: 'gpu', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: now },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: now },
    ]);
    // Ready was already False: no NodeNotReady transition.
    expect(eventsBut(fx)).toEqual([]);
  });

  it('swaps unreachable for not-ready when the agent comes back reporting Ready=False', async () => {
    const { fx, ctrl } = setup();
    fx.seed(
      Resources.nodes,
      makeNode('n1', {
        conditions: [condition('Ready', 'False')],
        taints: [
          { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: formatTime(T0) },
          { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: formatTime(T0) },
        ],
      }),
    );
    await ctrl.sync('n1');
    expect(taintsOf(fx.client.writes()[0]?.patch).map(key)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
  });

  it('removes the taints of a node that is Ready again and leaves its pods to the node agent', async () => {
    const { fx, ctrl } = setup();
    fx.seed(
      Resources.nodes,
      readyNode('n1', T0, [
        { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: formatTime(T0) },
        { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: formatTime(T0) },
      ]),
    );
    fx.seed(Resources.pods, makePod('p1', 'n1', { ready: false }));
    await ctrl.sync('n1');
    const writes = fx.client.writes();
    expect(writes.map((a) => `${a.verb} ${a.resource}`)).toEqual(['patch nodes']);
    expect(taintsOf(writes[0]?.patch)).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    expect(taintsOf(fx.client.stored(Resources.nodes, '', 'n1'))).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  });

  it('adds the NoSchedule taints of pressure conditions and of spec.unschedulable', async () => {
    const { fx, ctrl } = setup();
    const node = makeNode('n1', {
      conditions: [condition('Ready', 'True'), condition('MemoryPressure', 'True'), condition('DiskPressure', 'False'), condition('PIDPressure', 'True')],
      unschedulable: true,
    });
    fx.seed(Resources.nodes, node);
    await ctrl.sync('n1');
    expect(taintsOf(fx.client.writes()[0]?.patch).map(key)).toEqual([
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
  });
});

describe('NodeLifecycleController: pods', () => {
  it('retries marking pods not ready until it succeeds', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, readyNode('n1'));
    fx.seed(Resources.pods, makePod('p1', 'n1'));
    await ctrl.sync('n1');
    let failures = 1;
    fx.client.react('update', 'pods/status', () => (failures-- > 0 ? statusError(500, 'InternalError', 'etcd is sad') : undefined));
    fx.clock.advance(41 * SEC);
    await expect(ctrl.sync('n1')).rejects.toThrow(/etcd is sad/);
    refresh(fx);
    fx.client.clearActions();
    await ctrl.sync('n1');
    expect(fx.client.writes().map((a) => `${a.verb} ${a.resource}/${a.subresource} ${a.name}`)).toEqual(['update pods/status p1']);
    // Once done, it is not repeated.
    refresh(fx);
    fx.client.clearActions();
    await ctrl.sync('n1');
    expect(fx.client.writes()).toEqual([]);
  });

  it('marks a pod bound to a node that is not Ready not ready', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, makeNode('n1', { conditions: [condition('Ready', 'False')] }));
    await ctrl.sync('n1');
    fx.client.clearActions();
    const pods: KubeObject[] = fx.seed(Resources.pods, makePod('late', 'n1'));
    await ctrl.syncPod('default/late');
    expect(fx.client.writes().map((a) => `${a.verb} ${a.resource}/${a.subresource} ${a.name}`)).toEqual(['update pods/status late']);
    expect(pods).toHaveLength(1);
    expect(fx.recorder.events).toContain('Warning NodeNotReady Node is not ready');
  });

  it('leaves a pod bound to a Ready node alone', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, readyNode('n1'));
    await ctrl.sync('n1');
    fx.seed(Resources.pods, makePod('p', 'n1'));
    await ctrl.syncPod('default/p');
    expect(fx.client.writes()).toEqual([]);
  });
});
