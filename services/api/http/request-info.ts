// What a request addresses, read off its method and path as kube-apiserver's RequestInfoFactory
// does: /api/v1/namespaces/ns/pods/name/status → get pods "name" subresource status in "ns".

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'proxy' | 'connect';

export interface ResourceRequestInfo {
  isResourceRequest: true;
  verb: Verb;
  /** "api" (core) or "apis". */
  apiPrefix: 'api' | 'apis';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  /** Lower-case HTTP method, as RBAC's non-resource verbs use. */
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const METHOD_VERBS: Record<string, Verb> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** Parses method + path (+ the watch query flag) into what the request addresses. */
export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, verb: method.toLowerCase(), path };
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return nonResource;
  let rest: string[];
  let group = '';
  let version: string;
  if (prefix === 'api') {
    if (parts.length < 3) return nonResource; // /api, /api/v1 are discovery
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else {
    if (parts.length < 4) return nonResource; // /apis, /apis/g, /apis/g/v
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  }
  let verb = METHOD_VERBS[method.toUpperCase()];
  if (!verb) return nonResource;
  // Legacy /watch/ prefix.
  if (rest[0] === 'watch') {
    verb = 'watch';
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces') {
    if (rest.length >= 2) {
      namespace = rest[1] ?? '';
      // /namespaces/{name} addresses the namespace itself; /namespaces/{ns}/{resource}... a resource in it.
      if (rest.length === 2 || (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
        rest = rest.length === 2 ? ['namespaces', namespace] : ['namespaces', namespace, rest[2] ?? ''];
        namespace = '';
      } else {
        rest = rest.slice(2);
      }
    }
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest.slice(2).join('/');
  if (resource === '') return nonResource;
  if (name === '') {
    if (verb === 'get') verb = query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
    else if (verb === 'delete') verb = 'deletecollection';
  } else if (verb === 'get' && (query.get('watch') === 'true' || query.get('watch') === '1')) {
    verb = 'watch';
  }
  return { isResourceRequest: true, verb, apiPrefix: prefix, group, version, namespace, resource, subresource, name, path };
}
