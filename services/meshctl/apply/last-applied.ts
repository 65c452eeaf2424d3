// kubectl.kubernetes.io/last-applied-configuration: the configuration as applied, compact
// JSON with sorted keys and a final newline, stored on the object itself.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { goJson } from '../output/go-json.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * GetModifiedConfiguration: the object with the annotation set to its own serialization
 * (taken with the annotation removed, so an empty annotations map remains in it).
 */
export function withLastApplied(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  const annotations: Record<string, string> = { ...(copy.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  copy.metadata.annotations = annotations;
  const text = `${goJson(copy)}\n`;
  const modified = structuredClone(copy);
  modified.metadata.annotations = { ...annotations, [LAST_APPLIED]: text };
  return modified;
}

/** The configuration last applied to `current`, or undefined when it was never applied. */
export function lastAppliedOf(current: KubeObject): Record<string, unknown> | undefined {
  const text = current.metadata.annotations?.[LAST_APPLIED];
  if (text === undefined || text === '') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
