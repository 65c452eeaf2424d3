// Interplay with client-side apply's kubectl.kubernetes.io/last-applied-configuration annotation,
// for the "kubectl" manager only (kube-apiserver's lastAppliedManager and lastAppliedUpdater):
// fields client-side apply last applied, and that still hold those values, may be taken over
// without a conflict; and after a server-side apply the annotation is rewritten to match.
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { goJson } from './json-value.js';
import { compareValues } from './merge-walker.js';
import type { Atom } from './schema-atoms.js';
import { toFieldSet } from './to-field-set.js';
import type { FieldSet } from './field-set.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Only kubectl's own server-side apply upgrades from, and keeps up, the annotation. */
export const LAST_APPLIED_MANAGER = 'kubectl';

function annotationsOf(obj: unknown): Record<string, unknown> | undefined {
  if (!isRecord(obj) || !isRecord(obj.metadata)) return undefined;
  const a = obj.metadata.annotations;
  return isRecord(a) ? a : undefined;
}

export function lastAppliedOf(obj: unknown): string | undefined {
  const v = annotationsOf(obj)?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The fields the live object's last-applied configuration sets to the values the live object
 * still has; undefined when there is no usable annotation.
 */
export function fieldsStillAsLastApplied(live: unknown, atom: Atom, apiVersion: string): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (text === undefined) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (!isRecord(last) || last.apiVersion !== apiVersion) return undefined;
  const set = toFieldSet(last, atom);
  const c = compareValues(last, live, atom);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

/** The annotation's value for an applied configuration: its JSON without the annotation itself. */
export function buildLastApplied(applied: Record<string, unknown>): string {
  const copy: Record<string, unknown> = { ...applied };
  if (isRecord(applied.metadata)) {
    const metadata: Record<string, unknown> = { ...applied.metadata };
    if (isRecord(metadata.annotations)) {
      const annotations: Record<string, unknown> = { ...metadata.annotations };
      delete annotations[LAST_APPLIED_ANNOTATION];
      metadata.annotations = annotations;
    }
    copy.metadata = metadata;
  }
  // Go's json.Encoder: sorted keys, HTML escaped, a newline at the end.
  return `${goJson(copy)}\n`;
}

/** Sets the annotation on a result object (already a copy the caller owns). */
export function setLastApplied(obj: KubeObject, value: string): void {
  const annotations = isRecord(obj.metadata.annotations) ? obj.metadata.annotations : {};
  obj.metadata.annotations = { ...annotations, [LAST_APPLIED_ANNOTATION]: value };
}
