// Kubernetes' Node authorizer, for what RBAC cannot express: a node (system:node:<name> in
// system:nodes) may read only the Secrets and ConfigMaps that pods bound to it use, and may not
// list or watch them. For every other request it has no opinion and RBAC decides.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import type { AuthorizationDecision, RequestAttributes } from './rbac.js';
import { Groups, NODE_USER_PREFIX } from './user-info.js';

type Kind = 'secrets' | 'configmaps';

/** Names of the Secrets and ConfigMaps a pod refers to (volumes, env, envFrom, pull secrets). */
export function podReferences(pod: KubeObject): Record<Kind, Set<string>> {
  const refs: Record<Kind, Set<string>> = { secrets: new Set(), configmaps: new Set() };
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);
  const add = (kind: Kind, name: unknown): void => {
    if (typeof name === 'string' && name !== '') refs[kind].add(name);
  };
  for (const s of list(spec.imagePullSecrets)) add('secrets', s.name);
  for (const v of list(spec.volumes)) {
    if (isRecord(v.secret)) add('secrets', v.secret.secretName);
    if (isRecord(v.configMap)) add('configmaps', v.configMap.name);
    if (isRecord(v.projected)) {
      for (const src of list(v.projected.sources)) {
        if (isRecord(src.secret)) add('secrets', src.secret.name);
        if (isRecord(src.configMap)) add('configmaps', src.configMap.name);
      }
    }
  }
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    for (const e of list(c.env)) {
      const from = isRecord(e.valueFrom) ? e.valueFrom : {};
      if (isRecord(from.secretKeyRef)) add('secrets', from.secretKeyRef.name);
      if (isRecord(from.configMapKeyRef)) add('configmaps', from.configMapKeyRef.name);
    }
    for (const e of list(c.envFrom)) {
      if (isRecord(e.secretRef)) add('secrets', e.secretRef.name);
      if (isRecord(e.configMapRef)) add('configmaps', e.configMapRef.name);
    }
  }
  return refs;
}

export class NodeAuthorizer {
  constructor(private readonly podsOnNode: (node: string) => readonly KubeObject[]) {}

  /** A decision for node requests on Secrets and ConfigMaps; undefined to leave it to RBAC. */
  authorize(attrs: RequestAttributes): AuthorizationDecision | undefined {
    const u = attrs.user;
    if (!u.name.startsWith(NODE_USER_PREFIX) || !u.groups.includes(Groups.nodes)) return undefined;
    if (!attrs.isResourceRequest || attrs.apiGroup !== '' || (attrs.resource !== 'secrets' && attrs.resource !== 'configmaps')) return undefined;
    const node = u.name.slice(NODE_USER_PREFIX.length);
    const kind = attrs.resource;
    if (attrs.verb !== 'get' || attrs.name === '' || attrs.subresource !== '') {
      return { allowed: false, reason: `can only get individual resources of this type` };
    }
    const used = this.podsOnNode(node).some((p) => p.metadata.namespace === attrs.namespace && podReferences(p)[kind].has(attrs.name));
    return used ? { allowed: true, reason: '' } : { allowed: false, reason: `no relationship found between node '${node}' and this object` };
  }
}
