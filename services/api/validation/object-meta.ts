// ObjectMeta validation for every kind (apimachinery api/validation ValidateObjectMeta and
// ValidateObjectMetaUpdate, plus core's extra finalizer-name rule), and the per-kind name rules.
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../lib/api/name-validation.js';
import { validateAnnotations, validateLabels } from '../../../lib/api/labels.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { FIELD_IMMUTABLE_ERROR, goStringSlice, IS_NEGATIVE_ERROR } from './common.js';
import { absent, emptyString, indexedRecords, list, num, rec, semanticEqual, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';

/** A name rule: the problems with `name` (a generateName prefix when `prefix` is set). */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** A generated name gets a random suffix, so a prefix may end in '-'. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** path.ValidatePathSegmentName: what may appear as one segment of a URL path. */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (!prefix) {
    for (const bad of ['.', '..']) if (name === bad) return [`may not be '${bad}'`];
  }
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
};

export interface ObjectMetaRules {
  /** The kind lives in a namespace (metadata.namespace required) or not (forbidden). */
  namespaced: boolean;
  name: NameValidator;
  /** Core kinds: a finalizer without a '/' must be one of Kubernetes' standard names. */
  kubeFinalizers?: boolean;
}

const META = FieldPath.root('metadata');
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

/** The metadata object, {} when absent, undefined when it has the wrong type (skipped). */
function metaOf(v: unknown): JsonRecord | undefined {
  return absent(v) ? {} : rec(v);
}

function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const [, ref] of indexedRecords(refs)) {
    const apiVersion = str(ref.apiVersion);
    const parts = apiVersion.split('/');
    const version = parts.length === 1 ? apiVersion : parts.length === 2 ? (parts[1] ?? '') : '';
    const group = parts.length === 2 ? (parts[0] ?? '') : '';
    const kind = str(ref.kind);
    if (version === '') errs.push(fieldErrors.invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(fieldErrors.invalid(path.child('kind'), kind, 'kind must not be empty'));
    if (str(ref.name) === '') errs.push(fieldErrors.invalid(path.child('name'), str(ref.name), 'name must not be empty'));
    if (str(ref.uid) === '') errs.push(fieldErrors.invalid(path.child('uid'), str(ref.uid), 'uid must not be empty'));
    if (group === '' && version === 'v1' && kind === 'Event') {
      errs.push(fieldErrors.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${kind}/${str(ref.name)}`;
      if (firstController !== '') {
        errs.push(
          fieldErrors.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

function finalizerNames(v: unknown): string[] {
  return list(v).filter((f): f is string => typeof f === 'string');
}

/** ValidateFinalizers: qualified names, and not both orphan and foregroundDeletion. */
export function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  const names = finalizerNames(finalizers);
  const errs: FieldError[] = [];
  for (const f of names) for (const msg of isQualifiedName(f)) errs.push(fieldErrors.invalid(path, f, msg));
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    errs.push(fieldErrors.invalid(path, names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** validateKubeFinalizerName: a name without a '/' must be a standard one. */
export function validateKubeFinalizerName(name: string, path: FieldPath): FieldError[] {
  return !name.includes('/') && !STANDARD_FINALIZERS.includes(name)
    ? [fieldErrors.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')]
    : [];
}

function validateKubeFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(finalizers).forEach((f, i) => {
    if (typeof f === 'string') errs.push(...validateKubeFinalizerName(f, path.index(i)));
  });
  return errs;
}

function validateManagedFields(entries: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, e] of indexedRecords(entries)) {
    const p = path.index(i);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(fieldErrors.invalid(p.child('operation'), str(e.operation), 'must be `Apply` or `Update`'));
    }
    if (!emptyString(e.fieldsType) && e.fieldsType !== 'FieldsV1') {
      errs.push(fieldErrors.invalid(p.child('fieldsType'), e.fieldsType, 'must be `FieldsV1`'));
    }
  }
  return errs;
}

/** The checks create and update share: labels, annotations, owners, managed fields. */
function validateMetaContents(m: JsonRecord): FieldError[] {
  return [
    ...validateLabels(m.labels, META.child('labels')),
    ...validateAnnotations(m.annotations, META.child('annotations')),
    ...validateOwnerReferences(m.ownerReferences, META.child('ownerReferences')),
    ...validateFinalizers(m.finalizers, META.child('finalizers')),
    ...validateManagedFields(m.managedFields, META.child('managedFields')),
  ];
}

/**
 * ValidateObjectMeta. One difference: a name may be missing while generateName is set,
 * because the caller generates the name after validation here.
 */
export function validateObjectMeta(metadata: unknown, rules: ObjectMetaRules): FieldError[] {
  const m = metaOf(metadata);
  if (!m) return [];
  const errs: FieldError[] = [];
  const generateName = m.generateName;
  if (typeof generateName === 'string' && generateName !== '') {
    for (const msg of rules.name(generateName, true)) errs.push(fieldErrors.invalid(META.child('generateName'), generateName, msg));
  }
  if (emptyString(m.name)) {
    if (emptyString(generateName)) errs.push(fieldErrors.required(META.child('name'), 'name or generateName is required'));
  } else if (typeof m.name === 'string') {
    for (const msg of rules.name(m.name, false)) errs.push(fieldErrors.invalid(META.child('name'), m.name, msg));
  }
  if (rules.namespaced) {
    if (emptyString(m.namespace)) errs.push(fieldErrors.required(META.child('namespace'), ''));
    else if (typeof m.namespace === 'string') {
      for (const msg of nameIsDNSLabel(m.namespace, false)) errs.push(fieldErrors.invalid(META.child('namespace'), m.namespace, msg));
    }
  } else if (!emptyString(m.namespace)) {
    errs.push(fieldErrors.forbidden(META.child('namespace'), 'not allowed on this type'));
  }
  const generation = num(m.generation);
  if (generation !== undefined && generation < 0) errs.push(fieldErrors.invalid(META.child('generation'), generation, IS_NEGATIVE_ERROR));
  errs.push(...validateMetaContents(m));
  if (rules.kubeFinalizers === true) errs.push(...validateKubeFinalizers(m.finalizers, META.child('finalizers')));
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields are immutable and a resourceVersion is required. */
export function validateObjectMetaUpdate(metadata: unknown, oldMetadata: unknown, rules: ObjectMetaRules): FieldError[] {
  const m = metaOf(metadata);
  const old = metaOf(oldMetadata) ?? {};
  if (!m) return [];
  const errs: FieldError[] = [];
  if (!emptyString(old.deletionTimestamp)) {
    const before = new Set(finalizerNames(old.finalizers));
    const added = finalizerNames(m.finalizers).filter((f) => !before.has(f));
    if (added.length > 0) {
      errs.push(
        fieldErrors.forbidden(META.child('finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`),
      );
    }
  }
  if (emptyString(m.resourceVersion)) errs.push(fieldErrors.invalid(META.child('resourceVersion'), str(m.resourceVersion), 'must be specified for an update'));
  const generation = num(m.generation) ?? 0;
  if (generation < (num(old.generation) ?? 0)) errs.push(fieldErrors.invalid(META.child('generation'), generation, 'must not be decremented'));
  for (const field of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp'] as const) {
    const now = str(m[field]);
    const before = str(old[field]);
    if (now !== before) errs.push(fieldErrors.invalid(META.child(field), now, FIELD_IMMUTABLE_ERROR));
  }
  if (!semanticEqual(m.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds)) {
    errs.push(fieldErrors.invalid(META.child('deletionGracePeriodSeconds'), m.deletionGracePeriodSeconds ?? null, FIELD_IMMUTABLE_ERROR));
  }
  errs.push(...validateMetaContents(m));
  if (rules.kubeFinalizers === true) errs.push(...validateKubeFinalizers(m.finalizers, META.child('finalizers')));
  return errs;
}
