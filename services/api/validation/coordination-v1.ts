// coordination.k8s.io/v1 Lease validation (pkg/apis/coordination/validation).
import type { KubeObject } from '../../../lib/api/object.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { IS_NEGATIVE_ERROR } from './common.js';
import { emptyString, num, rec } from './json-access.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';

export const LEASE_META: ObjectMetaRules = { namespaced: true, name: nameIsDNSSubdomain, kubeFinalizers: true };

const SPEC = FieldPath.root('spec');
const STRATEGIES = ['OldestEmulationVersion'];

export function validateLease(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, LEASE_META);
  const spec = rec(obj.spec) ?? {};
  const duration = num(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(fieldErrors.invalid(SPEC.child('leaseDurationSeconds'), duration, 'must be greater than 0'));
  const transitions = num(spec.leaseTransitions);
  if (transitions !== undefined && transitions < 0) errs.push(fieldErrors.invalid(SPEC.child('leaseTransitions'), transitions, IS_NEGATIVE_ERROR));
  if (typeof spec.strategy === 'string' && spec.strategy !== '' && !STRATEGIES.includes(spec.strategy)) {
    errs.push(fieldErrors.notSupported(SPEC.child('strategy'), spec.strategy, STRATEGIES));
  }
  if (!emptyString(spec.preferredHolder) && emptyString(spec.strategy)) {
    errs.push(fieldErrors.forbidden(SPEC.child('preferredHolder'), 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export function validateLeaseUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata, LEASE_META), ...validateLease(obj)];
}
