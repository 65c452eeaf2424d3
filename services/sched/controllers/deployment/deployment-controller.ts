// kube-controller-manager's Deployment controller: rolls a Deployment's pod template out through
// ReplicaSets (RollingUpdate within maxSurge/maxUnavailable, or Recreate), scales them
// proportionally on resizes, keeps revision history for `kubectl rollout undo`, and reports
// progress, availability and deadlines in the Deployment's status.
import type { KubeObject } from '../../../../lib/api/object.js';
import type { LabelSelector } from '../../../../lib/api/labels.js';
import { matchesLabels, selectorFromMetav1 } from '../../../../lib/api/labels.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { objectKey, Resources } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import { controllerOf } from '../pod-util.js';
import { ControllerRefManager, DEPLOYMENT_KIND, recheckDeletion, REPLICA_SET_KIND } from '../workload/controller-ref-manager.js';
import { controllersSelecting, resolveControllerRef } from '../workload/owner-lookup.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { asReplicaSet } from '../workload/replica-set.js';
import { errorMessage } from '../workload/status-cause.js';
import { cleanupDeployment } from './cleanup.js';
import type { Deployment } from './deployment-types.js';
import { asDeployment, isPaused, StrategyType, strategyType } from './deployment-types.js';
import { syncDeploymentStatus } from './deployment-status.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { checkPausedConditions } from './progress.js';
import type { PodsByReplicaSet } from './recreate.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import type { RolloutContext } from './rollout-context.js';
import { updateDeploymentStatus } from './rollout-context.js';
import { isScalingEvent, scale } from './scaling.js';

/** Nothing to tune yet (the worker count is run()'s); kept for the shape every controller shares. */
export type DeploymentControllerOptions = Record<string, never>;

export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  readonly queue: WorkQueue;
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer;
  private readonly ctx: RolloutContext;

  constructor(
    private readonly deps: ControllerDeps,
    _options: DeploymentControllerOptions = {},
  ) {
    this.queue = new WorkQueue({ clock: deps.clock });
    this.deployments = deps.informers.for<Deployment>(Resources.deployments);
    this.replicaSets = deps.informers.for<ReplicaSet>(Resources.replicaSets);
    this.pods = deps.informers.for(Resources.pods);
    this.ctx = {
      client: deps.client,
      recorder: deps.recorder,
      clock: deps.clock,
      log: deps.log,
      replicaSets: this.replicaSets.cache,
      requeueAfter: (d, ms) => this.queue.addAfter(objectKey(d), ms),
      requeueRateLimited: (d) => this.queue.addRateLimited(objectKey(d)),
    };
    this.deployments.addEventHandler({
      onAdd: (d) => this.queue.add(objectKey(d)),
      onUpdate: (_old, cur) => this.queue.add(objectKey(cur)),
      onDelete: (d) => this.queue.add(objectKey(d)),
    });
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.addReplicaSet(rs),
      onUpdate: (oldRS, curRS) => this.updateReplicaSet(oldRS, curRS),
      onDelete: (rs) => this.deleteReplicaSet(rs),
    });
    this.pods.addEventHandler({ onDelete: (pod) => this.deletePod(pod) });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.deployments.waitForSync(signal), this.replicaSets.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (signal.aborted) return;
    await runWorkers(this.name, this.queue, (key) => this.sync(key), workers, signal, this.deps.log);
  }

  // ---- event handlers ----

  private ownerOf(rs: KubeObject): Deployment | undefined {
    const ref = controllerOf(rs);
    return ref ? resolveControllerRef(this.deployments.cache, rs.metadata.namespace ?? '', ref, DEPLOYMENT_KIND.kind) : undefined;
  }

  private addReplicaSet(rs: ReplicaSet): void {
    if (rs.metadata.deletionTimestamp !== undefined) {
      this.deleteReplicaSet(rs);
      return;
    }
    if (controllerOf(rs)) {
      const d = this.ownerOf(rs);
      if (d) this.queue.add(objectKey(d));
      return;
    }
    // An orphan: every Deployment selecting it may want to adopt it.
    for (const d of controllersSelecting(this.deployments.cache, rs)) this.queue.add(objectKey(d));
  }

  private updateReplicaSet(oldRS: ReplicaSet, curRS: ReplicaSet): void {
    if (oldRS.metadata.resourceVersion === curRS.metadata.resourceVersion) return;
    const curRef = controllerOf(curRS);
    const oldRef = controllerOf(oldRS);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const old = resolveControllerRef(this.deployments.cache, oldRS.metadata.namespace ?? '', oldRef, DEPLOYMENT_KIND.kind);
      if (old) this.queue.add(objectKey(old));
    }
    if (curRef) {
      const d = this.ownerOf(curRS);
      if (d) this.queue.add(objectKey(d));
      return;
    }
    const labelsChanged = JSON.stringify(oldRS.metadata.labels ?? {}) !== JSON.stringify(curRS.metadata.labels ?? {});
    if (labelsChanged || refChanged) {
      for (const d of controllersSelecting(this.deployments.cache, curRS)) this.queue.add(objectKey(d));
    }
  }

  private deleteReplicaSet(rs: ReplicaSet): void {
    const d = this.ownerOf(rs);
    if (d) this.queue.add(objectKey(d));
  }

  /** A Recreate Deployment waits for its old pods to be gone: look again when the last one goes. */
  private deletePod(pod: KubeObject): void {
    const ref = controllerOf(pod);
    if (!ref) return;
    const rs = resolveControllerRef(this.replicaSets.cache, pod.metadata.namespace ?? '', ref, REPLICA_SET_KIND.kind);
    if (!rs) return;
    const d = this.ownerOf(rs);
    if (!d || strategyType(d) !== StrategyType.Recreate) return;
    const owned = this.replicaSets.cache.listNamespace(d.metadata.namespace ?? '').filter((x) => controllerOf(x)?.uid === d.metadata.uid);
    let selector: LabelSelector;
    try {
      selector = selectorFromMetav1(d.spec?.selector);
    } catch {
      return;
    }
    const podMap = this.podMap(d, owned, selector);
    let count = 0;
    for (const list of podMap.values()) count += list.length;
    if (count === 0) this.queue.add(objectKey(d));
  }

  // ---- sync ----

  async sync(key: string): Promise<void> {
    const cached = this.deployments.cache.get(key);
    if (!cached) return;
    // The working copy: status and annotations change as the sync goes.
    const d = asDeployment(structuredClone(cached));

    const sel = d.spec?.selector;
    if (sel !== undefined && sel !== null && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      this.deps.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        (d.status ??= {}).observedGeneration = d.metadata.generation ?? 0;
        await updateDeploymentStatus(this.ctx, d);
      }
      return;
    }
    let selector: LabelSelector;
    try {
      selector = selectorFromMetav1(sel);
    } catch (err) {
      // Validation keeps these out; retrying cannot fix one.
      this.deps.log('deployment has an invalid label selector', { key, error: errorMessage(err) });
      return;
    }

    const rsList = await this.replicaSetsFor(d, selector);
    const podMap = this.podMap(d, rsList, selector);

    if (d.metadata.deletionTimestamp !== undefined) {
      const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(this.ctx, d, rsList, false);
      await syncDeploymentStatus(this.ctx, [...oldRSs, newRS], newRS, d);
      return;
    }

    await checkPausedConditions(this.ctx, d);
    if (isPaused(d) || (await isScalingEvent(this.ctx, d, rsList))) {
      await this.scaleOnly(d, rsList);
      return;
    }
    switch (strategyType(d)) {
      case StrategyType.Recreate:
        await rolloutRecreate(this.ctx, d, rsList, podMap);
        return;
      case StrategyType.RollingUpdate:
        await rolloutRolling(this.ctx, d, rsList);
        return;
      default:
        throw new Error(`unexpected deployment strategy type: ${strategyType(d)}`);
    }
  }

  /** sync: reconcile a resize (or a paused Deployment) without rolling anything out. */
  private async scaleOnly(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(this.ctx, d, rsList, false);
    await scale(this.ctx, d, newRS, oldRSs);
    if (isPaused(d)) await cleanupDeployment(this.ctx, oldRSs, d);
    await syncDeploymentStatus(this.ctx, [...oldRSs, newRS], newRS, d);
  }

  /** getReplicaSetsForDeployment: every ReplicaSet of the namespace, claimed by selector. */
  private async replicaSetsFor(d: Deployment, selector: LabelSelector): Promise<ReplicaSet[]> {
    const all = this.replicaSets.cache.listNamespace(d.metadata.namespace ?? '');
    const canAdopt = recheckDeletion(this.deps.client, Resources.deployments, d);
    const manager = new ControllerRefManager(this.deps.client, d, DEPLOYMENT_KIND, canAdopt);
    const claimed = await manager.claim(all, { resource: Resources.replicaSets, selector });
    return claimed.map(asReplicaSet);
  }

  /** getPodMapForDeployment: the Deployment's pods (finished ones too) by controlling ReplicaSet uid. */
  private podMap(d: Deployment, rsList: readonly ReplicaSet[], selector: LabelSelector): PodsByReplicaSet {
    const map = new Map<string, KubeObject[]>();
    for (const rs of rsList) map.set(rs.metadata.uid ?? '', []);
    for (const pod of this.pods.cache.listNamespace(d.metadata.namespace ?? '')) {
      if (!matchesLabels(selector, pod.metadata.labels)) continue;
      const ref = controllerOf(pod);
      if (ref) map.get(ref.uid)?.push(pod);
    }
    return map;
  }
}
