// framework.ClusterEvent: a change in the cluster that may make an unschedulable pod
// schedulable. Plugins register the events that can undo their own rejections (EnqueueExtensions),
// optionally with a queueing hint that looks at the changed object; the queue moves a pod
// back only on events some plugin that rejected it cares about.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

/** Bit flags, combinable, as framework.ActionType. */
export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  UpdateNodeTaint: 16,
  /** spec.unschedulable changed. */
  UpdateNodeUnschedulable: 32,
  UpdatePodLabel: 64,
  /** A pod's requests shrank. */
  UpdatePodScaleDown: 128,
  /** Any other change to a pod (including it becoming terminating). */
  UpdatePodOther: 256,
} as const;

export const ActionTypes = {
  NodeUpdate:
    ActionType.UpdateNodeAllocatable | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint | ActionType.UpdateNodeUnschedulable,
  PodUpdate: ActionType.UpdatePodLabel | ActionType.UpdatePodScaleDown | ActionType.UpdatePodOther,
  All: 511,
} as const;

export type EventResource = 'Node' | 'AssignedPod' | 'WildCard';

export interface ClusterEvent {
  readonly resource: EventResource;
  /** ActionType bits. */
  readonly actions: number;
  /** For logs and metrics, e.g. "NodeAdd". */
  readonly label: string;
  readonly oldNode?: NodeInfo;
  readonly newNode?: NodeInfo;
  readonly oldPod?: PodInfo;
  readonly newPod?: PodInfo;
}

export type QueueingHint = 'Queue' | 'QueueSkip';

export interface ClusterEventWithHint {
  readonly resource: EventResource;
  readonly actions: number;
  /** Absent: every matching event queues the pod. */
  readonly hint?: (pod: PodInfo, event: ClusterEvent) => QueueingHint;
}

/** Moves every unschedulable pod: the periodic flush and other catch-all triggers. */
export const UNSCHEDULABLE_TIMEOUT: ClusterEvent = Object.freeze({ resource: 'WildCard', actions: ActionTypes.All, label: 'UnschedulableTimeout' });

export function eventMatches(registered: ClusterEventWithHint, event: ClusterEvent): boolean {
  if (event.resource === 'WildCard' || registered.resource === 'WildCard') return true;
  return registered.resource === event.resource && (registered.actions & event.actions) !== 0;
}
