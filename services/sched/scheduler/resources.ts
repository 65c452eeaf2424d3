// Resource amounts as the scheduler framework's Resource holds them: cpu in millicores, memory,
// ephemeral storage and scalar (extended, hugepages) resources in whole units, and what a pod
// requests (resourcehelper.PodRequests): the sum of its containers, at least each init
// container (plus the sidecars started before it), plus the pod overhead.
import { isRecord } from '../../../lib/api/object.js';
import { arrayOf, recordOf, specOf, stringOf } from './api-fields.js';
import { quantityMilliValue, quantityValue } from './quantity.js';
import type { KubeObject } from '../../../lib/api/object.js';

export const ResourceName = {
  cpu: 'cpu',
  memory: 'memory',
  ephemeralStorage: 'ephemeral-storage',
  pods: 'pods',
} as const;

/** schedutil.DefaultMilliCPURequest: what scoring assumes for a container without a cpu request. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** schedutil.DefaultMemoryRequest (200 MiB): the same for memory. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources; undefined when there are none. */
  scalar: Map<string, number> | undefined;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };
}

/** schedutil.IsScalarResourceName: extended (domain-prefixed), hugepages and attachable-volume resources. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('requests.')) return false;
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

type ResourceMap = Map<string, number>;

function amountOf(name: string, q: unknown): number | undefined {
  return name === ResourceName.cpu ? quantityMilliValue(q) : quantityValue(q);
}

function resourceMapOf(v: unknown): ResourceMap {
  const out: ResourceMap = new Map();
  if (!isRecord(v)) return out;
  for (const [name, q] of Object.entries(v)) {
    const amount = amountOf(name, q);
    if (amount !== undefined) out.set(name, amount);
  }
  return out;
}

function addInto(dst: ResourceMap, src: ResourceMap): void {
  for (const [k, v] of src) dst.set(k, (dst.get(k) ?? 0) + v);
}

function maxInto(dst: ResourceMap, src: ResourceMap): void {
  for (const [k, v] of src) if (v > (dst.get(k) ?? 0)) dst.set(k, v);
}

function withDefaults(m: ResourceMap, defaults: ResourceMap | undefined): ResourceMap {
  if (!defaults) return m;
  const out = new Map(m);
  for (const [k, v] of defaults) if (!out.has(k)) out.set(k, v);
  return out;
}

/** resourcehelper.PodRequests; `nonMissing` fills in requests a container leaves out. */
function podRequestMap(spec: Record<string, unknown>, nonMissing?: ResourceMap): ResourceMap {
  const reqs: ResourceMap = new Map();
  for (const c of arrayOf(spec.containers)) {
    addInto(reqs, withDefaults(resourceMapOf(recordOf(recordOf(c)?.resources)?.requests), nonMissing));
  }
  const sidecars: ResourceMap = new Map();
  const initMax: ResourceMap = new Map();
  for (const c of arrayOf(spec.initContainers)) {
    const container = recordOf(c);
    const own = withDefaults(resourceMapOf(recordOf(container?.resources)?.requests), nonMissing);
    let effective: ResourceMap;
    if (stringOf(container?.restartPolicy) === 'Always') {
      // A sidecar keeps running next to the app containers and the init containers after it.
      addInto(reqs, own);
      addInto(sidecars, own);
      effective = new Map(sidecars);
    } else {
      effective = new Map(own);
      addInto(effective, sidecars);
    }
    maxInto(initMax, effective);
  }
  maxInto(reqs, initMax);
  addInto(reqs, resourceMapOf(spec.overhead));
  return reqs;
}

function resourceFromMap(m: ResourceMap): Resource {
  const r = emptyResource();
  for (const [name, v] of m) {
    switch (name) {
      case ResourceName.cpu:
        r.milliCPU = v;
        break;
      case ResourceName.memory:
        r.memory = v;
        break;
      case ResourceName.ephemeralStorage:
        r.ephemeralStorage = v;
        break;
      default:
        if (isScalarResourceName(name)) (r.scalar ??= new Map()).set(name, v);
    }
  }
  return r;
}

const NON_MISSING: ResourceMap = new Map([
  [ResourceName.cpu, DEFAULT_MILLI_CPU_REQUEST],
  [ResourceName.memory, DEFAULT_MEMORY_REQUEST],
]);

export interface PodRequests {
  /** What the pod requests, for the fit filter and BalancedAllocation. */
  requests: Resource;
  /** cpu and memory with defaults for containers that request none, for LeastAllocated. */
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

export function podRequestsOf(pod: KubeObject): PodRequests {
  const spec = specOf(pod);
  const nonZero = podRequestMap(spec, NON_MISSING);
  return {
    requests: resourceFromMap(podRequestMap(spec)),
    nonZeroMilliCPU: nonZero.get(ResourceName.cpu) ?? 0,
    nonZeroMemory: nonZero.get(ResourceName.memory) ?? 0,
  };
}

export interface Allocatable extends Resource {
  allowedPodNumber: number;
}

/** status.allocatable of a node (its capacity when allocatable is absent, as the API defaults it). */
export function nodeAllocatableOf(node: KubeObject): Allocatable {
  const status = recordOf(node.status);
  const list = recordOf(status?.allocatable) ?? recordOf(status?.capacity);
  const m = resourceMapOf(list);
  return { ...resourceFromMap(m), allowedPodNumber: m.get(ResourceName.pods) ?? 0 };
}
