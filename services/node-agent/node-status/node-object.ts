// The Node a node agent registers and the status it reports, as the kubelet builds them:
// well-known labels, capacity read off the machine (allocatable the same, with pods=110),
// addresses, nodeInfo, the kubelet's endpoint and the four conditions with the kubelet's reasons.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { formatTime } from '../../../lib/api/time.js';

type Json = Record<string, unknown>;

export const KUBELET_VERSION = 'v1.32.0';
export const KUBELET_PORT = 10250;
export const MAX_PODS = 110;

export interface MachineFacts {
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes?: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  containerRuntimeVersion: string;
}

export interface NodeIdentity {
  nodeName: string;
  nodeIP: string;
  hostname: string;
  labels?: Record<string, string>;
}

/** Go's GOARCH for Node's architecture field and the kubernetes.io/arch label. */
export function goArch(nodeArch: string): string {
  return nodeArch === 'x64' ? 'amd64' : nodeArch === 'ia32' ? '386' : nodeArch;
}

export function nodeLabels(id: NodeIdentity, m: MachineFacts): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': m.architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': m.architecture,
    'kubernetes.io/hostname': id.hostname,
    'kubernetes.io/os': 'linux',
    ...(id.labels ?? {}),
  };
}

export function newNode(id: NodeIdentity, m: MachineFacts): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: id.nodeName, labels: nodeLabels(id, m) }, spec: {} };
}

export function resources(m: MachineFacts): Record<string, string> {
  const out: Record<string, string> = {
    cpu: String(m.cpus),
    memory: `${String(Math.floor(m.memoryBytes / 1024))}Ki`,
    pods: String(MAX_PODS),
  };
  if (m.ephemeralStorageBytes !== undefined) out['ephemeral-storage'] = `${String(Math.floor(m.ephemeralStorageBytes / 1024))}Ki`;
  return out;
}

export interface Readiness {
  ready: boolean;
  /** Why not, in the kubelet's words ("container runtime network not ready: ..."). */
  message?: string;
}

interface ConditionSpec {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

function conditionSpecs(r: Readiness): ConditionSpec[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    r.ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: r.message ?? 'kubelet is not ready' },
  ];
}

/**
 * The status to post. Transition times carry over from `old` while a condition keeps its status;
 * every post is a heartbeat.
 */
export function nodeStatus(id: NodeIdentity, m: MachineFacts, r: Readiness, old: KubeObject | undefined, now: number): Json {
  const oldStatus = old && isRecord(old.status) ? old.status : {};
  const oldConds = Array.isArray(oldStatus.conditions) ? oldStatus.conditions.filter(isRecord) : [];
  const t = formatTime(now);
  const conditions = conditionSpecs(r).map((c) => {
    const prev = oldConds.find((o) => o.type === c.type);
    const lastTransitionTime = prev && prev.status === c.status && typeof prev.lastTransitionTime === 'string' ? prev.lastTransitionTime : t;
    return { ...c, lastHeartbeatTime: t, lastTransitionTime };
  });
  const res = resources(m);
  return {
    capacity: res,
    allocatable: res,
    conditions,
    addresses: [
      { type: 'InternalIP', address: id.nodeIP },
      { type: 'Hostname', address: id.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: m.machineID,
      systemUUID: m.systemUUID,
      bootID: m.bootID,
      kernelVersion: m.kernelVersion,
      osImage: m.osImage,
      containerRuntimeVersion: m.containerRuntimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: m.architecture,
    },
  };
}

/** The status without heartbeat times: a change here is posted at once, otherwise once a minute. */
export function statusFingerprint(status: Json): string {
  return JSON.stringify(status, (k, v: unknown) => (k === 'lastHeartbeatTime' || k === 'lastTransitionTime' ? undefined : v));
}
