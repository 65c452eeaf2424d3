// Pod facts several controllers need, as Kubernetes' podutil and controller utilities define them.
import type { KubeObject, OwnerReference } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export function podConditions(pod: KubeObject): PodCondition[] {
  const status = isRecord(pod.status) ? pod.status : {};
  return Array.isArray(status.conditions) ? status.conditions.filter((c): c is PodCondition => isRecord(c) && typeof c.type === 'string') : [];
}

export function podCondition(pod: KubeObject, type: string): PodCondition | undefined {
  return podConditions(pod).find((c) => c.type === type);
}

export function podPhase(pod: KubeObject): string {
  const status = isRecord(pod.status) ? pod.status : {};
  return typeof status.phase === 'string' ? status.phase : '';
}

export function podNodeName(pod: KubeObject): string {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  return typeof spec.nodeName === 'string' ? spec.nodeName : '';
}

/** Ready condition True. */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds at `nowMs` (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime !== undefined ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Not finished and not being deleted (controller.IsPodActive). */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && pod.metadata.deletionTimestamp === undefined;
}

export function isPodTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

/** The ownerReference with controller: true, if any (metav1.GetControllerOf). */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}
