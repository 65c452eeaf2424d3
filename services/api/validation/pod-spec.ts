// PodSpec and PodTemplateSpec validation (ValidatePodSpec, ValidatePodTemplateSpec): the
// pod-level fields around the containers and volumes.
import { isValidIP, isValidLabelValue } from '../../../lib/api/name-validation.js';
import { validateAnnotations, validateLabelName, validateLabels, validateMetav1LabelSelector } from '../../../lib/api/labels.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/api/field-errors.js';
import { MAX_INT32, validateDNS1123Label, validateDNS1123Subdomain, validateNonnegative, validateQualifiedName } from './common.js';
import { validateContainers, validateEphemeralContainers, validateIDs, validateInitContainers, validateResourceRequirements } from './containers.js';
import { absent, emptyString, indexedRecords, list, num, rec, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { nameIsDNSSubdomain } from './object-meta.js';
import { validateVolumes } from './volumes.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const FS_GROUP_CHANGE_POLICIES = ['Always', 'OnRootMismatch'];
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;
const MAX_DNS_SEARCH_CHARS = 2048;

/** validateTaintEffect; an empty effect is allowed for tolerations (it matches every effect). */
export function validateTaintEffect(effect: unknown, allowEmpty: boolean, path: FieldPath): FieldError[] {
  if (emptyString(effect)) return allowEmpty ? [] : [fieldErrors.required(path, '')];
  if (typeof effect !== 'string') return [];
  return TAINT_EFFECTS.includes(effect) ? [] : [fieldErrors.notSupported(path, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, t] of indexedRecords(tolerations)) {
    const p = path.index(i);
    const key = str(t.key);
    const operator = str(t.operator);
    const effect = str(t.effect);
    if (key !== '') errs.push(...validateLabelName(key, p.child('key')));
    if (key === '' && operator !== 'Exists') {
      errs.push(fieldErrors.invalid(p.child('operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (!absent(t.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (operator) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(str(t.value));
        if (msgs.length > 0) errs.push(fieldErrors.invalid(p.child('operator'), str(t.value), msgs.join(';')));
        break;
      }
      case 'Exists':
        if (str(t.value) !== '') errs.push(fieldErrors.invalid(p.child('operator'), t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fieldErrors.notSupported(p.child('operator'), operator, TOLERATION_OPERATORS));
    }
    errs.push(...validateTaintEffect(t.effect, true, p.child('effect')));
  }
  return errs;
}

function validatePodSecurityContext(v: unknown, path: FieldPath): FieldError[] {
  const sc = rec(v);
  if (!sc) return [];
  const errs = validateIDs(sc, path, ['fsGroup', 'runAsUser', 'runAsGroup']);
  list(sc.supplementalGroups).forEach((g, i) => {
    if (typeof g === 'number' && (g < 0 || g > MAX_INT32)) {
      errs.push(fieldErrors.invalid(path.child('supplementalGroups').index(i), g, `must be between 0 and ${MAX_INT32}, inclusive`));
    }
  });
  if (typeof sc.fsGroupChangePolicy === 'string' && !FS_GROUP_CHANGE_POLICIES.includes(sc.fsGroupChangePolicy)) {
    errs.push(fieldErrors.notSupported(path.child('fsGroupChangePolicy'), sc.fsGroupChangePolicy, FS_GROUP_CHANGE_POLICIES));
  }
  return errs;
}

function validatePodDNSConfig(v: unknown, dnsPolicy: string, path: FieldPath): FieldError[] {
  const config = rec(v);
  if (dnsPolicy === 'None') {
    if (!config) return [fieldErrors.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (list(config.nameservers).length === 0) {
      return [fieldErrors.required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
    }
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  const nameservers = list(config.nameservers);
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    errs.push(fieldErrors.invalid(path.child('nameservers'), nameservers, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  }
  nameservers.forEach((ns, i) => {
    if (typeof ns === 'string' && isValidIP(ns).length > 0) errs.push(fieldErrors.invalid(path.child('nameservers').index(i), ns, 'must be valid IP address'));
  });
  const searches = list(config.searches).filter((s): s is string => typeof s === 'string');
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errs.push(fieldErrors.invalid(path.child('searches'), searches, `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  }
  if (searches.join(' ').length > MAX_DNS_SEARCH_CHARS) {
    errs.push(fieldErrors.invalid(path.child('searches'), searches, `must not have more than ${MAX_DNS_SEARCH_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => errs.push(...validateDNS1123Subdomain(s.endsWith('.') ? s.slice(0, -1) : s, path.child('searches').index(i))));
  for (const [i, option] of indexedRecords(config.options)) {
    if (emptyString(option.name)) errs.push(fieldErrors.required(path.child('options').index(i), 'must not be empty'));
  }
  return errs;
}

function validateNodeSelectorRequirement(rq: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(rq.values);
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErrors.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldErrors.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(fieldErrors.required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldErrors.invalid(path.child('operator'), rq.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq.key), path.child('key')));
  return errs;
}

function validateNodeSelectorTerm(term: JsonRecord, path: FieldPath): FieldError[] {
  return indexedRecords(term.matchExpressions).flatMap(([j, rq]) => validateNodeSelectorRequirement(rq, path.child('matchExpressions').index(j)));
}

function validateWeight(weight: unknown, path: FieldPath): FieldError[] {
  const w = num(weight) ?? 0;
  return w <= 0 || w > 100 ? [fieldErrors.invalid(path, w, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerm(term: JsonRecord, path: FieldPath): FieldError[] {
  const errs = [
    ...validateMetav1LabelSelector(term.labelSelector, path.child('labelSelector')),
    ...validateMetav1LabelSelector(term.namespaceSelector, path.child('namespaceSelector')),
  ];
  list(term.namespaces).forEach((ns) => {
    if (typeof ns === 'string') for (const msg of nameIsDNSSubdomain(ns, false)) errs.push(fieldErrors.invalid(path.child('namespace'), ns, msg));
  });
  if (emptyString(term.topologyKey)) errs.push(fieldErrors.required(path.child('topologyKey'), 'can not be empty'));
  else errs.push(...validateLabelName(str(term.topologyKey), path.child('topologyKey')));
  return errs;
}

function validateAffinity(v: unknown, path: FieldPath): FieldError[] {
  const affinity = rec(v);
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const node = rec(affinity.nodeAffinity);
  if (node) {
    const np = path.child('nodeAffinity');
    const required = rec(node.requiredDuringSchedulingIgnoredDuringExecution);
    if (required) {
      const rp = np.child('requiredDuringSchedulingIgnoredDuringExecution');
      const terms = indexedRecords(required.nodeSelectorTerms);
      if (terms.length === 0) errs.push(fieldErrors.required(rp.child('nodeSelectorTerms'), 'must have at least one node selector term'));
      for (const [i, term] of terms) errs.push(...validateNodeSelectorTerm(term, rp.child('nodeSelectorTerms').index(i)));
    }
    for (const [i, pref] of indexedRecords(node.preferredDuringSchedulingIgnoredDuringExecution)) {
      const pp = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(pref.weight, pp.child('weight')));
      const term = rec(pref.preference);
      if (term) errs.push(...validateNodeSelectorTerm(term, pp.child('preference')));
    }
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = rec(affinity[kind]);
    if (!a) continue;
    const ap = path.child(kind);
    for (const [i, term] of indexedRecords(a.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(...validatePodAffinityTerm(term, ap.child('requiredDuringSchedulingIgnoredDuringExecution').index(i)));
    }
    for (const [i, w] of indexedRecords(a.preferredDuringSchedulingIgnoredDuringExecution)) {
      const wp = ap.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(w.weight, wp.child('weight')));
      const term = rec(w.podAffinityTerm);
      if (term) errs.push(...validatePodAffinityTerm(term, wp.child('podAffinityTerm')));
    }
  }
  return errs;
}

function validateTopologySpreadConstraints(v: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const constraints = indexedRecords(v);
  constraints.forEach(([i, c], n) => {
    const p = path.index(i);
    const maxSkew = num(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(fieldErrors.invalid(p.child('maxSkew'), maxSkew, 'must be greater than zero'));
    if (emptyString(c.topologyKey)) errs.push(fieldErrors.required(p.child('topologyKey'), 'can not be empty'));
    const action = str(c.whenUnsatisfiable);
    if (!WHEN_UNSATISFIABLE.includes(action)) errs.push(fieldErrors.notSupported(p.child('whenUnsatisfiable'), action, WHEN_UNSATISFIABLE));
    const repeated = constraints.slice(n + 1).some(([, o]) => str(o.topologyKey) === str(c.topologyKey) && str(o.whenUnsatisfiable) === action);
    if (repeated) errs.push(fieldErrors.duplicate(p.child('{topologyKey, whenUnsatisfiable}'), `{${str(c.topologyKey)}, ${action}}`));
    errs.push(...validateMetav1LabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}

/** ValidatePodSpec. */
export function validatePodSpec(spec: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const vols = validateVolumes(spec.volumes, path.child('volumes'));
  errs.push(...vols.errs);
  const ctx = { volumes: vols.names };
  errs.push(...validateContainers(spec.containers, ctx, path.child('containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, path.child('initContainers')));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, [spec.containers, spec.initContainers], ctx, path.child('ephemeralContainers')));
  if (spec.hostNetwork === true) {
    for (const [i, c] of indexedRecords(spec.containers)) {
      for (const [j, port] of indexedRecords(c.ports)) {
        const hostPort = num(port.hostPort) ?? 0;
        if (hostPort !== 0 && hostPort !== num(port.containerPort)) {
          errs.push(fieldErrors.invalid(path.child('containers').index(i).child('ports').index(j).child('hostPort'), hostPort, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }
    }
  }
  const restartPolicy = spec.restartPolicy;
  if (emptyString(restartPolicy)) errs.push(fieldErrors.required(path.child('restartPolicy'), ''));
  else if (typeof restartPolicy === 'string' && !RESTART_POLICIES.includes(restartPolicy)) {
    errs.push(fieldErrors.notSupported(path.child('restartPolicy'), restartPolicy, RESTART_POLICIES));
  }
  const dnsPolicy = spec.dnsPolicy;
  if (emptyString(dnsPolicy)) errs.push(fieldErrors.required(path.child('dnsPolicy'), ''));
  else if (typeof dnsPolicy === 'string' && !DNS_POLICIES.includes(dnsPolicy)) errs.push(fieldErrors.notSupported(path.child('dnsPolicy'), dnsPolicy, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, path.child('securityContext')));
  for (const [i, secret] of indexedRecords(spec.imagePullSecrets)) {
    if (Object.keys(secret).some((k) => k !== 'name')) errs.push(fieldErrors.invalid(path.child('imagePullSecrets').index(i), secret, 'only name may be set'));
  }
  errs.push(...validateAffinity(spec.affinity, path.child('affinity')));
  errs.push(...validatePodDNSConfig(spec.dnsConfig, str(dnsPolicy), path.child('dnsConfig')));
  for (const [i, gate] of indexedRecords(spec.readinessGates)) {
    errs.push(...validateQualifiedName(str(gate.conditionType), path.child('readinessGates').index(i).child('conditionType')));
  }
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child('topologySpreadConstraints')));
  for (const field of ['serviceAccountName', 'nodeName', 'priorityClassName'] as const) {
    const v = spec[field];
    if (typeof v === 'string' && v !== '') for (const msg of nameIsDNSSubdomain(v, false)) errs.push(fieldErrors.invalid(path.child(field), v, msg));
  }
  const deadline = num(spec.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(fieldErrors.invalid(path.child('activeDeadlineSeconds'), deadline, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  errs.push(...validateNonnegative(spec.terminationGracePeriodSeconds, path.child('terminationGracePeriodSeconds')));
  for (const field of ['hostname', 'subdomain'] as const) {
    const v = spec[field];
    if (typeof v === 'string' && v !== '') errs.push(...validateDNS1123Label(v, path.child(field)));
  }
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  for (const [i, alias] of indexedRecords(spec.hostAliases)) {
    const p = path.child('hostAliases').index(i);
    for (const msg of isValidIP(str(alias.ip))) errs.push(fieldErrors.invalid(p.child('ip'), str(alias.ip), msg));
    list(alias.hostnames).forEach((h, j) => {
      if (typeof h === 'string') errs.push(...validateDNS1123Subdomain(h, p.child('hostnames').index(j)));
    });
  }
  if (typeof spec.runtimeClassName === 'string') {
    for (const msg of nameIsDNSSubdomain(spec.runtimeClassName, false)) errs.push(fieldErrors.invalid(path.child('runtimeClassName'), spec.runtimeClassName, msg));
  }
  if (!absent(spec.preemptionPolicy)) {
    const pp = spec.preemptionPolicy;
    if (pp === '') errs.push(fieldErrors.required(path.child('preemptionPolicy'), ''));
    else if (typeof pp === 'string' && !PREEMPTION_POLICIES.includes(pp)) errs.push(fieldErrors.notSupported(path.child('preemptionPolicy'), pp, PREEMPTION_POLICIES));
  }
  // As in Kubernetes, overhead is checked as the limits of a resource list under its own path.
  if (rec(spec.overhead)) errs.push(...validateResourceRequirements({ limits: spec.overhead }, path.child('overhead')));
  const os = rec(spec.os);
  if (os) {
    if (emptyString(os.name)) errs.push(fieldErrors.required(path.child('os').child('name'), ''));
    else if (typeof os.name === 'string' && os.name !== 'linux' && os.name !== 'windows') {
      errs.push(fieldErrors.notSupported(path.child('os').child('name'), os.name, ['linux', 'windows']));
    }
  }
  return errs;
}

/**
 * ValidatePodTemplateSpec: the template's labels and annotations (reported, as Kubernetes
 * does, under `template.labels`, without "metadata"), its spec, and no ephemeral containers.
 */
export function validatePodTemplateSpec(template: JsonRecord, path: FieldPath): FieldError[] {
  const meta = rec(template.metadata) ?? {};
  const spec = rec(template.spec) ?? {};
  const errs = [
    ...validateLabels(meta.labels, path.child('labels')),
    ...validateAnnotations(meta.annotations, path.child('annotations')),
    ...validatePodSpec(spec, path.child('spec')),
  ];
  if (list(spec.ephemeralContainers).length > 0) {
    errs.push(fieldErrors.forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
