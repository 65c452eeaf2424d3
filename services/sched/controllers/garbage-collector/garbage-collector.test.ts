// The garbage collector's decisions, one worker driven by hand: informers follow the fake API
// (so the graph sees each change), and each queued uid goes through sync/orphan in turn.
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResource } from '../../../../lib/api/kube-client/api-resource.js';
import { parseApiVersion } from '../../../../lib/api/kube-client/api-resource.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { configMap, deployment, drain, newGc, ownerRef, pod, replicaSet, startInformers, writeSummary } from './test-objects.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function started(fx: ControllerFixture): Promise<void> {
  const { stop } = await startInformers(fx);
  stops.push(stop);
}

const ns = { namespace: 'default' };

describe('GarbageCollector: background', () => {
  it('cascades Deployment → ReplicaSet → Pods once the Deployment is gone', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.deployments, deployment('web', 'd1'));
    fx.client.seed(Resources.replicaSets, replicaSet('web-1', 'rs1', [ownerRef('Deployment', 'web', 'd1')]));
    fx.client.seed(Resources.pods, pod('web-1-a', 'p1', [ownerRef('ReplicaSet', 'web-1', 'rs1')]), pod('web-1-b', 'p2', [ownerRef('ReplicaSet', 'web-1', 'rs1')]));
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);
    expect(fx.client.writes()).toEqual([]);

    await fx.client.delete(Resources.deployments, 'web', ns);
    fx.client.clearActions();
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['delete replicasets web-1 Background', 'delete pods web-1-a Background', 'delete pods web-1-b Background']);
    const deletes = fx.client.writes('delete');
    expect(deletes.map((a) => a.deleteOptions?.preconditions?.uid)).toEqual(['rs1', 'p1', 'p2']);
    // Each was judged at the version it was read.
    expect(deletes.every((a) => a.deleteOptions?.preconditions?.resourceVersion !== undefined)).toBe(true);
    // Each object was read live (for its uid and references) before it was deleted.
    const firstDelete = fx.client.actions.findIndex((a) => a.verb === 'delete');
    expect(fx.client.actions.slice(0, firstDelete).some((a) => a.verb === 'get' && a.resource === 'replicasets' && a.name === 'web-1')).toBe(true);
    expect(fx.client.objects(Resources.pods)).toEqual([]);
    expect(fx.client.objects(Resources.replicaSets)).toEqual([]);
    expect(gc.graph.size).toBe(0);
  });

  it('only removes the dangling reference of a dependent that has another owner', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.replicaSets, replicaSet('a', 'rsA'));
    fx.client.seed(Resources.pods, pod('shared', 'p1', [ownerRef('ReplicaSet', 'a', 'rsA', false), ownerRef('ReplicaSet', 'b', 'rsB', false)]));
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['patch pods shared ownerReferences']);
    const [patch] = fx.client.writes();
    expect(patch?.patchType).toBe('merge');
    expect(patch?.patch).toMatchObject({ metadata: { resourceVersion: expect.any(String) as unknown } });
    expect(fx.client.stored(Resources.pods, 'default', 'shared')?.metadata.ownerReferences).toEqual([ownerRef('ReplicaSet', 'a', 'rsA', false)]);
  });

  it('keeps a dependent whose owner exists and deletes one whose owners are all gone', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.replicaSets, replicaSet('alive', 'rsAlive'));
    fx.client.seed(Resources.pods, pod('kept', 'p1', [ownerRef('ReplicaSet', 'alive', 'rsAlive')]), pod('orphaned', 'p2', [ownerRef('ReplicaSet', 'gone', 'rsGone'), ownerRef('Deployment', 'gone-too', 'dGone')]));
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['delete pods orphaned Background']);
  });

  it('honours an orphan finalizer already on the garbage it deletes', async () => {
    const fx = new ControllerFixture();
    const rs = replicaSet('keep-pods', 'rs1', [ownerRef('Deployment', 'gone', 'dGone')]);
    rs.metadata.finalizers = ['orphan'];
    fx.client.seed(Resources.replicaSets, rs);
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);
    // Deleted with Orphan; once marked, its (empty) orphaning is done and the finalizer goes.
    expect(writeSummary(fx)).toEqual(['delete replicasets keep-pods Orphan', 'patch replicasets keep-pods finalizers']);
    expect(fx.client.stored(Resources.replicaSets, 'default', 'keep-pods')).toBeUndefined();
  });
});

describe('GarbageCollector: foreground', () => {
  it('deletes the dependents first and removes the finalizers only once no blocking dependent is left', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.deployments, deployment('web', 'd1'));
    fx.client.seed(Resources.replicaSets, replicaSet('web-1', 'rs1', [ownerRef('Deployment', 'web', 'd1')]));
    // p1 is held by a finalizer (as a node agent holds a running pod) until the test lets go.
    fx.client.seed(Resources.pods, pod('web-1-a', 'p1', [ownerRef('ReplicaSet', 'web-1', 'rs1')], ['example.com/hold']), pod('web-1-b', 'p2', [ownerRef('ReplicaSet', 'web-1', 'rs1')]));
    fx.client.seed(Resources.configMaps, configMap('web-config', 'cm1', [ownerRef('Deployment', 'web', 'd1', false)]));
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);

    await fx.client.delete(Resources.deployments, 'web', { ...ns, propagationPolicy: 'Foreground' });
    expect(fx.client.stored(Resources.deployments, 'default', 'web')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    fx.client.clearActions();
    await drain(gc);
    // The ReplicaSet has dependents of its own, so it goes in the foreground too; leaves go in the background.
    expect(writeSummary(fx)).toEqual(['delete replicasets web-1 Foreground', 'delete configmaps web-config Background', 'delete pods web-1-a Background', 'delete pods web-1-b Background']);
    expect(fx.client.writes('delete').map((a) => a.deleteOptions?.preconditions?.uid)).toEqual(['rs1', 'cm1', 'p1', 'p2']);
    // p1 is still terminating: both owners keep waiting.
    expect(fx.client.stored(Resources.pods, 'default', 'web-1-a')?.metadata.deletionTimestamp).toBeDefined();
    expect(fx.client.stored(Resources.replicaSets, 'default', 'web-1')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(fx.client.stored(Resources.deployments, 'default', 'web')?.metadata.finalizers).toEqual(['foregroundDeletion']);

    // The last blocking dependent goes: the ReplicaSet, then the Deployment, are finalized.
    await fx.client.patch(Resources.pods, 'web-1-a', { metadata: { finalizers: [] } }, 'merge', ns);
    fx.client.clearActions();
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['patch replicasets web-1 finalizers', 'patch deployments web finalizers']);
    expect(fx.client.writes('patch').map((a) => (a.patch as { metadata: { finalizers: unknown } }).metadata.finalizers)).toEqual([[], []]);
    expect(fx.client.stored(Resources.replicaSets, 'default', 'web-1')).toBeUndefined();
    expect(fx.client.stored(Resources.deployments, 'default', 'web')).toBeUndefined();
  });

  it('drops the reference of a dependent that has another owner, which unblocks the owner', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.deployments, deployment('web', 'd1'), deployment('other', 'd2'));
    fx.client.seed(Resources.replicaSets, replicaSet('shared', 'rs1', [ownerRef('Deployment', 'web', 'd1'), ownerRef('Deployment', 'other', 'd2', false)]));
    const gc = newGc(fx);
    await started(fx);
    await fx.client.delete(Resources.deployments, 'web', { ...ns, propagationPolicy: 'Foreground' });
    fx.client.clearActions();
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['patch replicasets shared ownerReferences', 'patch deployments web finalizers']);
    expect(fx.client.stored(Resources.replicaSets, 'default', 'shared')?.metadata.ownerReferences).toEqual([ownerRef('Deployment', 'other', 'd2', false)]);
    expect(fx.client.stored(Resources.deployments, 'default', 'web')).toBeUndefined();
  });

  it('does not wait for dependents that do not block', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.deployments, deployment('web', 'd1'));
    const held = configMap('held', 'cm1', [ownerRef('Deployment', 'web', 'd1', false)]);
    held.metadata.finalizers = ['example.com/hold'];
    fx.client.seed(Resources.configMaps, held);
    const gc = newGc(fx);
    await started(fx);
    await fx.client.delete(Resources.deployments, 'web', { ...ns, propagationPolicy: 'Foreground' });
    fx.client.clearActions();
    await drain(gc);
    // The config map stays (terminating), yet the Deployment is finalized.
    expect(writeSummary(fx)).toEqual(['delete configmaps held Background', 'patch deployments web finalizers']);
    expect(fx.client.stored(Resources.deployments, 'default', 'web')).toBeUndefined();
    expect(fx.client.stored(Resources.configMaps, 'default', 'held')?.metadata.deletionTimestamp).toBeDefined();
  });
});

describe('GarbageCollector: orphan', () => {
  it("removes the owner's references from its dependents, then the orphan finalizer", async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.deployments, deployment('web', 'd1'));
    fx.client.seed(Resources.replicaSets, replicaSet('web-1', 'rs1', [ownerRef('Deployment', 'web', 'd1')]), replicaSet('web-2', 'rs2', [ownerRef('Deployment', 'web', 'd1'), ownerRef('Deployment', 'other', 'd2')]));
    fx.client.seed(Resources.deployments, deployment('other', 'd2'));
    fx.client.seed(Resources.pods, pod('web-1-a', 'p1', [ownerRef('ReplicaSet', 'web-1', 'rs1')]));
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);

    await fx.client.delete(Resources.deployments, 'web', { ...ns, propagationPolicy: 'Orphan' });
    fx.client.clearActions();
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['patch replicasets web-1 ownerReferences', 'patch replicasets web-2 ownerReferences', 'patch deployments web finalizers']);
    expect(fx.client.writes('delete')).toEqual([]);
    expect(fx.client.stored(Resources.deployments, 'default', 'web')).toBeUndefined();
    expect(fx.client.stored(Resources.replicaSets, 'default', 'web-1')?.metadata.ownerReferences ?? []).toEqual([]);
    expect(fx.client.stored(Resources.replicaSets, 'default', 'web-2')?.metadata.ownerReferences).toEqual([ownerRef('Deployment', 'other', 'd2')]);
    expect(fx.client.stored(Resources.pods, 'default', 'web-1-a')).toBeDefined();
  });
});

describe('GarbageCollector: identity', () => {
  it('never deletes a recreated owner that has the old name but another uid', async () => {
    const fx = new ControllerFixture();
    // The ReplicaSet "web-1" the pod names (uid old) is gone; a new one has the name now.
    fx.client.seed(Resources.replicaSets, replicaSet('web-1', 'rs-new'));
    fx.client.seed(Resources.pods, pod('web-1-a', 'p1', [ownerRef('ReplicaSet', 'web-1', 'rs-old')]));
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['delete pods web-1-a Background']);
    expect(fx.client.stored(Resources.replicaSets, 'default', 'web-1')?.metadata.uid).toBe('rs-new');
  });

  it('never deletes a dependent recreated under the same name', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.pods, pod('p', 'p-old', [ownerRef('ReplicaSet', 'gone', 'rsGone')]));
    const gc = newGc(fx);
    const { stop } = await startInformers(fx);
    await stop(); // the graph stops here, with p-old in it
    await fx.client.delete(Resources.pods, 'p', ns);
    await fx.client.create(Resources.pods, pod('p', 'p-new', [ownerRef('ReplicaSet', 'gone', 'rsGone')]), ns);
    fx.client.clearActions();
    await drain(gc);
    expect(fx.client.writes()).toEqual([]);
    expect(fx.client.stored(Resources.pods, 'default', 'p')?.metadata.uid).toBe('p-new');
  });

  it('sends the uid as a delete precondition, so a swap between read and delete is refused', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.pods, pod('p', 'p1', [ownerRef('ReplicaSet', 'gone', 'rsGone')]));
    const gc = newGc(fx);
    await started(fx);
    // Between the collector's read and its delete, the pod is replaced by another of the same name.
    let swapped = false;
    fx.client.react('delete', 'pods', () => {
      if (!swapped) {
        swapped = true;
        fx.client.seed(Resources.pods, pod('p', 'p2'));
      }
      return undefined;
    });
    await drain(gc);
    expect(fx.client.writes('delete').map((a) => a.deleteOptions?.preconditions?.uid)).toEqual(['p1']);
    expect(fx.client.stored(Resources.pods, 'default', 'p')?.metadata.uid).toBe('p2');
  });
});

describe('GarbageCollector: virtual owners', () => {
  const jobs: ApiResource = { ...Resources.pods, group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', singular: 'job', subresources: ['status'] };
  const resolveResource = (apiVersion: string, kind: string): ApiResource | undefined =>
    [...Object.values(Resources), jobs].find((r) => r.kind === kind && r.group === parseApiVersion(apiVersion).group);

  it('verifies an owner it knows only from references with a GET, and collects once the API says it is gone', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(jobs, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'backup', namespace: 'default', uid: 'j1' } });
    fx.client.seed(Resources.pods, pod('backup-x', 'p1', [ownerRef('Job', 'backup', 'j1')]));
    const gc = newGc(fx, { resolveResource, unwatchedOwnerRecheckMs: 60_000 });
    await started(fx);
    await drain(gc);
    // No informer watches Jobs: the collector asked the API, found the Job, and did nothing.
    expect(fx.client.actions.some((a) => a.verb === 'get' && a.resource === 'jobs' && a.name === 'backup')).toBe(true);
    expect(fx.client.writes()).toEqual([]);
    expect(gc.graph.node('j1')?.virtual).toBe(true);

    await fx.client.delete(jobs, 'backup', ns);
    fx.client.clearActions();
    await drain(gc);
    expect(fx.client.writes()).toEqual([]);
    fx.clock.advance(60_000);
    await drain(gc);
    expect(writeSummary(fx)).toEqual(['delete pods backup-x Background']);
    expect(gc.graph.node('j1')).toBeUndefined();
  });

  it('leaves alone dependents whose owner kind it cannot map', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.pods, pod('mystery', 'p1', [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w1' }]));
    const gc = newGc(fx);
    await started(fx);
    await drain(gc);
    expect(fx.client.writes()).toEqual([]);
  });
});
