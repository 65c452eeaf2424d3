// pods/binding (the scheduler's) and pods/eviction.
import { formatTime } from '../../../lib/api/time.js';
import { isRecord } from '../../../lib/api/object.js';
import { Errors } from '../../../lib/api/status-error.js';
import type { SubresourceContext, SubresourceHandler } from '../http/api-handler.js';
import { decodeBody } from '../http/content.js';

function success(code: number): { code: number; body: unknown } {
  return { code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code } };
}

/** Binds a pod to a node: sets spec.nodeName once and marks the pod scheduled. */
export class BindingSubresource implements SubresourceHandler {
  constructor(private readonly now: () => Date) {}

  async handle(c: SubresourceContext): Promise<{ code: number; body: unknown }> {
    const { info, store, ctx } = c;
    if (info.verb !== 'create') throw Errors.methodNotSupported({ group: '', resource: 'pods/binding' }, info.verb);
    const body = decodeBody(await c.body(), c.req.headers['content-type']);
    const target = isRecord(body) && isRecord(body.target) ? body.target : undefined;
    const node = target && typeof target.name === 'string' ? target.name : '';
    if (node === '') throw Errors.invalid({ group: '', kind: 'Binding' }, info.name, [{ type: 'FieldValueRequired', field: 'target.name', badValue: '', detail: '' }]);
    if (target && target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') {
      throw Errors.invalid({ group: '', kind: 'Binding' }, info.name, [{ type: 'FieldValueNotSupported', field: 'target.kind', badValue: target.kind, detail: 'supported values: "Node"' }]);
    }
    // One write sets spec.nodeName and PodScheduled=True, as the binding registry's assignPod does.
    await store.guaranteedUpdate(info.namespace, info.name, ctx, 'binding', undefined, (pod) => {
      const spec = isRecord(pod.spec) ? pod.spec : {};
      if (pod.metadata.deletionTimestamp !== undefined) throw Errors.conflict({ group: '', resource: 'pods' }, info.name, 'pod is being deleted, cannot be assigned to a host');
      if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
        throw Errors.conflict({ group: '', resource: 'pods/binding' }, info.name, `pod ${info.name} is already assigned to node "${spec.nodeName}"`);
      }
      const status = isRecord(pod.status) ? { ...pod.status } : {};
      const conditions = (Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : []).filter((x) => x.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: formatTime(this.now().getTime()) });
      return { ...pod, spec: { ...spec, nodeName: node }, status: { ...status, conditions } };
    });
    return success(201);
  }
}

/** Evicts a pod (no PodDisruptionBudgets here): a graceful delete. */
export class EvictionSubresource implements SubresourceHandler {
  async handle(c: SubresourceContext): Promise<{ code: number; body: unknown }> {
    const { info, store, ctx } = c;
    if (info.verb !== 'create') throw Errors.methodNotSupported({ group: '', resource: 'pods/eviction' }, info.verb);
    const body = decodeBody(await c.body(), c.req.headers['content-type']);
    const opts = isRecord(body) && isRecord(body.deleteOptions) ? body.deleteOptions : {};
    await store.delete(info.namespace, info.name, typeof opts.gracePeriodSeconds === 'number' ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}, ctx);
    return success(201);
  }
}
