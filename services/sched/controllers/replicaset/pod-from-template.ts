// GetPodFromTemplate: the pod a ReplicaSet creates from spec.template, named "<rs-name>-" plus
// the API server's random suffix, carrying the template's labels, annotations and finalizers
// and the ReplicaSet's controller reference.
import type { KubeObject } from '../../../../lib/api/object.js';
import type { ControllerKind } from '../workload/controller-ref-manager.js';
import { newControllerRef } from '../workload/controller-ref-manager.js';
import type { ReplicaSet } from '../workload/replica-set.js';

/** getPodsPrefix: "<name>-" (a valid ReplicaSet name always makes a valid prefix). */
export function podNamePrefix(controllerName: string): string {
  return `${controllerName}-`;
}

export function podFromTemplate(rs: ReplicaSet, kind: ControllerKind): KubeObject {
  const tmpl = rs.spec?.template ?? {};
  const meta = tmpl.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(rs.metadata.name ?? ''),
      namespace: rs.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [newControllerRef(rs, kind)],
    },
    spec: structuredClone(tmpl.spec ?? {}),
  };
  if (meta.annotations && Object.keys(meta.annotations).length > 0) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers && meta.finalizers.length > 0) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
