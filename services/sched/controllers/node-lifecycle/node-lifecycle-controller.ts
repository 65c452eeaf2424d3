// kube-controller-manager's node lifecycle controller (pkg/controller/nodelifecycle): every
// nodeMonitorPeriod it checks each node's heartbeat (the Ready condition and the node's Lease
// in kube-node-lease, timed by when this controller saw them change). A node silent for longer
// than the grace period gets its conditions set Unknown, a NodeNotReady event, its pods marked
// not Ready, and the unreachable taints; Ready=False gets the not-ready taints; a node Ready
// again loses them. Evicting pods from NoExecute-tainted nodes is the taint eviction
// controller's job (taint-eviction-controller.ts).
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import type { TimerHandle } from '../../../../lib/controller/clock.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { Resources, objectKey } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import { podCondition, podNodeName } from '../pod-util.js';
import { formatTime, parseMicroTime } from '../../../../lib/api/time.js';
import { reconcileConditionTaints } from './condition-taints.js';
import type { NodeCondition } from './node-conditions.js';
import { NodeConditionType, markNodeStatusUnknown, nodeCondition, sameCondition } from './node-conditions.js';
import type { NodeHealth } from './node-health.js';
import { observeNodeHealth } from './node-health.js';
import { addPodNodeNameIndex, podsOnNode } from './pods-by-node.js';

/** Where node agents keep their heartbeat Leases, one per node, named after it. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions {
  /** --node-monitor-period: how often every node's health is checked (default 5 s). */
  nodeMonitorPeriodMs?: number;
  /** --node-monitor-grace-period: heartbeat age after which a node is Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period: the same for a node that never reported, from its creation (default 60 s). */
  nodeStartupGracePeriodMs?: number;
}

/** scheduler.NodeHealthUpdateRetry: status update attempts per check. */
const NODE_HEALTH_UPDATE_RETRY = 5;

interface HealthCheck {
  node: KubeObject;
  /** The Ready condition before this check (a stand-in Unknown one if never reported). */
  observedReady: NodeCondition;
  /** The Ready condition after it (undefined: never reported, still within the startup grace). */
  currentReady: NodeCondition | undefined;
}

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  /** Node names: health checks, taints and pod readiness. */
  readonly queue: WorkQueue;
  /** Pod keys: pods newly bound to a node that is not Ready. */
  readonly podQueue: WorkQueue;
  private readonly nodes: Informer;
  private readonly leases: Informer;
  private readonly pods: Informer;
  private readonly health = new Map<string, NodeHealth>();
  /** Nodes this controller has registered (RegisteredNode), with their last state. */
  private readonly known = new Map<string, KubeObject>();
  /** Nodes whose pods still have to be marked not Ready (a previous attempt failed). */
  private readonly podsToRetry = new Set<string>();
  private readonly periodMs: number;
  private readonly gracePeriodMs: number;
  private readonly startupGracePeriodMs: number;

  constructor(
    private readonly deps: ControllerDeps,
    options: NodeLifecycleOptions = {},
  ) {
    this.periodMs = options.nodeMonitorPeriodMs ?? 5_000;
    this.gracePeriodMs = options.nodeMonitorGracePeriodMs ?? 40_000;
    this.startupGracePeriodMs = options.nodeStartupGracePeriodMs ?? 60_000;
    this.queue = new WorkQueue({ clock: deps.clock });
    this.podQueue = new WorkQueue({ clock: deps.clock });
    this.nodes = deps.informers.for(Resources.nodes);
    this.leases = deps.informers.for(Resources.leases);
    this.pods = deps.informers.for(Resources.pods);
    addPodNodeNameIndex(this.pods.cache);
    this.nodes.addEventHandler({
      onAdd: (n) => this.queue.add(objectKey(n)),
      onUpdate: (_, n) => this.queue.add(objectKey(n)),
      onDelete: (n) => this.queue.add(objectKey(n)),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.podBound(undefined, p),
      onUpdate: (old, p) => this.podBound(old, p),
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.nodes.waitForSync(signal), this.leases.waitForSync(signal), this.pods.waitForSync(signal)]);
    if (signal.aborted) return;
    let timer: TimerHandle | undefined;
    const monitor = (): void => {
      if (signal.aborted) return;
      this.enqueueAllNodes();
      timer = this.deps.clock.setTimeout(monitor, this.periodMs);
    };
    monitor();
    signal.addEventListener('abort', () => timer?.cancel(), { once: true });
    await Promise.all([
      runWorkers(this.name, this.queue, (k) => this.sync(k), workers, signal, this.deps.log),
      runWorkers(`${this.name}-pods`, this.podQueue, (k) => this.syncPod(k), workers, signal, this.deps.log),
    ]);
    timer?.cancel();
  }

  /** monitorNodeHealth's pass: every node is checked (and nodes gone are forgotten). */
  enqueueAllNodes(): void {
    for (const n of this.nodes.cache.list()) this.queue.add(objectKey(n));
    for (const name of this.known.keys()) if (!this.nodes.cache.getByName('', name)) this.queue.add(name);
  }

  /** Checks one node: health, conditions, taints and the readiness of its pods. */
  async sync(name: string): Promise<void> {
    const cached = this.nodes.cache.getByName('', name);
    if (!cached) {
      this.forget(name);
      return;
    }
    if (!this.known.has(name)) {
      this.nodeEvent(cached, 'RegisteredNode', `Registered Node ${name} in Controller`);
    }
    this.known.set(name, cached);
    const check = await this.checkHealth(structuredClone(cached));
    if (!check) return;
    await this.reconcileTaints(check.node, check.currentReady);
    if (!check.currentReady) return;
    const becameNotReady = check.currentReady.status !== 'True' && check.observedReady.status === 'True';
    if (becameNotReady) {
      // Reported once, when this controller is the one that saw the node go.
      this.deps.recorder.event(check.node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }
    if (becameNotReady || (this.podsToRetry.has(name) && check.currentReady.status !== 'True')) {
      try {
        await this.markPodsNotReady(podsOnNode(this.pods.cache, name), name);
      } catch (err) {
        this.podsToRetry.add(name);
        throw err;
      }
    }
    this.podsToRetry.delete(name);
  }

  /** A pod newly bound to a node that is not Ready is marked not Ready too (processPod). */
  async syncPod(key: string): Promise<void> {
    const pod = this.pods.cache.get(key);
    if (!pod) return;
    const nodeName = podNodeName(pod);
    if (nodeName === '' || !this.health.has(nodeName)) return;
    const node = this.nodes.cache.getByName('', nodeName);
    if (!node) return;
    const ready = nodeCondition(node, NodeConditionType.Ready);
    if (!ready || ready.status === 'True') return;
    await this.markPodsNotReady([pod], nodeName);
  }

  private podBound(old: KubeObject | undefined, pod: KubeObject): void {
    const node = podNodeName(pod);
    if (node !== '' && (old === undefined || podNodeName(old) !== node)) this.podQueue.add(objectKey(pod));
  }

  private forget(name: string): void {
    const last = this.known.get(name);
    if (last) this.nodeEvent(last, 'RemovingNode', `Removing Node ${name} from Controller`);
    this.known.delete(name);
    this.health.delete(name);
    this.podsToRetry.delete(name);
  }

  /** controllerutil.RecordNodeEvent's wording. */
  private nodeEvent(node: KubeObject, reason: string, event: string): void {
    this.deps.recorder.event(node, 'Normal', reason, `Node ${node.metadata.name ?? ''} event: ${event}`);
  }

  private leaseRenewTime(name: string): number | undefined {
    const lease = this.leases.cache.getByName(NODE_LEASE_NAMESPACE, name);
    const spec = lease && isRecord(lease.spec) ? lease.spec : {};
    return parseMicroTime(spec.renewTime);
  }

  /**
   * tryUpdateNodeHealth: folds the heartbeat into the saved health; a stale node's conditions
   * go Unknown through /status (a conflict re-reads the node and tries again).
   * Undefined when the node is gone.
   */
  private async checkHealth(node: KubeObject): Promise<HealthCheck | undefined> {
    const name = node.metadata.name ?? '';
    let latest = node;
    for (let attempt = 1; ; attempt++) {
      const now = this.deps.clock.now();
      const obs = observeNodeHealth(this.health.get(name), latest, this.leaseRenewTime(name), now, {
        gracePeriodMs: this.gracePeriodMs,
        startupGracePeriodMs: this.startupGracePeriodMs,
      });
      this.health.set(name, obs.health);
      const reported = nodeCondition(latest, NodeConditionType.Ready);
      if (!obs.stale) return { node: latest, observedReady: obs.observedReady, currentReady: reported };
      const next = structuredClone(latest);
      markNodeStatusUnknown(next, now);
      const currentReady = nodeCondition(next, NodeConditionType.Ready);
      if (sameCondition(currentReady, obs.observedReady)) return { node: latest, observedReady: obs.observedReady, currentReady: reported };
      try {
        const updated = await this.deps.client.update(Resources.nodes, next, { subresource: 'status' });
        this.health.set(name, { ...obs.health, ready: currentReady, readyTransitionTimestamp: now });
        return { node: updated, observedReady: obs.observedReady, currentReady };
      } catch (err) {
        if (!isApiError(err, 409) || attempt >= NODE_HEALTH_UPDATE_RETRY) throw err;
        try {
          latest = await this.deps.client.get(Resources.nodes, name);
        } catch (getErr) {
          if (isApiError(getErr, 404)) return undefined;
          throw getErr;
        }
      }
    }
  }

  /** Brings the condition taints (NoExecute and NoSchedule) in line with the node's conditions. */
  private async reconcileTaints(node: KubeObject, ready: NodeCondition | undefined): Promise<void> {
    const taints = reconcileConditionTaints(node, ready, this.deps.clock.now());
    if (!taints) return;
    try {
      // The resourceVersion makes a concurrent taint change a conflict rather than lost (PatchNodeTaints).
      await this.deps.client.patch(Resources.nodes, node.metadata.name ?? '', { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints } }, 'merge');
    } catch (err) {
      if (isApiError(err, 404)) return;
      throw err;
    }
  }

  /** controllerutil.MarkPodsNotReady: the Ready condition of each pod goes False through /status. */
  private async markPodsNotReady(pods: KubeObject[], nodeName: string): Promise<void> {
    const errors: unknown[] = [];
    for (const cached of pods) {
      if (podNodeName(cached) !== nodeName) continue;
      const ready = podCondition(cached, 'Ready');
      if (!ready || ready.status === 'False') continue;
      const pod = structuredClone(cached);
      const status = pod.status as Record<string, unknown>;
      status.conditions = (status.conditions as unknown[]).map((c) =>
        isRecord(c) && c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: formatTime(this.deps.clock.now()) } : c,
      );
      try {
        await this.deps.client.update(Resources.pods, pod, { namespace: pod.metadata.namespace, subresource: 'status' });
      } catch (err) {
        if (isApiError(err, 404)) continue;
        this.deps.log('could not mark pod not ready', { pod: objectKey(pod), node: nodeName, error: String(err) });
        errors.push(err);
      }
      this.deps.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    if (errors.length > 0) throw new Error(`marking pods of node ${nodeName} not ready: ${errors.map(String).join('; ')}`);
  }
}
