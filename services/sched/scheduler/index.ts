// kube-scheduler's core for services/sched: feed it informer events, give it a binder, a
// condition writer and an event sink, and run it.
export { Scheduler, truncateEventMessage, nodeUpdateActions, assignedPodUpdateActions } from './scheduler.js';
export type { SchedulerOptions } from './scheduler.js';
export type { SchedulerBinder, PodConditionWriter, PodScheduledReason, SchedulerEventSink } from './scheduler-outputs.js';
export { SchedulerMetrics, LatencySamples } from './metrics.js';
export { SchedulerCache, DEFAULT_ASSUMED_POD_TTL_MS } from './cache/scheduler-cache.js';
export {
  SchedulingQueue,
  DEFAULT_POD_INITIAL_BACKOFF_MS,
  DEFAULT_POD_MAX_BACKOFF_MS,
  DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS,
} from './queue/scheduling-queue.js';
export type { QueuedPodInfo, QueueLocation } from './queue/scheduling-queue.js';
export { schedulePod, SchedulingAlgorithm, numFeasibleNodesToFind } from './schedule-pod.js';
export type { ScheduleOutcome, ScheduleResult, NodeScore, SchedulePodOptions } from './schedule-pod.js';
export { FitError, NoNodesAvailableError, PluginStatusError, PluginConfigError, CacheStateError, fitErrorMessage } from './errors.js';
export type { Diagnosis } from './errors.js';
export { newFramework } from './default-framework.js';
export { Framework } from './framework/framework.js';
export { DEFAULT_PROFILE } from './framework/profile.js';
export type { Profile, PluginConfig } from './framework/profile.js';
export { inTreeRegistry } from './plugins/registry.js';
export { PluginName } from './plugins/names.js';
export { PodInfo, DEFAULT_SCHEDULER_NAME, podUid } from './pod-info.js';
export { NodeInfo } from './node-info.js';
export { CycleState, StateKey } from './framework/cycle-state.js';
export { Code, SUCCESS, SKIP, newStatus, unschedulable, unresolvable, asStatus } from './framework/status.js';
export type { Status, StatusCode } from './framework/status.js';
export { ActionType, ActionTypes } from './framework/cluster-event.js';
export type { ClusterEvent, ClusterEventWithHint, QueueingHint } from './framework/cluster-event.js';
export type {
  ClusterSnapshot,
  FrameworkHandle,
  Plugin,
  AnyPlugin,
  PreFilterPlugin,
  FilterPlugin,
  PreScorePlugin,
  ScorePlugin,
  ReservePlugin,
  EnqueueExtensions,
  PluginFactory,
  Registry,
} from './framework/interfaces.js';
