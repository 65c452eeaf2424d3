// Typed views of the apps/v1 shapes the ReplicaSet and Deployment controllers read. Objects
// arrive as JSON the API server has validated and defaulted, so the views are type assertions
// plus accessors that apply Kubernetes' defaults where a field may still be absent.
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';

/** metav1.LabelSelector as JSON. */
export interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
  [field: string]: unknown;
}

/** core/v1 PodTemplateSpec as JSON. */
export interface PodTemplateSpec {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    [field: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelectorJson;
  template?: PodTemplateSpec;
  [field: string]: unknown;
}

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
  [field: string]: unknown;
}

export interface ReplicaSet extends KubeObject {
  spec?: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** The label the Deployment controller adds to its ReplicaSets' selectors and pod templates. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** The API server validated the object; this only names its shape. */
export function asReplicaSet(obj: KubeObject): ReplicaSet {
  return obj as ReplicaSet;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** spec.replicas, defaulting to 1 as the API server does. */
export function rsReplicas(rs: ReplicaSet): number {
  return num(rs.spec?.replicas, 1);
}

export function rsMinReadySeconds(rs: ReplicaSet): number {
  return num(rs.spec?.minReadySeconds, 0);
}

/** The status counters with their zero defaults. */
export function rsStatusCounts(rs: ReplicaSet): { replicas: number; fullyLabeledReplicas: number; readyReplicas: number; availableReplicas: number; observedGeneration: number } {
  const s = isRecord(rs.status) ? rs.status : {};
  return {
    replicas: num(s.replicas, 0),
    fullyLabeledReplicas: num(s.fullyLabeledReplicas, 0),
    readyReplicas: num(s.readyReplicas, 0),
    availableReplicas: num(s.availableReplicas, 0),
    observedGeneration: num(s.observedGeneration, 0),
  };
}

export function rsConditions(rs: ReplicaSet): ReplicaSetCondition[] {
  const c = rs.status?.conditions;
  return Array.isArray(c) ? c.filter((x): x is ReplicaSetCondition => isRecord(x) && typeof x.type === 'string') : [];
}

export function templateLabels(t: PodTemplateSpec | undefined): Record<string, string> {
  const labels = t?.metadata?.labels;
  return isRecord(labels) ? (labels as Record<string, string>) : {};
}

/** Creation time in ms (NaN when absent), for the creation-order sorts. */
export function creationMs(obj: KubeObject): number {
  const t = obj.metadata.creationTimestamp;
  return t === undefined ? Number.NaN : Date.parse(t);
}

/**
 * ReplicaSetsByCreationTimestamp: oldest first, the name breaking ties. An object without a
 * creation time sorts as the zero time would, first.
 */
export function compareByCreation(a: KubeObject, b: KubeObject): number {
  const ta = creationMs(a);
  const tb = creationMs(b);
  const za = Number.isNaN(ta) ? -Infinity : ta;
  const zb = Number.isNaN(tb) ? -Infinity : tb;
  if (za !== zb) return za < zb ? -1 : 1;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** FilterActiveReplicaSets: the ones asked to run at least one pod. */
export function activeReplicaSets<T extends ReplicaSet>(list: ReadonlyArray<T | undefined>): T[] {
  return list.filter((rs): rs is T => rs !== undefined && rsReplicas(rs) > 0);
}
