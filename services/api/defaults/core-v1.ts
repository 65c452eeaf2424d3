// Defaults of the core/v1 kinds (pkg/apis/core/v1/defaults.go and what the registry strategies
// fill in before validation: a Service's IP family fields, a Namespace's finalizer, a Secret's
// stringData folded into data).
import type { KubeObject } from '../../../lib/api/object.js';
import { parseIP } from '../../../lib/api/name-validation.js';
import {
  absent,
  emptyList,
  ensureRecord,
  indexedRecords,
  list,
  rec,
  setDefault,
  setDefaultString,
  str,
} from '../validation/json-access.js';
import { defaultPodSpec } from './pod-spec.js';

/** Seconds a ClientIP session sticks (v1.DefaultClientIPServiceAffinitySeconds). */
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

export function defaultPod(obj: KubeObject): void {
  const spec = ensureRecord(obj, 'spec');
  if (spec) defaultPodSpec(spec, { pod: true });
}

function isIPv6(ip: string): boolean {
  const bytes = parseIP(ip);
  return bytes !== undefined && bytes.length === 16 && !(bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff);
}

export function defaultService(obj: KubeObject): void {
  const spec = ensureRecord(obj, 'spec');
  if (!spec) return;
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = rec(rec(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    if (absent(timeout)) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
  }
  setDefaultString(spec, 'type', 'ClusterIP');
  const type = str(spec.type);
  for (const [, port] of indexedRecords(spec.ports)) {
    setDefaultString(port, 'protocol', 'TCP');
    const tp = port.targetPort;
    if (absent(tp) || tp === 0 || tp === '') {
      if (!absent(port.port)) port.targetPort = port.port;
    }
  }
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && list(spec.externalIPs).length > 0);
  if (externallyAccessible) setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') {
    setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    const status = rec(obj.status);
    for (const [, ing] of indexedRecords(rec(status?.loadBalancer)?.ingress)) {
      if (str(ing.ip) !== '') setDefault(ing, 'ipMode', 'VIP');
    }
  }
  if (type === 'ExternalName') return;

  // ClusterIP and ClusterIPs mirror each other (NormalizeClusterIPs); allocation fills them in.
  const clusterIP = str(spec.clusterIP);
  const clusterIPs = list(spec.clusterIPs);
  if (clusterIP !== '' && clusterIPs.length === 0) spec.clusterIPs = [clusterIP];
  else if (clusterIP === '' && typeof clusterIPs[0] === 'string' && clusterIPs[0] !== '') spec.clusterIP = clusterIPs[0];

  // IP family fields, as the Service registry sets them on a single-stack (IPv4) cluster.
  const headless = str(spec.clusterIP) === 'None';
  const selectorless = Object.keys(rec(spec.selector) ?? {}).length === 0;
  setDefault(spec, 'ipFamilyPolicy', headless && selectorless ? 'RequireDualStack' : 'SingleStack');
  if (emptyList(spec.ipFamilies)) {
    const ip = str(spec.clusterIP);
    spec.ipFamilies = [ip !== '' && ip !== 'None' && isIPv6(ip) ? 'IPv6' : 'IPv4'];
  }
}

export function defaultNamespace(obj: KubeObject): void {
  const meta = rec(obj.metadata);
  const name = meta?.name;
  if (meta && typeof name === 'string' && name !== '') {
    const labels = ensureRecord(meta, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = name;
  }
  const spec = ensureRecord(obj, 'spec');
  if (spec) setDefault(spec, 'finalizers', ['kubernetes']);
  const status = ensureRecord(obj, 'status');
  if (status) setDefaultString(status, 'phase', 'Active');
}

export function defaultNode(obj: KubeObject): void {
  const status = rec(obj.status);
  if (status && absent(status.allocatable) && rec(status.capacity)) status.allocatable = { ...rec(status.capacity) };
}

export function defaultSecret(obj: KubeObject): void {
  setDefaultString(obj, 'type', 'Opaque');
  // stringData is write-only: its entries replace those of data, base64-encoded.
  const stringData = rec(obj.stringData);
  if (stringData) {
    const data = ensureRecord(obj, 'data');
    if (data) {
      for (const [k, v] of Object.entries(stringData)) {
        if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
      }
      delete obj.stringData;
    }
  }
}

export function defaultEndpoints(obj: KubeObject): void {
  for (const [, subset] of indexedRecords(obj.subsets)) {
    for (const [, port] of indexedRecords(subset.ports)) setDefaultString(port, 'protocol', 'TCP');
  }
}

/**
 * What the Service registry does before validating an update: a Service that leaves its
 * cluster IPs or IP family fields out keeps the ones it had (unless it becomes ExternalName).
 */
export function preserveAllocatedServiceValues(obj: KubeObject, old: KubeObject): void {
  const spec = rec(obj.spec);
  const oldSpec = rec(old.spec);
  if (!spec || !oldSpec || str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName') return;
  if (str(spec.clusterIP) === '' && emptyList(spec.clusterIPs)) {
    if (!absent(oldSpec.clusterIP)) spec.clusterIP = oldSpec.clusterIP;
    if (!absent(oldSpec.clusterIPs)) spec.clusterIPs = structuredClone(oldSpec.clusterIPs);
  }
  if (emptyList(spec.ipFamilies) && !absent(oldSpec.ipFamilies)) spec.ipFamilies = structuredClone(oldSpec.ipFamilies);
  if (absent(spec.ipFamilyPolicy) && !absent(oldSpec.ipFamilyPolicy)) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
  if (absent(spec.healthCheckNodePort) && !absent(oldSpec.healthCheckNodePort) && str(spec.type) === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}
