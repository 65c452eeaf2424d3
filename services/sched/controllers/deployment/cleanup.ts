// cleanupDeployment: keeps revisionHistoryLimit old ReplicaSets for rollbacks and deletes the
// oldest of the rest, but only ones fully scaled down and settled.
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import { Resources } from '../../../../lib/controller/resources.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { rsReplicas, rsStatusCounts } from '../workload/replica-set.js';
import type { Deployment } from './deployment-types.js';
import { revisionHistoryLimit } from './deployment-types.js';
import { compareByRevision } from './deployment-util.js';
import type { RolloutContext } from './rollout-context.js';

export async function cleanupDeployment(ctx: RolloutContext, oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void> {
  const limit = revisionHistoryLimit(d);
  if (limit === undefined) return;
  const cleanable = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort(compareByRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    if (!rs) continue;
    const counts = rsStatusCounts(rs);
    // Never delete one that still has (or is still asked for, or may not yet have noticed its) pods.
    if (counts.replicas !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > counts.observedGeneration) continue;
    try {
      await ctx.client.delete(Resources.replicaSets, rs.metadata.name ?? '', { namespace: rs.metadata.namespace ?? '' });
    } catch (err) {
      // Stop at the first failure rather than keep loading an API server in trouble.
      if (!isApiError(err, 404)) throw err;
    }
  }
}
