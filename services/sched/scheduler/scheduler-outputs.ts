// What the scheduler asks of the outside world. services/sched/main.ts implements these with
// the API client (pods/binding, pod status, Events); tests use fakes.
import type { KubeObject } from '../../../lib/api/object.js';
import type { EventRecorder } from '../../../lib/controller/event-recorder.js';

export interface SchedulerBinder {
  /** POST pods/<name>/binding; rejects when the API refuses (the pod is then retried with backoff). */
  bind(pod: KubeObject, nodeName: string): Promise<void>;
}

/** PodScheduled condition reasons (v1.PodReasonUnschedulable, v1.PodReasonSchedulerError). */
export type PodScheduledReason = 'Unschedulable' | 'SchedulerError';

export interface PodConditionWriter {
  /**
   * Sets the pod's PodScheduled condition to status False with this reason and message (the
   * writer stamps lastTransitionTime). Only called when the pod's current condition differs.
   */
  setUnschedulable(pod: KubeObject, reason: PodScheduledReason, message: string): Promise<void>;
}

/** Structurally lib/controller's EventRecorder: FailedScheduling and Scheduled events. */
export type SchedulerEventSink = EventRecorder;
