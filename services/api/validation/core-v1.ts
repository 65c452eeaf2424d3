// core/v1 kinds other than Pod and Service (those have their own files): Namespace, Node,
// ServiceAccount, Secret, ConfigMap, Endpoints and Event, as pkg/apis/core/validation checks them.
import type { KubeObject } from '../../../lib/api/object.js';
import { isConfigMapKey, isValidCIDR, isValidLabelValue, isValidPortNum, parseIP } from '../../../lib/api/name-validation.js';
import { validateLabelName } from '../../../lib/api/labels.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import {
  FIELD_IMMUTABLE_ERROR,
  PORT_PROTOCOLS,
  validateDNS1123Label,
  validateIP,
  validateNonSpecialIP,
  validateQualifiedName,
} from './common.js';
import { emptyString, indexedRecords, list, num, rec, semanticEqual, str, stringEntries } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import {
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  validateKubeFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';
import { validateTaintEffect } from './pod-spec.js';

/** core.MaxSecretSize: Secrets and ConfigMaps hold at most 1 MiB of data. */
export const MAX_SECRET_SIZE = 1024 * 1024;

export const NAMESPACE_META: ObjectMetaRules = { namespaced: false, name: nameIsDNSLabel, kubeFinalizers: true };
export const NODE_META: ObjectMetaRules = { namespaced: false, name: nameIsDNSSubdomain, kubeFinalizers: true };
/** The rules of the many namespaced core kinds named by DNS subdomains. */
export const CORE_NAMESPACED_META: ObjectMetaRules = { namespaced: true, name: nameIsDNSSubdomain, kubeFinalizers: true };
/** What kube-apiserver checks of every object's metadata after the kind's own validation. */
export const GENERIC_NAMESPACED_META: ObjectMetaRules = { namespaced: true, name: nameIsPathSegment };

// ---- Namespace ----

export function validateNamespace(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, NAMESPACE_META);
  const spec = rec(obj.spec);
  const path = FieldPath.root('spec', 'finalizers');
  for (const f of list(spec?.finalizers)) {
    if (typeof f !== 'string') continue;
    errs.push(...validateQualifiedName(f, path), ...validateKubeFinalizerName(f, path));
  }
  return errs;
}

export function validateNamespaceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata, NAMESPACE_META);
}

// ---- Node ----

/**
 * validateNodeTaints. Kubernetes passes "metadata" as the parent path here, so taint errors read
 * `metadata.taints[0].effect`; that is kept, since clients see it.
 */
function validateNodeTaints(taints: unknown): FieldError[] {
  const path = FieldPath.root('metadata', 'taints');
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  for (const [i, t] of indexedRecords(taints)) {
    const p = path.index(i);
    const key = str(t.key);
    const effect = str(t.effect);
    errs.push(...validateLabelName(key, p.child('key')));
    const valueErrs = isValidLabelValue(str(t.value));
    if (valueErrs.length > 0) errs.push(fieldErrors.invalid(p.child('value'), str(t.value), valueErrs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, p.child('effect')));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      errs.push({ ...fieldErrors.duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
      continue;
    }
    keys.add(key);
    seen.set(effect, keys);
  }
  return errs;
}

function validatePodCIDRs(spec: JsonRecord): FieldError[] {
  const cidrs = list(spec.podCIDRs).filter((c): c is string => typeof c === 'string');
  const path = FieldPath.root('spec', 'podCIDRs');
  const errs: FieldError[] = [];
  cidrs.forEach((c, i) => {
    for (const msg of isValidCIDR(c)) errs.push(fieldErrors.invalid(path.index(i), c, msg));
  });
  if (cidrs.length > 1 && errs.length === 0) {
    const v6 = cidrs.map((c) => (parseIP(c.slice(0, c.indexOf('/')))?.length ?? 4) === 16);
    if (cidrs.length > 2 || v6[0] === v6[1]) errs.push(fieldErrors.invalid(path, cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(fieldErrors.duplicate(path.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

export function validateNode(obj: KubeObject): FieldError[] {
  const spec = rec(obj.spec) ?? {};
  return [...validateObjectMeta(obj.metadata, NODE_META), ...validateNodeTaints(spec.taints), ...validatePodCIDRs(spec)];
}

export function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(obj.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata, NODE_META);
  const addresses = new Set<string>();
  for (const [i, a] of indexedRecords(rec(obj.status)?.addresses)) {
    const key = `${str(a.type)}\u0000${str(a.address)}`;
    if (addresses.has(key)) errs.push(fieldErrors.duplicate(FieldPath.root('status', 'addresses').index(i), a));
    addresses.add(key);
  }
  // The controller manager may give a node its pod CIDRs once; after that they stay.
  const oldCIDRs = list(oldSpec.podCIDRs);
  const cidrs = list(spec.podCIDRs);
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length > cidrs.length) errs.push(fieldErrors.forbidden(FieldPath.root('spec', 'podCIDRs'), cidrMsg));
    else oldCIDRs.forEach((c, i) => {
      if (c !== cidrs[i]) errs.push(fieldErrors.forbidden(FieldPath.root('spec', 'podCIDRs'), cidrMsg));
    });
  }
  if (str(oldSpec.providerID) !== '' && str(oldSpec.providerID) !== str(spec.providerID)) {
    errs.push(fieldErrors.forbidden(FieldPath.root('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateNodeTaints(spec.taints));
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(fieldErrors.forbidden(FieldPath.root('spec', 'externalID'), 'may not be updated'));
  return errs;
}

// ---- ServiceAccount ----

export function validateServiceAccount(obj: KubeObject): FieldError[] {
  return validateObjectMeta(obj.metadata, CORE_NAMESPACED_META);
}

export function validateServiceAccountUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata, CORE_NAMESPACED_META), ...validateServiceAccount(obj)];
}

// ---- Secret ----

function base64Length(value: string): number | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) return undefined;
  return Buffer.from(value, 'base64').length;
}

export function validateSecret(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, CORE_NAMESPACED_META);
  const dataPath = FieldPath.root('data');
  const data = rec(obj.data) ?? {};
  let total = 0;
  for (const [key, value] of stringEntries(obj.data)) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(dataPath.key(key), key, msg));
    const size = base64Length(value);
    if (size === undefined) errs.push(fieldErrors.invalid(dataPath.key(key), '<secret contents redacted>', 'illegal base64 data'));
    else total += size;
  }
  if (total > MAX_SECRET_SIZE) errs.push(fieldErrors.tooLong(dataPath, '', MAX_SECRET_SIZE));
  const has = (k: string): boolean => typeof data[k] === 'string';
  const decoded = (k: string): string => Buffer.from(str(data[k]), 'base64').toString('utf8');
  const isJSONObject = (text: string): string | undefined => {
    try {
      const v: unknown = JSON.parse(text);
      return rec(v) ? undefined : 'json: cannot unmarshal into Go value of type map[string]interface {}';
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  switch (str(obj.type)) {
    case 'kubernetes.io/service-account-token': {
      const annotations = rec(rec(obj.metadata)?.annotations);
      if (emptyString(annotations?.['kubernetes.io/service-account.name'])) {
        errs.push(fieldErrors.required(FieldPath.root('metadata', 'annotations').key('kubernetes.io/service-account.name'), ''));
      }
      break;
    }
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = obj.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(fieldErrors.required(dataPath.key(key), ''));
        break;
      }
      const problem = isJSONObject(decoded(key));
      if (problem !== undefined) errs.push(fieldErrors.invalid(dataPath.key(key), '<secret contents redacted>', problem));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(fieldErrors.required(dataPath.key('username'), ''), fieldErrors.required(dataPath.key('password'), ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (str(data['ssh-privatekey']) === '') errs.push(fieldErrors.required(dataPath.key('ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fieldErrors.required(dataPath.key('tls.crt'), ''));
      if (!has('tls.key')) errs.push(fieldErrors.required(dataPath.key('tls.key'), ''));
      break;
    default:
      break;
  }
  return errs;
}

/** Once `immutable` is set, it stays set and the listed data fields stay as they are. */
function validateImmutableData(obj: KubeObject, old: KubeObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  const msg = 'field is immutable when `immutable` is set';
  if (obj.immutable !== true) errs.push(fieldErrors.forbidden(FieldPath.root('immutable'), msg));
  for (const f of fields) if (!semanticEqual(obj[f], old[f])) errs.push(fieldErrors.forbidden(FieldPath.root(f), msg));
  return errs;
}

export function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, CORE_NAMESPACED_META),
    ...(str(obj.type) === str(old.type) ? [] : [fieldErrors.invalid(FieldPath.root('type'), str(obj.type), FIELD_IMMUTABLE_ERROR)]),
    ...validateImmutableData(obj, old, ['data']),
    ...validateSecret(obj),
  ];
}

// ---- ConfigMap ----

export function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, CORE_NAMESPACED_META);
  const binary = rec(obj.binaryData) ?? {};
  let total = 0;
  for (const [key, value] of stringEntries(obj.data)) {
    const p = FieldPath.root('data').key(key);
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(p, key, msg));
    if (Object.prototype.hasOwnProperty.call(binary, key)) errs.push(fieldErrors.invalid(p, key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(value, 'utf8');
  }
  for (const [key, value] of stringEntries(obj.binaryData)) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(FieldPath.root('binaryData').key(key), key, msg));
    total += base64Length(value) ?? 0;
  }
  if (total > MAX_SECRET_SIZE) errs.push(fieldErrors.tooLong('[]', '', MAX_SECRET_SIZE));
  return errs;
}

export function validateConfigMapUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, CORE_NAMESPACED_META),
    ...validateImmutableData(obj, old, ['data', 'binaryData']),
    ...validateConfigMap(obj),
  ];
}

// ---- Endpoints ----

function validateEndpointAddress(a: JsonRecord, path: FieldPath): FieldError[] {
  const ip = str(a.ip);
  const errs = validateIP(ip, path.child('ip'));
  if (typeof a.hostname === 'string' && a.hostname !== '') errs.push(...validateDNS1123Label(a.hostname, path.child('hostname')));
  if (typeof a.nodeName === 'string') for (const msg of nameIsDNSSubdomain(a.nodeName, false)) errs.push(fieldErrors.invalid(path.child('nodeName'), a.nodeName, msg));
  errs.push(...validateNonSpecialIP(ip, path.child('ip')));
  return errs;
}

export function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, CORE_NAMESPACED_META);
  for (const [i, ss] of indexedRecords(obj.subsets)) {
    const p = FieldPath.root('subsets').index(i);
    if (list(ss.addresses).length === 0 && list(ss.notReadyAddresses).length === 0) {
      errs.push(fieldErrors.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const field of ['addresses', 'notReadyAddresses'] as const) {
      for (const [j, a] of indexedRecords(ss[field])) errs.push(...validateEndpointAddress(a, p.child(field).index(j)));
    }
    const ports = indexedRecords(ss.ports);
    for (const [j, port] of ports) {
      const pp = p.child('ports').index(j);
      const name = str(port.name);
      if (list(ss.ports).length > 1 && name === '') errs.push(fieldErrors.required(pp.child('name'), ''));
      else if (name !== '') errs.push(...validateDNS1123Label(name, pp.child('name')));
      const n = num(port.port) ?? 0;
      for (const msg of isValidPortNum(n)) errs.push(fieldErrors.invalid(pp.child('port'), n, msg));
      if (emptyString(port.protocol)) errs.push(fieldErrors.required(pp.child('protocol'), ''));
      else if (typeof port.protocol === 'string' && !(PORT_PROTOCOLS as readonly string[]).includes(port.protocol)) {
        errs.push(fieldErrors.notSupported(pp.child('protocol'), port.protocol, PORT_PROTOCOLS));
      }
      if (typeof port.appProtocol === 'string') errs.push(...validateQualifiedName(port.appProtocol, pp.child('appProtocol')));
    }
  }
  return errs;
}

export function validateEndpointsUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata, CORE_NAMESPACED_META), ...validateEndpoints(obj)];
}

// ---- Event ----

/**
 * legacyValidateEvent, as for requests in v1: the involved object's namespace must match the
 * event's; events with an eventTime (the newer style) also need their reporting fields.
 */
function validateEventFields(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = str(rec(obj.metadata)?.namespace);
  const involvedNamespace = str(rec(obj.involvedObject)?.namespace);
  const nsPath = FieldPath.root('involvedObject', 'namespace');
  const mismatch = fieldErrors.invalid(nsPath, involvedNamespace, 'does not match event.namespace');
  if (emptyString(obj.eventTime)) {
    if (involvedNamespace === '') {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch);
    } else if (namespace !== involvedNamespace) {
      errs.push(mismatch);
    }
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch);
    // For v1 requests Kubernetes names the reporting-controller field "source".
    const controller = str(obj.reportingComponent);
    if (controller === '') errs.push(fieldErrors.required('source', ''));
    errs.push(...validateQualifiedName(controller, FieldPath.root('source')));
    const limits: [string, number][] = [
      ['reportingInstance', 128],
      ['action', 128],
      ['reason', 128],
    ];
    for (const [field, limit] of limits) {
      const v = str(obj[field]);
      if (v === '') errs.push(fieldErrors.required(field, ''));
      if (v.length > limit) errs.push(fieldErrors.invalid(field, '', `can have at most ${limit} characters`));
    }
    if (str(obj.message).length > 1024) errs.push(fieldErrors.invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const msg of nameIsDNSSubdomain(namespace, false)) errs.push(fieldErrors.invalid('namespace', namespace, msg));
  return errs;
}

export function validateEvent(obj: KubeObject): FieldError[] {
  const errs = validateEventFields(obj);
  // Events have no metadata rules of their own; the generic ones run when the rest passed.
  return errs.length > 0 ? errs : validateObjectMeta(obj.metadata, GENERIC_NAMESPACED_META);
}

export function validateEventUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateEventFields(obj);
  return errs.length > 0 ? errs : validateObjectMetaUpdate(obj.metadata, old.metadata, GENERIC_NAMESPACED_META);
}

