// What kube-apiserver's pod strategy sets on create: status.phase Pending and the QoS class.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';

type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** Kubernetes' QoS classes, from the containers' cpu and memory requests and limits. */
export function qosClass(pod: KubeObject): QosClass {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])].filter(isRecord);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = isRecord(c.resources) ? c.resources : {};
    const req = isRecord(res.requests) ? res.requests : {};
    const lim = isRecord(res.limits) ? res.limits : {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      // Requests default to limits, so a container is Guaranteed when both are limited and equal.
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function preparePodForCreate(pod: KubeObject): void {
  pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
}
