// Taint checks shared by the TaintToleration, NodeUnschedulable and PodTopologySpread plugins,
// on core/v1's toleration matching (lib/api/taints.ts).
import { TaintKey, toleratesTaint } from '../../../lib/api/taints.js';
import type { Taint, Toleration } from './api-fields.js';
import { TaintEffect } from './api-fields.js';

/** The taint the node lifecycle controller puts on a cordoned node (spec.unschedulable). */
export const TAINT_NODE_UNSCHEDULABLE: Taint = Object.freeze({
  key: TaintKey.unschedulable,
  value: '',
  effect: TaintEffect.NoSchedule,
});

export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** Taints a pod must tolerate to be placed: NoSchedule and NoExecute. */
export function isDoNotScheduleTaint(t: Taint): boolean {
  return t.effect === TaintEffect.NoSchedule || t.effect === TaintEffect.NoExecute;
}

/** The first taint (in node order) that passes `filter` and no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  filter: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints) {
    if (filter(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
