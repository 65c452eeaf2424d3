// The patch `kubectl apply` sends for an existing object: a three-way strategic merge patch for
// Kubernetes' own kinds, a three-way JSON merge patch for the rest (Istio's CRD kinds).
import type { ApiResource, PatchType } from '../../../lib/api/kube-client/index.js';
import { createThreeWayJsonMergePatch, createThreeWayMergePatch, patchMetaFor } from '../../../lib/api/kube-client/patch.js';
import type { KubeObject } from '../../../lib/api/object.js';

/** Kinds compiled into kubectl (core and *.k8s.io groups) get strategic merge patches. */
export function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

export function applyPatch(resource: ApiResource, original: unknown, modified: KubeObject, current: KubeObject): { type: PatchType; patch: Record<string, unknown> } {
  if (isBuiltInGroup(resource.group)) {
    const meta = patchMetaFor(resource.group, resource.version, resource.kind);
    return { type: 'strategic', patch: createThreeWayMergePatch(original, modified, current, meta) };
  }
  return { type: 'merge', patch: createThreeWayJsonMergePatch(original, modified, current) };
}
