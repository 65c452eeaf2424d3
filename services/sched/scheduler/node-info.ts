// framework.NodeInfo: a node and the pods placed on it (bound or assumed), with the sums the
// filters and scores read kept up to date as pods come and go, so that no scheduling cycle
// re-sums a node's pods. The amounts every attempt reads for hundreds of nodes are plain
// number fields of the NodeInfo itself rather than nested objects: one object per node to
// fetch instead of three is most of the cost of a filter pass.
import type { KubeObject } from '../../../lib/api/object.js';
import type { Taint } from './api-fields.js';
import { EMPTY_MAP, specOf, stringMapOf, taintsOf } from './api-fields.js';
import type { HostPort, PodInfo } from './pod-info.js';
import type { Allocatable, Resource } from './resources.js';
import { emptyResource, nodeAllocatableOf } from './resources.js';

const NO_TAINTS: readonly Taint[] = Object.freeze([]);

const ANY_IP = '0.0.0.0';

function bump(m: Map<string, number>, key: string, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n <= 0) m.delete(key);
  else m.set(key, n);
}

export class NodeInfo {
  readonly name: string;
  /** undefined while pods name a node the cache has not seen (or no longer has). */
  node: KubeObject | undefined;
  labels: Readonly<Record<string, string>> = EMPTY_MAP;
  taints: readonly Taint[] = NO_TAINTS;
  unschedulable = false;
  // status.allocatable (capacity when absent).
  allocatableMilliCPU = 0;
  allocatableMemory = 0;
  allocatableEphemeralStorage = 0;
  allowedPodNumber = 0;
  allocatableScalar: ReadonlyMap<string, number> | undefined = undefined;
  // Sum of the pods' requests.
  requestedMilliCPU = 0;
  requestedMemory = 0;
  requestedEphemeralStorage = 0;
  requestedScalar: Map<string, number> | undefined = undefined;
  /** Sum of the pods' requests with scoring defaults for containers that request nothing. */
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  /** pods.size. */
  podCount = 0;
  /** Pods on the node by uid, assumed ones included. */
  readonly pods = new Map<string, PodInfo>();
  /** Pods per spreading owner uid (non-terminating pods only), for default topology spreading. */
  readonly spreadOwnerCounts = new Map<string, number>();
  /** Bumped on every change. */
  generation = 0;
  // Host ports in use: "ip|protocol|port" and "protocol|port" (any ip), each with a pod count.
  private readonly usedPorts = new Map<string, number>();
  private readonly usedPortsAnyIp = new Map<string, number>();

  constructor(name: string) {
    this.name = name;
  }

  setNode(node: KubeObject): void {
    this.node = node;
    const spec = specOf(node);
    this.labels = stringMapOf(node.metadata.labels);
    const taints = taintsOf(spec.taints);
    this.taints = taints.length === 0 ? NO_TAINTS : taints;
    this.unschedulable = spec.unschedulable === true;
    this.setAllocatable(nodeAllocatableOf(node));
    this.generation++;
  }

  get allocatable(): Allocatable {
    return {
      milliCPU: this.allocatableMilliCPU,
      memory: this.allocatableMemory,
      ephemeralStorage: this.allocatableEphemeralStorage,
      scalar: this.allocatableScalar ? new Map(this.allocatableScalar) : undefined,
      allowedPodNumber: this.allowedPodNumber,
    };
  }

  /** Sum of the pods' requests (a copy). */
  get requested(): Resource {
    return {
      milliCPU: this.requestedMilliCPU,
      memory: this.requestedMemory,
      ephemeralStorage: this.requestedEphemeralStorage,
      scalar: this.requestedScalar ? new Map(this.requestedScalar) : undefined,
    };
  }

  private setAllocatable(a: Allocatable): void {
    this.allocatableMilliCPU = a.milliCPU;
    this.allocatableMemory = a.memory;
    this.allocatableEphemeralStorage = a.ephemeralStorage;
    this.allowedPodNumber = a.allowedPodNumber;
    this.allocatableScalar = a.scalar;
  }

  clearNode(): void {
    this.node = undefined;
    this.labels = EMPTY_MAP;
    this.taints = NO_TAINTS;
    this.unschedulable = false;
    this.setAllocatable({ ...emptyResource(), allowedPodNumber: 0 });
    this.generation++;
  }

  addPod(pod: PodInfo): void {
    const had = this.pods.get(pod.uid);
    if (had) this.account(had, -1);
    this.pods.set(pod.uid, pod);
    this.account(pod, 1);
    this.podCount = this.pods.size;
  }

  /** Returns false when the pod was not on this node. */
  removePod(pod: PodInfo): boolean {
    const had = this.pods.get(pod.uid);
    if (!had) return false;
    this.pods.delete(pod.uid);
    this.account(had, -1);
    this.podCount = this.pods.size;
    return true;
  }

  /** HostPortInfo.CheckConflict for each wanted port: 0.0.0.0 overlaps every address. */
  hostPortsConflict(wanted: readonly HostPort[]): boolean {
    for (const p of wanted) {
      const pp = `${p.protocol}|${p.port}`;
      if (p.ip === ANY_IP) {
        if (this.usedPortsAnyIp.has(pp)) return true;
      } else if (this.usedPorts.has(`${ANY_IP}|${pp}`) || this.usedPorts.has(`${p.ip}|${pp}`)) {
        return true;
      }
    }
    return false;
  }

  private account(pod: PodInfo, sign: 1 | -1): void {
    const r = pod.requests;
    this.requestedMilliCPU += sign * r.milliCPU;
    this.requestedMemory += sign * r.memory;
    this.requestedEphemeralStorage += sign * r.ephemeralStorage;
    if (r.scalar) {
      const scalar = (this.requestedScalar ??= new Map());
      for (const [k, v] of r.scalar) bump(scalar, k, sign * v);
    }
    this.nonZeroMilliCPU += sign * pod.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pod.nonZeroMemory;
    for (const p of pod.hostPorts) {
      const pp = `${p.protocol}|${p.port}`;
      bump(this.usedPorts, `${p.ip}|${pp}`, sign);
      bump(this.usedPortsAnyIp, pp, sign);
    }
    if (pod.spreadOwnerUid !== undefined && !pod.terminating) bump(this.spreadOwnerCounts, pod.spreadOwnerUid, sign);
    this.generation++;
  }
}
