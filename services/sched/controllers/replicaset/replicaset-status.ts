// A ReplicaSet's status from the pods it owns (calculateStatus), and whether it differs from the
// stored one enough to write it (updateReplicaSetStatus only writes on a change).
import { formatTime as rfc3339 } from '../../../../lib/api/time.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import { matchesLabels, selectorFromSet } from '../../../../lib/api/labels.js';
import { isPodAvailable, isPodReady } from '../pod-util.js';
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from '../workload/replica-set.js';
import { rsConditions, rsMinReadySeconds, rsReplicas, rsStatusCounts, templateLabels } from '../workload/replica-set.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** The failure a manageReplicas pass ended with, if any. */
export interface ManageReplicasFailure {
  message: string;
}

export function calculateReplicaSetStatus(rs: ReplicaSet, pods: readonly KubeObject[], failure: ManageReplicasFailure | undefined, nowMs: number): ReplicaSetStatus {
  const templateSelector = selectorFromSet(templateLabels(rs.spec?.template));
  const minReady = rsMinReadySeconds(rs);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (matchesLabels(templateSelector, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  let conditions = rsConditions(rs);
  const failureCond = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (failure !== undefined && failureCond === undefined) {
    const diff = pods.length - rsReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: rfc3339(nowMs), reason, message: failure.message };
    conditions = [...conditions, cond];
  } else if (failure === undefined && failureCond !== undefined) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: ReplicaSetStatus = { ...(rs.status ?? {}) };
  status.replicas = pods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  // These three are omitempty in apps/v1; replicas is always written.
  for (const f of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (status[f] === 0) delete status[f];
  if (conditions.length > 0) status.conditions = conditions;
  else delete status.conditions;
  return status;
}

/** True when the counters, the conditions or the observed generation would change. */
export function replicaSetStatusChanged(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rsStatusCounts(rs);
  return (
    cur.replicas !== (next.replicas ?? 0) ||
    cur.fullyLabeledReplicas !== (next.fullyLabeledReplicas ?? 0) ||
    cur.readyReplicas !== (next.readyReplicas ?? 0) ||
    cur.availableReplicas !== (next.availableReplicas ?? 0) ||
    (rs.metadata.generation ?? 0) !== cur.observedGeneration ||
    JSON.stringify(rsConditions(rs)) !== JSON.stringify(next.conditions ?? [])
  );
}
