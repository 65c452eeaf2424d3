// Resource arguments as kubectl takes them: "TYPE[,TYPE...] [NAME...]" or "TYPE/NAME...",
// with "all" (and other categories) expanded through discovery.
import type { ApiResource, KubeClient } from '../../../lib/api/kube-client/index.js';
import { CliError } from '../errors.js';
import type { ResourceInfo } from './resource-info.js';

export interface Target {
  resource: ApiResource;
  /** Empty: every object of the type (a list). */
  names: string[];
}

async function resolveTypes(client: KubeClient, types: string): Promise<ApiResource[]> {
  const out: ApiResource[] = [];
  for (const t of types.split(',')) {
    if (t === '') continue;
    try {
      out.push(await client.discovery.resolve(t));
    } catch (err) {
      const category = await client.discovery.category(t.toLowerCase());
      if (category.length === 0) throw err;
      out.push(...category);
    }
  }
  return out;
}

export async function parseResourceArgs(client: KubeClient, args: readonly string[], verb: string): Promise<Target[]> {
  if (args.length === 0) return [];
  if (args.some((a) => a.includes('/'))) {
    const out: Target[] = [];
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash < 0) {
        throw new CliError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'meshctl ${verb} resource/<resource_name>' instead of 'meshctl ${verb} resource resource/<resource_name>'`);
      }
      const type = a.slice(0, slash);
      const name = a.slice(slash + 1);
      if (type === '' || name === '' || name.includes('/')) throw new CliError('arguments in resource/name form must have a single resource and name');
      out.push({ resource: await client.discovery.resolve(type), names: [name] });
    }
    return out;
  }
  const [types, ...names] = args;
  const resources = await resolveTypes(client, types ?? '');
  return resources.map((resource) => ({ resource, names: [...names] }));
}

export interface SelectOptions {
  namespace: string;
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  signal?: AbortSignal;
}

/** The objects targets designate: named ones as infos, whole types listed (with selectors). */
export async function selectObjects(client: KubeClient, targets: readonly Target[], o: SelectOptions): Promise<ResourceInfo[]> {
  const out: ResourceInfo[] = [];
  for (const t of targets) {
    const ns = t.resource.namespaced ? o.namespace : '';
    if (t.names.length > 0) {
      for (const name of t.names) out.push({ resource: t.resource, namespace: ns, name });
      continue;
    }
    const list = await client.list(t.resource, { namespace: o.allNamespaces === true ? '' : ns, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, signal: o.signal });
    for (const item of list.items) {
      out.push({ resource: t.resource, namespace: item.metadata.namespace ?? '', name: item.metadata.name ?? '', object: withTypeMeta(item, t.resource) });
    }
  }
  return out;
}

/** List items may lack apiVersion and kind; kubectl fills them in. */
export function withTypeMeta<T extends { apiVersion?: string; kind?: string }>(obj: T, r: ApiResource): T {
  return { ...obj, apiVersion: obj.apiVersion || (r.group === '' ? r.version : `${r.group}/${r.version}`), kind: obj.kind || r.kind };
}
