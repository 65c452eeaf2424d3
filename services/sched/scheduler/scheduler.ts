// The scheduler: informer events feed the cache (bound pods, nodes) and the queue (pending
// pods of this scheduler); each attempt pops a pod, runs the algorithm synchronously, assumes
// the pod on the chosen node and starts its binding, which completes while later attempts
// run. Failures become a FailedScheduling event and a PodScheduled=False condition, and the
// pod waits in the queue for an event that may help.
import type { KubeObject } from '../../../lib/api/object.js';
import type { Clock } from '../../../lib/controller/clock.js';
import { realClock } from '../../../lib/controller/clock.js';
import type { Logger } from '../../../lib/controller/informer.js';
import { arrayOf, recordOf, statusOf, stringOf } from './api-fields.js';
import { SchedulerCache } from './cache/scheduler-cache.js';
import { newFramework } from './default-framework.js';
import { FitError, NoNodesAvailableError } from './errors.js';
import type { ClusterEvent } from './framework/cluster-event.js';
import { ActionType } from './framework/cluster-event.js';
import { CycleState } from './framework/cycle-state.js';
import type { Framework } from './framework/framework.js';
import type { Registry } from './framework/interfaces.js';
import type { Profile } from './framework/profile.js';
import { DEFAULT_PROFILE } from './framework/profile.js';
import { Code, statusMessage } from './framework/status.js';
import { SchedulerMetrics } from './metrics.js';
import { NodeInfo } from './node-info.js';
import { PodInfo } from './pod-info.js';
import type { QueuedPodInfo } from './queue/scheduling-queue.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { SchedulingAlgorithm } from './schedule-pod.js';
import type { PodConditionWriter, PodScheduledReason, SchedulerBinder, SchedulerEventSink } from './scheduler-outputs.js';

/** events.NoteLengthLimit: longer event messages are cut and end in " ...". */
const NOTE_LENGTH_LIMIT = 1024;
/** run() lets I/O in (bind responses, watch events) after this many attempts in a row. */
const ATTEMPTS_PER_YIELD = 16;

export interface SchedulerOptions {
  binder: SchedulerBinder;
  conditions: PodConditionWriter;
  events: SchedulerEventSink;
  clock?: Clock;
  /** Uniform in [0, 1); breaks ties between equally scored nodes. Math.random by default. */
  random?: () => number;
  profile?: Profile;
  registry?: Registry;
  /** 0/unset: adaptive (50 - nodes/125 percent, at least 5 %, at least 100 nodes). */
  percentageOfNodesToScore?: number;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsDurationMs?: number;
  assumedPodTtlMs?: number;
  log?: Logger;
  /** High-resolution clock for latency metrics; performance.now by default. */
  monotonicNow?: () => number;
  /** How run() yields to the event loop; setImmediate by default. */
  yieldToEventLoop?: () => Promise<void>;
}

export function truncateEventMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

/** Whether the pod already has PodScheduled=False with this reason and message. */
function hasCondition(pod: KubeObject, reason: string, message: string): boolean {
  for (const c of arrayOf(statusOf(pod).conditions)) {
    const cond = recordOf(c);
    if (stringOf(cond?.type) !== 'PodScheduled') continue;
    return stringOf(cond?.status) === 'False' && stringOf(cond?.reason) === reason && stringOf(cond?.message) === message;
  }
  return false;
}

function sameMap(a: ReadonlyMap<string, number> | undefined, b: ReadonlyMap<string, number> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const [k, v] of a ?? []) if (b?.get(k) !== v) return false;
  return true;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/** The ActionType bits of a node update that could change a scheduling decision. */
export function nodeUpdateActions(before: NodeInfo, after: NodeInfo): number {
  let actions = 0;
  const a = before.allocatable;
  const b = after.allocatable;
  if (
    a.milliCPU !== b.milliCPU ||
    a.memory !== b.memory ||
    a.ephemeralStorage !== b.ephemeralStorage ||
    a.allowedPodNumber !== b.allowedPodNumber ||
    !sameMap(a.scalar, b.scalar)
  ) {
    actions |= ActionType.UpdateNodeAllocatable;
  }
  if (!sameLabels(before.labels, after.labels)) actions |= ActionType.UpdateNodeLabel;
  if (
    before.taints.length !== after.taints.length ||
    before.taints.some((t, i) => t.key !== after.taints[i]?.key || t.value !== after.taints[i]?.value || t.effect !== after.taints[i]?.effect)
  ) {
    actions |= ActionType.UpdateNodeTaint;
  }
  if (before.unschedulable !== after.unschedulable) actions |= ActionType.UpdateNodeUnschedulable;
  return actions;
}

/** The ActionType bits of a bound pod's update that could free room or change spreading. */
export function assignedPodUpdateActions(before: PodInfo, after: PodInfo): number {
  let actions = 0;
  if (!sameLabels(before.labels, after.labels)) actions |= ActionType.UpdatePodLabel;
  const a = before.requests;
  const b = after.requests;
  let shrank = b.milliCPU < a.milliCPU || b.memory < a.memory || b.ephemeralStorage < a.ephemeralStorage;
  for (const [k, v] of a.scalar ?? []) if ((b.scalar?.get(k) ?? 0) < v) shrank = true;
  if (shrank) actions |= ActionType.UpdatePodScaleDown;
  if (before.terminating !== after.terminating) actions |= ActionType.UpdatePodOther;
  return actions;
}

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly metrics = new SchedulerMetrics();
  private readonly algorithm: SchedulingAlgorithm;
  private readonly binder: SchedulerBinder;
  private readonly conditions: PodConditionWriter;
  private readonly events: SchedulerEventSink;
  private readonly log: Logger;
  private readonly mono: () => number;
  private readonly yieldToEventLoop: () => Promise<void>;
  /** Bindings and condition writes still running. */
  private readonly pending = new Set<Promise<void>>();

  constructor(opts: SchedulerOptions) {
    const clock = opts.clock ?? realClock;
    this.binder = opts.binder;
    this.conditions = opts.conditions;
    this.events = opts.events;
    this.log = opts.log ?? (() => {});
    this.mono = opts.monotonicNow ?? (() => performance.now());
    this.yieldToEventLoop = opts.yieldToEventLoop ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.cache = new SchedulerCache({ clock, log: this.log, ...(opts.assumedPodTtlMs !== undefined ? { assumedPodTtlMs: opts.assumedPodTtlMs } : {}) });
    this.framework = newFramework(this.cache, opts.profile ?? DEFAULT_PROFILE, opts.registry);
    this.algorithm = new SchedulingAlgorithm(this.framework, this.cache, {
      random: opts.random ?? Math.random,
      ...(opts.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: opts.percentageOfNodesToScore } : {}),
    });
    const fw = this.framework;
    this.queue = new SchedulingQueue({
      clock,
      log: this.log,
      monotonicNow: this.mono,
      isPodWorthRequeuing: (pod, rejectors, event) => fw.isPodWorthRequeuing(pod, rejectors, event),
      ...(opts.podInitialBackoffMs !== undefined ? { podInitialBackoffMs: opts.podInitialBackoffMs } : {}),
      ...(opts.podMaxBackoffMs !== undefined ? { podMaxBackoffMs: opts.podMaxBackoffMs } : {}),
      ...(opts.podMaxInUnschedulablePodsDurationMs !== undefined
        ? { podMaxInUnschedulablePodsDurationMs: opts.podMaxInUnschedulablePodsDurationMs }
        : {}),
    });
  }

  // ---- which pods are whose ----

  /** A pending pod of this scheduler: unbound, not being deleted, not finished. */
  isPendingPod(pod: PodInfo): boolean {
    return pod.nodeName === '' && pod.schedulerName === this.framework.schedulerName && !pod.terminating && !pod.terminal;
  }

  /** A pod that occupies its node (any scheduler's): bound and not finished. */
  private isAssignedPod(pod: PodInfo): boolean {
    return pod.nodeName !== '' && !pod.terminal;
  }

  // ---- informer handlers ----

  onNodeAdd(node: KubeObject): void {
    const ni = this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoffQueue({ resource: 'Node', actions: ActionType.Add, label: 'NodeAdd', newNode: ni });
  }

  onNodeUpdate(oldNode: KubeObject, node: KubeObject): void {
    const before = new NodeInfo(oldNode.metadata.name ?? '');
    before.setNode(oldNode);
    const after = this.cache.updateNode(oldNode, node);
    const actions = nodeUpdateActions(before, after);
    if (actions !== 0) {
      this.queue.moveAllToActiveOrBackoffQueue({ resource: 'Node', actions, label: 'NodeUpdate', oldNode: before, newNode: after });
    }
  }

  onNodeDelete(node: KubeObject): void {
    const before = new NodeInfo(node.metadata.name ?? '');
    before.setNode(node);
    this.cache.removeNode(node);
    this.queue.moveAllToActiveOrBackoffQueue({ resource: 'Node', actions: ActionType.Delete, label: 'NodeDelete', oldNode: before });
  }

  onPodAdd(pod: KubeObject): void {
    const pi = new PodInfo(pod);
    if (this.isAssignedPod(pi)) {
      this.cache.addPod(pi);
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Add, label: 'AssignedPodAdd', newPod: pi });
    } else if (this.isPendingPod(pi) && !this.cache.isAssumed(pi.uid)) {
      this.queue.add(pi);
    }
  }

  onPodUpdate(oldPod: KubeObject, pod: KubeObject): void {
    const rv = pod.metadata.resourceVersion;
    // A resync repeats the object; nothing changed.
    if (rv !== undefined && rv === oldPod.metadata.resourceVersion) return;
    const before = this.knownPodInfo(oldPod) ?? new PodInfo(oldPod);
    const after = new PodInfo(pod);

    const wasPending = this.isPendingPod(before);
    if (this.isPendingPod(after)) {
      // A pod assumed and bound but not yet seen bound must not be queued again; one still
      // being bound only has its newest version recorded.
      if (!this.cache.isAssumed(after.uid) || this.queue.location(after.key) === 'inFlight') {
        if (wasPending) this.queue.update(oldPod, after);
        else this.queue.add(after);
      }
    } else if (wasPending) {
      this.queue.delete(after.key);
    }

    const wasAssigned = this.isAssignedPod(before);
    const isAssigned = this.isAssignedPod(after);
    if (isAssigned && !wasAssigned) {
      this.cache.addPod(after);
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Add, label: 'AssignedPodAdd', newPod: after });
    } else if (isAssigned) {
      this.cache.updatePod(before, after);
      const actions = assignedPodUpdateActions(before, after);
      if (actions !== 0) this.moveAll({ resource: 'AssignedPod', actions, label: 'AssignedPodUpdate', oldPod: before, newPod: after });
    } else if (wasAssigned) {
      // Finished (Succeeded/Failed): its node assignment is freed.
      this.cache.removePod(before);
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'AssignedPodDelete', oldPod: before });
    }
  }

  onPodDelete(pod: KubeObject): void {
    const pi = new PodInfo(pod);
    this.queue.delete(pi.key);
    if (pi.nodeName !== '' || this.cache.nodeOf(pi.uid) !== undefined) {
      this.cache.removePod(pi);
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'AssignedPodDelete', oldPod: pi });
    }
  }

  /** The PodInfo already parsed for this very object (queued or cached), to skip re-parsing. */
  private knownPodInfo(obj: KubeObject): PodInfo | undefined {
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const queued = this.queue.get(key)?.podInfo;
    if (queued?.pod === obj) return queued;
    const cached = this.cache.podInfoOf(obj.metadata.uid || key);
    return cached?.pod === obj ? cached : undefined;
  }

  // ---- scheduling ----

  /**
   * One attempt, if a pod is in the active queue (false if none; does not wait). Resolves
   * once the attempt is over, its binding included.
   */
  async scheduleOne(): Promise<boolean> {
    const qpi = this.queue.pop();
    if (!qpi) return false;
    const binding = this.scheduleCycle(qpi);
    if (binding) await binding;
    return true;
  }

  /** Attempts pods as they become ready until the signal aborts; bindings overlap later attempts. */
  async run(signal: AbortSignal): Promise<void> {
    let sinceYield = 0;
    while (!signal.aborted) {
      const qpi = this.queue.pop() ?? (await this.queue.popWait(signal));
      if (!qpi) break;
      void this.scheduleCycle(qpi);
      if (++sinceYield >= ATTEMPTS_PER_YIELD) {
        sinceYield = 0;
        await this.yieldToEventLoop();
      }
    }
  }

  /** Resolves when every binding and status write started so far has finished. */
  async waitForPending(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Stops the queue's and the cache's timers; popWait() and run() return. */
  close(): void {
    this.queue.close();
    this.cache.close();
  }

  /**
   * The scheduling cycle: synchronous from pop to assume, so no event lands in between.
   * Returns the binding under way (already tracked; never rejects), if the pod was placed.
   */
  private scheduleCycle(qpi: QueuedPodInfo): Promise<void> | undefined {
    const started = this.mono();
    this.metrics.attempts++;
    const pod = this.queue.latestInFlight(qpi.key);
    // skipPodSchedule: deleted, being deleted, or already placed while it waited.
    if (!pod || pod.terminating || this.cache.nodeOf(pod.uid) !== undefined) {
      this.queue.done(qpi.key);
      return undefined;
    }
    qpi.podInfo = pod;
    const state = new CycleState();
    const outcome = this.algorithm.schedule(state, pod);
    if (!outcome.ok) {
      const err = outcome.error;
      if (err instanceof FitError) {
        this.metrics.unschedulable++;
        this.fail(qpi, 'Unschedulable', err.message, err.diagnosis.unschedulablePlugins);
      } else {
        // No nodes at all is UnschedulableAndUnresolvable in Kubernetes, with no plugin to wait for.
        const reason: PodScheduledReason = err instanceof NoNodesAvailableError ? 'Unschedulable' : 'SchedulerError';
        if (reason === 'Unschedulable') this.metrics.unschedulable++;
        else this.metrics.errors++;
        this.fail(qpi, reason, err.message, new Set());
      }
      this.metrics.attemptDurationsMs.push(this.mono() - started);
      return undefined;
    }
    const nodeName = outcome.result.suggestedHost;
    this.cache.assumePod(pod, nodeName);
    const reserved = this.framework.runReservePluginsReserve(state, pod, nodeName);
    if (reserved.code !== Code.Success) {
      this.framework.runReservePluginsUnreserve(state, pod, nodeName);
      this.cache.forgetPod(pod);
      this.metrics.errors++;
      const message = reserved.code === Code.Error ? `running Reserve plugin "${reserved.plugin ?? ''}": ${statusMessage(reserved)}` : statusMessage(reserved);
      this.fail(qpi, reserved.code === Code.Error ? 'SchedulerError' : 'Unschedulable', message, reserved.plugin && reserved.code !== Code.Error ? new Set([reserved.plugin]) : new Set());
      this.metrics.attemptDurationsMs.push(this.mono() - started);
      return undefined;
    }
    this.metrics.attemptDurationsMs.push(this.mono() - started);
    return this.track(this.bindingCycle(qpi, state, pod, nodeName));
  }

  private async bindingCycle(qpi: QueuedPodInfo, state: CycleState, pod: PodInfo, nodeName: string): Promise<void> {
    try {
      await this.binder.bind(pod.pod, nodeName);
    } catch (err) {
      this.log('scheduler: binding failed', { pod: pod.key, node: nodeName, error: String(err) });
      try {
        this.cache.forgetPod(pod);
      } catch (forgetErr) {
        this.log('scheduler: forgetting the assumed pod failed', { pod: pod.key, error: String(forgetErr) });
      }
      this.framework.runReservePluginsUnreserve(state, pod, nodeName);
      // The room the pod held is free again: other pods may fit now.
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'AssignedPodDelete', oldPod: pod }, (q) => q.key !== qpi.key);
      this.metrics.errors++;
      const message = err instanceof Error ? err.message : String(err);
      this.fail(qpi, 'SchedulerError', `running Bind plugin "DefaultBinder": ${message}`, new Set());
      return;
    }
    this.cache.finishBinding(pod);
    this.metrics.scheduled++;
    this.metrics.e2eDurationsMs.push(this.mono() - qpi.initialEnqueueMono);
    this.events.event(pod.pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.namespace}/${pod.name} to ${nodeName}`);
    this.queue.done(qpi.key);
  }

  /** handleSchedulingFailure: requeue, then tell the pod's owner why (event and condition). */
  private fail(qpi: QueuedPodInfo, reason: PodScheduledReason, message: string, rejectors: Set<string>): void {
    qpi.unschedulablePlugins = rejectors;
    const where = this.queue.requeueAfterFailure(qpi);
    if (where === undefined) {
      this.log('scheduler: pod no longer pending; not retried', { pod: qpi.key });
      return;
    }
    const pod = qpi.podInfo.pod;
    this.log('scheduler: unable to schedule pod', { pod: qpi.key, reason, message, requeuedTo: where });
    this.events.event(pod, 'Warning', 'FailedScheduling', truncateEventMessage(message));
    if (!hasCondition(pod, reason, message)) {
      void this.track(
        this.conditions.setUnschedulable(pod, reason, message).catch((err: unknown) => {
          this.log('scheduler: updating the PodScheduled condition failed', { pod: qpi.key, error: String(err) });
        }),
      );
    }
  }

  private moveAll(event: ClusterEvent, preCheck?: (q: QueuedPodInfo) => boolean): void {
    this.queue.moveAllToActiveOrBackoffQueue(event, preCheck);
  }

  private track(p: Promise<void>): Promise<void> {
    const tracked = p.catch((err: unknown) => {
      this.log('scheduler: unexpected failure', { error: String(err) });
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
    return tracked;
  }
}
