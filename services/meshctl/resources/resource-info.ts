// The objects a command acts on, as kubectl's resource.Info: resource, namespace, name, and
// the object from a manifest when there is one.
import type { ApiResource, KubeClient } from '../../../lib/api/kube-client/index.js';
import { UnknownResourceError } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { CliError } from '../errors.js';
import type { Manifest } from './manifests.js';

export interface ResourceInfo {
  resource: ApiResource;
  /** '' for cluster-scoped resources. */
  namespace: string;
  name: string;
  /** From -f: the object as the file has it (namespace filled in). */
  object?: KubeObject;
  source?: string;
  /** Why this manifest cannot be acted on (unknown kind, wrong namespace); reported in its turn. */
  error?: unknown;
}

/** Whether the info can be acted on; if not, its error joins `errors`. */
export function usable(info: ResourceInfo, errors: unknown[]): boolean {
  if (info.error === undefined) return true;
  errors.push(info.error);
  return false;
}

/**
 * Maps manifests to resources, giving namespaced objects the default namespace. A manifest
 * that cannot be mapped keeps its error, so the others still go ahead (as with kubectl).
 */
export async function manifestInfos(client: KubeClient, manifests: readonly Manifest[]): Promise<ResourceInfo[]> {
  const out: ResourceInfo[] = [];
  const { namespace, explicitNamespace } = client.config;
  for (const m of manifests) {
    const obj = m.object;
    let resource: ApiResource;
    try {
      resource = await client.discovery.forKind(obj.apiVersion, obj.kind);
    } catch (err) {
      if (!(err instanceof UnknownResourceError)) throw err;
      const error = new CliError(`resource mapping not found for name: "${obj.metadata.name ?? ''}" namespace: "${obj.metadata.namespace ?? ''}" from "${m.source}": ${err.message}\nensure CRDs are installed first`);
      out.push({ resource: unmapped(obj), namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '', object: obj, source: m.source, error });
      continue;
    }
    let ns = '';
    if (resource.namespaced) {
      const own = obj.metadata.namespace;
      if (own !== undefined && own !== '' && explicitNamespace && own !== namespace) {
        const error = new CliError(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`);
        out.push({ resource, namespace: own, name: obj.metadata.name ?? '', object: obj, source: m.source, error });
        continue;
      }
      ns = own !== undefined && own !== '' ? own : namespace;
      obj.metadata.namespace = ns;
    }
    out.push({ resource, namespace: ns, name: obj.metadata.name ?? '', object: obj, source: m.source });
  }
  return out;
}

/** A stand-in resource for a manifest whose kind the server does not serve. */
function unmapped(obj: KubeObject): ApiResource {
  const slash = obj.apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : obj.apiVersion.slice(0, slash),
    version: slash < 0 ? obj.apiVersion : obj.apiVersion.slice(slash + 1),
    resource: '',
    kind: obj.kind,
    singular: '',
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: [],
    subresources: [],
    preferred: false,
  };
}
