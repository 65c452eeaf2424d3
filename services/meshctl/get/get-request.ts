// What `get` fetches: single objects by name, or collections (one namespace or all).
import type { ApiResource } from '../../../lib/api/kube-client/index.js';
import type { Target } from '../resources/resource-args.js';
import type { ResourceInfo } from '../resources/resource-info.js';

export interface GetRequest {
  resource: ApiResource;
  /** '' for cluster-scoped resources and for -A lists. */
  namespace: string;
  /** Absent: the whole collection. */
  name?: string;
}

export interface GetScope {
  namespace: string;
  allNamespaces: boolean;
}

export function requestsFor(targets: readonly Target[], scope: GetScope): GetRequest[] {
  const out: GetRequest[] = [];
  for (const t of targets) {
    const ns = t.resource.namespaced ? scope.namespace : '';
    if (t.names.length === 0) out.push({ resource: t.resource, namespace: scope.allNamespaces ? '' : ns });
    else for (const name of t.names) out.push({ resource: t.resource, namespace: ns, name });
  }
  return out;
}

export function requestsForInfos(infos: readonly ResourceInfo[]): GetRequest[] {
  return infos.map((i) => ({ resource: i.resource, namespace: i.namespace, name: i.name }));
}

/** Several kinds requested: kubectl then prints kind.group/name. */
export function severalKinds(requests: readonly GetRequest[]): boolean {
  return new Set(requests.map((r) => `${r.resource.group}/${r.resource.kind}`)).size > 1;
}
