// A container's environment as the kubelet builds it: service links (FOO_SERVICE_HOST...),
// then envFrom, then env in order, each value expanded with $(VAR) against what came before.
// A missing Secret, ConfigMap or key that is not optional is a CreateContainerConfigError.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { parseQuantity } from '../../../lib/api/quantity.js';
import type { ContainerSpec } from './pod-spec.js';

type Json = Record<string, unknown>;

export interface EnvSources {
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined>;
  getConfigMap(namespace: string, name: string): Promise<KubeObject | undefined>;
}

export interface PodFacts {
  pod: KubeObject;
  podIP: string;
  hostIP: string;
  nodeName: string;
}

/** Why a container's configuration could not be built (the CreateContainerConfigError message). */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** Kubernetes' $(VAR) expansion: $$ is a literal $, unknown references stay as written. */
export function expand(input: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const nx = input[i + 1];
    if (nx === '$') {
      out += '$';
      i++;
    } else if (nx === '(') {
      const end = input.indexOf(')', i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      const v = vars.get(name);
      out += v ?? `$(${name})`;
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

function serviceEnvName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/**
 * Docker-links style variables for the Services of the pod's namespace (and the API server's
 * `kubernetes` Service from default), as the kubelet adds when enableServiceLinks is on.
 */
export function serviceLinkEnv(services: readonly KubeObject[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const chosen = services.filter((s) => {
    const ns = s.metadata.namespace;
    if (ns === 'default' && s.metadata.name === 'kubernetes') return true;
    return enableServiceLinks && ns === namespace;
  });
  // Sorted so the result does not depend on cache order, default/kubernetes first so that a
  // Service of the pod's own namespace with that name replaces it, as in the kubelet.
  const isMaster = (s: KubeObject): boolean => s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes' && namespace !== 'default';
  chosen.sort((a, b) => Number(isMaster(b)) - Number(isMaster(a)) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const s of chosen) {
    const spec = isRecord(s.spec) ? s.spec : {};
    const ip = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
    if (ip === '' || ip === 'None') continue;
    const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
    const first = ports[0];
    if (!first) continue;
    const prefix = serviceEnvName(s.metadata.name ?? '');
    out.set(`${prefix}_SERVICE_HOST`, ip);
    out.set(`${prefix}_SERVICE_PORT`, String(first.port));
    for (const p of ports) {
      if (typeof p.name === 'string' && p.name !== '') out.set(`${prefix}_SERVICE_PORT_${serviceEnvName(p.name)}`, String(p.port));
    }
    const proto = (p: Json): string => (typeof p.protocol === 'string' ? p.protocol : 'TCP');
    out.set(`${prefix}_PORT`, `${proto(first).toLowerCase()}://${ip}:${String(first.port)}`);
    for (const p of ports) {
      const base = `${prefix}_PORT_${String(p.port)}_${proto(p)}`;
      out.set(base, `${proto(p).toLowerCase()}://${ip}:${String(p.port)}`);
      out.set(`${base}_PROTO`, proto(p).toLowerCase());
      out.set(`${base}_PORT`, String(p.port));
      out.set(`${base}_ADDR`, ip);
    }
  }
  return out;
}

function dataOf(obj: KubeObject, binary: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const data = isRecord(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(data)) out[k] = binary ? Buffer.from(String(v), 'base64').toString('utf8') : String(v);
  if (!binary && isRecord(obj.binaryData)) {
    for (const [k, v] of Object.entries(obj.binaryData)) out[k] = Buffer.from(String(v), 'base64').toString('utf8');
  }
  return out;
}

/** A fieldRef's value (the downward API's env fields). */
export function fieldRefValue(path: string, f: PodFacts): string {
  const m = f.pod.metadata;
  const spec = isRecord(f.pod.spec) ? f.pod.spec : {};
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === 'labels' ? m.labels : m.annotations;
    return map?.[labelOrAnnotation[2] ?? ''] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return m.name ?? '';
    case 'metadata.namespace':
      return m.namespace ?? '';
    case 'metadata.uid':
      return m.uid ?? '';
    case 'spec.nodeName':
      return f.nodeName;
    case 'spec.serviceAccountName':
      return typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return f.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return f.hostIP;
    default:
      throw new ContainerConfigError(`unsupported fieldRef path "${path}"`);
  }
}

/** A resourceFieldRef's value: limits fall back to the node's allocatable as in Kubernetes. */
export function resourceFieldValue(ref: Json, c: ContainerSpec, nodeAllocatable: Record<string, string>): string {
  const resource = String(ref.resource ?? '');
  const [kind, name] = resource.split('.') as [string, string | undefined];
  const table = kind === 'limits' ? c.limits : c.requests;
  const raw = (name !== undefined ? table[name] : undefined) ?? (kind === 'limits' && name !== undefined ? nodeAllocatable[name] : undefined) ?? '0';
  const value = milliOf(raw) ?? 0n;
  const divisor = ref.divisor !== undefined ? (milliOf(String(ref.divisor)) ?? 1000n) : 1000n;
  const d = divisor > 0n ? divisor : 1000n;
  // Rounded up, as the downward API's ExtractResourceValueByContainer does.
  return String((value + d - 1n) / d);
}

/** A quantity in thousandths, or undefined if it does not parse. */
export function milliOf(text: string): bigint | undefined {
  const q = parseQuantity(text);
  return q.ok ? q.quantity.milli : undefined;
}

/** The environment of container `c`, in Docker's NAME=value order as the kubelet would pass it. */
export async function containerEnv(c: ContainerSpec, f: PodFacts, sources: EnvSources, serviceEnv: ReadonlyMap<string, string>, nodeAllocatable: Record<string, string> = {}): Promise<{ name: string; value: string }[]> {
  const ns = f.pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>(serviceEnv);
  const secrets = new Map<string, KubeObject | undefined>();
  const configMaps = new Map<string, KubeObject | undefined>();
  const secret = async (name: string): Promise<KubeObject | undefined> => {
    if (!secrets.has(name)) secrets.set(name, await sources.getSecret(ns, name));
    return secrets.get(name);
  };
  const configMap = async (name: string): Promise<KubeObject | undefined> => {
    if (!configMaps.has(name)) configMaps.set(name, await sources.getConfigMap(ns, name));
    return configMaps.get(name);
  };

  for (const from of c.envFrom) {
    const prefix = typeof from.prefix === 'string' ? from.prefix : '';
    const ref = isRecord(from.configMapRef) ? from.configMapRef : isRecord(from.secretRef) ? from.secretRef : undefined;
    if (!ref) continue;
    const isSecret = isRecord(from.secretRef);
    const name = String(ref.name ?? '');
    const obj = isSecret ? await secret(name) : await configMap(name);
    if (!obj) {
      if (ref.optional === true) continue;
      throw new ContainerConfigError(`${isSecret ? 'secret' : 'configmap'} "${name}" not found`);
    }
    for (const [k, v] of Object.entries(dataOf(obj, isSecret))) vars.set(`${prefix}${k}`, v);
  }

  for (const e of c.env) {
    const name = String(e.name ?? '');
    if (typeof e.value === 'string' || e.valueFrom === undefined) {
      vars.set(name, expand(typeof e.value === 'string' ? e.value : '', vars));
      continue;
    }
    const from = isRecord(e.valueFrom) ? e.valueFrom : {};
    if (isRecord(from.fieldRef)) {
      vars.set(name, fieldRefValue(String(from.fieldRef.fieldPath ?? ''), f));
    } else if (isRecord(from.resourceFieldRef)) {
      vars.set(name, resourceFieldValue(from.resourceFieldRef, c, nodeAllocatable));
    } else if (isRecord(from.secretKeyRef) || isRecord(from.configMapKeyRef)) {
      const isSecret = isRecord(from.secretKeyRef);
      const ref = (isSecret ? from.secretKeyRef : from.configMapKeyRef) as Json;
      const objName = String(ref.name ?? '');
      const key = String(ref.key ?? '');
      const obj = isSecret ? await secret(objName) : await configMap(objName);
      const kindText = isSecret ? 'Secret' : 'ConfigMap';
      if (!obj) {
        if (ref.optional === true) continue;
        throw new ContainerConfigError(`${isSecret ? 'secret' : 'configmap'} "${objName}" not found`);
      }
      const data = dataOf(obj, isSecret);
      if (!(key in data)) {
        if (ref.optional === true) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in ${kindText} ${ns}/${objName}`);
      }
      vars.set(name, data[key] ?? '');
    }
  }
  return [...vars].map(([name, value]) => ({ name, value }));
}
