// A Deployment's revisions: the ReplicaSets it controls, numbered by their
// deployment.kubernetes.io/revision annotation.
import type { ApiResource, KubeClient } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { labelSelectorToString, selectorFromMetav1 } from '../../../lib/api/labels.js';
import { REVISION_ANNOTATION } from './deployment-status.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

export interface Revision {
  revision: number;
  replicaSet: KubeObject;
  template: Record<string, unknown>;
}

/** deploymentutil.Revision: the annotation as an integer, 0 when absent, undefined when invalid. */
export function revisionOf(rs: KubeObject): number | undefined {
  const v = rs.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** The ReplicaSets whose controller reference is the Deployment, as kubectl finds them. */
export async function controlledReplicaSets(client: KubeClient, deployment: KubeObject): Promise<KubeObject[]> {
  const rsResource: ApiResource = await client.discovery.resolve('replicasets.apps');
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const selector = labelSelectorToString(selectorFromMetav1(spec.selector));
  const list = await client.list(rsResource, { namespace: deployment.metadata.namespace ?? '', labelSelector: selector === '' ? undefined : selector });
  const uid = deployment.metadata.uid;
  return list.items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller === true && o.uid === uid) === true);
}

/** Revisions in ascending order; a later ReplicaSet with the same number replaces an earlier one. */
export function revisions(replicaSets: readonly KubeObject[]): Revision[] {
  const byNumber = new Map<number, Revision>();
  for (const rs of replicaSets) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    const spec = isRecord(rs.spec) ? rs.spec : {};
    const template = structuredClone(isRecord(spec.template) ? spec.template : {});
    const meta = isRecord(template.metadata) ? template.metadata : {};
    template.metadata = meta;
    const annotations = isRecord(meta.annotations) ? meta.annotations : {};
    const cause = rs.metadata.annotations?.[CHANGE_CAUSE];
    if (cause !== undefined && cause !== '') annotations[CHANGE_CAUSE] = cause;
    meta.annotations = annotations;
    byNumber.set(revision, { revision, replicaSet: rs, template });
  }
  return [...byNumber.values()].sort((a, b) => a.revision - b.revision);
}

/** A pod template without the pod-template-hash label (what undo copies back, and compares). */
export function withoutHash(template: unknown): Record<string, unknown> {
  const t = structuredClone(isRecord(template) ? template : {});
  if (isRecord(t.metadata) && isRecord(t.metadata.labels)) {
    const labels = { ...t.metadata.labels };
    delete labels[POD_TEMPLATE_HASH];
    t.metadata = { ...t.metadata, labels };
  }
  return t;
}

/** Drops what Go's typed structs cannot tell from absent: null, "", false, 0, {} and []. */
function pruneZero(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(pruneZero);
    return items.length === 0 ? undefined : items;
  }
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = pruneZero(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === null || v === '' || v === false || v === 0 ? undefined : v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** equalIgnoreHash: two pod templates equal once the hash label is gone (apimachinery's semantic equality). */
export function templatesEqual(a: unknown, b: unknown): boolean {
  return deepEqual(pruneZero(withoutHash(a)), pruneZero(withoutHash(b)));
}
