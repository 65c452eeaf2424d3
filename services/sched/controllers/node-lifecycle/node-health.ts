// What the controller remembers of each node's heartbeat (nodeHealthData). Heartbeats are
// timed by when this controller saw them change, on its own clock, never by the timestamps
// the node wrote: the node's clock need not agree with ours.
import type { KubeObject } from '../../../../lib/api/object.js';
import { parseTime } from '../../../../lib/api/time.js';
import type { NodeCondition } from './node-conditions.js';
import { NodeConditionType, nodeCondition } from './node-conditions.js';

export interface NodeHealth {
  /** When this controller last saw a new heartbeat (Ready condition or Lease renewal). */
  probeTimestamp: number;
  /** When this controller last saw the Ready condition transition. */
  readyTransitionTimestamp: number;
  /** The Ready condition as last seen (undefined: never reported). */
  ready: NodeCondition | undefined;
  /** The Lease's renewTime (µs) as last seen. */
  leaseRenewTime: number | undefined;
}

export interface HealthObservation {
  health: NodeHealth;
  /** The Ready condition the node reports, or a stand-in Unknown one dated at its creation. */
  observedReady: NodeCondition;
  /** The node never reported Ready. */
  neverReported: boolean;
  /** No heartbeat within the grace period: the node's conditions must turn Unknown. */
  stale: boolean;
}

export interface HealthTimings {
  /** --node-monitor-grace-period. */
  gracePeriodMs: number;
  /** Grace for a node that never reported, counted from its creation. */
  startupGracePeriodMs: number;
}

/** tryUpdateNodeHealth's bookkeeping: folds the node and its lease into what was saved. */
export function observeNodeHealth(
  saved: NodeHealth | undefined,
  node: KubeObject,
  leaseRenewTime: number | undefined,
  nowMs: number,
  t: HealthTimings,
): HealthObservation {
  const current = nodeCondition(node, NodeConditionType.Ready);
  const created = parseTime(node.metadata.creationTimestamp) ?? nowMs;
  let health: NodeHealth | undefined = saved ? { ...saved } : undefined;
  let observedReady: NodeCondition;
  let gracePeriodMs: number;
  if (!current) {
    observedReady = {
      type: NodeConditionType.Ready,
      status: 'Unknown',
      lastHeartbeatTime: node.metadata.creationTimestamp,
      lastTransitionTime: node.metadata.creationTimestamp,
    };
    gracePeriodMs = t.startupGracePeriodMs;
    // A node that never reported is timed from its creation, with the longer startup grace.
    if (health) health.ready = undefined;
    else health = { probeTimestamp: created, readyTransitionTimestamp: created, ready: undefined, leaseRenewTime: undefined };
  } else {
    observedReady = { ...current };
    gracePeriodMs = t.gracePeriodMs;
  }
  const savedReady = saved?.ready;
  const savedLease = saved?.leaseRenewTime;
  if (!health || (savedReady === undefined && current)) {
    health = { probeTimestamp: nowMs, readyTransitionTimestamp: nowMs, ready: current ? { ...current } : undefined, leaseRenewTime: undefined };
  } else if (savedReady && current && savedReady.lastHeartbeatTime !== current.lastHeartbeatTime) {
    const transitioned = savedReady.lastTransitionTime !== current.lastTransitionTime;
    health = {
      probeTimestamp: nowMs,
      readyTransitionTimestamp: transitioned ? nowMs : health.readyTransitionTimestamp,
      ready: { ...current },
      leaseRenewTime: undefined,
    };
  }
  // A renewed Lease is a heartbeat too (and the only one a healthy agent sends between status updates).
  if (leaseRenewTime !== undefined && (savedLease === undefined || savedLease < leaseRenewTime)) {
    health.leaseRenewTime = leaseRenewTime;
    health.probeTimestamp = nowMs;
  } else {
    health.leaseRenewTime = savedLease;
  }
  return { health, observedReady, neverReported: !current, stale: nowMs > health.probeTimestamp + gracePeriodMs };
}
