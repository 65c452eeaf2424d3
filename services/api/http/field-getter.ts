// Field selectors: which fields each kind can be selected by (kube-apiserver's field label
// conversion functions) and how to read them from an object.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../registry/resources.js';

const COMMON = ['metadata.name', 'metadata.namespace'];

const BY_KIND: Record<string, readonly string[]> = {
  '/Pod': [...COMMON, 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  '/Event': [...COMMON, 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  '/Namespace': [...COMMON, 'status.phase'],
  '/Node': [...COMMON, 'spec.unschedulable'],
  '/Secret': [...COMMON, 'type'],
  'apps/ReplicaSet': [...COMMON, 'status.replicas'],
};

/** Kinds with a field-label conversion of their own (others accept only the metadata fields). */
export function hasCustomFieldSelectors(res: ResourceInfo): boolean {
  return BY_KIND[`${res.group}/${res.kind}`] !== undefined;
}

export function supportedFields(res: ResourceInfo): readonly string[] {
  return BY_KIND[`${res.group}/${res.kind}`] ?? COMMON;
}

/** The value of a dotted field path as a field selector compares it ("" when absent). */
export function fieldValue(obj: KubeObject, path: string): string {
  if (path === 'source') {
    const src = obj.source;
    return isRecord(src) && typeof src.component === 'string' ? src.component : '';
  }
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isRecord(cur)) return '';
    cur = cur[part];
  }
  if (cur === undefined || cur === null) return path === 'spec.unschedulable' || path === 'spec.hostNetwork' ? 'false' : '';
  return typeof cur === 'string' ? cur : String(cur as number | boolean);
}
