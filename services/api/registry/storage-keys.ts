// Where each resource lives in the store, following kube-apiserver's layout
// (/registry/pods/<ns>/<name>, /registry/services/specs/..., custom resources under their group).
import type { ResourceInfo } from './resources.js';

const SPECIAL_PREFIXES: Record<string, string> = {
  '/services': 'services/specs',
  '/endpoints': 'services/endpoints',
  'discovery.k8s.io/endpointslices': 'endpointslices',
  'coordination.k8s.io/leases': 'leases',
  'apps/deployments': 'deployments',
  'apps/replicasets': 'replicasets',
};

const BUILT_IN_GROUPS = new Set(['', 'apps', 'discovery.k8s.io', 'coordination.k8s.io', 'rbac.authorization.k8s.io']);

/** "/registry/pods/", "/registry/networking.istio.io/virtualservices/": every object of the resource. */
export function resourcePrefix(res: ResourceInfo): string {
  const special = SPECIAL_PREFIXES[`${res.group}/${res.resource}`];
  if (special) return `/registry/${special}/`;
  if (BUILT_IN_GROUPS.has(res.group)) return `/registry/${res.resource}/`;
  return `/registry/${res.group}/${res.resource}/`;
}

/** The prefix of one namespace's objects ("" namespace = all namespaces). */
export function namespacePrefix(res: ResourceInfo, namespace: string): string {
  return res.namespaced && namespace !== '' ? `${resourcePrefix(res)}${namespace}/` : resourcePrefix(res);
}

export function objectKey(res: ResourceInfo, namespace: string, name: string): string {
  return res.namespaced ? `${resourcePrefix(res)}${namespace}/${name}` : `${resourcePrefix(res)}${name}`;
}
