// Which taints a node's conditions call for: NoExecute not-ready/unreachable from Ready (taint
// based eviction), and the NoSchedule taints of TaintNodesByCondition. Only these keys are
// the controller's; every other taint on the node is left as it is.
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { formatTime } from '../../../../lib/api/time.js';
import type { NodeCondition } from './node-conditions.js';
import { NodeConditionType, nodeConditions } from './node-conditions.js';
import type { Taint } from '../../../../lib/api/taints.js';
import { TaintEffect, TaintKey, sameTaint } from '../../../../lib/api/taints.js';

/** nodeConditionToTaintKeyStatusMap: condition type → status → taint key. */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [NodeConditionType.Ready]: { False: TaintKey.notReady, Unknown: TaintKey.unreachable },
  [NodeConditionType.MemoryPressure]: { True: TaintKey.memoryPressure },
  [NodeConditionType.DiskPressure]: { True: TaintKey.diskPressure },
  [NodeConditionType.NetworkUnavailable]: { True: TaintKey.networkUnavailable },
  [NodeConditionType.PIDPressure]: { True: TaintKey.pidPressure },
};

const NO_SCHEDULE_KEYS: ReadonlySet<string> = new Set([
  TaintKey.notReady,
  TaintKey.unreachable,
  TaintKey.memoryPressure,
  TaintKey.diskPressure,
  TaintKey.networkUnavailable,
  TaintKey.pidPressure,
  TaintKey.unschedulable,
]);

const NO_EXECUTE_KEYS: ReadonlySet<string> = new Set([TaintKey.notReady, TaintKey.unreachable]);

/** The NoExecute taint for a Ready status: False → not-ready, Unknown → unreachable, True → none. */
export function noExecuteTaintFor(readyStatus: string): string | undefined {
  if (readyStatus === 'False') return TaintKey.notReady;
  if (readyStatus === 'Unknown') return TaintKey.unreachable;
  return undefined;
}

function wantedTaints(node: KubeObject, ready: NodeCondition | undefined): Array<Pick<Taint, 'key' | 'effect'>> {
  const wanted: Array<Pick<Taint, 'key' | 'effect'>> = [];
  for (const c of nodeConditions(node)) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key !== undefined) wanted.push({ key, effect: TaintEffect.NoSchedule });
  }
  const spec = isRecord(node.spec) ? node.spec : {};
  if (spec.unschedulable === true) wanted.push({ key: TaintKey.unschedulable, effect: TaintEffect.NoSchedule });
  const noExecute = ready ? noExecuteTaintFor(ready.status) : undefined;
  if (noExecute !== undefined) wanted.push({ key: noExecute, effect: TaintEffect.NoExecute });
  return wanted;
}

function isManaged(t: Pick<Taint, 'key' | 'effect'>, manageNoExecute: boolean): boolean {
  if (t.effect === TaintEffect.NoSchedule) return NO_SCHEDULE_KEYS.has(t.key);
  if (t.effect === TaintEffect.NoExecute) return manageNoExecute && NO_EXECUTE_KEYS.has(t.key);
  return false;
}

/**
 * The node's taints with the controller's ones brought in line with its conditions, or
 * undefined when nothing changes. Kept taints keep their timeAdded; added ones get now.
 * Without a Ready condition the NoExecute taints are left alone (the node has not reported yet).
 */
export function reconcileConditionTaints(node: KubeObject, ready: NodeCondition | undefined, nowMs: number): unknown[] | undefined {
  const spec = isRecord(node.spec) ? node.spec : {};
  const current: unknown[] = Array.isArray(spec.taints) ? spec.taints : [];
  const wanted = wantedTaints(node, ready);
  const manageNoExecute = ready !== undefined;
  const next: unknown[] = [];
  const present: Array<Pick<Taint, 'key' | 'effect'>> = [];
  let changed = false;
  for (const raw of current) {
    if (!isRecord(raw) || typeof raw.key !== 'string' || typeof raw.effect !== 'string') {
      next.push(raw);
      continue;
    }
    const t = { key: raw.key, effect: raw.effect };
    if (!isManaged(t, manageNoExecute) || wanted.some((w) => sameTaint(w, t))) {
      if (!present.some((p) => sameTaint(p, t))) present.push(t);
      next.push(raw);
    } else {
      changed = true;
    }
  }
  for (const w of wanted) {
    if (present.some((p) => sameTaint(p, w))) continue;
    next.push({ key: w.key, effect: w.effect, timeAdded: formatTime(nowMs) });
    present.push(w);
    changed = true;
  }
  return changed ? next : undefined;
}
