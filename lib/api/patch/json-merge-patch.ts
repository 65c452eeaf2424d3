// JSON Merge Patch (RFC 7386), the application/merge-patch+json PATCH body, and the patches
// kubectl computes with it: the two-way diff (evanphx/json-patch CreateMergePatch) and the
// three-way patch `kubectl apply` sends for kinds without strategic merge metadata (custom
// resources; k8s.io/apimachinery/pkg/util/jsonmergepatch CreateThreeWayJSONMergePatch).
//
// kube-apiserver itself is stricter than the RFC about the body: it accepts only an object
// (or an array) as a merge patch and answers 400 "Invalid JSON Patch" otherwise; that check
// belongs to the handler. applyJsonMergePatch follows the RFC for every JSON value.
import { isRecord } from '../object.js';
import { PatchError } from './errors.js';
import type { JsonObject } from './json-value.js';
import { cloneJson, getOwn, jsonEqual, jsonKind, setOwn, deleteOwn } from './json-value.js';

/** Applies a merge patch: objects merge key by key, null deletes, anything else replaces. */
export function applyJsonMergePatch(original: unknown, patch: unknown): unknown {
  return mergeInto(cloneJson(original), patch);
}

// `target` is owned by the caller (already a copy), so it may be changed in place.
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return cloneJson(patch);
  const result: JsonObject = isRecord(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      deleteOwn(result, key);
    } else {
      setOwn(result, key, mergeInto(getOwn(result, key), value));
    }
  }
  return result;
}

/**
 * The smallest merge patch that turns `original` into `modified`: changed and added fields
 * with their new value, removed fields as null, nested objects diffed, arrays replaced whole.
 */
export function createJsonMergePatch(original: unknown, modified: unknown): Record<string, unknown> {
  if (!isRecord(original) || !isRecord(modified)) {
    throw new PatchError('bad-request', 'Invalid JSON Document');
  }
  return diffObjects(original, modified);
}

function diffObjects(original: JsonObject, modified: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(modified)) {
    const after = modified[key];
    if (!Object.hasOwn(original, key)) {
      setOwn(patch, key, cloneJson(after));
      continue;
    }
    const before = original[key];
    if (jsonKind(before) !== jsonKind(after)) {
      setOwn(patch, key, cloneJson(after));
    } else if (isRecord(before) && isRecord(after)) {
      const nested = diffObjects(before, after);
      if (Object.keys(nested).length > 0) setOwn(patch, key, nested);
    } else if (!jsonEqual(before, after)) {
      setOwn(patch, key, cloneJson(after));
    }
  }
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(modified, key)) setOwn(patch, key, null);
  }
  return patch;
}

/**
 * The merge patch `kubectl apply` sends when it has no strategic merge metadata:
 * additions and changes from `current` (the live object) to `modified` (the new
 * configuration), plus deletions of fields that `original` (the last-applied
 * configuration) had and `modified` no longer has. Fields set by others (present in
 * `current` but never in `original`) are left alone. Missing documents count as {}.
 */
export function createThreeWayJsonMergePatch(original: unknown, modified: unknown, current: unknown): Record<string, unknown> {
  const o = documentOrEmpty(original);
  const m = documentOrEmpty(modified);
  const c = documentOrEmpty(current);
  const additionsAndChanges = keepOrDropNulls(diffObjects(c, m), false);
  const deletions = keepOrDropNulls(diffObjects(o, m), true);
  return mergeMergePatches(deletions, additionsAndChanges);
}

function documentOrEmpty(doc: unknown): JsonObject {
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new PatchError('bad-request', 'Invalid JSON Document');
  return doc;
}

// keepNull: keep only the deletions (nulls); otherwise keep everything but the deletions.
// An explicitly empty object is a value (kept with the changes), not an empty sub-patch.
function keepOrDropNulls(patch: JsonObject, keepNull: boolean): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      if (keepNull) setOwn(out, key, null);
    } else if (isRecord(value)) {
      if (Object.keys(value).length === 0) {
        if (!keepNull) setOwn(out, key, value);
        continue;
      }
      const nested = keepOrDropNulls(value, keepNull);
      if (Object.keys(nested).length > 0) setOwn(out, key, nested);
    } else if (!keepNull) {
      setOwn(out, key, value);
    }
  }
  return out;
}

// Merges two merge patches into one that has the effect of applying both in turn:
// unlike applying, nulls are kept as deletions.
function mergeMergePatches(first: JsonObject, second: JsonObject): JsonObject {
  const out = cloneJson(first);
  for (const key of Object.keys(second)) {
    const value = second[key];
    const existing = getOwn(out, key);
    if (isRecord(value) && isRecord(existing)) {
      setOwn(out, key, mergeMergePatches(existing, value));
    } else {
      setOwn(out, key, cloneJson(value));
    }
  }
  return out;
}
