// Taints and tolerations as core/v1 defines them, and the matching rules the scheduler, the
// taint manager and the node lifecycle controller share (Toleration.ToleratesTaint,
// v1helper.GetMatchingTolerations).
import type { KubeObject } from './object.js';
import { isRecord } from './object.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  /** RFC 3339; set on NoExecute taints by the node lifecycle controller. */
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const TaintEffect = {
  NoSchedule: 'NoSchedule',
  PreferNoSchedule: 'PreferNoSchedule',
  NoExecute: 'NoExecute',
} as const;

/** The well-known taint keys (k8s.io/api/core/v1 well_known_taints.go). */
export const TaintKey = {
  notReady: 'node.kubernetes.io/not-ready',
  unreachable: 'node.kubernetes.io/unreachable',
  unschedulable: 'node.kubernetes.io/unschedulable',
  memoryPressure: 'node.kubernetes.io/memory-pressure',
  diskPressure: 'node.kubernetes.io/disk-pressure',
  networkUnavailable: 'node.kubernetes.io/network-unavailable',
  pidPressure: 'node.kubernetes.io/pid-pressure',
} as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function nodeTaints(node: KubeObject): Taint[] {
  const spec = isRecord(node.spec) ? node.spec : {};
  if (!Array.isArray(spec.taints)) return [];
  const out: Taint[] = [];
  for (const t of spec.taints) {
    if (!isRecord(t) || typeof t.key !== 'string' || typeof t.effect !== 'string') continue;
    const taint: Taint = { key: t.key, effect: t.effect };
    const value = str(t.value);
    if (value !== undefined && value !== '') taint.value = value;
    const timeAdded = str(t.timeAdded);
    if (timeAdded !== undefined) taint.timeAdded = timeAdded;
    out.push(taint);
  }
  return out;
}

export function noExecuteTaints(node: KubeObject): Taint[] {
  return nodeTaints(node).filter((t) => t.effect === TaintEffect.NoExecute);
}

export function podTolerations(pod: KubeObject): Toleration[] {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  if (!Array.isArray(spec.tolerations)) return [];
  const out: Toleration[] = [];
  for (const t of spec.tolerations) {
    if (!isRecord(t)) continue;
    const tol: Toleration = {};
    const key = str(t.key);
    if (key !== undefined) tol.key = key;
    const operator = str(t.operator);
    if (operator !== undefined) tol.operator = operator;
    const value = str(t.value);
    if (value !== undefined) tol.value = value;
    const effect = str(t.effect);
    if (effect !== undefined) tol.effect = effect;
    if (typeof t.tolerationSeconds === 'number') tol.tolerationSeconds = t.tolerationSeconds;
    out.push(tol);
  }
  return out;
}

/** Toleration.ToleratesTaint: an empty effect or key matches all; Exists ignores the value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  if (toleration.key !== undefined && toleration.key !== '' && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export type ToleratedTaints =
  | { allTolerated: true; /** For each taint (same order), the first toleration that tolerates it. */ used: Toleration[] }
  | { allTolerated: false };

/** GetMatchingTolerations: every taint must be tolerated; the first matching toleration counts. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): ToleratedTaints {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const tol = tolerations.find((t) => toleratesTaint(t, taint));
    if (!tol) return { allTolerated: false };
    used.push(tol);
  }
  return { allTolerated: true, used };
}

/** Same key and effect (Taint.MatchTaint): the identity of a taint on a node. */
export function sameTaint(a: Pick<Taint, 'key' | 'effect'>, b: Pick<Taint, 'key' | 'effect'>): boolean {
  return a.key === b.key && a.effect === b.effect;
}
