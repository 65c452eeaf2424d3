// Strategic merge patch (application/strategic-merge-patch+json), with the semantics of
// k8s.io/apimachinery/pkg/util/strategicpatch: JSON merge patch, except that lists whose
// field has the merge strategy merge item by item (by merge key, or as a set of primitives),
// plus the directives $patch, $retainKeys, $setElementOrder/<f>, $deleteFromPrimitiveList/<f>.
//
// Applying: `kubectl patch` and `kubectl edit` bodies, applied by the server.
// Creating: what `kubectl apply` (three-way) and `kubectl edit` (two-way) send.
import { isRecord } from '../object.js';
import { PatchError } from './errors.js';
import type { JsonObject } from './json-value.js';
import { cloneJson, jsonKind } from './json-value.js';
import type { PatchMeta } from './patch-meta.js';
import { diffMaps } from './smp-diff.js';
import { smpErrors } from './smp-directives.js';
import { mergeMap } from './smp-merge.js';

/**
 * Applies a strategic merge patch to `original` and returns the result (inputs untouched).
 * A missing original counts as {}; a null patch changes nothing. Throws PatchError.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, meta: PatchMeta): unknown {
  const doc = documentOrEmpty(original);
  if (patch === null || patch === undefined) return cloneJson(doc);
  if (!isRecord(patch)) {
    // What decoding the body into map[string]interface{} reports.
    throw new PatchError('bad-request', `json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(cloneJson(doc), cloneJson(patch), meta, 'apply');
}

/**
 * The patch `kubectl apply` sends (CreateThreeWayMergePatch with overwrite): the changes and
 * additions from `current` (live object) to `modified` (new configuration), plus the
 * deletions of what `original` (last-applied configuration) had and `modified` dropped,
 * with $setElementOrder for merged lists and `$patch: delete` for removed keyed items.
 * Whatever others set in `current` that was never in `original` stays untouched.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, meta: PatchMeta): Record<string, unknown> {
  const o = documentOrEmpty(original);
  const m = documentOrEmpty(modified);
  const c = documentOrEmpty(current);
  const changes = diffMaps(c, m, meta, { setElementOrder: true, ignoreChangesAndAdditions: false, ignoreDeletions: true, buildRetainKeys: false });
  const deletions = diffMaps(o, m, meta, { setElementOrder: true, ignoreChangesAndAdditions: true, ignoreDeletions: false, buildRetainKeys: false });
  return mergeMap(deletions, changes, meta, 'combine');
}

/** The patch that turns `original` into `modified` (CreateTwoWayMergePatch, as `kubectl edit` sends). */
export function createTwoWayMergePatch(original: unknown, modified: unknown, meta: PatchMeta): Record<string, unknown> {
  return diffMaps(documentOrEmpty(original), documentOrEmpty(modified), meta, {
    setElementOrder: true,
    ignoreChangesAndAdditions: false,
    ignoreDeletions: false,
    buildRetainKeys: false,
  });
}

function documentOrEmpty(doc: unknown): JsonObject {
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw smpErrors.badJsonDocument();
  return doc;
}
