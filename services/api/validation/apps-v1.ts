// apps/v1 Deployment and ReplicaSet validation (pkg/apis/apps/validation), including the pod
// template rules for replica sets and the selector's immutability the registry adds on update.
import type { KubeObject } from '../../../lib/api/object.js';
import { isValidPercent } from '../../../lib/api/name-validation.js';
import { isEverything, matchesLabels, selectorFromMetav1, validateMetav1LabelSelector } from '../../../lib/api/labels.js';
import type { LabelSelector } from '../../../lib/api/labels.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { validateImmutable, validateNonnegative } from './common.js';
import { absent, list, num, rec, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';
import { validatePodTemplateSpec } from './pod-spec.js';

export const APPS_META: ObjectMetaRules = { namespaced: true, name: nameIsDNSSubdomain, kubeFinalizers: true };

const SPEC = FieldPath.root('spec');

/** The selector as a matcher, or undefined (with an error) when it does not convert. */
function selectorOf(selector: unknown, errs: FieldError[]): LabelSelector | undefined {
  try {
    return selectorFromMetav1(selector);
  } catch {
    errs.push(fieldErrors.invalid(SPEC.child('selector'), selector ?? null, 'invalid label selector'));
    return undefined;
  }
}

function validateSelector(selector: unknown, errs: FieldError[]): void {
  const path = SPEC.child('selector');
  if (absent(selector)) {
    errs.push(fieldErrors.required(path, ''));
    return;
  }
  errs.push(...validateMetav1LabelSelector(selector, path));
  const s = rec(selector);
  if (s && Object.keys(rec(s.matchLabels) ?? {}).length + list(s.matchExpressions).length === 0) {
    errs.push(fieldErrors.invalid(path, selector, 'empty selector is invalid for deployment'));
  }
}

/** ValidatePodTemplateSpecForReplicaSet. */
function validateTemplateForReplicaSet(spec: JsonRecord, selector: LabelSelector): FieldError[] {
  const path = SPEC.child('template');
  const template = rec(spec.template);
  if (!template) return absent(spec.template) ? [fieldErrors.required(path, '')] : [];
  const errs: FieldError[] = [];
  const labels = rec(rec(template.metadata)?.labels) ?? {};
  const stringLabels = Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (!isEverything(selector) && !matchesLabels(selector, stringLabels)) {
    errs.push(fieldErrors.invalid(path.child('metadata', 'labels'), labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const podSpec = rec(template.spec) ?? {};
  const restartPolicy = podSpec.restartPolicy;
  if (restartPolicy !== 'Always' && (absent(restartPolicy) || typeof restartPolicy === 'string')) {
    errs.push(fieldErrors.notSupported(path.child('spec', 'restartPolicy'), str(restartPolicy), ['Always']));
  }
  if (!absent(podSpec.activeDeadlineSeconds)) {
    errs.push(fieldErrors.invalid(path.child('spec', 'activeDeadlineSeconds'), podSpec.activeDeadlineSeconds, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

/** The value of an int-or-percent ("25%" reads as 25), as getIntOrPercentValue. */
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && isValidPercent(v).length === 0) return Number(v.slice(0, -1));
  return 0;
}

function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => fieldErrors.invalid(path, v, msg));
  if (typeof v === 'number') return validateNonnegative(v, path);
  return [];
}

function validateDeploymentStrategy(v: unknown): FieldError[] {
  const strategy = rec(v) ?? {};
  const path = SPEC.child('strategy');
  const errs: FieldError[] = [];
  switch (strategy.type) {
    case 'Recreate':
      if (!absent(strategy.rollingUpdate)) {
        errs.push(fieldErrors.forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
      }
      break;
    case 'RollingUpdate': {
      const ru = rec(strategy.rollingUpdate);
      if (!ru) {
        errs.push(fieldErrors.required(path.child('rollingUpdate'), 'this should be defaulted and never be nil'));
        break;
      }
      const rp = path.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(fieldErrors.invalid(rp.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      if (typeof ru.maxUnavailable === 'string' && isValidPercent(ru.maxUnavailable).length === 0 && intOrPercentValue(ru.maxUnavailable) > 100) {
        errs.push(fieldErrors.invalid(rp.child('maxUnavailable'), ru.maxUnavailable, 'must not be greater than 100%'));
      }
      break;
    }
    default:
      errs.push(fieldErrors.notSupported(path, strategy, ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

/** The checks Deployment and ReplicaSet specs share: replicas, selector, template. */
function validateReplicatedSpec(spec: JsonRecord, errs: FieldError[]): void {
  errs.push(...validateNonnegative(num(spec.replicas) ?? 0, SPEC.child('replicas')));
  validateSelector(spec.selector, errs);
  const selector = selectorOf(spec.selector, errs);
  if (selector) errs.push(...validateTemplateForReplicaSet(spec, selector));
}

export function validateDeployment(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, APPS_META);
  const spec = rec(obj.spec) ?? {};
  validateReplicatedSpec(spec, errs);
  errs.push(...validateDeploymentStrategy(spec.strategy));
  const minReady = num(spec.minReadySeconds) ?? 0;
  errs.push(...validateNonnegative(minReady, SPEC.child('minReadySeconds')));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, SPEC.child('revisionHistoryLimit')));
  const deadline = num(spec.progressDeadlineSeconds);
  if (deadline !== undefined) {
    errs.push(...validateNonnegative(deadline, SPEC.child('progressDeadlineSeconds')));
    if (deadline <= minReady) errs.push(fieldErrors.invalid(SPEC.child('progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, APPS_META);
  const spec = rec(obj.spec) ?? {};
  errs.push(...validateNonnegative(num(spec.minReadySeconds) ?? 0, SPEC.child('minReadySeconds')));
  validateReplicatedSpec(spec, errs);
  return errs;
}

/** On update the selector is immutable (the apps/v1 registry strategy adds this). */
function selectorUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutable(rec(obj.spec)?.selector, rec(old.spec)?.selector, SPEC.child('selector'));
}

export function validateDeploymentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata, APPS_META), ...validateDeployment(obj), ...selectorUpdate(obj, old)];
}

export function validateReplicaSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata, APPS_META), ...validateReplicaSet(obj), ...selectorUpdate(obj, old)];
}

