// Resource names as kubectl accepts them ("deploy", "deployments", "Deployment",
// "deployments.apps", "deployments.v1.apps", "vs") resolved against discovery.
import type { ApiResource } from './api-resource.js';
import { parseApiVersion } from './api-resource.js';

export class UnknownResourceError extends Error {
  override readonly name = 'UnknownResourceError';
}

type Matcher = (r: ApiResource, name: string) => boolean;

const byName: Matcher = (r, n) => r.resource === n || r.singular === n || r.kind.toLowerCase() === n;
const byShortName: Matcher = (r, n) => r.shortNames.includes(n);

/** Core group first, then discovery order; the preferred version ahead of the others. */
function best(matches: ApiResource[]): ApiResource | undefined {
  return matches.find((r) => r.preferred && r.group === '') ?? matches.find((r) => r.preferred) ?? matches[0];
}

function find(resources: readonly ApiResource[], name: string, group: string | undefined, version: string | undefined): ApiResource | undefined {
  for (const m of [byName, byShortName]) {
    const hits = resources.filter((r) => m(r, name) && (group === undefined || r.group === group) && (version === undefined || r.version === version));
    const hit = best(hits);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Resolves a resource argument. Throws UnknownResourceError with kubectl's message
 * (`the server doesn't have a resource type "x"`).
 */
export function resolveResource(resources: readonly ApiResource[], arg: string): ApiResource {
  const a = arg.trim().toLowerCase();
  const parts = a.split('.');
  const head = parts[0] ?? '';
  if (parts.length >= 3) {
    const hit = find(resources, head, parts.slice(2).join('.'), parts[1]);
    if (hit) return hit;
  }
  if (parts.length >= 2) {
    const hit = find(resources, head, parts.slice(1).join('.'), undefined);
    if (hit) return hit;
  }
  const hit = find(resources, a, undefined, undefined);
  if (hit) return hit;
  throw new UnknownResourceError(`the server doesn't have a resource type "${arg}"`);
}

/** The resource serving `kind` in `apiVersion`, as a manifest names them. */
export function resolveKind(resources: readonly ApiResource[], apiVersion: string, kind: string): ApiResource {
  const { group, version } = parseApiVersion(apiVersion);
  const hit = resources.find((r) => r.group === group && r.version === version && r.kind === kind);
  if (hit) return hit;
  throw new UnknownResourceError(`no matches for kind "${kind}" in version "${apiVersion}"`);
}

/** The preferred-version resources in a category ("all"), in discovery order. */
export function resourcesInCategory(resources: readonly ApiResource[], category: string): ApiResource[] {
  return resources.filter((r) => r.preferred && r.categories.includes(category));
}
