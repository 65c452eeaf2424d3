// The resources the controllers, the scheduler and the node agent use, described as discovery
// would, so they need no discovery round trip.
import type { ApiResource } from '../api/kube-client/api-resource.js';

function res(group: string, version: string, kind: string, resource: string, namespaced: boolean, subresources: string[] = []): ApiResource {
  return {
    group,
    version,
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources,
    preferred: true,
  };
}

export const Resources = {
  pods: res('', 'v1', 'Pod', 'pods', true, ['status', 'binding', 'eviction']),
  nodes: res('', 'v1', 'Node', 'nodes', false, ['status']),
  namespaces: res('', 'v1', 'Namespace', 'namespaces', false, ['status']),
  services: res('', 'v1', 'Service', 'services', true, ['status']),
  endpoints: res('', 'v1', 'Endpoints', 'endpoints', true),
  serviceAccounts: res('', 'v1', 'ServiceAccount', 'serviceaccounts', true),
  events: res('', 'v1', 'Event', 'events', true),
  configMaps: res('', 'v1', 'ConfigMap', 'configmaps', true),
  secrets: res('', 'v1', 'Secret', 'secrets', true),
  deployments: res('apps', 'v1', 'Deployment', 'deployments', true, ['status', 'scale']),
  replicaSets: res('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['status', 'scale']),
  endpointSlices: res('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  leases: res('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
} as const satisfies Record<string, ApiResource>;

export type ResourceName = keyof typeof Resources;

/** "apps/v1/replicasets": one informer and one fake-client table per resource. */
export function resourceId(r: Pick<ApiResource, 'group' | 'version' | 'resource'>): string {
  return `${r.group}/${r.version}/${r.resource}`;
}

/** The cache key of an object: "namespace/name", or "name" for cluster-scoped objects. */
export function objectKey(obj: { metadata: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata.namespace;
  return ns !== undefined && ns !== '' ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

/** Splits a key back into namespace ('' for cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
