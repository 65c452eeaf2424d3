// calculateStatus / syncDeploymentStatus: a Deployment's status from its ReplicaSets' statuses,
// with the Available condition, written through /status only when it changed.
import type { ReplicaSet } from '../workload/replica-set.js';
import { ConditionType, newCondition, Reason, setCondition } from './conditions.js';
import type { Deployment, DeploymentStatus } from './deployment-types.js';
import { dReplicas } from './deployment-types.js';
import { actualReplicaCount, availableReplicaCount, maxUnavailable, readyReplicaCount, replicaCount } from './deployment-util.js';
import { canonicalJson } from './pod-template-hash.js';
import type { RolloutContext } from './rollout-context.js';
import { updateDeploymentStatus } from './rollout-context.js';

const COUNTERS = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const;

/** The status as apps/v1 serializes it: zero counters, no collision count and no conditions are omitted. */
export function normalizeStatus(s: DeploymentStatus | undefined): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const k of COUNTERS) {
    const v = s?.[k];
    if (typeof v === 'number' && v !== 0) out[k] = v;
  }
  if (s?.conditions && s.conditions.length > 0) out.conditions = s.conditions.map((c) => ({ ...c }));
  if (typeof s?.collisionCount === 'number') out.collisionCount = s.collisionCount;
  return out;
}

export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return canonicalJson(normalizeStatus(a)) === canonicalJson(normalizeStatus(b));
}

export function calculateStatus(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  // More available than desired (while scaling down) is not negative unavailability.
  const unavailable = Math.max(0, replicaCount(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= dReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(ConditionType.Available, 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition(ConditionType.Available, 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return normalizeStatus(status);
}

export async function syncDeploymentStatus(ctx: RolloutContext, allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const next = calculateStatus(allRSs, newRS, d, ctx.clock.now());
  if (statusEqual(d.status, next)) return;
  d.status = next;
  await updateDeploymentStatus(ctx, d);
}
