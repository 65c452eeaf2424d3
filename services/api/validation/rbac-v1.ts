// rbac.authorization.k8s.io/v1 validation (pkg/apis/rbac/validation): roles' rules and
// bindings' roleRef and subjects. RBAC objects have no spec, so paths start at the top.
import type { KubeObject } from '../../../lib/api/object.js';
import { validateMetav1LabelSelector } from '../../../lib/api/labels.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { indexedRecords, list, rec, semanticEqual, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { nameIsDNSSubdomain, nameIsPathSegment, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const ROLE_META: ObjectMetaRules = { namespaced: true, name: nameIsPathSegment, kubeFinalizers: true };
export const CLUSTER_ROLE_META: ObjectMetaRules = { namespaced: false, name: nameIsPathSegment, kubeFinalizers: true };

/** ValidatePolicyRule. */
function validatePolicyRule(rule: JsonRecord, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (list(rule.verbs).length === 0) errs.push(fieldErrors.required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = list(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldErrors.invalid(path.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0 || list(rule.resourceNames).length > 0) {
      errs.push(fieldErrors.invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (list(rule.apiGroups).length === 0) errs.push(fieldErrors.required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (list(rule.resources).length === 0) errs.push(fieldErrors.required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  return indexedRecords(obj.rules).flatMap(([i, rule]) => validatePolicyRule(rule, namespaced, FieldPath.root('rules').index(i)));
}

export function validateRole(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, ROLE_META), ...validateRules(obj, true)];
}

export function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = [...validateObjectMeta(obj.metadata, CLUSTER_ROLE_META), ...validateRules(obj, false)];
  const aggregation = rec(obj.aggregationRule);
  if (aggregation) {
    const path = FieldPath.root('aggregationRule', 'clusterRoleSelectors');
    const selectors = list(aggregation.clusterRoleSelectors);
    if (selectors.length === 0) errs.push(fieldErrors.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => errs.push(...validateMetav1LabelSelector(s, path.index(i))));
  }
  return errs;
}

export function validateRoleUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateRole(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata, ROLE_META)];
}

export function validateClusterRoleUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateClusterRole(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata, CLUSTER_ROLE_META)];
}

/** ValidateRoleBindingSubject. A ClusterRoleBinding's ServiceAccount subject needs a namespace. */
function validateSubject(subject: JsonRecord, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(subject.name);
  if (name === '') errs.push(fieldErrors.required(path.child('name'), ''));
  const apiGroup = str(subject.apiGroup);
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name !== '') for (const msg of nameIsDNSSubdomain(name, false)) errs.push(fieldErrors.invalid(path.child('name'), name, msg));
      if (apiGroup !== '') errs.push(fieldErrors.notSupported(path.child('apiGroup'), apiGroup, ['']));
      if (!namespaced && str(subject.namespace) === '') errs.push(fieldErrors.required(path.child('namespace'), ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported(path.child('apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErrors.notSupported(path.child('kind'), str(subject.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, namespaced ? ROLE_META : CLUSTER_ROLE_META);
  const roleRef = rec(obj.roleRef) ?? {};
  const refPath = FieldPath.root('roleRef');
  const apiGroup = str(roleRef.apiGroup);
  if (apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported(refPath.child('apiGroup'), apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const kind = str(roleRef.kind);
  if (!kinds.includes(kind)) errs.push(fieldErrors.notSupported(refPath.child('kind'), kind, kinds));
  const name = str(roleRef.name);
  if (name === '') errs.push(fieldErrors.required(refPath.child('name'), ''));
  else for (const msg of nameIsPathSegment(name, false)) errs.push(fieldErrors.invalid(refPath.child('name'), name, msg));
  for (const [i, subject] of indexedRecords(obj.subjects)) errs.push(...validateSubject(subject, namespaced, FieldPath.root('subjects').index(i)));
  return errs;
}

export function validateRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, true);
}

export function validateClusterRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, false);
}

function roleRefUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return semanticEqual(obj.roleRef, old.roleRef) ? [] : [fieldErrors.invalid(FieldPath.root('roleRef'), obj.roleRef ?? null, 'cannot change roleRef')];
}

export function validateRoleBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateRoleBinding(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata, ROLE_META), ...roleRefUpdate(obj, old)];
}

export function validateClusterRoleBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateClusterRoleBinding(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata, CLUSTER_ROLE_META), ...roleRefUpdate(obj, old)];
}

