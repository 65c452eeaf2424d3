// framework.PodInfo: a pod with everything the plugins read parsed once, when the pod arrives,
// so that a scheduling cycle over hundreds of nodes never re-reads the JSON. Immutable: a new
// version of the pod gets a new PodInfo.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import type { Toleration } from './api-fields.js';
import { arrayOf, numberOf, recordOf, specOf, statusOf, stringMapOf, stringOf, tolerationsOf } from './api-fields.js';
import type { PreferredTerm, RequiredNodeAffinity } from './node-selector.js';
import { compileNodeSelector, compilePreferredTerms } from './node-selector.js';
import type { Resource } from './resources.js';
import { podRequestsOf } from './resources.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface HostPort {
  /** hostIP, '0.0.0.0' when unset. */
  readonly ip: string;
  /** 'TCP' when unset. */
  readonly protocol: string;
  readonly port: number;
}

// Owners whose pods Kubernetes spreads by default (DefaultSelector covers the selectors of
// ReplicationControllers, ReplicaSets and StatefulSets; Services are not modelled here).
const SPREAD_OWNER_KINDS = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet']);

/** The uid the cache keys a pod by: metadata.uid, or namespace/name when a test object has none. */
export function podUid(pod: KubeObject): string {
  return pod.metadata.uid || `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

export class PodInfo {
  readonly pod: KubeObject;
  /** namespace/name: the queue's key. */
  readonly key: string;
  /** metadata.uid (the key when a test object has none): the cache's key. */
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly nodeName: string;
  readonly schedulerName: string;
  /** spec.priority; 0 when unset. */
  readonly priority: number;
  readonly phase: string;
  /** metadata.deletionTimestamp is set. */
  readonly terminating: boolean;
  /** spec.schedulingGates is not empty: the pod waits until they are removed. */
  readonly gated: boolean;
  readonly requests: Resource;
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  /** undefined when the pod has neither a nodeSelector nor required node affinity. */
  readonly requiredAffinity: RequiredNodeAffinity | undefined;
  readonly preferredAffinity: readonly PreferredTerm[];
  /** spec.topologySpreadConstraints as given; the PodTopologySpread plugin interprets them. */
  readonly topologySpreadConstraints: readonly Record<string, unknown>[];
  /** uid of the controlling ReplicaSet/ReplicationController/StatefulSet, for default spreading. */
  readonly spreadOwnerUid: string | undefined;

  constructor(pod: KubeObject) {
    const meta = pod.metadata;
    const spec = specOf(pod);
    this.pod = pod;
    this.namespace = meta.namespace ?? '';
    this.name = meta.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = podUid(pod);
    this.labels = stringMapOf(meta.labels);
    this.nodeName = stringOf(spec.nodeName);
    this.schedulerName = stringOf(spec.schedulerName) || DEFAULT_SCHEDULER_NAME;
    this.priority = numberOf(spec.priority);
    this.phase = stringOf(statusOf(pod).phase);
    this.terminating = meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null;
    this.gated = arrayOf(spec.schedulingGates).length > 0;
    const req = podRequestsOf(pod);
    this.requests = req.requests;
    this.nonZeroMilliCPU = req.nonZeroMilliCPU;
    this.nonZeroMemory = req.nonZeroMemory;
    this.hostPorts = hostPortsOf(spec);
    this.tolerations = tolerationsOf(spec.tolerations);
    const nodeAffinity = recordOf(recordOf(spec.affinity)?.nodeAffinity);
    const required = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const nodeSelector = isRecord(spec.nodeSelector) ? stringMapOf(spec.nodeSelector) : undefined;
    this.requiredAffinity =
      nodeSelector === undefined && !isRecord(required)
        ? undefined
        : { nodeSelector, terms: isRecord(required) ? compileNodeSelector(required) : undefined };
    this.preferredAffinity = compilePreferredTerms(nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    this.topologySpreadConstraints = arrayOf(spec.topologySpreadConstraints).filter(isRecord);
    this.spreadOwnerUid = spreadOwnerOf(pod);
  }

  /** Succeeded or Failed: the pod holds no resources any more. */
  get terminal(): boolean {
    return this.phase === 'Succeeded' || this.phase === 'Failed';
  }
}

function hostPortsOf(spec: Record<string, unknown>): readonly HostPort[] {
  let out: HostPort[] | undefined;
  for (const c of arrayOf(spec.containers)) {
    for (const p of arrayOf(recordOf(c)?.ports)) {
      const port = recordOf(p);
      const hostPort = numberOf(port?.hostPort);
      if (hostPort <= 0) continue;
      (out ??= []).push({ ip: stringOf(port?.hostIP) || '0.0.0.0', protocol: stringOf(port?.protocol) || 'TCP', port: hostPort });
    }
  }
  return out ?? [];
}

function spreadOwnerOf(pod: KubeObject): string | undefined {
  for (const ref of pod.metadata.ownerReferences ?? []) {
    if (ref.controller === true && SPREAD_OWNER_KINDS.has(ref.kind) && ref.uid) return ref.uid;
  }
  return undefined;
}
