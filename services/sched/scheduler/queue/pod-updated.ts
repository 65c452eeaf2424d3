// isPodUpdated: whether a pod changed in a way that could change a scheduling decision. Status,
// resourceVersion, generation, managedFields and finalizers are ignored, so the scheduler's
// own PodScheduled condition write does not wake the pod it just failed to place.
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';

const IGNORED_METADATA = new Set(['resourceVersion', 'generation', 'managedFields', 'finalizers']);

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isRecord(a) && isRecord(b)) return recordsEqual(a, b, undefined);
  return false;
}

function recordsEqual(a: Record<string, unknown>, b: Record<string, unknown>, ignored: ReadonlySet<string> | undefined): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (ignored?.has(k)) continue;
    if (!jsonEqual(a[k], b[k])) return false;
  }
  return true;
}

export function isPodUpdated(oldPod: KubeObject, newPod: KubeObject): boolean {
  const { status: _oldStatus, metadata: oldMeta, ...oldRest } = oldPod;
  const { status: _newStatus, metadata: newMeta, ...newRest } = newPod;
  if (!recordsEqual(oldMeta as Record<string, unknown>, newMeta as Record<string, unknown>, IGNORED_METADATA)) return true;
  return !recordsEqual(oldRest, newRest, undefined);
}
