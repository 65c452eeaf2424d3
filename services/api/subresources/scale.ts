// The scale subresource (autoscaling/v1 Scale) of Deployments and ReplicaSets: what
// `kubectl scale` reads and patches.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { labelSelectorToString, selectorFromMetav1 } from '../../../lib/api/labels.js';
import { Errors } from '../../../lib/api/status-error.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { SubresourceContext, SubresourceHandler } from '../http/api-handler.js';
import { decodeBody, decodePatch } from '../http/content.js';

/** Applies a JSON, merge or strategic patch to a plain object (Scale has no merge-keyed lists). */
export type GenericPatch = (patchType: string, current: unknown, patch: unknown) => unknown;

export function scaleOf(obj: KubeObject): Record<string, unknown> {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: labelSelectorToString(selectorFromMetav1(spec.selector)) },
  };
}

function replicasFrom(scale: unknown, name: string, kind: string, group: string): number {
  const spec = isRecord(scale) && isRecord(scale.spec) ? scale.spec : undefined;
  const r = spec?.replicas;
  if (typeof r !== 'number' || !Number.isInteger(r)) {
    throw Errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [fieldErrors.invalid(FieldPath.root('spec', 'replicas'), r ?? null, 'must be an integer')]);
  }
  if (r < 0) throw Errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [fieldErrors.invalid(FieldPath.root('spec', 'replicas'), r, 'must be greater than or equal to 0')]);
  void kind;
  void group;
  return r;
}

export class ScaleSubresource implements SubresourceHandler {
  constructor(private readonly patch: GenericPatch) {}

  async handle(c: SubresourceContext): Promise<{ code: number; body: unknown }> {
    const { info, store, ctx } = c;
    if (info.verb === 'get') return { code: 200, body: scaleOf(await store.get(info.namespace, info.name, info.version)) };
    if (info.verb !== 'update' && info.verb !== 'patch') throw Errors.methodNotSupported({ group: info.group, resource: `${info.resource}/scale` }, info.verb);
    const raw = await c.body();
    let pinned: string | undefined;
    let incoming: unknown;
    let patchDoc: { patchType: string; patch: unknown } | undefined;
    if (info.verb === 'update') {
      incoming = decodeBody(raw, c.req.headers['content-type']);
      const meta = isRecord(incoming) && isRecord(incoming.metadata) ? incoming.metadata : {};
      if (typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '') pinned = meta.resourceVersion;
    } else {
      patchDoc = decodePatch(raw, c.req.headers['content-type']);
    }
    const updated = await store.guaranteedUpdate(info.namespace, info.name, ctx, 'main', pinned, (current) => {
      const scale = patchDoc ? this.patch(patchDoc.patchType, scaleOf(current), patchDoc.patch) : incoming;
      const replicas = replicasFrom(scale, info.name, c.res.kind, c.res.group);
      const next = structuredClone(current);
      next.spec = { ...(isRecord(next.spec) ? next.spec : {}), replicas };
      return next;
    });
    return { code: 200, body: scaleOf(updated) };
  }
}
