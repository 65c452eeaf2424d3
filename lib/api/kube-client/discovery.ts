// Discovery: which resources the server serves (/api, /apis and their resource lists), read
// once per server per process and shared by every client in it.
import { isRecord } from '../object.js';
import type { ApiResource } from './api-resource.js';
import { resolveKind, resolveResource, resourcesInCategory } from './resolve-resource.js';

/** Fetches a discovery document (GET path → parsed JSON). */
export type DiscoveryFetch = (path: string) => Promise<unknown>;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The resources of one APIResourceList, subresources folded into their parents. */
export function parseResourceList(doc: unknown, group: string, version: string, preferred: boolean): ApiResource[] {
  if (!isRecord(doc) || !Array.isArray(doc.resources)) return [];
  const out: ApiResource[] = [];
  const subs: [string, string][] = [];
  for (const e of doc.resources) {
    if (!isRecord(e) || typeof e.name !== 'string') continue;
    const slash = e.name.indexOf('/');
    if (slash >= 0) {
      subs.push([e.name.slice(0, slash), e.name.slice(slash + 1)]);
      continue;
    }
    const kind = typeof e.kind === 'string' ? e.kind : '';
    out.push({
      group,
      version,
      resource: e.name,
      kind,
      singular: typeof e.singularName === 'string' && e.singularName !== '' ? e.singularName : kind.toLowerCase(),
      namespaced: e.namespaced === true,
      shortNames: strings(e.shortNames),
      categories: strings(e.categories),
      verbs: strings(e.verbs),
      subresources: [],
      preferred,
    });
  }
  for (const [parent, sub] of subs) {
    const r = out.find((x) => x.resource === parent);
    if (r) r.subresources = [...r.subresources, sub];
  }
  return out;
}

/** Every group version the server serves, core first, with the preferred version marked. */
function groupVersions(apis: unknown): { group: string; version: string; preferred: boolean }[] {
  const out: { group: string; version: string; preferred: boolean }[] = [];
  if (!isRecord(apis) || !Array.isArray(apis.groups)) return out;
  for (const g of apis.groups) {
    if (!isRecord(g) || typeof g.name !== 'string' || !Array.isArray(g.versions)) continue;
    const pref = isRecord(g.preferredVersion) && typeof g.preferredVersion.version === 'string' ? g.preferredVersion.version : undefined;
    for (const v of g.versions) {
      if (!isRecord(v) || typeof v.version !== 'string') continue;
      out.push({ group: g.name, version: v.version, preferred: v.version === (pref ?? v.version) });
    }
  }
  return out;
}

async function discover(fetch: DiscoveryFetch): Promise<ApiResource[]> {
  const [core, apis] = await Promise.all([fetch('/api'), fetch('/apis')]);
  const coreVersions = isRecord(core) ? strings(core.versions) : [];
  const lists = await Promise.all([
    ...coreVersions.map(async (v, i) => parseResourceList(await fetch(`/api/${v}`), '', v, i === 0)),
    ...groupVersions(apis).map(async (gv) => parseResourceList(await fetch(`/apis/${gv.group}/${gv.version}`), gv.group, gv.version, gv.preferred)),
  ]);
  return lists.flat();
}

const cache = new Map<string, Promise<ApiResource[]>>();

export class Discovery {
  constructor(
    private readonly serverKey: string,
    private readonly fetch: DiscoveryFetch,
  ) {}

  /** Every served resource (all versions), core first; fetched once per server per process. */
  resources(): Promise<ApiResource[]> {
    let p = cache.get(this.serverKey);
    if (!p) {
      p = discover(this.fetch);
      cache.set(this.serverKey, p);
      // A failed discovery is not cached, so the next call tries again.
      void p.catch(() => cache.delete(this.serverKey));
    }
    return p;
  }

  /** Forgets what was discovered (after CRDs change, say). */
  invalidate(): void {
    cache.delete(this.serverKey);
  }

  async resolve(arg: string): Promise<ApiResource> {
    return resolveResource(await this.resources(), arg);
  }

  async forKind(apiVersion: string, kind: string): Promise<ApiResource> {
    return resolveKind(await this.resources(), apiVersion, kind);
  }

  async category(name: string): Promise<ApiResource[]> {
    return resourcesInCategory(await this.resources(), name);
  }
}
