// Node conditions: reading them, and what the controller writes when a node's agent goes
// silent (tryUpdateNodeHealth's "Kubelet stopped posting node status").
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { formatTime } from '../../../../lib/api/time.js';

export interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const NodeConditionType = {
  Ready: 'Ready',
  MemoryPressure: 'MemoryPressure',
  DiskPressure: 'DiskPressure',
  PIDPressure: 'PIDPressure',
  NetworkUnavailable: 'NetworkUnavailable',
} as const;

/** The conditions the controller turns Unknown; NetworkUnavailable belongs to the network provider. */
const AGENT_CONDITIONS = [NodeConditionType.Ready, NodeConditionType.MemoryPressure, NodeConditionType.DiskPressure, NodeConditionType.PIDPressure];

export function nodeConditions(node: KubeObject): NodeCondition[] {
  const status = isRecord(node.status) ? node.status : {};
  if (!Array.isArray(status.conditions)) return [];
  return status.conditions.filter((c): c is NodeCondition => isRecord(c) && typeof c.type === 'string' && typeof c.status === 'string');
}

export function nodeCondition(node: KubeObject, type: string): NodeCondition | undefined {
  return nodeConditions(node).find((c) => c.type === type);
}

export function sameCondition(a: NodeCondition | undefined, b: NodeCondition | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.type === b.type &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.lastHeartbeatTime === b.lastHeartbeatTime &&
    a.lastTransitionTime === b.lastTransitionTime
  );
}

/**
 * Sets every agent-reported condition that is not already Unknown to Unknown on `node` (a
 * clone the caller owns); conditions never reported are added as NodeStatusNeverUpdated.
 */
export function markNodeStatusUnknown(node: KubeObject, nowMs: number): void {
  const status = isRecord(node.status) ? node.status : (node.status = {});
  const conditions: unknown[] = Array.isArray(status.conditions) ? status.conditions : (status.conditions = []);
  const now = formatTime(nowMs);
  for (const type of AGENT_CONDITIONS) {
    const current = conditions.find((c): c is Record<string, unknown> => isRecord(c) && c.type === type);
    if (!current) {
      conditions.push({
        type,
        status: 'Unknown',
        lastHeartbeatTime: node.metadata.creationTimestamp,
        lastTransitionTime: now,
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
      });
      continue;
    }
    if (current.status === 'Unknown') continue;
    current.status = 'Unknown';
    current.reason = 'NodeStatusUnknown';
    current.message = 'Kubelet stopped posting node status.';
    current.lastTransitionTime = now;
  }
}
