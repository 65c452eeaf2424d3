import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { isPodReady } from '../pod-util.js';
import { ReplicaSetController } from '../replicaset/replicaset-controller.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { asReplicaSet, POD_TEMPLATE_HASH_LABEL, rsReplicas, rsStatusCounts } from '../workload/replica-set.js';
import { NS, newDeployment, newPod, newReplicaSet } from '../workload/test-objects.js';
import { DeploymentController } from './deployment-controller.js';
import type { Deployment } from './deployment-types.js';
import { asDeployment } from './deployment-types.js';

describe('DeploymentController running on the fake API with the ReplicaSet controller', () => {
  it('rolls out, rolls over to a new template and rolls back to the first ReplicaSet', async () => {
    const fx = new ControllerFixture();
    const deployments = new DeploymentController(fx);
    const replicaSets = new ReplicaSetController(fx);
    const ac = new AbortController();
    const informers = fx.informers.start(ac.signal);
    const running = [deployments.run(2, ac.signal), replicaSets.run(2, ac.signal)];

    // A kubelet stand-in: every pod starts running and ready; fake time moves so retries fire.
    const tick = async (): Promise<void> => {
      for (const p of fx.client.objects(Resources.pods)) {
        if (isPodReady(p)) continue;
        p.spec = { ...(p.spec as Record<string, unknown>), nodeName: 'node-1' };
        p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
        try {
          await fx.client.update(Resources.pods, p, { subresource: 'status' });
        } catch {
          // Deleted or changed meanwhile: the next tick sees it again.
        }
      }
      fx.clock.advance(20);
      await new Promise((r) => setTimeout(r, 5));
    };
    const waitFor = async (what: string, check: () => boolean): Promise<void> => {
      for (let i = 0; i < 400; i++) {
        if (check()) return;
        await tick();
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    const dep = (): Deployment => asDeployment(fx.client.stored(Resources.deployments, NS, 'web') ?? newDeployment('gone'));
    const rsList = (): ReplicaSet[] => fx.client.objects(Resources.replicaSets).map(asReplicaSet);
    const complete = (gen: number) => (): boolean => {
      const d = dep();
      const s = d.status ?? {};
      return (s.observedGeneration ?? 0) >= gen && s.updatedReplicas === 3 && s.availableReplicas === 3 && s.replicas === 3 && (s.conditions ?? []).some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
    };
    const setImage = async (image: string): Promise<void> => {
      for (;;) {
        const d = dep();
        const containers = d.spec?.template?.spec?.containers as Array<{ image: string }>;
        if (containers[0]) containers[0].image = image;
        try {
          await fx.client.update(Resources.deployments, d);
          return;
        } catch {
          await tick();
        }
      }
    };

    try {
      const created = newDeployment('web', { replicas: 3, image: 'nginx:1' });
      delete created.metadata.uid;
      await fx.client.create(Resources.deployments, created, { namespace: NS });
      await waitFor('the first rollout', complete(1));
      expect(rsList()).toHaveLength(1);
      const first = rsList()[0] as ReplicaSet;
      expect(first.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
      expect(fx.client.objects(Resources.pods).every((p: KubeObject) => p.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === first.metadata.labels?.[POD_TEMPLATE_HASH_LABEL])).toBe(true);

      await setImage('nginx:2');
      await waitFor('the second rollout', () => complete(2)() && rsList().length === 2 && rsReplicas(asReplicaSet(fx.client.stored(Resources.replicaSets, NS, first.metadata.name ?? '') ?? first)) === 0);
      const second = rsList().find((rs) => rs.metadata.name !== first.metadata.name) as ReplicaSet;
      expect(second.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      expect(dep().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      expect(fx.client.objects(Resources.pods)).toHaveLength(3);

      // kubectl rollout undo: the template goes back to the first ReplicaSet's (without the hash label).
      await setImage('nginx:1');
      await waitFor('the rollback', () => {
        const back = asReplicaSet(fx.client.stored(Resources.replicaSets, NS, first.metadata.name ?? '') ?? first);
        return complete(3)() && rsReplicas(back) === 3 && rsStatusCounts(back).availableReplicas === 3 && back.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3';
      });
      expect(rsList()).toHaveLength(2);
      const back = asReplicaSet(fx.client.stored(Resources.replicaSets, NS, first.metadata.name ?? '') ?? first);
      expect(back.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
      expect(dep().metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
      const events = fx.recorder.events.filter((e) => e.startsWith('Normal ScalingReplicaSet'));
      expect(events[0]).toBe(`Normal ScalingReplicaSet Scaled up replica set ${first.metadata.name ?? ''} from 0 to 3`);
      expect(events).toContain(`Normal ScalingReplicaSet Scaled up replica set ${second.metadata.name ?? ''} from 0 to 1`);
      expect(events.at(-1)).toMatch(/^Normal ScalingReplicaSet Scaled down replica set .* to 0$/);
    } finally {
      ac.abort();
      await Promise.all(running);
      await informers;
    }
  });
});

describe('DeploymentController event handlers', () => {
  it('enqueues the owner of a ReplicaSet, Deployments selecting an orphan, and a Recreate Deployment when its last pod is gone', async () => {
    const fx = new ControllerFixture();
    const [web] = fx.client.seed(Resources.deployments, newDeployment('web', { strategy: { type: 'Recreate' } }));
    fx.client.seed(Resources.deployments, newDeployment('api', { selector: { app: 'api' } }));
    if (!web) throw new Error('seed failed');
    const [rs] = fx.client.seed(Resources.replicaSets, newReplicaSet('web-1', { owner: web }));
    if (!rs) throw new Error('seed failed');
    fx.client.seed(Resources.pods, newPod('p1', { owner: rs }), newPod('p2', { owner: rs }));
    const ctrl = new DeploymentController(fx);
    const ac = new AbortController();
    const informers = fx.informers.start(ac.signal);
    const podCache = fx.informers.for(Resources.pods).cache;
    const waitFor = async (what: string, check: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
      if (!check()) throw new Error(`timed out waiting for ${what}`);
    };
    const drain = (): string[] => {
      const keys: string[] = [];
      for (let k = ctrl.queue.tryGet(); k !== undefined; k = ctrl.queue.tryGet()) {
        keys.push(k);
        ctrl.queue.done(k);
      }
      return keys;
    };
    try {
      await fx.informers.waitForSync(ac.signal);
      drain();
      // Handlers run as the informer applies a change, so once the cache shows it they have run.
      await fx.client.delete(Resources.pods, 'p1', { namespace: NS });
      await waitFor('p1 to go', () => podCache.size === 1);
      expect(drain()).toEqual([]);
      await fx.client.delete(Resources.pods, 'p2', { namespace: NS });
      await waitFor('p2 to go', () => podCache.size === 0);
      expect(drain()).toEqual([`${NS}/web`]);

      await fx.client.create(Resources.replicaSets, newReplicaSet('api-orphan', { selector: { app: 'api' } }), { namespace: NS });
      await waitFor('the orphan', () => ctrl.queue.length > 0);
      expect(drain()).toEqual([`${NS}/api`]);

      const cur = fx.client.stored(Resources.replicaSets, NS, 'web-1');
      if (!cur) throw new Error('replicaset missing');
      cur.metadata.annotations = { touched: 'yes' };
      await fx.client.update(Resources.replicaSets, cur);
      await waitFor('the update', () => ctrl.queue.length > 0);
      expect(drain()).toEqual([`${NS}/web`]);
    } finally {
      ac.abort();
      await informers;
    }
  });
});
