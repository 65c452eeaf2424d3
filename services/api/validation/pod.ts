// Pod create and update validation (ValidatePodCreate, ValidatePodUpdate). A Pod's spec is
// immutable apart from container images, activeDeadlineSeconds, added tolerations, removed
// scheduling gates and a negative grace period turned into 1.
import type { KubeObject } from '../../../lib/api/object.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { MAX_INT32 } from './common.js';
import { validateImagesOnlyForPod } from './containers.js';
import { absent, differingPaths, emptyString, indexedRecords, list, num, rec, semanticEqual, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';
import { validatePodSpec, validateTolerations } from './pod-spec.js';

export const POD_META: ObjectMetaRules = { namespaced: true, name: nameIsDNSSubdomain, kubeFinalizers: true };

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const SPEC = FieldPath.root('spec');

function specOf(obj: KubeObject): JsonRecord {
  return rec(obj.spec) ?? {};
}

/** validatePodMetadataAndSpec: what both create and update check of the new Pod. */
function validatePodMetadataAndSpec(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = [...validateObjectMeta(obj.metadata, POD_META), ...validatePodSpec(spec, SPEC)];
  if (emptyString(spec.serviceAccountName)) {
    for (const [vi, vol] of indexedRecords(spec.volumes)) {
      const projected = rec(vol.projected);
      if (!projected) continue;
      for (const [si, source] of indexedRecords(projected.sources)) {
        if (absent(source.serviceAccountToken)) continue;
        const p = SPEC.child('volumes').index(vi).child('projected', 'sources').index(si).child('serviceAccountToken');
        errs.push(fieldErrors.forbidden(p, 'must not be specified when serviceAccountName is not set'));
      }
    }
  }
  errs.push(...validateImagesOnlyForPod(spec.containers, SPEC.child('containers')));
  errs.push(...validateImagesOnlyForPod(spec.initContainers, SPEC.child('initContainers')));
  return errs;
}

export function validatePodCreate(obj: KubeObject): FieldError[] {
  const errs = validatePodMetadataAndSpec(obj);
  if (list(specOf(obj).ephemeralContainers).length > 0) {
    errs.push(fieldErrors.forbidden(SPEC.child('ephemeralContainers'), 'cannot be set on create'));
  }
  return errs;
}

/** ValidateContainerUpdates: the same number of containers, each still with an image. */
function validateContainerUpdates(now: unknown, before: unknown, path: FieldPath): { errs: FieldError[]; stop: boolean } {
  if (list(now).length !== list(before).length) {
    return { errs: [fieldErrors.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  }
  const errs: FieldError[] = [];
  for (const [i, c] of indexedRecords(now)) {
    const image = str(c.image);
    if (image === '') errs.push(fieldErrors.required(path.index(i).child('image'), ''));
    if (image.trim().length !== image.length) errs.push(fieldErrors.invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  }
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: existing tolerations stay, except for their tolerationSeconds. */
function validateOnlyAddedTolerations(now: unknown, before: unknown, path: FieldPath): FieldError[] {
  const newTolerations = indexedRecords(now).map(([, t]) => t);
  for (const [, old] of indexedRecords(before)) {
    const found = newTolerations.some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [fieldErrors.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(now, path);
}

function validateOnlyDeletedSchedulingGates(now: unknown, before: unknown, path: FieldPath): FieldError[] {
  const old = new Set(indexedRecords(before).map(([, g]) => str(g.name)));
  for (const [, gate] of indexedRecords(now)) {
    const name = str(gate.name);
    if (!old.has(name)) return [fieldErrors.forbidden(path, `only deletion is allowed, but found new scheduling gate '${name}'`)];
  }
  return [];
}

function withImagesOf(containers: unknown, old: unknown): unknown {
  if (!Array.isArray(containers)) return containers;
  const oldList = list(old);
  return containers.map((c, i) => {
    const r = rec(c);
    const o = rec(oldList[i]);
    return r && o ? { ...r, image: o.image } : c;
  });
}

export function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(obj.metadata, old.metadata, POD_META), ...validatePodMetadataAndSpec(obj)];
  const spec = specOf(obj);
  const oldSpec = specOf(old);

  for (const field of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(spec[field], oldSpec[field], SPEC.child(field));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }

  // activeDeadlineSeconds may be set, or lowered, but not raised or removed.
  const deadlinePath = SPEC.child('activeDeadlineSeconds');
  const deadline = num(spec.activeDeadlineSeconds);
  const oldDeadline = num(oldSpec.activeDeadlineSeconds);
  if (deadline !== undefined) {
    if (deadline < 0 || deadline > MAX_INT32) {
      errs.push(fieldErrors.invalid(deadlinePath, deadline, `must be between 0 and ${MAX_INT32}, inclusive`));
      return errs;
    }
    if (oldDeadline !== undefined && oldDeadline < deadline) {
      errs.push(fieldErrors.invalid(deadlinePath, deadline, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldDeadline !== undefined) {
    errs.push(fieldErrors.invalid(deadlinePath, null, 'must not update from a positive integer to nil value'));
  }

  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, SPEC.child('tolerations')));
  errs.push(...validateOnlyDeletedSchedulingGates(spec.schedulingGates, oldSpec.schedulingGates, SPEC.child('schedulingGates')));

  if (semanticEqual(spec, oldSpec)) return errs;

  const munged: JsonRecord = {
    ...spec,
    containers: withImagesOf(spec.containers, oldSpec.containers),
    initContainers: withImagesOf(spec.initContainers, oldSpec.initContainers),
    activeDeadlineSeconds: oldSpec.activeDeadlineSeconds,
    tolerations: oldSpec.tolerations,
    schedulingGates: oldSpec.schedulingGates,
  };
  const oldGrace = num(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!semanticEqual(munged, oldSpec)) {
    // Kubernetes appends a Go diff of the specs; this lists the fields that differ instead.
    const diff = differingPaths(oldSpec, munged, '').map((p) => `  ${p}`);
    errs.push(fieldErrors.forbidden(SPEC, `${POD_UPDATE_FORBIDDEN}\n${diff.join('\n')}`));
  }
  return errs;
}
