// rolloutRolling: grow the new ReplicaSet within maxSurge, shrink old ones within
// maxUnavailable (unhealthy replicas first), and once the rollout is complete, trim history.
import type { ReplicaSet } from '../workload/replica-set.js';
import { activeReplicaSets, compareByCreation, rsReplicas, rsStatusCounts } from '../workload/replica-set.js';
import { cleanupDeployment } from './cleanup.js';
import type { Deployment } from './deployment-types.js';
import { dReplicas } from './deployment-types.js';
import { availableReplicaCount, deploymentComplete, maxUnavailable, newRSNewReplicas, replicaCount } from './deployment-util.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { syncRolloutStatus } from './progress.js';
import type { RolloutContext } from './rollout-context.js';
import { scaleReplicaSetAndRecordEvent } from './scaling.js';

export async function rolloutRolling(ctx: RolloutContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  if (!newRS) throw new Error('no new replica set after creating one');
  const allRSs = [...oldRSs, newRS];

  if (await reconcileNewReplicaSet(ctx, allRSs, newRS, d)) {
    await syncRolloutStatus(ctx, allRSs, newRS, d);
    return;
  }
  if (await reconcileOldReplicaSets(ctx, allRSs, activeReplicaSets(oldRSs), newRS, d)) {
    await syncRolloutStatus(ctx, allRSs, newRS, d);
    return;
  }
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  await syncRolloutStatus(ctx, allRSs, newRS, d);
}

async function reconcileNewReplicaSet(ctx: RolloutContext, allRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (rsReplicas(newRS) === dReplicas(d)) return false;
  if (rsReplicas(newRS) > dReplicas(d)) return (await scaleReplicaSetAndRecordEvent(ctx, newRS, dReplicas(d), d)).scaled;
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, newRSNewReplicas(d, allRSs, newRS), d)).scaled;
}

/**
 * Old pods may go while (all pods − minAvailable − new pods not yet available) stays positive:
 * first unhealthy old replicas, which cost no availability, then available ones down to
 * minAvailable. Errors are swallowed as Kubernetes does: the next sync tries again.
 */
async function reconcileOldReplicaSets(ctx: RolloutContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const allPodsCount = replicaCount(allRSs);
  const minAvailable = dReplicas(d) - maxUnavailable(d);
  const newRSUnavailable = rsReplicas(newRS) - rsStatusCounts(newRS).availableReplicas;
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;

  let cleaned: { oldRSs: ReplicaSet[]; count: number };
  try {
    cleaned = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
  } catch (err) {
    ctx.log('cleaning up unhealthy replicas failed', { deployment: d.metadata.name, error: String(err) });
    return false;
  }
  let scaledDown: number;
  try {
    scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(ctx, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  } catch (err) {
    ctx.log('scaling down old replica sets failed', { deployment: d.metadata.name, error: String(err) });
    return false;
  }
  return cleaned.count + scaledDown > 0;
}

/** Scales old ReplicaSets down by their unavailable replicas (oldest first), up to maxCleanupCount. */
async function cleanupUnhealthyReplicas(ctx: RolloutContext, oldRSs: ReplicaSet[], d: Deployment, maxCleanupCount: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(compareByCreation);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const rs = sorted[i];
    if (!rs) continue;
    if (total >= maxCleanupCount) break;
    const replicas = rsReplicas(rs);
    const available = rsStatusCounts(rs).availableReplicas;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanupCount - total, replicas - available);
    const target = replicas - count;
    if (target > replicas) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace ?? ''}/${rs.metadata.name ?? ''} ${replicas} -> ${target}`);
    const res = await scaleReplicaSetAndRecordEvent(ctx, rs, target, d);
    total += count;
    sorted[i] = res.rs;
  }
  return { oldRSs: sorted, count: total };
}

/** Scales old ReplicaSets down (oldest first) while more than minAvailable pods are available. */
async function scaleDownOldReplicaSetsForRollingUpdate(ctx: RolloutContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = dReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const totalToScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(compareByCreation)) {
    if (total >= totalToScaleDown) break;
    const replicas = rsReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, totalToScaleDown - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, replicas - count, d);
    total += count;
  }
  return total;
}
