// Builders of Node and Pod objects for the scheduler's tests, and a cache (snapshot) filled
// with them. Shaped like the objects the API server hands the informers.
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import { FakeClock } from '../../../../lib/controller/clock.js';
import { SchedulerCache } from '../cache/scheduler-cache.js';
import type { Taint, Toleration } from '../api-fields.js';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  /** Extra allocatable resources (e.g. ephemeral-storage, example.com/gpu). */
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Partial<Taint>[];
  unschedulable?: boolean;
}

export function makeNode(name: string, s: NodeSpec = {}): KubeObject {
  const allocatable = { cpu: s.cpu ?? '4', memory: s.memory ?? '32Gi', pods: s.pods ?? '110', ...s.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-node-${name}`, resourceVersion: '1', labels: { 'kubernetes.io/hostname': name, ...s.labels } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: allocatable, allocatable },
  };
}

export interface ContainerSpec {
  requests?: Record<string, string>;
  hostPorts?: { hostPort: number; protocol?: string; hostIP?: string }[];
  restartPolicy?: 'Always';
}

export interface PodSpecInput {
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  /** Requests of a single container (ignored when `containers` is given). */
  cpu?: string;
  memory?: string;
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  overhead?: Record<string, string>;
  nodeName?: string;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  tolerations?: Partial<Toleration>[];
  priority?: number;
  topologySpreadConstraints?: Record<string, unknown>[];
  owner?: Pick<OwnerReference, 'kind' | 'name' | 'uid'>;
  schedulerName?: string;
  schedulingGates?: { name: string }[];
  phase?: string;
  deletionTimestamp?: string;
}

function container(name: string, c: ContainerSpec): Record<string, unknown> {
  return {
    name,
    image: 'registry.k8s.io/pause:3.10',
    ...(c.requests ? { resources: { requests: c.requests } } : {}),
    ...(c.hostPorts ? { ports: c.hostPorts.map((p) => ({ containerPort: p.hostPort, ...p })) } : {}),
    ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
  };
}

export function makePod(name: string, s: PodSpecInput = {}): KubeObject {
  const requests: Record<string, string> = {};
  if (s.cpu) requests.cpu = s.cpu;
  if (s.memory) requests.memory = s.memory;
  const containers = s.containers ?? [Object.keys(requests).length > 0 ? { requests } : {}];
  const namespace = s.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: s.uid ?? `uid-${namespace}-${name}`,
      resourceVersion: s.resourceVersion ?? '1',
      ...(s.labels ? { labels: s.labels } : {}),
      ...(s.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', controller: true, ...s.owner }] } : {}),
      ...(s.deletionTimestamp ? { deletionTimestamp: s.deletionTimestamp } : {}),
    },
    spec: {
      schedulerName: s.schedulerName ?? 'default-scheduler',
      containers: containers.map((c, i) => container(`c${i}`, c)),
      ...(s.initContainers ? { initContainers: s.initContainers.map((c, i) => container(`init${i}`, c)) } : {}),
      ...(s.overhead ? { overhead: s.overhead } : {}),
      ...(s.nodeName ? { nodeName: s.nodeName } : {}),
      ...(s.nodeSelector ? { nodeSelector: s.nodeSelector } : {}),
      ...(s.affinity ? { affinity: s.affinity } : {}),
      ...(s.tolerations ? { tolerations: s.tolerations } : {}),
      ...(s.priority !== undefined ? { priority: s.priority } : {}),
      ...(s.topologySpreadConstraints ? { topologySpreadConstraints: s.topologySpreadConstraints } : {}),
      ...(s.schedulingGates ? { schedulingGates: s.schedulingGates } : {}),
    },
    status: { phase: s.phase ?? 'Pending' },
  };
}

/** A pod bound to a node, as the watch shows it after the binding. */
export function boundTo(pod: KubeObject, nodeName: string, resourceVersion = '2'): KubeObject {
  const spec = typeof pod.spec === 'object' && pod.spec !== null ? pod.spec : {};
  return { ...pod, metadata: { ...pod.metadata, resourceVersion }, spec: { ...spec, nodeName } };
}

/** A cache holding the nodes and the (bound) pods: the snapshot plugins and schedulePod read. */
export function snapshotOf(nodes: readonly KubeObject[], pods: readonly KubeObject[] = [], clock = new FakeClock()): SchedulerCache {
  const cache = new SchedulerCache({ clock });
  for (const n of nodes) cache.addNode(n);
  for (const p of pods) cache.addPod(p);
  return cache;
}
