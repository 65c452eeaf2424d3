import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { Resources } from '../../../../lib/controller/resources.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { asReplicaSet, POD_TEMPLATE_HASH_LABEL, rsReplicas, rsStatusCounts } from '../workload/replica-set.js';
import { NS, newDeployment, newPod, podTemplate } from '../workload/test-objects.js';
import type { Deployment, DeploymentCondition } from './deployment-types.js';
import { asDeployment } from './deployment-types.js';
import { computeHash } from './pod-template-hash.js';
import { DeploymentHarness } from './test-harness.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const NOW_TEXT = '2026-01-01T00:00:00Z';

interface RSSpecOptions {
  image: string;
  replicas: number;
  available?: number;
  revision: number;
  desired?: number;
  max?: number;
  created?: number;
  extraAnnotations?: Record<string, string>;
}

/** The ReplicaSet the Deployment controller would have made for `image`. */
function rsFor(d: KubeObject, o: RSSpecOptions): ReplicaSet {
  const dep = asDeployment(d);
  const template = podTemplate({ app: 'web' }, o.image);
  const hash = computeHash(template, undefined);
  const labels = { app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash };
  const replicas = o.replicas;
  const available = o.available ?? replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name ?? ''}-${hash}`,
      namespace: NS,
      labels,
      creationTimestamp: new Date(o.created ?? NOW - 3_600_000 + o.revision * 1000).toISOString(),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name ?? '', uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      annotations: {
        'deployment.kubernetes.io/revision': String(o.revision),
        'deployment.kubernetes.io/desired-replicas': String(o.desired ?? dep.spec?.replicas ?? 3),
        'deployment.kubernetes.io/max-replicas': String(o.max ?? (dep.spec?.replicas ?? 3) + 1),
        ...(o.extraAnnotations ?? {}),
      },
      generation: 1,
    },
    spec: { replicas, minReadySeconds: 0, selector: { matchLabels: labels }, template: { ...template, metadata: { labels } } },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: available, availableReplicas: available, observedGeneration: 1 },
  };
}

function conditions(d: Deployment): Record<string, DeploymentCondition> {
  return Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c]));
}

function scalingEvents(h: DeploymentHarness): string[] {
  return h.fx.recorder.events.filter((e) => e.includes('ScalingReplicaSet')).map((e) => e.replace('Normal ScalingReplicaSet ', ''));
}

const hashOf = (image: string): string => computeHash(podTemplate({ app: 'web' }, image), undefined);

describe('DeploymentController: a new Deployment', () => {
  it('creates the new ReplicaSet with the hash label, name and revision 1', async () => {
    const h = new DeploymentHarness(asDeployment(newDeployment('web', { replicas: 10 })));
    await h.ctrl.sync(h.key);
    const hash = hashOf('nginx:1.25');
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    const creates = h.fx.client.writes('create');
    expect(creates).toHaveLength(1);
    const rs = creates[0]?.object as ReplicaSet;
    expect(creates[0]).toMatchObject({ resource: 'replicasets', namespace: NS, name: `web-${hash}` });
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'web-uid', controller: true, blockOwnerDeletion: true }]);
    expect(rs.metadata.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '10',
      'deployment.kubernetes.io/max-replicas': '13',
    });
    expect(rs.spec?.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec?.replicas).toBe(10);
    expect(h.fx.recorder.events).toEqual([`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 10`]);

    const d = h.deployment();
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const c = conditions(d);
    expect(c.Progressing).toEqual({ type: 'Progressing', status: 'True', lastUpdateTime: NOW_TEXT, lastTransitionTime: NOW_TEXT, reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` });
    expect(c.Available).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    expect(d.status).toMatchObject({ observedGeneration: 1, unavailableReplicas: 10 });
    // Status only through /status.
    for (const u of h.fx.client.writes('update').filter((a) => a.resource === 'deployments')) expect(u.subresource).toBe('status');
  });

  it('completes: NewReplicaSetAvailable with Kubernetes\' message once every replica is available', async () => {
    const h = new DeploymentHarness(asDeployment(newDeployment('web', { replicas: 2 })));
    await h.sync();
    h.markAllReady();
    await h.sync();
    const d = h.deployment();
    const hash = hashOf('nginx:1.25');
    expect(conditions(d).Progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    expect(conditions(d).Available).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(d.status?.unavailableReplicas).toBeUndefined();
  });
});

describe('DeploymentController: RollingUpdate', () => {
  const table: Array<{ name: string; rollingUpdate: Record<string, unknown>; surge: number; unavailable: number; events?: string[] }> = [
    {
      name: '25% / 25%',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      surge: 3,
      unavailable: 2,
      events: ['Scaled up replica set web-NEW from 0 to 3', 'Scaled down replica set web-OLD from 10 to 8', 'Scaled up replica set web-NEW from 3 to 5', 'Scaled down replica set web-OLD from 8 to 3', 'Scaled up replica set web-NEW from 5 to 10', 'Scaled down replica set web-OLD from 3 to 0'],
    },
    { name: 'surge only (1 / 0)', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, surge: 1, unavailable: 0 },
    { name: 'unavailable only (0 / 30%)', rollingUpdate: { maxSurge: 0, maxUnavailable: '30%' }, surge: 0, unavailable: 3 },
    { name: 'both resolve to zero (0% / 5%): unavailable becomes 1', rollingUpdate: { maxSurge: '0%', maxUnavailable: '5%' }, surge: 0, unavailable: 1 },
  ];
  for (const row of table) {
    it(`steps a 10-replica rollout within maxSurge/maxUnavailable: ${row.name}`, async () => {
      const base = newDeployment('web', { replicas: 10, image: 'nginx:1', strategy: { type: 'RollingUpdate', rollingUpdate: row.rollingUpdate }, generation: 1 });
      const old = rsFor(base, { image: 'nginx:1', replicas: 10, revision: 1, desired: 10, max: 10 + row.surge });
      const h = new DeploymentHarness(asDeployment(base), [old]);
      await h.edit((d) => {
        const c = d.spec?.template?.spec?.containers as Array<{ image: string }>;
        if (c[0]) c[0].image = 'nginx:2';
      });
      const newName = `web-${hashOf('nginx:2')}`;
      const steps: Array<{ pods: number; available: number }> = [];
      const check = (): void => {
        const t = h.totals();
        steps.push(t);
        expect(t.pods, `pods at step ${steps.length}`).toBeLessThanOrEqual(10 + row.surge);
        expect(t.available, `available at step ${steps.length}`).toBeGreaterThanOrEqual(10 - row.unavailable);
      };
      for (let i = 0; i < 40; i++) {
        await h.sync();
        check();
        h.markAllReady();
        check();
        if (rsReplicas(h.rs(newName)) === 10 && rsReplicas(h.rs(old.metadata.name ?? '')) === 0 && conditions(h.deployment()).Progressing?.reason === 'NewReplicaSetAvailable') break;
      }
      // Gradual: several steps, never all pods replaced at once.
      expect(steps.length).toBeGreaterThan(4);
      expect(rsStatusCounts(h.rs(newName)).availableReplicas).toBe(10);
      expect(rsReplicas(h.rs(old.metadata.name ?? ''))).toBe(0);
      expect(h.rs(newName).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      expect(h.deployment().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      expect(h.deployment().status).toMatchObject({ observedGeneration: 2, replicas: 10, updatedReplicas: 10, availableReplicas: 10 });
      if (row.events) {
        const expected = row.events.map((e) => e.replace('web-NEW', newName).replace('web-OLD', old.metadata.name ?? ''));
        expect(scalingEvents(h)).toEqual(expected);
      }
    });
  }

  it('scales old replica sets down by their unhealthy replicas first', async () => {
    const base = newDeployment('web', { replicas: 4, image: 'nginx:2', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } });
    const old = rsFor(base, { image: 'nginx:1', replicas: 4, available: 2, revision: 1, desired: 4, max: 4 });
    const cur = rsFor(base, { image: 'nginx:2', replicas: 0, revision: 2, desired: 4, max: 4 });
    const h = new DeploymentHarness(asDeployment(base), [old, cur]);
    await h.sync();
    // all 4, minAvailable 3, new unavailable 0: 1 may go, and it is an unavailable one.
    expect(scalingEvents(h)).toEqual([`Scaled down replica set ${old.metadata.name ?? ''} from 4 to 3`]);
  });
});

describe('DeploymentController: Recreate', () => {
  it('scales the old ReplicaSet to zero and waits for its pods before creating the new one', async () => {
    const base = newDeployment('web', { replicas: 3, image: 'nginx:2', strategy: { type: 'Recreate' }, generation: 2 });
    const old = rsFor(base, { image: 'nginx:1', replicas: 3, revision: 1 });
    const oldPods = [0, 1, 2].map((i) => newPod(`old-${i}`, { ownerReferences: old.metadata.ownerReferences && [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: old.metadata.name ?? '', uid: 'old-rs-uid', controller: true }], nodeName: 'n1' }));
    old.metadata.uid = 'old-rs-uid';
    const h = new DeploymentHarness(asDeployment(base), [old], oldPods);
    const newName = `web-${hashOf('nginx:2')}`;

    await h.sync();
    expect(h.fx.client.writes('create')).toHaveLength(0);
    expect(scalingEvents(h)).toEqual([`Scaled down replica set ${old.metadata.name ?? ''} from 3 to 0`]);

    // The ReplicaSet reports no pods, but its pods are still terminating: keep waiting.
    await h.sync();
    expect(h.fx.client.writes('create')).toHaveLength(0);

    for (const p of oldPods) h.fx.informers.for(Resources.pods).cache.remove(`${NS}/${p.metadata.name ?? ''}`);
    await h.sync();
    expect(h.fx.client.writes('create').map((a) => a.name)).toEqual([newName]);
    expect(rsReplicas(h.rs(newName))).toBe(3);
    expect(scalingEvents(h)).toEqual([`Scaled down replica set ${old.metadata.name ?? ''} from 3 to 0`, `Scaled up replica set ${newName} from 0 to 3`]);
  });
});

describe('DeploymentController: rollback (kubectl rollout undo)', () => {
  it('reuses the old ReplicaSet whose template matches and gives it the next revision', async () => {
    const base = newDeployment('web', { replicas: 3, image: 'nginx:1', generation: 3, annotations: { 'deployment.kubernetes.io/revision': '2' } });
    const v1 = rsFor(base, { image: 'nginx:1', replicas: 0, revision: 1, extraAnnotations: { 'kubernetes.io/change-cause': 'v1' } });
    const v2 = rsFor(base, { image: 'nginx:2', replicas: 3, revision: 2 });
    const h = new DeploymentHarness(asDeployment(base), [v1, v2]);
    await h.sync();
    expect(h.fx.client.writes('create')).toHaveLength(0);
    const reused = h.rs(v1.metadata.name ?? '');
    expect(reused.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(h.deployment().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(rsReplicas(reused)).toBe(1);
    expect(scalingEvents(h)).toEqual([`Scaled up replica set ${v1.metadata.name ?? ''} from 0 to 1`]);
    // The revision update went through an update of the ReplicaSet, not a new one.
    const rsUpdates = h.fx.client.writes('update').filter((a) => a.resource === 'replicasets' && a.name === v1.metadata.name);
    expect(rsUpdates[0]?.object?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });
});

describe('DeploymentController: revision history', () => {
  it('deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit', async () => {
    const base = newDeployment('web', { replicas: 3, image: 'nginx:5', revisionHistoryLimit: 2, generation: 5 });
    const olds = [1, 2, 3, 4].map((rev) => rsFor(base, { image: `nginx:${rev}`, replicas: 0, revision: rev }));
    const first = olds[0];
    if (first?.status) first.status.replicas = 1; // still has a pod going away: kept
    const cur = rsFor(base, { image: 'nginx:5', replicas: 3, revision: 5 });
    (base as Deployment).status = {
      observedGeneration: 5,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: NOW_TEXT, lastTransitionTime: NOW_TEXT, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: NOW_TEXT, lastTransitionTime: NOW_TEXT, reason: 'NewReplicaSetAvailable', message: 'x' },
      ],
    };
    const h = new DeploymentHarness(asDeployment(base), [...olds, cur]);
    await h.ctrl.sync(h.key);
    expect(h.fx.client.writes('delete').map((a) => a.name)).toEqual([olds[1]?.metadata.name]);
    expect(h.fx.client.writes('delete')[0]?.resource).toBe('replicasets');
  });
});

describe('DeploymentController: pause and resume', () => {
  it('reports DeploymentPaused and rolls nothing out, then DeploymentResumed and rolls out', async () => {
    const base = newDeployment('web', { replicas: 3, image: 'nginx:2', paused: true, generation: 2 });
    const old = rsFor(base, { image: 'nginx:1', replicas: 3, revision: 1 });
    const h = new DeploymentHarness(asDeployment(base), [old]);
    await h.sync();
    expect(h.fx.client.writes('create')).toHaveLength(0);
    expect(conditions(h.deployment()).Progressing).toEqual({ type: 'Progressing', status: 'Unknown', lastUpdateTime: NOW_TEXT, lastTransitionTime: NOW_TEXT, reason: 'DeploymentPaused', message: 'Deployment is paused' });

    h.fx.clock.advance(5000);
    await h.edit((d) => {
      if (d.spec) d.spec.paused = false;
    });
    await h.sync();
    expect(h.fx.client.writes('create').map((a) => a.name)).toEqual([`web-${hashOf('nginx:2')}`]);
    const progressing = h.fx.client.writes('update').find((a) => a.subresource === 'status' && (a.object?.status as { conditions?: DeploymentCondition[] } | undefined)?.conditions?.some((c) => c.reason === 'DeploymentResumed'));
    expect(progressing).toBeDefined();
    const resumed = (progressing?.object?.status as { conditions: DeploymentCondition[] }).conditions.find((c) => c.type === 'Progressing');
    expect(resumed).toMatchObject({ status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed', lastUpdateTime: '2026-01-01T00:00:05Z' });
    // The resumed rollout then records its new ReplicaSet.
    expect(conditions(h.deployment()).Progressing?.reason).toBe('NewReplicaSetCreated');
  });

  it('scales a paused Deployment without rolling out', async () => {
    const base = newDeployment('web', { replicas: 5, image: 'nginx:2', paused: true });
    const old = rsFor(base, { image: 'nginx:1', replicas: 3, revision: 1, desired: 3, max: 4 });
    const h = new DeploymentHarness(asDeployment(base), [old]);
    await h.sync();
    expect(h.fx.client.writes('create')).toHaveLength(0);
    expect(scalingEvents(h)).toEqual([`Scaled up replica set ${old.metadata.name ?? ''} from 3 to 5`]);
    const rs = h.rs(old.metadata.name ?? '');
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '7' });
  });
});

describe('DeploymentController: proportional scaling', () => {
  it('spreads a resize over the ReplicaSets of a rollout in proportion (Kubernetes docs example)', async () => {
    const base = newDeployment('web', { replicas: 15, image: 'nginx:2', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    const old = rsFor(base, { image: 'nginx:1', replicas: 8, revision: 1, desired: 10, max: 13 });
    const cur = rsFor(base, { image: 'nginx:2', replicas: 5, available: 0, revision: 2, desired: 10, max: 13 });
    const h = new DeploymentHarness(asDeployment(base), [old, cur]);
    await h.ctrl.sync(h.key);
    const updates = h.fx.client.writes('update').filter((a) => a.resource === 'replicasets');
    expect(updates.map((a) => [a.name, asReplicaSet(a.object as KubeObject).spec?.replicas])).toEqual([
      [old.metadata.name, 11],
      [cur.metadata.name, 7],
    ]);
    for (const u of updates) {
      expect(u.object?.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '15', 'deployment.kubernetes.io/max-replicas': '18' });
    }
    expect(scalingEvents(h)).toEqual([`Scaled up replica set ${old.metadata.name ?? ''} from 8 to 11`, `Scaled up replica set ${cur.metadata.name ?? ''} from 5 to 7`]);
  });

  it('scales down proportionally, older ReplicaSets first among equals', async () => {
    const base = newDeployment('web', { replicas: 5, image: 'nginx:2', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    const old = rsFor(base, { image: 'nginx:1', replicas: 5, revision: 1, desired: 10, max: 11 });
    const cur = rsFor(base, { image: 'nginx:2', replicas: 5, available: 0, revision: 2, desired: 10, max: 11 });
    const h = new DeploymentHarness(asDeployment(base), [old, cur]);
    await h.sync();
    expect(rsReplicas(h.rs(old.metadata.name ?? '')) + rsReplicas(h.rs(cur.metadata.name ?? ''))).toBe(6);
    expect(scalingEvents(h)).toEqual([`Scaled down replica set ${old.metadata.name ?? ''} from 5 to 3`, `Scaled down replica set ${cur.metadata.name ?? ''} from 5 to 3`]);
  });
});

describe('DeploymentController: progress deadline', () => {
  function stuck(lastProgressAgoMs: number): DeploymentHarness {
    const base = newDeployment('web', { replicas: 3, image: 'nginx:2', progressDeadlineSeconds: 60, generation: 2, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    const cur = rsFor(base, { image: 'nginx:2', replicas: 3, available: 0, revision: 1 });
    const at = new Date(NOW - lastProgressAgoMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    (base as Deployment).status = {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      unavailableReplicas: 3,
      conditions: [
        { type: 'Progressing', status: 'True', lastUpdateTime: at, lastTransitionTime: at, reason: 'ReplicaSetUpdated', message: `ReplicaSet "${cur.metadata.name ?? ''}" is progressing.` },
        { type: 'Available', status: 'False', lastUpdateTime: at, lastTransitionTime: at, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      ],
    };
    return new DeploymentHarness(asDeployment(base), [cur]);
  }

  it('reports ProgressDeadlineExceeded once no progress was made for progressDeadlineSeconds', async () => {
    const h = stuck(61_000);
    await h.ctrl.sync(h.key);
    const rsName = `web-${hashOf('nginx:2')}`;
    const writes = h.fx.client.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ verb: 'update', resource: 'deployments', subresource: 'status' });
    const progressing = (writes[0]?.object?.status as { conditions: DeploymentCondition[] }).conditions.find((c) => c.type === 'Progressing');
    expect(progressing).toEqual({ type: 'Progressing', status: 'False', lastUpdateTime: NOW_TEXT, lastTransitionTime: NOW_TEXT, reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` });
  });

  it('looks again when the deadline falls due', async () => {
    const h = stuck(20_000);
    for (let k = h.ctrl.queue.tryGet(); k !== undefined; k = h.ctrl.queue.tryGet()) h.ctrl.queue.done(k);
    await h.ctrl.sync(h.key);
    expect(h.fx.client.writes()).toEqual([]);
    h.fx.clock.advance(40_000);
    expect(h.ctrl.queue.length).toBe(0);
    h.fx.clock.advance(1_000);
    expect(h.ctrl.queue.tryGet()).toBe(h.key);
  });
});

describe('DeploymentController: status', () => {
  it('sums the ReplicaSets\' counts and records the observed generation', async () => {
    const base = newDeployment('web', { replicas: 4, image: 'nginx:2', generation: 7, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    const old = rsFor(base, { image: 'nginx:1', replicas: 2, available: 2, revision: 1, desired: 4, max: 5 });
    const cur = rsFor(base, { image: 'nginx:2', replicas: 3, available: 1, revision: 2, desired: 4, max: 5 });
    if (cur.status) cur.status.readyReplicas = 2;
    const h = new DeploymentHarness(asDeployment(base), [old, cur]);
    await h.ctrl.sync(h.key);
    const d = h.deployment();
    expect(h.fx.client.writes('update').filter((a) => a.resource === 'replicasets')).toEqual([]);
    expect(d.status).toMatchObject({ observedGeneration: 7, replicas: 5, updatedReplicas: 3, readyReplicas: 4, availableReplicas: 3, unavailableReplicas: 2 });
    expect(conditions(d).Available).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('reports a selector that selects everything and does nothing else', async () => {
    const base = newDeployment('web', { generation: 3 });
    (base.spec as { selector: unknown }).selector = {};
    const h = new DeploymentHarness(asDeployment(base));
    await h.ctrl.sync(h.key);
    expect(h.fx.recorder.events).toEqual(['Warning SelectingAll This deployment is selecting all pods. A non-empty selector is required.']);
    expect(h.fx.client.writes('create')).toEqual([]);
    expect(h.deployment().status?.observedGeneration).toBe(3);
  });
});

describe('DeploymentController: claiming ReplicaSets', () => {
  it('adopts a matching orphan ReplicaSet and releases one that no longer matches', async () => {
    const base = newDeployment('web', { replicas: 3, image: 'nginx:1' });
    const orphan = rsFor(base, { image: 'nginx:1', replicas: 3, revision: 1 });
    delete orphan.metadata.ownerReferences;
    orphan.metadata.uid = 'orphan-uid';
    const stray = rsFor(base, { image: 'nginx:0', replicas: 0, revision: 0 });
    stray.metadata.uid = 'stray-uid';
    stray.metadata.labels = { app: 'other' };
    const h = new DeploymentHarness(asDeployment(base), [orphan, stray]);
    await h.ctrl.sync(h.key);
    const patches = h.fx.client.writes('patch').filter((a) => a.resource === 'replicasets');
    expect(Object.fromEntries(patches.map((p) => [p.name, p.patch]))).toEqual({
      [orphan.metadata.name ?? '']: { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'web-uid', controller: true, blockOwnerDeletion: true }], uid: 'orphan-uid' } },
      [stray.metadata.name ?? '']: { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'web-uid' }], uid: 'stray-uid' } },
    });
    expect(patches.every((p) => p.patchType === 'strategic')).toBe(true);
    // The adopted ReplicaSet is the new one: nothing is created.
    expect(h.fx.client.writes('create')).toEqual([]);
  });
});
