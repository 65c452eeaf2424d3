// Owners, dependents and queue driving for the garbage collector's tests.
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import type { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import type { ControllerDeps } from '../controller-deps.js';
import type { GarbageCollectorOptions } from './garbage-collector.js';
import { DEFAULT_GC_RESOURCES, GarbageCollector } from './garbage-collector.js';

export function ownerRef(kind: 'Deployment' | 'ReplicaSet' | 'Job', name: string, uid: string, block = true): OwnerReference {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: block };
}

function meta(name: string, uid: string, owners: OwnerReference[], finalizers?: string[]): KubeObject['metadata'] {
  return { name, namespace: 'default', uid, ...(owners.length > 0 ? { ownerReferences: owners } : {}), ...(finalizers ? { finalizers } : {}) };
}

export function deployment(name: string, uid: string): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(name, uid, []), spec: { replicas: 2 } };
}

export function replicaSet(name: string, uid: string, owners: OwnerReference[] = []): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta(name, uid, owners), spec: { replicas: 2 } };
}

export function pod(name: string, uid: string, owners: OwnerReference[] = [], finalizers?: string[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(name, uid, owners, finalizers), spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

export function configMap(name: string, uid: string, owners: OwnerReference[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, uid, owners), data: {} };
}

export function newGc(fx: ControllerFixture, o: GarbageCollectorOptions = {}): GarbageCollector {
  const deps: ControllerDeps = { client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log };
  return new GarbageCollector(deps, o);
}

/** Lets watch events reach the informers (the fake API delivers them as microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

export async function until(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 5) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

/** Runs the informers the collector watches on the fake API; resolves once they all watch. */
export async function startInformers(fx: ControllerFixture, resources = DEFAULT_GC_RESOURCES.length): Promise<{ stop: () => Promise<void> }> {
  const ac = new AbortController();
  const running = fx.informers.start(ac.signal);
  await fx.informers.waitForSync(ac.signal);
  await until(() => fx.client.actions.filter((a) => a.verb === 'watch').length >= resources, 'the watches');
  return {
    stop: async () => {
      ac.abort();
      await running;
    },
  };
}

/** One worker by hand: handles queued uids (both queues) until none is left. */
export async function drain(gc: GarbageCollector, limit = 200): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await settle();
    const del = gc.attemptToDelete.tryGet();
    if (del !== undefined) {
      try {
        await gc.sync(del);
      } finally {
        gc.attemptToDelete.done(del);
      }
      continue;
    }
    const orphan = gc.attemptToOrphan.tryGet();
    if (orphan !== undefined) {
      try {
        await gc.orphan(orphan);
      } finally {
        gc.attemptToOrphan.done(orphan);
      }
      continue;
    }
    return;
  }
  throw new Error('the garbage collector queues never drained');
}

/** "verb resource name" of each write, plus the delete policy or the patched metadata keys. */
export function writeSummary(fx: ControllerFixture): string[] {
  return fx.client.writes().map((a) => {
    const what = `${a.verb} ${a.resource} ${a.name}`;
    if (a.verb === 'delete') return `${what} ${a.deleteOptions?.propagationPolicy ?? '-'}`;
    if (a.verb === 'patch') {
      const m = (a.patch as { metadata?: Record<string, unknown> }).metadata ?? {};
      return `${what} ${Object.keys(m).filter((k) => k !== 'resourceVersion').join(',')}`;
    }
    return what;
  });
}
