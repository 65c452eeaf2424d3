// Service validation (ValidateService, ValidateServiceUpdate and the cluster-IP and IP-family
// rules). Allocating cluster IPs and node ports is the allocator's job; this only checks what
// the object says.
import type { KubeObject } from '../../../lib/api/object.js';
import { isValidCIDR, isValidPortNum, parseIP } from '../../../lib/api/name-validation.js';
import { validateLabels } from '../../../lib/api/labels.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import {
  PORT_PROTOCOLS,
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateIP,
  validateNonSpecialIP,
  validatePortNumOrName,
  validateQualifiedName,
} from './common.js';
import { absent, emptyString, indexedRecords, list, num, rec, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { nameIsDNS1035Label, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';

export const SERVICE_META: ObjectMetaRules = { namespaced: true, name: nameIsDNS1035Label, kubeFinalizers: true };

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

const SPEC = FieldPath.root('spec');

function strings(v: unknown): string[] {
  return list(v).filter((x): x is string => typeof x === 'string');
}

function isHeadless(spec: JsonRecord): boolean {
  const ips = strings(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

function isIPv6(ip: string): boolean {
  const b = parseIP(ip);
  return b !== undefined && b.length === 16 && !(b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff);
}

function externallyAccessible(spec: JsonRecord): boolean {
  const type = str(spec.type);
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && list(spec.externalIPs).length > 0);
}

function validateServicePort(port: JsonRecord, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name);
  if (requireName && name === '') errs.push(fieldErrors.required(path.child('name'), ''));
  else if (name !== '') {
    errs.push(...validateDNS1123Label(name, path.child('name')));
    if (names.has(name)) errs.push(fieldErrors.duplicate(path.child('name'), name));
    else names.add(name);
  }
  const portNum = num(port.port) ?? 0;
  for (const msg of isValidPortNum(portNum)) errs.push(fieldErrors.invalid(path.child('port'), portNum, msg));
  if (emptyString(port.protocol)) errs.push(fieldErrors.required(path.child('protocol'), ''));
  else if (typeof port.protocol === 'string' && !(PORT_PROTOCOLS as readonly string[]).includes(port.protocol)) {
    errs.push(fieldErrors.notSupported(path.child('protocol'), port.protocol, PORT_PROTOCOLS));
  }
  errs.push(...validatePortNumOrName(port.targetPort, path.child('targetPort')));
  if (typeof port.appProtocol === 'string') errs.push(...validateQualifiedName(port.appProtocol, path.child('appProtocol')));
  const nodePort = num(port.nodePort) ?? 0;
  if (nodePort !== 0) for (const msg of isValidPortNum(nodePort)) errs.push(fieldErrors.invalid(path.child('nodePort'), nodePort, msg));
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPFields(spec: JsonRecord): FieldError[] {
  if (str(spec.type) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIPsPath = SPEC.child('clusterIPs');
  const clusterIP = str(spec.clusterIP);
  const clusterIPs = strings(spec.clusterIPs);
  if (clusterIP !== '') {
    if (clusterIPs.length === 0) errs.push(fieldErrors.required(clusterIPsPath, ''));
    else if (clusterIPs[0] !== clusterIP) errs.push(fieldErrors.invalid(clusterIPsPath, clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length > 0) {
    errs.push(fieldErrors.invalid(clusterIPsPath, clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const families = strings(spec.ipFamilies);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(fieldErrors.notSupported(SPEC.child('ipFamilies').index(i), f, IP_FAMILIES));
    if (seen.has(f)) errs.push(fieldErrors.duplicate(SPEC.child('ipFamilies').index(i), f));
    seen.add(f);
  });
  if (typeof spec.ipFamilyPolicy === 'string' && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(fieldErrors.notSupported(SPEC.child('ipFamilyPolicy'), spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let invalidIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        invalidIPs = true;
        errs.push(fieldErrors.invalid(clusterIPsPath, clusterIPs, "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = validateIP(ip, clusterIPsPath.index(i));
    if (ipErrs.length > 0) invalidIPs = true;
    errs.push(...ipErrs);
  });
  if (clusterIPs.length > 2) errs.push(fieldErrors.invalid(clusterIPsPath, clusterIPs, 'may only hold up to 2 values'));
  if (invalidIPs) return errs;
  if (clusterIPs.length > 1 && isIPv6(clusterIPs[0] ?? '') === isIPv6(clusterIPs[1] ?? '')) {
    errs.push(fieldErrors.invalid(clusterIPsPath, clusterIPs, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    clusterIPs.forEach((ip, i) => {
      const family = families[i];
      if (family === 'IPv4' && isIPv6(ip)) errs.push(fieldErrors.invalid(clusterIPsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (family === 'IPv6' && !isIPv6(ip)) errs.push(fieldErrors.invalid(clusterIPsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** ValidateService (metadata and spec). */
export function validateService(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, SERVICE_META);
  const spec = rec(obj.spec) ?? {};
  const type = str(spec.type);
  const headless = isHeadless(spec);
  const ports = indexedRecords(spec.ports);
  if (list(spec.ports).length === 0 && !headless && type !== 'ExternalName') errs.push(fieldErrors.required(SPEC.child('ports'), ''));
  switch (type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (headless) errs.push(fieldErrors.invalid(SPEC.child('clusterIPs').index(0), 'None', `may not be set to 'None' for ${type} services`));
      break;
    case 'ExternalName': {
      if (list(spec.clusterIPs).length > 0) errs.push(fieldErrors.forbidden(SPEC.child('clusterIPs'), 'may not be set for ExternalName services'));
      if (list(spec.ipFamilies).length > 0) errs.push(fieldErrors.forbidden(SPEC.child('ipFamilies'), 'may not be set for ExternalName services'));
      if (!absent(spec.ipFamilyPolicy)) errs.push(fieldErrors.forbidden(SPEC.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
      // The name may end in a dot to mark it fully qualified.
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname !== '') errs.push(...validateDNS1123Subdomain(cname, SPEC.child('externalName')));
      else errs.push(fieldErrors.required(SPEC.child('externalName'), ''));
      break;
    }
    default:
      break;
  }
  const names = new Set<string>();
  for (const [i, port] of ports) errs.push(...validateServicePort(port, list(spec.ports).length > 1, names, SPEC.child('ports').index(i)));
  if (!absent(spec.selector)) errs.push(...validateLabels(spec.selector, SPEC.child('selector')));

  const affinity = spec.sessionAffinity;
  if (emptyString(affinity)) errs.push(fieldErrors.required(SPEC.child('sessionAffinity'), ''));
  else if (typeof affinity === 'string' && !SESSION_AFFINITIES.includes(affinity)) {
    errs.push(fieldErrors.notSupported(SPEC.child('sessionAffinity'), affinity, SESSION_AFFINITIES));
  }
  const affinityPath = SPEC.child('sessionAffinityConfig');
  if (affinity === 'ClientIP') {
    const config = rec(spec.sessionAffinityConfig);
    const clientIP = rec(config?.clientIP);
    const detail = 'when session affinity type is ClientIP';
    if (!config) errs.push(fieldErrors.required(affinityPath, detail));
    else if (!clientIP) errs.push(fieldErrors.required(affinityPath.child('clientIP'), detail));
    else if (absent(clientIP.timeoutSeconds)) errs.push(fieldErrors.required(affinityPath.child('clientIP', 'timeoutSeconds'), detail));
    else {
      const t = num(clientIP.timeoutSeconds) ?? 0;
      if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
        errs.push(fieldErrors.invalid(affinityPath.child('clientIP', 'timeoutSeconds'), t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`));
      }
    }
  } else if (affinity === 'None' && !absent(spec.sessionAffinityConfig)) {
    errs.push(fieldErrors.forbidden(affinityPath, 'must not be set when session affinity is None'));
  }

  errs.push(...validateClusterIPFields(spec));
  strings(spec.externalIPs).forEach((ip, i) => {
    const p = SPEC.child('externalIPs').index(i);
    const ipErrs = validateIP(ip, p);
    errs.push(...(ipErrs.length > 0 ? ipErrs : validateNonSpecialIP(ip, p)));
  });

  if (emptyString(spec.type)) errs.push(fieldErrors.required(SPEC.child('type'), ''));
  else if (typeof spec.type === 'string' && !SERVICE_TYPES.includes(spec.type)) errs.push(fieldErrors.notSupported(SPEC.child('type'), spec.type, SERVICE_TYPES));
  if (type === 'ClusterIP') {
    for (const [i, port] of ports) {
      if ((num(port.nodePort) ?? 0) !== 0) errs.push(fieldErrors.forbidden(SPEC.child('ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    }
  }
  // Node ports and ports are unique per protocol.
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  for (const [i, port] of ports) {
    const protocol = str(port.protocol);
    const nodePort = num(port.nodePort) ?? 0;
    if (nodePort !== 0) {
      const key = `${protocol}/${nodePort}`;
      if (nodePorts.has(key)) errs.push(fieldErrors.duplicate(SPEC.child('ports').index(i).child('nodePort'), nodePort));
      nodePorts.add(key);
    }
    const key = `${protocol}/${num(port.port) ?? 0}`;
    if (portKeys.has(key)) errs.push(fieldErrors.duplicate(SPEC.child('ports').index(i), { port: num(port.port) ?? 0, protocol }));
    portKeys.add(key);
  }

  const sourceRanges = strings(spec.loadBalancerSourceRanges);
  if (sourceRanges.length > 0) {
    const p = SPEC.child('loadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(fieldErrors.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    for (const r of sourceRanges) {
      if (isValidCIDR(r.trim()).length > 0) errs.push(fieldErrors.invalid(p, r, 'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 '));
    }
  }

  // External traffic policy and the health-check node port that goes with "Local".
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (!emptyString(etp)) errs.push(fieldErrors.invalid(SPEC.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'));
  } else if (emptyString(etp)) {
    errs.push(fieldErrors.required(SPEC.child('externalTrafficPolicy'), ''));
  } else if (typeof etp === 'string' && !TRAFFIC_POLICIES.includes(etp)) {
    errs.push(fieldErrors.notSupported(SPEC.child('externalTrafficPolicy'), etp, TRAFFIC_POLICIES));
  }
  const healthCheckNodePort = num(spec.healthCheckNodePort) ?? 0;
  if (!(type === 'LoadBalancer' && etp === 'Local')) {
    if (healthCheckNodePort !== 0) {
      errs.push(fieldErrors.invalid(SPEC.child('healthCheckNodePort'), healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (healthCheckNodePort === 0) {
    errs.push(fieldErrors.required(SPEC.child('healthCheckNodePort'), ''));
  } else {
    for (const msg of isValidPortNum(healthCheckNodePort)) errs.push(fieldErrors.invalid(SPEC.child('healthCheckNodePort'), healthCheckNodePort, msg));
  }

  const itp = spec.internalTrafficPolicy;
  if (absent(itp)) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(fieldErrors.required(SPEC.child('internalTrafficPolicy'), ''));
  } else if (typeof itp === 'string' && !TRAFFIC_POLICIES.includes(itp)) {
    errs.push(fieldErrors.notSupported(SPEC.child('internalTrafficPolicy'), itp, TRAFFIC_POLICIES));
  }

  const lbClass = spec.loadBalancerClass;
  if (typeof lbClass === 'string') {
    if (type === 'LoadBalancer') errs.push(...validateQualifiedName(lbClass, SPEC.child('loadBalancerClass')));
    else errs.push(fieldErrors.forbidden(SPEC.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes once set. */
function validateClusterIPsUpdate(spec: JsonRecord, oldSpec: JsonRecord): FieldError[] {
  if (str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const now = strings(spec.clusterIPs);
  const before = strings(oldSpec.clusterIPs);
  const first = SPEC.child('clusterIPs').index(0);
  const errs: FieldError[] = [];
  if (before.length === now.length) {
    before.forEach((ip, i) => {
      if (ip !== now[i]) errs.push(fieldErrors.invalid(SPEC.child('clusterIPs').index(i), now, 'may not change once set'));
    });
  } else if (before.length > now.length) {
    if (now.length === 0) errs.push(fieldErrors.invalid(first, now, 'primary clusterIP can not be unset'));
    if (before.length > 0 && now.length > 0 && now[0] !== before[0]) errs.push(fieldErrors.invalid(first, now, 'may not change once set'));
    if (now.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(fieldErrors.invalid(SPEC.child('ipFamilyPolicy'), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (before.length > 0 && now[0] !== before[0]) {
    errs.push(fieldErrors.invalid(first, now, 'may not change once set'));
  }
  return errs;
}

/** validateUpgradeDowngradeIPFamilies: the primary IP family never changes once set. */
function validateIPFamiliesUpdate(spec: JsonRecord, oldSpec: JsonRecord): FieldError[] {
  if (str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(spec) || isHeadless(oldSpec)) return [];
  const now = strings(spec.ipFamilies);
  const before = strings(oldSpec.ipFamilies);
  const first = SPEC.child('ipFamilies').index(0);
  const errs: FieldError[] = [];
  if (before.length === now.length) {
    if (before.some((f, i) => f !== now[i])) errs.push(fieldErrors.invalid(first, now, 'may not change once set'));
  } else if (before.length > now.length) {
    if (list(spec.clusterIPs).length === 0) errs.push(fieldErrors.invalid(first, now, 'primary ipFamily can not be unset'));
    if (now.length > 0 && now[0] !== before[0]) errs.push(fieldErrors.invalid(first, strings(spec.clusterIPs), 'may not change once set'));
    if (now.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(fieldErrors.invalid(SPEC.child('ipFamilyPolicy'), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (before.length > 0 && now.length > 0 && now[0] !== before[0]) {
    errs.push(fieldErrors.invalid(first, strings(spec.clusterIPs), 'may not change once set'));
  }
  return errs;
}

export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(obj.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const errs = [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, SERVICE_META),
    ...validateClusterIPsUpdate(spec, oldSpec),
    ...validateIPFamiliesUpdate(spec, oldSpec),
  ];
  if (str(spec.type) === 'LoadBalancer' && str(oldSpec.type) === 'LoadBalancer' && (spec.loadBalancerClass ?? null) !== (oldSpec.loadBalancerClass ?? null)) {
    errs.push(fieldErrors.invalid(SPEC.child('loadBalancerClass'), spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  errs.push(...validateService(obj));
  return errs;
}
