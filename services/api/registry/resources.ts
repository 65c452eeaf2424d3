// Every resource the API server serves: its group, versions, kind, names and subresources.
// Discovery, routing, storage keys, RBAC and kubectl's short names all come from this table.

export type Subresource = 'status' | 'scale' | 'binding' | 'log' | 'eviction' | 'token';

export interface ResourceInfo {
  /** API group; '' is the core group (served under /api/v1). */
  group: string;
  /** Served versions, the storage (and preferred) version first. */
  versions: readonly string[];
  kind: string;
  /** Plural lower-case name used in URLs, e.g. "deployments". */
  resource: string;
  singular: string;
  shortNames: readonly string[];
  namespaced: boolean;
  categories: readonly string[];
  subresources: readonly Subresource[];
  /** Verbs as discovery lists them. */
  verbs: readonly string[];
}

/** "apps/Deployment", "/Pod" (core): the key the validation, defaulting, printing and schema tables use. */
export type KindKey = `${string}/${string}`;

export function kindKey(group: string, kind: string): KindKey {
  return `${group}/${kind}`;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function r(
  group: string,
  versions: readonly string[],
  kind: string,
  resource: string,
  opts: { namespaced?: boolean; shortNames?: string[]; categories?: string[]; subresources?: Subresource[]; verbs?: readonly string[] } = {},
): ResourceInfo {
  return {
    group,
    versions,
    kind,
    resource,
    singular: kind.toLowerCase(),
    shortNames: opts.shortNames ?? [],
    namespaced: opts.namespaced ?? true,
    categories: opts.categories ?? [],
    subresources: opts.subresources ?? [],
    verbs: opts.verbs ?? ALL_VERBS,
  };
}

const ISTIO_NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
const ISTIO_SECURITY_VERSIONS = ['v1', 'v1beta1'] as const;
const istioNetworking = ['istio-io', 'networking-istio-io'];
const istioSecurity = ['istio-io', 'security-istio-io'];

export const RESOURCES: readonly ResourceInfo[] = [
  // core/v1
  r('', ['v1'], 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], subresources: ['status'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', ['v1'], 'Node', 'nodes', { namespaced: false, shortNames: ['no'], subresources: ['status'] }),
  r('', ['v1'], 'Pod', 'pods', { shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'log', 'eviction'] }),
  r('', ['v1'], 'Service', 'services', { shortNames: ['svc'], categories: ['all'], subresources: ['status'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', ['v1'], 'Endpoints', 'endpoints', { shortNames: ['ep'] }),
  r('', ['v1'], 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'], subresources: ['token'] }),
  r('', ['v1'], 'Secret', 'secrets'),
  r('', ['v1'], 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  r('', ['v1'], 'Event', 'events', { shortNames: ['ev'] }),
  // apps/v1
  r('apps', ['v1'], 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  r('apps', ['v1'], 'ReplicaSet', 'replicasets', { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  // discovery, coordination, rbac
  r('discovery.k8s.io', ['v1'], 'EndpointSlice', 'endpointslices'),
  r('coordination.k8s.io', ['v1'], 'Lease', 'leases'),
  r('rbac.authorization.k8s.io', ['v1'], 'Role', 'roles'),
  r('rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings'),
  r('rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', { namespaced: false }),
  r('rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', { namespaced: false }),
  // Istio
  r('networking.istio.io', ISTIO_NETWORKING_VERSIONS, 'Gateway', 'gateways', { shortNames: ['gw'], categories: istioNetworking, subresources: ['status'] }),
  r('networking.istio.io', ISTIO_NETWORKING_VERSIONS, 'VirtualService', 'virtualservices', { shortNames: ['vs'], categories: istioNetworking, subresources: ['status'] }),
  r('networking.istio.io', ISTIO_NETWORKING_VERSIONS, 'DestinationRule', 'destinationrules', { shortNames: ['dr'], categories: istioNetworking, subresources: ['status'] }),
  r('networking.istio.io', ISTIO_NETWORKING_VERSIONS, 'ServiceEntry', 'serviceentries', { shortNames: ['se'], categories: istioNetworking, subresources: ['status'] }),
  r('networking.istio.io', ISTIO_NETWORKING_VERSIONS, 'Sidecar', 'sidecars', { categories: istioNetworking, subresources: ['status'] }),
  r('security.istio.io', ISTIO_SECURITY_VERSIONS, 'PeerAuthentication', 'peerauthentications', { shortNames: ['pa'], categories: istioSecurity, subresources: ['status'] }),
  r('security.istio.io', ISTIO_SECURITY_VERSIONS, 'AuthorizationPolicy', 'authorizationpolicies', { shortNames: ['ap'], categories: istioSecurity, subresources: ['status'] }),
  r('security.istio.io', ISTIO_SECURITY_VERSIONS, 'RequestAuthentication', 'requestauthentications', { shortNames: ['ra'], categories: istioSecurity, subresources: ['status'] }),
];

/** The resource served at group/version/resource, if any. */
export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.resource === resource && x.versions.includes(version));
}

export function findKind(group: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((x) => x.group === group && x.kind === kind);
}

/** "apps/v1", or "v1" for the core group. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits an apiVersion ("apps/v1", "v1") into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
