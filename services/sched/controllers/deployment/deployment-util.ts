// Kubernetes' deployment/util: revision and replica annotations, the rolling-update fenceposts,
// proportions for scaling during a rollout, finding the new and old ReplicaSets, and the tests
// for complete, progressing and timed-out rollouts.
import { isRecord } from '../../../../lib/api/object.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { activeReplicaSets, compareByCreation, rsReplicas, rsStatusCounts } from '../workload/replica-set.js';
import { ConditionType, getCondition, Reason } from './conditions.js';
import type { Deployment, DeploymentStatus } from './deployment-types.js';
import { dReplicas, isRollingUpdate, progressDeadlineSeconds, rollingUpdateParams, StrategyType, strategyType } from './deployment-types.js';
import { valueFromIntOrPercent } from './int-or-percent.js';
import { equalIgnoreHash } from './pod-template-hash.js';

export const Annotation = {
  /** The rollout sequence number of a ReplicaSet (and of its Deployment). */
  Revision: 'deployment.kubernetes.io/revision',
  /** Older revisions a ReplicaSet served, after rollbacks to it. */
  RevisionHistory: 'deployment.kubernetes.io/revision-history',
  /** The Deployment's replicas when this ReplicaSet was last scaled. */
  DesiredReplicas: 'deployment.kubernetes.io/desired-replicas',
  /** The Deployment's replicas + maxSurge then: the base of proportional scaling. */
  MaxReplicas: 'deployment.kubernetes.io/max-replicas',
  LastAppliedConfig: 'kubectl.kubernetes.io/last-applied-configuration',
  DeprecatedRollbackTo: 'deprecated.deployment.rollback.to',
} as const;

const ANNOTATIONS_TO_SKIP = new Set<string>([
  Annotation.LastAppliedConfig,
  Annotation.Revision,
  Annotation.RevisionHistory,
  Annotation.DesiredReplicas,
  Annotation.MaxReplicas,
  Annotation.DeprecatedRollbackTo,
]);

/** Revision history is capped at about 100 entries (2000 characters). */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** The revision annotation as a number: 0 when absent, undefined when it does not parse. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata.annotations?.[Annotation.Revision];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

export function maxRevision(list: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of list) {
    const v = revisionOf(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, Annotation.DesiredReplicas);
}

/** Copies the Deployment's annotations (all but the controller's own) onto the ReplicaSet. */
function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const ann = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision to
 * `newRevision` when lower (keeping the replaced one in revision-history: a rollback to this
 * ReplicaSet), and on a ReplicaSet about to be created sets the replicas annotations.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, historyLimitChars = MAX_REV_HISTORY_LENGTH_IN_CHARS): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const ann = (rs.metadata.annotations ??= {});
  const oldRevision = ann[Annotation.Revision];
  let oldRevisionNum = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^[+-]?\d+$/.test(oldRevision)) return false;
    oldRevisionNum = Number(oldRevision);
  }
  if (oldRevisionNum < newRevision) {
    ann[Annotation.Revision] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = ann[Annotation.RevisionHistory] ?? '';
      if (history === '') {
        ann[Annotation.RevisionHistory] = oldRevision;
      } else {
        const entries = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > historyLimitChars && start < entries.length) {
          total -= (entries[start]?.length ?? 0) + 1;
          start++;
        }
        if (total <= historyLimitChars) ann[Annotation.RevisionHistory] = [...entries.slice(start), oldRevision].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, dReplicas(d), dReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  if (ann[Annotation.DesiredReplicas] !== String(desired)) {
    ann[Annotation.DesiredReplicas] = String(desired);
    changed = true;
  }
  if (ann[Annotation.MaxReplicas] !== String(max)) {
    ann[Annotation.MaxReplicas] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = rs.metadata.annotations ?? {};
  return ann[Annotation.DesiredReplicas] !== String(desired) || ann[Annotation.MaxReplicas] !== String(max);
}

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 would stall, so unavailable becomes 1. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const { maxSurge: s, maxUnavailable: u } = rollingUpdateParams(d);
  const desired = dReplicas(d);
  const surge = valueFromIntOrPercent(s, desired, true);
  let unavailable = valueFromIntOrPercent(u, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || dReplicas(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, dReplicas(d));
}

/** integer.RoundToInt32: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (dReplicas(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = dReplicas(d) + maxSurge(d);
  // Without the annotation, fall back to the Deployment's current size.
  const annotated = intAnnotation(rs, Annotation.MaxReplicas) ?? (isRecord(d.status) && typeof d.status.replicas === 'number' ? d.status.replicas : 0);
  if (annotated <= 0) return 0;
  return roundHalfAway((rsReplicas(rs) * deploymentReplicas) / annotated) - rsReplicas(rs);
}

/** GetProportion: this ReplicaSet's share of the replicas being added (or removed), within what is left. */
export function getProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, list: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...list].sort(compareByCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** FindOldReplicaSets: every other ReplicaSet (all), and those still asked for pods (required). */
export function findOldReplicaSets(d: Deployment, list: readonly ReplicaSet[]): { required: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, list);
  const all = list.filter((rs) => newRS === undefined || rs.metadata.uid !== newRS.metadata.uid);
  return { required: all.filter((rs) => rsReplicas(rs) !== 0), all };
}

export function replicaCount(list: ReadonlyArray<ReplicaSet | undefined>): number {
  return list.reduce((n, rs) => n + (rs ? rsReplicas(rs) : 0), 0);
}

export function actualReplicaCount(list: ReadonlyArray<ReplicaSet | undefined>): number {
  return list.reduce((n, rs) => n + (rs ? rsStatusCounts(rs).replicas : 0), 0);
}

export function readyReplicaCount(list: ReadonlyArray<ReplicaSet | undefined>): number {
  return list.reduce((n, rs) => n + (rs ? rsStatusCounts(rs).readyReplicas : 0), 0);
}

export function availableReplicaCount(list: ReadonlyArray<ReplicaSet | undefined>): number {
  return list.reduce((n, rs) => n + (rs ? rsStatusCounts(rs).availableReplicas : 0), 0);
}

/** NewRSNewReplicas: how far the new ReplicaSet may grow now. */
export function newRSNewReplicas(d: Deployment, allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet): number {
  switch (strategyType(d)) {
    case StrategyType.RollingUpdate: {
      const maxTotal = dReplicas(d) + valueFromIntOrPercent(rollingUpdateParams(d).maxSurge, dReplicas(d), true);
      const current = replicaCount(allRSs);
      if (current >= maxTotal) return rsReplicas(newRS);
      const scaleUp = Math.min(maxTotal - current, dReplicas(d) - rsReplicas(newRS));
      return rsReplicas(newRS) + scaleUp;
    }
    case StrategyType.Recreate:
      return dReplicas(d);
    default:
      throw new Error(`deployment type ${strategyType(d)} isn't supported`);
  }
}

/** IsSaturated: the new ReplicaSet runs every desired replica, all available, and knows it. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  return rsReplicas(rs) === dReplicas(d) && desired === dReplicas(d) && rsStatusCounts(rs).availableReplicas === dReplicas(d);
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => compareByCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** ReplicaSetsBySizeOlder: larger first, older first among equals. */
export function compareBySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(a) !== rsReplicas(b) ? rsReplicas(b) - rsReplicas(a) : compareByCreation(a, b);
}

/** ReplicaSetsBySizeNewer: larger first, newer first among equals. */
export function compareBySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(a) !== rsReplicas(b) ? rsReplicas(b) - rsReplicas(a) : compareByCreation(b, a);
}

/** ReplicaSetsByRevision: lower revision first, creation order among equals. */
export function compareByRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a) ?? 0;
  const rb = revisionOf(b) ?? 0;
  return ra !== rb ? ra - rb : compareByCreation(a, b);
}

/** DeploymentComplete: every desired replica updated and available, no old pods, generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const r = dReplicas(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: new pods updated, ready or available, or old pods gone, since the stored status. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress reported for longer than progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs: number): boolean {
  const deadline = progressDeadlineSeconds(d);
  if (deadline === undefined) return false;
  const cond = getCondition(s, ConditionType.Progressing);
  if (!cond) return false;
  // After a completed rollout a stale cache may still be catching up: no estimate.
  if (cond.reason === Reason.NewRSAvailable) return false;
  if (cond.reason === Reason.TimedOut) return true;
  const from = cond.lastUpdateTime !== undefined ? Date.parse(cond.lastUpdateTime) : Number.NaN;
  if (Number.isNaN(from)) return false;
  return from + deadline * 1000 < nowMs;
}
