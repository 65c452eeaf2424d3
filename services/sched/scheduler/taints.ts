// Toleration matching as v1.Toleration.ToleratesTaint defines it, shared by the
// TaintToleration, NodeUnschedulable and PodTopologySpread plugins.
import type { Taint, Toleration } from './api-fields.js';
import { TaintEffect } from './api-fields.js';

/** The taint the node lifecycle controller puts on a cordoned node (spec.unschedulable). */
export const TAINT_NODE_UNSCHEDULABLE: Taint = Object.freeze({
  key: 'node.kubernetes.io/unschedulable',
  value: '',
  effect: TaintEffect.NoSchedule,
});

/**
 * An empty effect matches every effect, an empty key (with Exists) every key; operator ''
 * means Equal, which compares values; Exists ignores the value.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator) {
    case '':
    case 'Equal':
      return t.value === taint.value;
    case 'Exists':
      return true;
    default:
      return false;
  }
}

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
