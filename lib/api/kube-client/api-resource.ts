// One served resource as discovery describes it, and the names kubectl derives from it.

export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, e.g. "deployments". */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly string[];
  /** Subresources discovery lists, e.g. ["status", "scale"]. */
  subresources: readonly string[];
  /** Whether `version` is the group's preferred version. */
  preferred: boolean;
}

/** "apps/v1", or "v1" for the core group. */
export function apiVersionOf(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** Splits an apiVersion into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** "deployments.apps", "pods": how Kubernetes names a resource in messages. */
export function groupResource(r: Pick<ApiResource, 'group' | 'resource'>): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

/** "deployment.apps", "pod": the prefix kubectl prints before /name. */
export function groupKindLower(r: Pick<ApiResource, 'group' | 'kind'>): string {
  const kind = r.kind.toLowerCase();
  return r.group === '' ? kind : `${kind}.${r.group}`;
}

export interface PathOptions {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The REST path of a collection, object or subresource. */
export function resourcePath(r: Pick<ApiResource, 'group' | 'version' | 'resource' | 'namespaced'>, o: PathOptions = {}): string {
  const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && o.namespace !== undefined && o.namespace !== '' ? `/namespaces/${encodeURIComponent(o.namespace)}` : '';
  let p = `${prefix}${ns}/${r.resource}`;
  if (o.name !== undefined) p += `/${encodeURIComponent(o.name)}`;
  if (o.subresource !== undefined && o.subresource !== '') p += `/${o.subresource}`;
  return p;
}
