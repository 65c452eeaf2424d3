// rolloutRecreate: scale every old ReplicaSet to zero, wait until no old pod is left running,
// only then create (or scale up) the new ReplicaSet.
import type { KubeObject } from '../../../../lib/api/object.js';
import { podPhase } from '../pod-util.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { activeReplicaSets, rsReplicas } from '../workload/replica-set.js';
import { cleanupDeployment } from './cleanup.js';
import type { Deployment } from './deployment-types.js';
import { dReplicas } from './deployment-types.js';
import { actualReplicaCount, deploymentComplete } from './deployment-util.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { syncRolloutStatus } from './progress.js';
import type { RolloutContext } from './rollout-context.js';
import { scaleReplicaSetAndRecordEvent } from './scaling.js';

/** Pods of the Deployment by the uid of the ReplicaSet controlling them. */
export type PodsByReplicaSet = ReadonlyMap<string, readonly KubeObject[]>;

export async function rolloutRecreate(ctx: RolloutContext, d: Deployment, rsList: ReplicaSet[], podMap: PodsByReplicaSet): Promise<void> {
  // No new ReplicaSet yet: creating it now would scale up before the old ones are down.
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  let allRSs: Array<ReplicaSet | undefined> = [...oldRSs, newRS];

  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if (rsReplicas(rs) === 0) continue;
    if ((await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, podMap)) {
    await syncRolloutStatus(ctx, allRSs, newRS, d);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(ctx, newRS, dReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  await syncRolloutStatus(ctx, allRSs, newRS, d);
}

/** Old ReplicaSets still report pods, or an old pod has not finished (Succeeded/Failed). */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: PodsByReplicaSet): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS !== undefined && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = podPhase(pod);
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}
