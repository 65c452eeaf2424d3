// The pod's quality-of-service class (qos.GetPodQOS), from its containers' cpu and memory
// requests and limits.
import { isRecord } from '../../../lib/api/object.js';
import { parseQuantity } from './quantity.js';

const COMPUTE = ['cpu', 'memory'];

export function podQosClass(spec: unknown): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const s = isRecord(spec) ? spec : {};
  const containers = [...(Array.isArray(s.containers) ? s.containers : []), ...(Array.isArray(s.initContainers) ? s.initContainers : [])].filter(isRecord);
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of containers) {
    const res = isRecord(c.resources) ? c.resources : {};
    const req = isRecord(res.requests) ? res.requests : {};
    const lim = isRecord(res.limits) ? res.limits : {};
    for (const name of COMPUTE) {
      const r = parseQuantity(req[name]).value;
      if (r > 0) requests.set(name, (requests.get(name) ?? 0) + r);
    }
    const found = new Set<string>();
    for (const name of COMPUTE) {
      const l = parseQuantity(lim[name]).value;
      if (l > 0) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0) + l);
      }
    }
    if (found.size < COMPUTE.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    // Requests default to limits, so a container without requests still counts as equal.
    const equal = [...requests].every(([k, v]) => limits.get(k) === v);
    if (equal && limits.size === COMPUTE.length) return 'Guaranteed';
  }
  return 'Burstable';
}
