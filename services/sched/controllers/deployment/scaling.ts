// Scaling ReplicaSets for a Deployment: one ReplicaSet at a time (an update of spec.replicas and
// the replicas annotations, with a ScalingReplicaSet event), and proportional scaling when the
// Deployment is resized mid-rollout or while paused, so the resize neither hurries nor holds
// back the rollout.
import { Resources } from '../../../../lib/controller/resources.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { activeReplicaSets, asReplicaSet, rsReplicas } from '../workload/replica-set.js';
import type { Deployment } from './deployment-types.js';
import { dReplicas, isRollingUpdate } from './deployment-types.js';
import {
  compareBySizeNewer,
  compareBySizeOlder,
  desiredReplicasAnnotation,
  findActiveOrLatest,
  getProportion,
  isSaturated,
  maxSurge,
  replicaCount,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
} from './deployment-util.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import type { RolloutContext } from './rollout-context.js';

export interface ScaleResult {
  scaled: boolean;
  rs: ReplicaSet;
}

export async function scaleReplicaSetAndRecordEvent(ctx: RolloutContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<ScaleResult> {
  if (rsReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, newScale, d, rsReplicas(rs) < newScale ? 'up' : 'down');
}

/** Sets spec.replicas and the desired/max replicas annotations; an event when the size changed. */
export async function scaleReplicaSet(ctx: RolloutContext, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<ScaleResult> {
  const oldScale = rsReplicas(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  const desired = dReplicas(d);
  const max = desired + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec = { ...(copy.spec ?? {}), replicas: newScale };
  setReplicasAnnotations(copy, desired, max);
  const updated = asReplicaSet(await ctx.client.update(Resources.replicaSets, copy, { namespace: rs.metadata.namespace ?? '' }));
  if (!sizeNeedsUpdate) return { scaled: false, rs: updated };
  ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name ?? ''} from ${oldScale} to ${newScale}`);
  return { scaled: true, rs: updated };
}

/**
 * scale: with one active ReplicaSet, it gets the Deployment's full size; with a saturated new
 * one, the old ones go to zero; otherwise (rolling update) the replicas to add or remove are
 * spread over the active ReplicaSets in proportion to their max-replicas annotation, the
 * largest taking any leftover.
 */
export async function scale(ctx: RolloutContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (rsReplicas(activeOrLatest) === dReplicas(d)) return;
    await scaleReplicaSetAndRecordEvent(ctx, activeOrLatest, dReplicas(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;

  const allRSs = activeReplicaSets([...oldRSs, newRS]);
  const allowedSize = dReplicas(d) > 0 ? dReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - replicaCount(allRSs);
  let operation = '';
  // Scaling up grows newer ReplicaSets first among equals; scaling down shrinks older ones first.
  if (toAdd > 0) {
    allRSs.sort(compareBySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    allRSs.sort(compareBySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = allRSs.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs);
    const proportion = getProportion(rs, d, toAdd, added);
    added += proportion;
    return rsReplicas(rs) + proportion;
  });
  for (let i = 0; i < allRSs.length; i++) {
    const rs = allRSs[i];
    if (!rs) continue;
    let size = sizes[i] ?? rsReplicas(rs);
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + (toAdd - added));
    await scaleReplicaSet(ctx, rs, size, d, operation);
  }
}

/** isScalingEvent: an active ReplicaSet was last sized for a different Deployment size. */
export async function isScalingEvent(ctx: RolloutContext, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  for (const rs of activeReplicaSets([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired !== undefined && desired !== dReplicas(d)) return true;
  }
  return false;
}
