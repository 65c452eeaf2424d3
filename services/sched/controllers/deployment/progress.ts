// Rollout progress: the Progressing condition (new ReplicaSet available, progressing, or past
// progressDeadlineSeconds), replica failures lifted from ReplicaSets, a look again when the
// deadline is due, and the paused/resumed conditions.
import type { ReplicaSet } from '../workload/replica-set.js';
import { rsConditions } from '../workload/replica-set.js';
import type { DeploymentCondition } from './deployment-types.js';
import { ConditionType, getCondition, newCondition, Reason, removeCondition, setCondition } from './conditions.js';
import type { Deployment, DeploymentStatus } from './deployment-types.js';
import { hasProgressDeadline, isPaused, progressDeadlineSeconds } from './deployment-types.js';
import { deploymentComplete, deploymentProgressing, deploymentTimedOut } from './deployment-util.js';
import { calculateStatus, normalizeStatus, statusEqual } from './deployment-status.js';
import type { RolloutContext } from './rollout-context.js';
import { updateDeploymentStatus } from './rollout-context.js';

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure conditions, else any old one's. */
function replicaFailures(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const convert = (rs: ReplicaSet): DeploymentCondition[] =>
    rsConditions(rs)
      .filter((c) => c.type === ConditionType.ReplicaFailure)
      .map((c) => ({ type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }));
  if (newRS) {
    const own = convert(newRS);
    if (own.length > 0) return own;
  }
  return allRSs.flatMap((rs) => (rs ? convert(rs) : []));
}

export async function syncRolloutStatus(ctx: RolloutContext, allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = ctx.clock.now();
  const next: DeploymentStatus = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(next, ConditionType.Progressing);

  // A resync after a finished rollout has no progress to estimate.
  const current = getCondition(d.status, ConditionType.Progressing);
  const isCompleteDeployment = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    const rsName = newRS?.metadata.name;
    const dName = d.metadata.name ?? '';
    if (deploymentComplete(d, next)) {
      const msg = rsName !== undefined ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${dName}" has successfully progressed.`;
      setCondition(next, newCondition(ConditionType.Progressing, 'True', Reason.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(d, next)) {
      const msg = rsName !== undefined ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${dName}" is progressing.`;
      const cond = newCondition(ConditionType.Progressing, 'True', Reason.ReplicaSetUpdated, msg, now);
      // Progress refreshes lastUpdateTime even with the same reason; the transition time stays while True.
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, ConditionType.Progressing);
      }
      setCondition(next, cond);
    } else if (deploymentTimedOut(d, next, now)) {
      const msg = rsName !== undefined ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${dName}" has timed out progressing.`;
      setCondition(next, newCondition(ConditionType.Progressing, 'False', Reason.TimedOut, msg, now));
    }
  }

  const failures = replicaFailures(allRSs, newRS);
  const [failure] = failures;
  if (failure) setCondition(next, failure);
  else removeCondition(next, ConditionType.ReplicaFailure);

  if (statusEqual(d.status, next)) {
    requeueStuckDeployment(ctx, d, next);
    return;
  }
  d.status = normalizeStatus(next);
  await updateDeploymentStatus(ctx, d);
}

/**
 * A rollout making no progress is looked at again when its deadline falls due (the condition's
 * lastUpdateTime + progressDeadlineSeconds, plus a second against skew). Returns the delay in
 * ms, 0 when requeued at once, -1 when not requeued.
 */
export function requeueStuckDeployment(ctx: RolloutContext, d: Deployment, next: DeploymentStatus): number {
  const current = getCondition(d.status, ConditionType.Progressing);
  const deadline = progressDeadlineSeconds(d);
  if (deadline === undefined || !current) return -1;
  if (deploymentComplete(d, next) || current.reason === Reason.TimedOut) return -1;
  const last = current.lastUpdateTime !== undefined ? Date.parse(current.lastUpdateTime) : Number.NaN;
  if (Number.isNaN(last)) return -1;
  const after = last + deadline * 1000 - ctx.clock.now();
  if (after < 1000) {
    ctx.requeueRateLimited(d);
    return 0;
  }
  ctx.requeueAfter(d, after + 1000);
  return after;
}

/**
 * checkPausedConditions: pausing sets Progressing Unknown/DeploymentPaused and resuming
 * Unknown/DeploymentResumed, so the time spent paused never counts against the deadline. A
 * reported timeout is left alone.
 */
export async function checkPausedConditions(ctx: RolloutContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, ConditionType.Progressing);
  if (cond?.reason === Reason.TimedOut) return;
  const pausedCondExists = cond?.reason === Reason.Paused;
  const now = ctx.clock.now();
  if (isPaused(d) && !pausedCondExists) {
    setCondition((d.status ??= {}), newCondition(ConditionType.Progressing, 'Unknown', Reason.Paused, 'Deployment is paused', now));
  } else if (!isPaused(d) && pausedCondExists) {
    setCondition((d.status ??= {}), newCondition(ConditionType.Progressing, 'Unknown', Reason.Resumed, 'Deployment is resumed', now));
  } else {
    return;
  }
  await updateDeploymentStatus(ctx, d);
}
