// kube-controller-manager's ReplicaSet controller: keeps spec.replicas active pods matching each
// ReplicaSet's selector, owned through a controller reference. Pods are claimed (adopted or
// released) by selector; missing ones are created from spec.template in slow-start batches,
// extra ones deleted in ActivePods order; expectations keep a lagging watch from making it act
// twice; status is written through /status only when it changed.
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import type { LabelSelector } from '../../../../lib/api/labels.js';
import { matchesLabels, selectorFromMetav1 } from '../../../../lib/api/labels.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { objectKey, Resources } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import { controllerOf, isPodActive, isPodReady } from '../pod-util.js';
import { ControllerRefManager, recheckDeletion, REPLICA_SET_KIND } from '../workload/controller-ref-manager.js';
import { controllersSelecting, resolveControllerRef } from '../workload/owner-lookup.js';
import type { ReplicaSet, ReplicaSetStatus } from '../workload/replica-set.js';
import { asReplicaSet, rsMinReadySeconds, rsReplicas, rsStatusCounts } from '../workload/replica-set.js';
import { errorMessage, hasStatusCause, NAMESPACE_TERMINATING_CAUSE } from '../workload/status-cause.js';
import { ControllerExpectations } from './expectations.js';
import { podFromTemplate } from './pod-from-template.js';
import { podsToDelete } from './pod-deletion-order.js';
import type { ManageReplicasFailure } from './replicaset-status.js';
import { calculateReplicaSetStatus, replicaSetStatusChanged } from './replicaset-status.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './slow-start-batch.js';

/** kube-controller-manager's --concurrent-replicaset-syncs sibling: at most this many creates or deletes per sync. */
export const DEFAULT_BURST_REPLICAS = 500;

/** updateReplicaSetStatus retries a failed status write once, on a fresh copy. */
const STATUS_UPDATE_RETRIES = 1;

export interface ReplicaSetControllerOptions {
  burstReplicas?: number;
}

function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset-controller';
  readonly queue: WorkQueue;
  readonly expectations: ControllerExpectations;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer;
  private readonly burstReplicas: number;

  constructor(
    private readonly deps: ControllerDeps,
    options: ReplicaSetControllerOptions = {},
  ) {
    this.burstReplicas = options.burstReplicas ?? DEFAULT_BURST_REPLICAS;
    this.queue = new WorkQueue({ clock: deps.clock });
    this.expectations = new ControllerExpectations(deps.clock);
    this.replicaSets = deps.informers.for<ReplicaSet>(Resources.replicaSets);
    this.pods = deps.informers.for(Resources.pods);
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.queue.add(objectKey(rs)),
      onUpdate: (oldRS, curRS) => this.updateRS(oldRS, curRS),
      onDelete: (rs) => this.deleteRS(rs),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.addPod(pod),
      onUpdate: (oldPod, curPod) => this.updatePod(oldPod, curPod),
      onDelete: (pod) => this.deletePod(pod),
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.replicaSets.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (signal.aborted) return;
    await runWorkers(this.name, this.queue, (key) => this.sync(key), workers, signal, this.deps.log);
  }

  // ---- event handlers ----

  private updateRS(oldRS: ReplicaSet, curRS: ReplicaSet): void {
    // A delete and re-create seen as one update: forget what the old one expected.
    if (oldRS.metadata.uid !== curRS.metadata.uid) this.deleteRS(oldRS);
    this.queue.add(objectKey(curRS));
  }

  private deleteRS(rs: ReplicaSet): void {
    const key = objectKey(rs);
    this.expectations.delete(key);
    this.queue.add(key);
  }

  private ownerOf(pod: KubeObject): ReplicaSet | undefined {
    const ref = controllerOf(pod);
    return ref ? resolveControllerRef(this.replicaSets.cache, pod.metadata.namespace ?? '', ref, REPLICA_SET_KIND.kind) : undefined;
  }

  private addPod(pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp !== undefined) {
      // Seen for the first time already terminating (e.g. after a restart): not a creation.
      this.deletePod(pod);
      return;
    }
    if (controllerOf(pod)) {
      const rs = this.ownerOf(pod);
      if (!rs) return;
      const key = objectKey(rs);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    // An orphan: every ReplicaSet that selects it may want to adopt it.
    for (const rs of controllersSelecting(this.replicaSets.cache, pod)) this.queue.add(objectKey(rs));
  }

  private updatePod(oldPod: KubeObject, curPod: KubeObject): void {
    if (oldPod.metadata.resourceVersion === curPod.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(oldPod.metadata.labels ?? {}) !== JSON.stringify(curPod.metadata.labels ?? {});
    if (curPod.metadata.deletionTimestamp !== undefined) {
      // A graceful deletion has begun: count it now rather than when the node finishes it.
      this.deletePod(curPod);
      if (labelsChanged) this.deletePod(oldPod);
      return;
    }
    const curRef = controllerOf(curPod);
    const oldRef = controllerOf(oldPod);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const old = resolveControllerRef(this.replicaSets.cache, oldPod.metadata.namespace ?? '', oldRef, REPLICA_SET_KIND.kind);
      if (old) this.queue.add(objectKey(old));
    }
    if (curRef) {
      const rs = this.ownerOf(curPod);
      if (!rs) return;
      const key = objectKey(rs);
      this.queue.add(key);
      // The pod will count as available minReadySeconds from now; look again then.
      const minReady = rsMinReadySeconds(rs);
      if (!isPodReady(oldPod) && isPodReady(curPod) && minReady > 0) this.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) {
      for (const rs of controllersSelecting(this.replicaSets.cache, curPod)) this.queue.add(objectKey(rs));
    }
  }

  private deletePod(pod: KubeObject): void {
    if (!controllerOf(pod)) return;
    const rs = this.ownerOf(pod);
    if (!rs) return;
    const key = objectKey(rs);
    this.expectations.deletionObserved(key, podKey(pod));
    this.queue.add(key);
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const cached = this.replicaSets.cache.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = asReplicaSet(cached);
    const needsSync = this.expectations.satisfied(key);
    let selector: LabelSelector;
    try {
      selector = selectorFromMetav1(rs.spec?.selector);
    } catch (err) {
      // The API server validates selectors; a bad one cannot be fixed by retrying.
      this.deps.log('replicaset has an invalid selector', { key, error: errorMessage(err) });
      return;
    }
    const namespace = rs.metadata.namespace ?? '';
    const active = this.pods.cache.listNamespace(namespace).filter(isPodActive);
    const pods = await this.claimPods(rs, selector, active);

    let failure: { error: unknown } | undefined;
    if (needsSync && rs.metadata.deletionTimestamp === undefined) {
      try {
        await this.manageReplicas(pods, rs, key);
      } catch (error) {
        failure = { error };
      }
    }
    const manageFailure: ManageReplicasFailure | undefined = failure ? { message: errorMessage(failure.error) } : undefined;
    const status = calculateReplicaSetStatus(rs, pods, manageFailure, this.deps.clock.now());
    const updated = await this.updateStatus(rs, status);
    // A last line of defence against clock skew: look again once the ready pods should be available.
    const minReady = rsMinReadySeconds(updated);
    const counts = rsStatusCounts(updated);
    if (!failure && minReady > 0 && counts.readyReplicas === rsReplicas(updated) && counts.availableReplicas !== rsReplicas(updated)) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (failure) throw failure.error;
  }

  private async claimPods(rs: ReplicaSet, selector: LabelSelector, pods: KubeObject[]): Promise<KubeObject[]> {
    const canAdopt = recheckDeletion(this.deps.client, Resources.replicaSets, rs);
    const manager = new ControllerRefManager(this.deps.client, rs, REPLICA_SET_KIND, canAdopt);
    return manager.claim(pods, { resource: Resources.pods, selector });
  }

  /** Creates or deletes pods to reach spec.replicas (at most burstReplicas per pass). */
  private async manageReplicas(pods: KubeObject[], rs: ReplicaSet, key: string): Promise<void> {
    const diff = pods.length - rsReplicas(rs);
    if (diff < 0) {
      const count = Math.min(-diff, this.burstReplicas);
      // Expect the creations before making them: their watch events may arrive first.
      this.expectations.expectCreations(key, count);
      const result = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, async () => {
        try {
          await this.createPod(rs);
        } catch (err) {
          // Creates into a terminating namespace all fail; nothing to retry.
          if (hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) return;
          throw err;
        }
      });
      // The creations never attempted will never be observed.
      for (let i = result.successes; i < count; i++) this.expectations.creationObserved(key);
      if (result.error !== undefined) throw result.error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, this.burstReplicas);
      const victims = podsToDelete(pods, this.relatedPods(rs), count);
      this.expectations.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(victims.map((pod) => this.deletePodOf(rs, pod, key)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private async createPod(rs: ReplicaSet): Promise<void> {
    const pod = podFromTemplate(rs, REPLICA_SET_KIND);
    if (Object.keys(pod.metadata.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
    let created: KubeObject;
    try {
      created = await this.deps.client.create(Resources.pods, pod, { namespace: rs.metadata.namespace ?? '' });
    } catch (err) {
      if (!hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) this.deps.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
    this.deps.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
  }

  private async deletePodOf(rs: ReplicaSet, pod: KubeObject, key: string): Promise<void> {
    const name = pod.metadata.name ?? '';
    try {
      await this.deps.client.delete(Resources.pods, name, { namespace: pod.metadata.namespace ?? '' });
    } catch (err) {
      // The informer will never report this deletion.
      this.expectations.deletionObserved(key, podKey(pod));
      if (isApiError(err, 404)) return;
      this.deps.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
    this.deps.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  /** Pods of every ReplicaSet sharing this one's controller (getIndirectlyRelatedPods), for ranking. */
  private relatedPods(rs: ReplicaSet): KubeObject[] {
    const ref = controllerOf(rs);
    if (!ref) return [];
    const namespace = rs.metadata.namespace ?? '';
    const seen = new Set<string>();
    const out: KubeObject[] = [];
    const pods = this.pods.cache.listNamespace(namespace);
    for (const sibling of this.replicaSets.cache.listNamespace(namespace)) {
      if (controllerOf(sibling)?.uid !== ref.uid) continue;
      let sel: LabelSelector;
      try {
        sel = selectorFromMetav1(sibling.spec?.selector);
      } catch {
        continue;
      }
      for (const pod of pods) {
        const uid = pod.metadata.uid ?? podKey(pod);
        if (seen.has(uid) || !matchesLabels(sel, pod.metadata.labels)) continue;
        seen.add(uid);
        out.push(pod);
      }
    }
    return out;
  }

  /** Writes status through /status when it changed, retrying once on a fresh copy. */
  private async updateStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSet> {
    if (!replicaSetStatusChanged(rs, status)) return rs;
    // The generation acted on, even if a retry reads a newer one.
    const next: ReplicaSetStatus = { ...status, observedGeneration: rs.metadata.generation ?? 0 };
    let cur = rs;
    for (let attempt = 0; ; attempt++) {
      const body = structuredClone(cur);
      body.status = next;
      try {
        return asReplicaSet(await this.deps.client.update(Resources.replicaSets, body, { namespace: rs.metadata.namespace ?? '', subresource: 'status' }));
      } catch (err) {
        if (attempt >= STATUS_UPDATE_RETRIES) throw err;
        cur = asReplicaSet(await this.deps.client.get(Resources.replicaSets, rs.metadata.name ?? '', { namespace: rs.metadata.namespace ?? '' }));
      }
    }
  }
}
