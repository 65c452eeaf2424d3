// The taint eviction controller (pkg/controller/tainteviction, "NoExecute taint manager"):
// pods bound to a node with NoExecute taints are deleted at once when they do not tolerate
// one of them, after the smallest tolerationSeconds when every matching toleration has one,
// and never when a matching toleration has none. A taint removed before the deadline cancels
// the eviction. The pod's owner replaces a deleted pod elsewhere.
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import type { TimerHandle } from '../../../../lib/controller/clock.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { Resources, objectKey, splitKey } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import { podNodeName } from '../pod-util.js';
import { formatTime, parseTime } from '../../../../lib/api/time.js';
import { addPodNodeNameIndex, podsOnNode } from './pods-by-node.js';
import type { Taint } from '../../../../lib/api/taints.js';
import { matchingTolerations, noExecuteTaints, podTolerations } from '../../../../lib/api/taints.js';

interface ScheduledEviction {
  /** When the deadline of a taint without timeAdded is counted from: when this controller first scheduled it. */
  startedAt: number;
  deadline: number;
  timer: TimerHandle;
  /** The timer went off. A timer may fire a moment before its deadline by the wall clock, and
   *  the sync it starts then schedules the same deadline again: that must re-arm it. */
  fired: boolean;
}

/** What should happen to one pod now. */
export type EvictionDecision =
  | { action: 'none' }
  | { action: 'evict' }
  | { action: 'wait'; deadline: number };

/**
 * processPodOnNode's rule: untolerated → evict now; every matching toleration has
 * tolerationSeconds → evict at the earliest taint time + seconds; otherwise never.
 * `startedAt` stands in for a taint's timeAdded when it has none.
 */
export function decideEviction(taints: readonly Taint[], pod: KubeObject, startedAt: number, nowMs: number): EvictionDecision {
  if (taints.length === 0) return { action: 'none' };
  const match = matchingTolerations(taints, podTolerations(pod));
  if (!match.allTolerated) return { action: 'evict' };
  let deadline = Infinity;
  match.used.forEach((tol, i) => {
    if (tol.tolerationSeconds === undefined) return;
    const since = parseTime(taints[i]?.timeAdded) ?? startedAt;
    deadline = Math.min(deadline, since + Math.max(0, tol.tolerationSeconds) * 1000);
  });
  if (deadline === Infinity) return { action: 'none' };
  return deadline <= nowMs ? { action: 'evict' } : { action: 'wait', deadline };
}

function tolerationsOf(pod: KubeObject): string {
  return JSON.stringify(isRecord(pod.spec) ? (pod.spec.tolerations ?? []) : []);
}

function noExecuteTaintsOf(node: KubeObject): string {
  return JSON.stringify(noExecuteTaints(node));
}

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  /** Pod keys. */
  readonly queue: WorkQueue;
  private readonly nodes: Informer;
  private readonly pods: Informer;
  private readonly scheduled = new Map<string, ScheduledEviction>();

  constructor(private readonly deps: ControllerDeps) {
    this.queue = new WorkQueue({ clock: deps.clock });
    this.nodes = deps.informers.for(Resources.nodes);
    this.pods = deps.informers.for(Resources.pods);
    addPodNodeNameIndex(this.pods.cache);
    this.pods.addEventHandler({
      onAdd: (p) => this.queue.add(objectKey(p)),
      onUpdate: (old, p) => {
        if (podNodeName(old) !== podNodeName(p) || tolerationsOf(old) !== tolerationsOf(p)) this.queue.add(objectKey(p));
      },
      onDelete: (p) => this.queue.add(objectKey(p)),
    });
    this.nodes.addEventHandler({
      onAdd: (n) => this.enqueuePodsOn(n),
      onUpdate: (old, n) => {
        if (noExecuteTaintsOf(old) !== noExecuteTaintsOf(n)) this.enqueuePodsOn(n);
      },
      onDelete: (n) => this.enqueuePodsOn(n),
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.nodes.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (signal.aborted) return;
    signal.addEventListener('abort', () => this.cancelAll(), { once: true });
    await runWorkers(this.name, this.queue, (k) => this.sync(k), workers, signal, this.deps.log);
  }

  /** Evictions waiting for their deadline, by pod key (for tests and debugging). */
  pendingEvictions(): ReadonlyMap<string, number> {
    return new Map([...this.scheduled].map(([k, s]) => [k, s.deadline]));
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.cache.get(key);
    if (!pod) {
      this.cancel(key, true);
      return;
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      // Already on its way out; deleting it again changes nothing.
      this.cancel(key, false);
      return;
    }
    const nodeName = podNodeName(pod);
    const node = nodeName === '' ? undefined : this.nodes.cache.getByName('', nodeName);
    const taints = node ? noExecuteTaints(node) : [];
    const now = this.deps.clock.now();
    const decision = decideEviction(taints, pod, this.scheduled.get(key)?.startedAt ?? now, now);
    switch (decision.action) {
      case 'none':
        this.cancel(key, true);
        return;
      case 'evict':
        this.cancel(key, false);
        await this.evict(pod);
        return;
      case 'wait':
        this.schedule(key, decision.deadline, now);
        return;
    }
  }

  private enqueuePodsOn(node: KubeObject): void {
    for (const pod of podsOnNode(this.pods.cache, node.metadata.name ?? '')) this.queue.add(objectKey(pod));
  }

  private schedule(key: string, deadline: number, now: number): void {
    const prev = this.scheduled.get(key);
    if (prev?.deadline === deadline && !prev.fired) return;
    prev?.timer.cancel();
    const entry: ScheduledEviction = { startedAt: prev?.startedAt ?? now, deadline, fired: false, timer: { cancel: () => undefined } };
    entry.timer = this.deps.clock.setTimeout(() => {
      entry.fired = true;
      this.queue.add(key);
    }, Math.max(1, deadline - now));
    this.scheduled.set(key, entry);
  }

  /** Drops a scheduled eviction; `announce` records the cancellation as Kubernetes does. */
  private cancel(key: string, announce: boolean): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    s.timer.cancel();
    this.scheduled.delete(key);
    if (!announce) return;
    const { namespace, name } = splitKey(key);
    this.deps.recorder.event(
      { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name } },
      'Normal',
      'TaintManagerEviction',
      `Cancelling deletion of Pod ${key}`,
    );
  }

  private cancelAll(): void {
    for (const s of this.scheduled.values()) s.timer.cancel();
    this.scheduled.clear();
  }

  /** addConditionAndDeletePod: a DisruptionTarget condition says why, then a normal delete. */
  private async evict(cached: KubeObject): Promise<void> {
    const namespace = cached.metadata.namespace ?? '';
    const name = cached.metadata.name ?? '';
    this.deps.recorder.event(cached, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${namespace}/${name}`);
    const status = isRecord(cached.status) ? cached.status : {};
    const conditions = Array.isArray(status.conditions) ? status.conditions : [];
    const hasTarget = conditions.some((c) => isRecord(c) && c.type === 'DisruptionTarget' && c.status === 'True');
    try {
      if (!hasTarget) {
        const disruption = {
          type: 'DisruptionTarget',
          status: 'True',
          lastTransitionTime: formatTime(this.deps.clock.now()),
          reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint',
        };
        // A merge patch replaces the list: send it whole, with the other conditions as cached.
        const next = [...conditions.filter((c) => !(isRecord(c) && c.type === 'DisruptionTarget')), disruption];
        await this.deps.client.patch(Resources.pods, name, { status: { conditions: next } }, 'merge', { namespace, subresource: 'status' });
      }
      // The uid precondition keeps a pod recreated under the same name out of reach.
      await this.deps.client.delete(Resources.pods, name, { namespace, preconditions: { uid: cached.metadata.uid } });
    } catch (err) {
      if (isApiError(err, 404) || isApiError(err, 409)) return;
      throw err;
    }
  }
}
