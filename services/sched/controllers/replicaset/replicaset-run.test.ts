import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { controllerOf } from '../pod-util.js';
import { asReplicaSet, rsStatusCounts } from '../workload/replica-set.js';
import { NS, newPod, newReplicaSet } from '../workload/test-objects.js';
import { ReplicaSetController } from './replicaset-controller.js';

async function waitFor(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ReplicaSetController running on the fake API', () => {
  it('creates, adopts, scales down and reports status through its informers', async () => {
    const fx = new ControllerFixture();
    const ctrl = new ReplicaSetController(fx);
    const ac = new AbortController();
    const informers = fx.informers.start(ac.signal);
    const running = ctrl.run(2, ac.signal);
    try {
      fx.client.seed(Resources.pods, newPod('orphan', { labels: { app: 'web' }, nodeName: 'n1' }));
      await fx.client.create(Resources.replicaSets, newReplicaSet('web', { replicas: 3 }), { namespace: NS });
      const ownedPods = (): KubeObject[] => fx.client.objects(Resources.pods).filter((p) => controllerOf(p)?.name === 'web');
      await waitFor('3 owned pods', () => ownedPods().length === 3);
      // The orphan was adopted; only two pods were created, and never more.
      expect(fx.client.writes('create').filter((a) => a.resource === 'pods')).toHaveLength(2);
      expect(ownedPods().map((p) => p.metadata.name)).toContain('orphan');

      // A kubelet stand-in marks every pod ready.
      for (const p of fx.client.objects(Resources.pods)) {
        p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-12-31T00:00:00Z' }] };
        await fx.client.update(Resources.pods, p, { subresource: 'status' });
      }
      const status = () => rsStatusCounts(asReplicaSet(fx.client.stored(Resources.replicaSets, NS, 'web') ?? newReplicaSet('gone')));
      await waitFor('3 available replicas', () => status().availableReplicas === 3 && status().replicas === 3);

      const cur = fx.client.stored(Resources.replicaSets, NS, 'web');
      if (!cur) throw new Error('replicaset missing');
      (cur.spec as { replicas: number }).replicas = 1;
      await fx.client.update(Resources.replicaSets, cur);
      await waitFor('1 pod left', () => ownedPods().length === 1 && status().replicas === 1);
      expect(fx.client.writes('create').filter((a) => a.resource === 'pods')).toHaveLength(2);
      expect(fx.recorder.events.filter((e) => e.startsWith('Normal SuccessfulDelete'))).toHaveLength(2);
      expect(status().observedGeneration).toBe(2);
    } finally {
      ac.abort();
      await running;
      await informers;
    }
  });
});

describe('ReplicaSetController event handlers', () => {
  it('lowers expectations as the informer shows created and deleted pods, and enqueues the owner', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.replicaSets, newReplicaSet('web', { replicas: 2 }));
    const ctrl = new ReplicaSetController(fx);
    const ac = new AbortController();
    const informers = fx.informers.start(ac.signal);
    try {
      await fx.informers.waitForSync(ac.signal);
      for (let k = ctrl.queue.tryGet(); k !== undefined; k = ctrl.queue.tryGet()) ctrl.queue.done(k);
      const key = `${NS}/web`;
      await ctrl.sync(key);
      expect(fx.client.writes('create')).toHaveLength(2);
      // No fake time passed: only the informer's add events can have met the expectations.
      await waitFor('the informer to show both pods', () => ctrl.expectations.satisfied(key));
      expect(ctrl.expectations.get(key)).toEqual({ add: 0, del: 0 });
      // Let the status write come back through the informer, then start from an empty queue.
      const rsCache = fx.informers.for(Resources.replicaSets).cache;
      await waitFor('the caches to settle', () => rsCache.get(key)?.metadata.resourceVersion === fx.client.stored(Resources.replicaSets, NS, 'web')?.metadata.resourceVersion);
      expect(ctrl.queue.tryGet()).toBe(key);
      ctrl.queue.done(key);
      for (let k = ctrl.queue.tryGet(); k !== undefined; k = ctrl.queue.tryGet()) ctrl.queue.done(k);

      // An orphan that matches enqueues the ReplicaSet (to adopt it); one that does not, nothing.
      fx.client.seed(Resources.pods, newPod('stray', { labels: { app: 'other' } }), newPod('orphan', { labels: { app: 'web' } }));
      await waitFor('the orphan to be seen', () => ctrl.queue.length === 1);
      expect(ctrl.queue.tryGet()).toBe(key);
      ctrl.queue.done(key);

      // Scale down: the deletion is expected until the informer reports it.
      await ctrl.sync(key); // adopts the orphan: 3 pods for 2 replicas
      await waitFor('the adoption to be seen', () => ctrl.queue.length === 1);
      for (let k = ctrl.queue.tryGet(); k !== undefined; k = ctrl.queue.tryGet()) ctrl.queue.done(k);
      await ctrl.sync(key);
      expect(fx.client.writes('delete')).toHaveLength(1);
      await waitFor('the deletion to be seen', () => ctrl.expectations.satisfied(key));
      expect(ctrl.expectations.get(key)).toEqual({ add: 0, del: 0 });
      expect(fx.client.objects(Resources.pods).filter((p) => controllerOf(p)?.name === 'web')).toHaveLength(2);
    } finally {
      ac.abort();
      await informers;
    }
  });
});
