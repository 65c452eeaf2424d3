// The scheduling queue (internal/queue.PriorityQueue). Pods waiting to be scheduled live in
// exactly one place:
//   active         ready now, highest spec.priority first, then oldest timestamp
//   backoff        failed recently; each failure doubles the wait (1 s, 2 s, ... 10 s)
//   unschedulable  no node fit; moved back when an event one of the rejecting plugins cares
//                  about happens, or after 5 minutes regardless
//   gated          spec.schedulingGates not yet empty
//   in flight      popped, being scheduled or bound
// One pod is never held twice: an updated pod replaces its queued copy, a deleted one leaves.
import type { KubeObject } from '../../../../lib/api/object.js';
import type { Clock, TimerHandle } from '../../../../lib/controller/clock.js';
import type { Logger } from '../../../../lib/controller/informer.js';
import type { ClusterEvent } from '../framework/cluster-event.js';
import { UNSCHEDULABLE_TIMEOUT } from '../framework/cluster-event.js';
import type { PodInfo } from '../pod-info.js';
import { KeyedHeap } from './keyed-heap.js';
import { isPodUpdated } from './pod-updated.js';

/** podInitialBackoffSeconds. */
export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
/** podMaxBackoffSeconds. */
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
/** podMaxInUnschedulablePodsDuration. */
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS = 5 * 60_000;

export interface QueuedPodInfo {
  podInfo: PodInfo;
  readonly key: string;
  /** When the pod was last (re)added: orders the active queue; backoff counts from it. */
  timestamp: number;
  /** Clock time the pod first entered the queue. */
  readonly initialEnqueueTimestamp: number;
  /** monotonicNow() when the pod first entered the queue, for end-to-end latency. */
  readonly initialEnqueueMono: number;
  /** Scheduling attempts so far (counted at pop). */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt; empty after an error. */
  unschedulablePlugins: Set<string>;
}

export type QueueLocation = 'active' | 'backoff' | 'unschedulable' | 'gated' | 'inFlight';

export interface SchedulingQueueOptions {
  clock: Clock;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsDurationMs?: number;
  /** Whether an event may help a pod the given plugins rejected (the framework's answer). */
  isPodWorthRequeuing?: (pod: PodInfo, rejectors: ReadonlySet<string>, event: ClusterEvent) => boolean;
  /** High-resolution clock for latency stamps (performance.now by default). */
  monotonicNow?: () => number;
  log?: Logger;
}

interface InFlight {
  qpi: QueuedPodInfo;
  /** The newest version seen while in flight; undefined once deleted. */
  latest: PodInfo | undefined;
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly worth: (pod: PodInfo, rejectors: ReadonlySet<string>, event: ClusterEvent) => boolean;
  private readonly mono: () => number;
  private readonly log: Logger;
  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly gated = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, InFlight>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private backoffTimer: TimerHandle | undefined;
  private backoffTimerAt = Number.POSITIVE_INFINITY;
  private leftoverTimer: TimerHandle | undefined;

  constructor(opts: SchedulingQueueOptions) {
    this.clock = opts.clock;
    this.initialBackoffMs = opts.podInitialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.maxBackoffMs = opts.podMaxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
    this.maxInUnschedulableMs = opts.podMaxInUnschedulablePodsDurationMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS;
    this.worth = opts.isPodWorthRequeuing ?? (() => true);
    this.mono = opts.monotonicNow ?? (() => performance.now());
    this.log = opts.log ?? (() => {});
    this.activeQ = new KeyedHeap(
      (q) => q.key,
      (a, b) => a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && a.timestamp < b.timestamp),
    );
    this.backoffQ = new KeyedHeap(
      (q) => q.key,
      (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
    );
  }

  // ---- sizes and lookups ----

  get activeCount(): number {
    return this.activeQ.size;
  }
  get backoffCount(): number {
    return this.backoffQ.size;
  }
  get unschedulableCount(): number {
    return this.unschedulable.size;
  }
  get gatedCount(): number {
    return this.gated.size;
  }
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Where the pod with this namespace/name key is, if anywhere. */
  location(key: string): QueueLocation | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.gated.has(key)) return 'gated';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  get(key: string): QueuedPodInfo | undefined {
    return (
      this.activeQ.get(key) ??
      this.backoffQ.get(key) ??
      this.unschedulable.get(key) ??
      this.gated.get(key) ??
      this.inFlight.get(key)?.qpi
    );
  }

  /** Pods waiting in the active queue, in no particular order. */
  activePods(): readonly QueuedPodInfo[] {
    return this.activeQ.values();
  }

  /** calculateBackoffDuration: initial × 2^(attempts-1), at most the max; none before the first attempt. */
  backoffDurationMs(attempts: number): number {
    if (attempts === 0) return 0;
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoffMs - d) return this.maxBackoffMs;
      d += d;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDurationMs(q.attempts);
  }

  isBackingOff(q: QueuedPodInfo): boolean {
    return this.backoffExpiry(q) > this.clock.now();
  }

  // ---- informer-driven changes ----

  /** A new pending pod (or one seen again: then it is an update). */
  add(pod: PodInfo): void {
    if (this.closed) return;
    const flight = this.inFlight.get(pod.key);
    if (flight) {
      flight.latest = pod;
      return;
    }
    if (this.location(pod.key) !== undefined) {
      this.update(undefined, pod);
      return;
    }
    const now = this.clock.now();
    const qpi: QueuedPodInfo = {
      podInfo: pod,
      key: pod.key,
      timestamp: now,
      initialEnqueueTimestamp: now,
      initialEnqueueMono: this.mono(),
      attempts: 0,
      unschedulablePlugins: new Set(),
    };
    if (pod.gated) this.gated.set(pod.key, qpi);
    else this.pushActive(qpi);
  }

  /** The pending pod changed; `oldPod` is the previous version when the informer has it. */
  update(oldPod: KubeObject | undefined, pod: PodInfo): void {
    if (this.closed) return;
    const key = pod.key;
    const flight = this.inFlight.get(key);
    if (flight) {
      flight.latest = pod;
      return;
    }
    const active = this.activeQ.get(key);
    if (active) {
      active.podInfo = pod;
      this.activeQ.addOrUpdate(active);
      return;
    }
    const backoff = this.backoffQ.get(key);
    if (backoff) {
      backoff.podInfo = pod;
      return;
    }
    const gated = this.gated.get(key);
    if (gated) {
      gated.podInfo = pod;
      if (!pod.gated) {
        this.gated.delete(key);
        this.pushActive(gated);
      }
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      const before = oldPod ?? parked.podInfo.pod;
      parked.podInfo = pod;
      // Only a change to what the pod asks for can change the outcome; status writes cannot.
      if (isPodUpdated(before, pod.pod)) {
        this.unschedulable.delete(key);
        this.requeueMoved(parked);
      }
      return;
    }
    this.add(pod);
  }

  delete(key: string): void {
    const flight = this.inFlight.get(key);
    if (flight) flight.latest = undefined;
    this.activeQ.delete(key);
    if (this.backoffQ.delete(key)) this.armBackoffTimer();
    this.unschedulable.delete(key);
    this.gated.delete(key);
  }

  // ---- the scheduling loop's side ----

  /** Takes the next pod from the active queue (it is then in flight until done()). */
  pop(): QueuedPodInfo | undefined {
    const qpi = this.activeQ.pop();
    if (!qpi) return undefined;
    qpi.attempts++;
    this.inFlight.set(qpi.key, { qpi, latest: qpi.podInfo });
    return qpi;
  }

  /** pop(), waiting for a pod when the active queue is empty; undefined once closed or aborted. */
  async popWait(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const qpi = this.pop();
      if (qpi) return qpi;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  /** The newest version of an in-flight pod; undefined when it was deleted meanwhile. */
  latestInFlight(key: string): PodInfo | undefined {
    return this.inFlight.get(key)?.latest;
  }

  /** The attempt is over (scheduled and bound, or given up). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * AddUnschedulableIfNotPresent: after a failed attempt, puts the pod (its newest version)
   * back: into backoff when no plugin rejected it (an error) or it changed while in flight,
   * otherwise among the unschedulable pods. Ends the attempt. Returns where it went, or
   * undefined when the pod was deleted meanwhile.
   */
  requeueAfterFailure(qpi: QueuedPodInfo): QueueLocation | undefined {
    const flight = this.inFlight.get(qpi.key);
    this.inFlight.delete(qpi.key);
    if (this.closed || !flight || flight.latest === undefined || this.location(qpi.key) !== undefined) return undefined;
    const changed = flight.latest !== qpi.podInfo && isPodUpdated(qpi.podInfo.pod, flight.latest.pod);
    qpi.podInfo = flight.latest;
    qpi.timestamp = this.clock.now();
    if (qpi.unschedulablePlugins.size === 0 || changed) {
      this.backoffQ.addOrUpdate(qpi);
      this.armBackoffTimer();
      return 'backoff';
    }
    this.unschedulable.set(qpi.key, qpi);
    this.armLeftoverTimer();
    return 'unschedulable';
  }

  /**
   * MoveAllToActiveOrBackoffQueue: unschedulable pods that `event` may help go back to the
   * active queue, or to backoff if their backoff has not run out. Returns how many moved.
   */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, preCheck?: (q: QueuedPodInfo) => boolean): number {
    let moved = 0;
    for (const [key, qpi] of this.unschedulable) {
      if (preCheck && !preCheck(qpi)) continue;
      if (!this.worth(qpi.podInfo, qpi.unschedulablePlugins, event)) continue;
      this.unschedulable.delete(key);
      this.requeueMoved(qpi);
      moved++;
    }
    if (moved > 0) this.log('scheduling queue: moved unschedulable pods', { event: event.label, moved });
    return moved;
  }

  /** flushBackoffQCompleted: pods whose backoff ran out become active. */
  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (let top = this.backoffQ.peek(); top && this.backoffExpiry(top) <= now; top = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.pushActive(top);
    }
    this.armBackoffTimer();
  }

  /** flushUnschedulablePodsLeftover: pods unschedulable for podMaxInUnschedulablePodsDuration are retried anyway. */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    let moved = 0;
    for (const [key, qpi] of this.unschedulable) {
      if (now - qpi.timestamp < this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeueMoved(qpi);
      moved++;
    }
    if (moved > 0) this.log('scheduling queue: retrying long-unschedulable pods', { event: UNSCHEDULABLE_TIMEOUT.label, moved });
    this.armLeftoverTimer();
  }

  /** Stops the timers and wakes every popWait() with undefined. */
  close(): void {
    this.closed = true;
    this.backoffTimer?.cancel();
    this.backoffTimer = undefined;
    this.backoffTimerAt = Number.POSITIVE_INFINITY;
    this.leftoverTimer?.cancel();
    this.leftoverTimer = undefined;
    this.wake();
  }

  // ---- internals ----

  private pushActive(qpi: QueuedPodInfo): void {
    this.activeQ.addOrUpdate(qpi);
    this.wake();
  }

  private requeueMoved(qpi: QueuedPodInfo): void {
    if (this.isBackingOff(qpi)) {
      this.backoffQ.addOrUpdate(qpi);
      this.armBackoffTimer();
    } else {
      this.pushActive(qpi);
    }
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private armBackoffTimer(): void {
    if (this.closed) return;
    const top = this.backoffQ.peek();
    if (!top) {
      this.backoffTimer?.cancel();
      this.backoffTimer = undefined;
      this.backoffTimerAt = Number.POSITIVE_INFINITY;
      return;
    }
    const at = this.backoffExpiry(top);
    if (this.backoffTimer && this.backoffTimerAt === at) return;
    this.backoffTimer?.cancel();
    this.backoffTimerAt = at;
    this.backoffTimer = this.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.backoffTimerAt = Number.POSITIVE_INFINITY;
      this.flushBackoffCompleted();
    }, at - this.clock.now());
  }

  private armLeftoverTimer(): void {
    if (this.closed || this.leftoverTimer) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const q of this.unschedulable.values()) if (q.timestamp < oldest) oldest = q.timestamp;
    if (oldest === Number.POSITIVE_INFINITY) return;
    this.leftoverTimer = this.clock.setTimeout(() => {
      this.leftoverTimer = undefined;
      this.flushUnschedulableLeftover();
    }, oldest + this.maxInUnschedulableMs - this.clock.now());
  }
}
