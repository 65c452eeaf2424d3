import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { statusError } from '../../../../lib/controller/fake-client.js';
import { Resources } from '../../../../lib/controller/resources.js';
import type { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { NS, newPod, newReplicaSet } from '../workload/test-objects.js';
import { EXPECTATIONS_TIMEOUT_MS } from './expectations.js';
import { ReplicaSetController } from './replicaset-controller.js';

function setup(rsObj: ReplicaSet, pods: (rs: KubeObject) => KubeObject[] = () => [], burstReplicas?: number) {
  const fx = new ControllerFixture();
  const [rs] = fx.seed(Resources.replicaSets, rsObj);
  if (!rs) throw new Error('seed failed');
  const seededPods = fx.seed(Resources.pods, ...pods(rs));
  const ctrl = new ReplicaSetController(fx, burstReplicas !== undefined ? { burstReplicas } : {});
  return { fx, rs, pods: seededPods, ctrl, key: `${NS}/${rs.metadata.name ?? ''}` };
}

function drain(queue: WorkQueue): void {
  for (let k = queue.tryGet(); k !== undefined; k = queue.tryGet()) queue.done(k);
}

const ownerRefOf = (rs: KubeObject) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true });

describe('ReplicaSetController scale up', () => {
  it('creates exactly the missing pods from the template, owned by the ReplicaSet, with events', async () => {
    const { fx, rs, ctrl, key } = setup(newReplicaSet('web', { replicas: 3, templateLabels: { app: 'web', tier: 'front' }, selector: { app: 'web' } }), (rs) => [
      newPod('web-existing', { owner: rs, labels: { app: 'web', tier: 'front' }, readySince: Date.parse('2025-12-31T00:00:00Z'), nodeName: 'n1' }),
    ]);
    await ctrl.sync(key);
    const creates = fx.client.writes('create');
    expect(creates).toHaveLength(2);
    for (const c of creates) {
      expect(c.resource).toBe('pods');
      expect(c.namespace).toBe(NS);
      expect(c.object?.metadata.generateName).toBe('web-');
      expect(c.object?.metadata.labels).toEqual({ app: 'web', tier: 'front' });
      expect(c.object?.metadata.ownerReferences).toEqual([ownerRefOf(rs)]);
      expect(c.object?.spec).toEqual({ containers: [{ name: 'app', image: 'nginx:1.25' }] });
    }
    const names = fx.client.objects(Resources.pods).map((p) => p.metadata.name).filter((n) => n !== 'web-existing');
    expect(fx.recorder.events.sort()).toEqual(names.map((n) => `Normal SuccessfulCreate Created pod: ${n ?? ''}`).sort());
    // Status counts what the cache shows: the created pods are not in it yet.
    const status = fx.client.writes('update');
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ resource: 'replicasets', subresource: 'status', name: 'web' });
    expect(status[0]?.object?.status).toMatchObject({ replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
  });

  it('creates nothing on a second sync while the informer has not shown the created pods (expectations)', async () => {
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 3 }));
    await ctrl.sync(key);
    expect(fx.client.writes('create')).toHaveLength(3);
    expect(ctrl.expectations.get(key)).toEqual({ add: 3, del: 0 });
    fx.client.clearActions();
    await ctrl.sync(key);
    expect(fx.client.writes('create')).toHaveLength(0);
    // Expectations expire after five minutes: then the (still empty) cache is trusted again.
    fx.clock.advance(EXPECTATIONS_TIMEOUT_MS + 1);
    await ctrl.sync(key);
    expect(fx.client.writes('create')).toHaveLength(3);
  });

  it('creates in slow-start batches and stops after the first failing batch', async () => {
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 10 }));
    let calls = 0;
    fx.client.react('create', 'pods', () => {
      calls++;
      return calls === 2 ? statusError(403, 'Forbidden', 'pods "web-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2') : undefined;
    });
    await expect(ctrl.sync(key)).rejects.toThrow(/exceeded quota/);
    // Batches of 1 then 2: the second batch fails, nothing more is tried.
    expect(fx.client.writes('create')).toHaveLength(3);
    expect(fx.recorder.events.filter((e) => e.startsWith('Normal SuccessfulCreate'))).toHaveLength(2);
    expect(fx.recorder.events).toContain('Warning FailedCreate Error creating: pods "web-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
    // Only the two successful creates are still expected.
    expect(ctrl.expectations.get(key)).toEqual({ add: 2, del: 0 });
    const status = fx.client.writes('update')[0]?.object?.status as Record<string, unknown>;
    expect(status.conditions).toEqual([
      {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'FailedCreate',
        message: 'pods "web-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
      },
    ]);
  });

  it('creates at most burstReplicas pods per sync', async () => {
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 20 }), () => [], 5);
    await ctrl.sync(key);
    expect(fx.client.writes('create')).toHaveLength(5);
  });

  it('does not count terminating or finished pods as replicas', async () => {
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 2 }), (rs) => [
      newPod('a', { owner: rs, nodeName: 'n1' }),
      newPod('b', { owner: rs, terminating: true, nodeName: 'n1' }),
      newPod('c', { owner: rs, phase: 'Succeeded', nodeName: 'n1' }),
    ]);
    await ctrl.sync(key);
    expect(fx.client.writes('create')).toHaveLength(1);
    expect(fx.client.writes('delete')).toHaveLength(0);
  });
});

describe('ReplicaSetController scale down', () => {
  it('deletes the least valuable pods first and records events', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 2 }), (rs) => [
      newPod('running-ready-old', { owner: rs, nodeName: 'n1', readySince: now - 3_600_000, created: now - 7_200_000 }),
      newPod('unassigned', { owner: rs, phase: 'Pending', created: now - 100_000 }),
      newPod('running-ready-new', { owner: rs, nodeName: 'n2', readySince: now - 60_000, created: now - 7_200_000 }),
      newPod('running-not-ready', { owner: rs, nodeName: 'n1', created: now - 7_200_000 }),
    ]);
    await ctrl.sync(key);
    const deletes = fx.client.writes('delete').map((a) => a.name).sort();
    expect(deletes).toEqual(['running-not-ready', 'unassigned']);
    expect(fx.recorder.events.sort()).toEqual(['Normal SuccessfulDelete Deleted pod: running-not-ready', 'Normal SuccessfulDelete Deleted pod: unassigned']);
    expect(ctrl.expectations.get(key)).toEqual({ add: 0, del: 2 });
    // Lagging informer: the deleted pods are still cached, but nothing more is deleted.
    fx.client.clearActions();
    await ctrl.sync(key);
    expect(fx.client.writes('delete')).toHaveLength(0);
  });

  it('reports a failed delete and does not wait for it', async () => {
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 0 }), (rs) => [newPod('a', { owner: rs })]);
    fx.client.react('delete', 'pods', () => statusError(500, 'InternalError', 'etcd is down'));
    await expect(ctrl.sync(key)).rejects.toThrow('etcd is down');
    expect(fx.recorder.events).toEqual(['Warning FailedDelete Error deleting: etcd is down']);
    expect(ctrl.expectations.satisfied(key)).toBe(true);
  });
});

describe('ReplicaSetController claiming pods', () => {
  it('adopts a matching orphan instead of creating a pod', async () => {
    const { fx, rs, ctrl, key } = setup(newReplicaSet('web', { replicas: 1 }), () => [newPod('orphan', { labels: { app: 'web' }, uid: 'orphan-uid' })]);
    await ctrl.sync(key);
    expect(fx.client.writes('create')).toHaveLength(0);
    const patches = fx.client.writes('patch');
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ resource: 'pods', name: 'orphan', patchType: 'strategic' });
    expect(patches[0]?.patch).toEqual({ metadata: { ownerReferences: [ownerRefOf(rs)], uid: 'orphan-uid' } });
    // The owner was re-read before adopting.
    expect(fx.client.actions.some((a) => a.verb === 'get' && a.resource === 'replicasets' && a.name === 'web')).toBe(true);
    expect(fx.client.stored(Resources.pods, NS, 'orphan')?.metadata.ownerReferences).toEqual([ownerRefOf(rs)]);
  });

  it('releases an owned pod whose labels no longer match, and replaces it', async () => {
    const { fx, rs, ctrl, key } = setup(newReplicaSet('web', { replicas: 1 }), (rs) => [newPod('relabelled', { owner: rs, labels: { app: 'other' }, uid: 'p-uid' })]);
    await ctrl.sync(key);
    const patches = fx.client.writes('patch');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.patch).toEqual({ metadata: { ownerReferences: [{ $patch: 'delete', uid: rs.metadata.uid }], uid: 'p-uid' } });
    expect(fx.client.writes('create')).toHaveLength(1);
  });

  it('leaves pods controlled by another owner alone', async () => {
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 1 }), () => [
      newPod('foreign', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: 'other-uid', controller: true }] }),
    ]);
    await ctrl.sync(key);
    expect(fx.client.writes('patch')).toHaveLength(0);
    expect(fx.client.writes('create')).toHaveLength(1);
  });

  it('neither adopts nor creates while the ReplicaSet is being deleted', async () => {
    const rsObj = newReplicaSet('web', { replicas: 2 });
    rsObj.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    rsObj.metadata.finalizers = ['foregroundDeletion'];
    const { fx, ctrl, key } = setup(rsObj, () => [newPod('orphan')]);
    await ctrl.sync(key);
    expect(fx.client.writes('patch')).toHaveLength(0);
    expect(fx.client.writes('create')).toHaveLength(0);
  });
});

describe('ReplicaSetController status', () => {
  it('counts ready, available (minReadySeconds) and fully labeled replicas', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const rsObj = newReplicaSet('web', { replicas: 3, minReadySeconds: 10, selector: { app: 'web' }, templateLabels: { app: 'web', tier: 'front' } });
    rsObj.metadata.generation = 4;
    const { fx, ctrl, key } = setup(rsObj, (rs) => [
      newPod('available', { owner: rs, labels: { app: 'web', tier: 'front' }, readySince: now - 20_000, nodeName: 'n1' }),
      newPod('ready-recently', { owner: rs, labels: { app: 'web', tier: 'front' }, readySince: now - 5_000, nodeName: 'n1' }),
      newPod('not-ready', { owner: rs, labels: { app: 'web' }, nodeName: 'n1' }),
    ]);
    await ctrl.sync(key);
    const writes = fx.client.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ verb: 'update', resource: 'replicasets', subresource: 'status' });
    expect(writes[0]?.object?.status).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
  });

  it('writes nothing when the status is unchanged', async () => {
    const { fx, ctrl, key } = setup(
      newReplicaSet('web', { replicas: 1, status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 } }),
      (rs) => [newPod('a', { owner: rs, readySince: Date.parse('2025-12-31T00:00:00Z'), nodeName: 'n1' })],
    );
    await ctrl.sync(key);
    expect(fx.client.writes()).toEqual([]);
  });

  it('looks again after minReadySeconds when every pod is ready but not yet available', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 1, minReadySeconds: 30 }), (rs) => [newPod('a', { owner: rs, readySince: now - 1000, nodeName: 'n1' })]);
    drain(ctrl.queue);
    await ctrl.sync(key);
    expect(ctrl.queue.length).toBe(0);
    fx.clock.advance(30_000);
    expect(ctrl.queue.tryGet()).toBe(key);
  });

  it('forgets a deleted ReplicaSet', async () => {
    const { fx, ctrl, key } = setup(newReplicaSet('web', { replicas: 2 }));
    await ctrl.sync(key);
    fx.informers.for(Resources.replicaSets).cache.remove(key);
    fx.client.clearActions();
    await ctrl.sync(key);
    expect(fx.client.writes()).toEqual([]);
    expect(ctrl.expectations.get(key)).toBeUndefined();
  });
});
