// Which pods a ReplicaSet deletes first when scaling down: Kubernetes' ActivePodsWithRanks.
// Pods that matter least come first, applying each rule in turn until one decides:
//   1. not yet assigned to a node before assigned;
//   2. Pending before Unknown before Running;
//   3. not ready before ready;
//   4. lower controller.kubernetes.io/pod-deletion-cost before higher;
//   5. more related pods on the same node (rank) before fewer;
//   6. both ready: ready more recently before ready for longer;
//   7. more container restarts before fewer;
//   8. created more recently before older.
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { isPodActive, isPodReady, podCondition, podNodeName, podPhase } from '../pod-util.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

export interface RankedPod {
  pod: KubeObject;
  /** How many related active pods share its node. */
  rank: number;
}

function phaseOrdinal(pod: KubeObject): number {
  return PHASE_ORDINAL[podPhase(pod)] ?? 0;
}

/** The annotation as an int32; absent or invalid counts as 0. */
function deletionCost(pod: KubeObject): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

/** ms since the epoch, or undefined for the zero time. */
function timeMs(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

function readyTime(pod: KubeObject): number | undefined {
  return timeMs(podCondition(pod, 'Ready')?.lastTransitionTime);
}

function maxContainerRestarts(pod: KubeObject): number {
  const status = isRecord(pod.status) ? pod.status : {};
  let max = 0;
  for (const field of ['initContainerStatuses', 'containerStatuses']) {
    const list = status[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (isRecord(c) && typeof c.restartCount === 'number' && c.restartCount > max) max = c.restartCount;
    }
  }
  return max;
}

/** afterOrZero: the zero time comes first, then the later time. Negative when a goes first. */
function laterFirst(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1;
  return b - a;
}

/** A negative result puts `a` before `b` (a is preferred for deletion). */
export function compareForDeletion(a: RankedPod, b: RankedPod): number {
  const na = podNodeName(a.pod);
  const nb = podNodeName(b.pod);
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = phaseOrdinal(a.pod);
  const pb = phaseOrdinal(b.pod);
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a.pod);
  const rb = isPodReady(b.pod);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a.pod);
  const cb = deletionCost(b.pod);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const ta = readyTime(a.pod);
    const tb = readyTime(b.pod);
    if (ta !== tb) return laterFirst(ta, tb);
  }
  const xa = maxContainerRestarts(a.pod);
  const xb = maxContainerRestarts(b.pod);
  if (xa !== xb) return xb - xa;
  const ta = timeMs(a.pod.metadata.creationTimestamp);
  const tb = timeMs(b.pod.metadata.creationTimestamp);
  if (ta !== tb) return laterFirst(ta, tb);
  return 0;
}

/** Ranks each pod by the active related pods on its node (getPodsRankedByRelatedPodsOnSameNode). */
export function rankByRelatedPodsOnSameNode(pods: readonly KubeObject[], related: readonly KubeObject[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = podNodeName(p);
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: onNode.get(podNodeName(pod)) ?? 0 }));
}

/** getPodsToDelete: the `count` pods to delete out of `pods`. */
export function podsToDelete(pods: readonly KubeObject[], related: readonly KubeObject[], count: number): KubeObject[] {
  if (count >= pods.length) return [...pods];
  return rankByRelatedPodsOnSameNode(pods, related)
    .sort(compareForDeletion)
    .slice(0, count)
    .map((r) => r.pod);
}
