// Which definition describes a served kind: schemaFor("apps", "v1", "Deployment") is
// io.k8s.api.apps.v1.Deployment. Istio kinds publish the same schema under every served version.
import type { GroupVersionKind, Schema } from './dsl.js';
import { DEFINITIONS } from './definitions/index.js';

export interface KindSchema {
  /** The definition's OpenAPI name, e.g. "io.k8s.api.apps.v1.Deployment". */
  name: string;
  schema: Schema;
  /** True for kinds served from CustomResourceDefinitions (the Istio groups): they validate and word errors as CRDs do. */
  custom: boolean;
}

/** Groups compiled into kube-apiserver; every other group is served from a CRD. */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'autoscaling',
  'batch',
  'policy',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'rbac.authorization.k8s.io',
  'authentication.k8s.io',
]);

export function isCustomResourceGroup(group: string): boolean {
  return !BUILT_IN_GROUPS.has(group);
}

function gvkKey(g: GroupVersionKind): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

/** Definitions by the group-version-kind they are tagged with (the first definition wins). */
const BY_GVK: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [name, schema] of DEFINITIONS) {
    const gvks = schema['x-kubernetes-group-version-kind'] ?? [];
    // Kinds shared by every group (DeleteOptions, WatchEvent, Status) are not kinds of their own.
    if (gvks.length !== 1) continue;
    for (const g of gvks) if (!m.has(gvkKey(g))) m.set(gvkKey(g), name);
  }
  return m;
})();

/** The root schema of group/version/kind, or undefined if no definition describes it. */
export function schemaFor(group: string, version: string, kind: string): KindSchema | undefined {
  const name = BY_GVK.get(gvkKey({ group, version, kind }));
  if (name === undefined) return undefined;
  const schema = DEFINITIONS.get(name);
  return schema ? { name, schema, custom: isCustomResourceGroup(group) } : undefined;
}

/** The definition a $ref names, or undefined when the name is unknown. */
export function resolveRef(name: string): Schema | undefined {
  return DEFINITIONS.get(name);
}
