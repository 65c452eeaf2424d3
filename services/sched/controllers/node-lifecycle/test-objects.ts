// Nodes, leases and pods for the tests of this folder.
import { formatMicroTime as microTime } from '../../../../lib/api/time.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { formatTime } from '../../../../lib/api/time.js';
import type { NodeCondition } from './node-conditions.js';

/** FakeClock's start: 2026-01-01T00:00:00Z. */
export const T0 = Date.parse('2026-01-01T00:00:00Z');

export function condition(type: string, status: string, atMs = T0): NodeCondition {
  return { type, status, reason: `Kubelet${type}`, message: `${type} is ${status}`, lastHeartbeatTime: formatTime(atMs), lastTransitionTime: formatTime(atMs) };
}

export function makeNode(name: string, o: { conditions?: NodeCondition[]; taints?: unknown[]; createdMs?: number; unschedulable?: boolean } = {}): KubeObject {
  const spec: Record<string, unknown> = {};
  if (o.taints) spec.taints = o.taints;
  if (o.unschedulable === true) spec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, creationTimestamp: formatTime(o.createdMs ?? T0) },
    spec,
    status: { conditions: o.conditions ?? [] },
  };
}

/** A node whose agent reports Ready=True (and no pressure) with a heartbeat at `atMs`. */
export function readyNode(name: string, atMs = T0, taints?: unknown[]): KubeObject {
  return makeNode(name, {
    conditions: [condition('Ready', 'True', atMs), condition('MemoryPressure', 'False', atMs), condition('DiskPressure', 'False', atMs), condition('PIDPressure', 'False', atMs)],
    ...(taints ? { taints } : {}),
  });
}

export { microTime };

export function makeLease(nodeName: string, renewMs: number): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: 'kube-node-lease' },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: 40, renewTime: microTime(renewMs) },
  };
}

export function makePod(name: string, nodeName: string, o: { ready?: boolean; tolerations?: unknown[]; uid?: string } = {}): KubeObject {
  const ready = o.ready ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: o.uid ?? `uid-${name}` },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], ...(o.tolerations ? { tolerations: o.tolerations } : {}) },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: formatTime(T0) },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: formatTime(T0) },
      ],
    },
  };
}

/** The tolerations the API server adds to every pod (DefaultTolerationSeconds admission). */
export function defaultTolerations(seconds = 300): unknown[] {
  return [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds },
  ];
}

export function taintsOf(obj: unknown): Array<Record<string, unknown>> {
  if (!isRecord(obj)) return [];
  const spec = isRecord(obj.spec) ? obj.spec : {};
  return Array.isArray(spec.taints) ? spec.taints.filter(isRecord) : [];
}

export function conditionsOf(obj: unknown): Array<Record<string, unknown>> {
  if (!isRecord(obj)) return [];
  const status = isRecord(obj.status) ? obj.status : {};
  return Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
}

/** Bounded polling for tests that run controllers for real. */
export async function until(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 5) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}
