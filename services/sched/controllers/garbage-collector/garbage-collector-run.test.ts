// The garbage collector running for real (informers and workers) on the fake API, which
// honours finalizers and propagationPolicy on delete as the API server does.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import type { GarbageCollector } from './garbage-collector.js';
import { deployment, newGc, ownerRef, pod, replicaSet, until } from './test-objects.js';

const ns = { namespace: 'default' };

/** A Deployment with a ReplicaSet and two Pods, the GC running over them, and the order objects disappear in. */
async function running(fn: (fx: ControllerFixture, gc: GarbageCollector, removed: string[]) => Promise<void>): Promise<void> {
  const fx = new ControllerFixture();
  fx.client.seed(Resources.deployments, deployment('web', 'd1'));
  fx.client.seed(Resources.replicaSets, replicaSet('web-1', 'rs1', [ownerRef('Deployment', 'web', 'd1')]));
  fx.client.seed(Resources.pods, pod('web-1-a', 'p1', [ownerRef('ReplicaSet', 'web-1', 'rs1')]), pod('web-1-b', 'p2', [ownerRef('ReplicaSet', 'web-1', 'rs1')]));
  const gc = newGc(fx);
  const removed: string[] = [];
  for (const r of [Resources.deployments, Resources.replicaSets, Resources.pods]) {
    fx.informers.for(r).addEventHandler({ onDelete: (o: KubeObject) => removed.push(`${o.kind}/${o.metadata.name ?? ''}`) });
  }
  const ac = new AbortController();
  const informers = fx.informers.start(ac.signal);
  const workers = gc.run(2, ac.signal);
  try {
    await fx.informers.waitForSync(ac.signal);
    await until(() => gc.graph.size === 4 && [...['d1', 'rs1', 'p1', 'p2']].every((u) => gc.graph.node(u)?.virtual === false), 'the graph');
    await fn(fx, gc, removed);
  } finally {
    ac.abort();
    await workers;
    await informers;
  }
}

describe('garbage collector, running', () => {
  it('background: deleting the Deployment takes its ReplicaSet and Pods with it', async () => {
    await running(async (fx, _gc, removed) => {
      await fx.client.delete(Resources.deployments, 'web', { ...ns, propagationPolicy: 'Background' });
      await until(() => fx.client.objects(Resources.pods).length === 0, 'the pods to go');
      expect(fx.client.objects(Resources.replicaSets)).toEqual([]);
      expect(removed[0]).toBe('Deployment/web');
      expect(removed.slice(1, 2)).toEqual(['ReplicaSet/web-1']);
    });
  });

  it('foreground: the Deployment goes last, after its ReplicaSet, which goes after its Pods', async () => {
    await running(async (fx, _gc, removed) => {
      await fx.client.delete(Resources.deployments, 'web', { ...ns, propagationPolicy: 'Foreground' });
      await until(() => fx.client.stored(Resources.deployments, 'default', 'web') === undefined, 'the Deployment to go');
      expect(removed.slice(0, 2).sort()).toEqual(['Pod/web-1-a', 'Pod/web-1-b']);
      expect(removed.slice(2)).toEqual(['ReplicaSet/web-1', 'Deployment/web']);
    });
  });

  it('orphan: the Deployment goes, its ReplicaSet and Pods stay, no longer owned by it', async () => {
    await running(async (fx, gc) => {
      await fx.client.delete(Resources.deployments, 'web', { ...ns, propagationPolicy: 'Orphan' });
      await until(() => fx.client.stored(Resources.deployments, 'default', 'web') === undefined, 'the Deployment to go');
      expect(fx.client.stored(Resources.replicaSets, 'default', 'web-1')?.metadata.ownerReferences ?? []).toEqual([]);
      expect(fx.client.objects(Resources.pods).map((p) => p.metadata.name).sort()).toEqual(['web-1-a', 'web-1-b']);
      expect(fx.client.writes('delete').filter((a) => a.resource !== 'deployments')).toEqual([]);
      expect(gc.graph.node('d1')).toBeUndefined();
    });
  });
});
