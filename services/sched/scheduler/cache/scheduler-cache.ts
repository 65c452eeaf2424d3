// The scheduler cache (internal/cache): nodes and the pods on them, as the watch reports them,
// plus pods the scheduler has decided on but whose binding the watch has not shown yet
// ("assumed"). An assumed pod counts on its node at once, so the next decision sees it; the
// watch confirms it, a failed bind forgets it, and one whose bind finished but never showed up
// expires after a TTL. NodeInfos are updated in place as pods come and go.
import type { KubeObject } from '../../../../lib/api/object.js';
import type { Clock, TimerHandle } from '../../../../lib/controller/clock.js';
import type { Logger } from '../../../../lib/controller/informer.js';
import { CacheStateError } from '../errors.js';
import type { ClusterSnapshot } from '../framework/interfaces.js';
import { NodeInfo } from '../node-info.js';
import { PodInfo, podUid } from '../pod-info.js';
import { NodeTree } from './node-tree.js';

/** durationToExpireAssumedPod: how long a bound pod may take to show up in the watch. */
export const DEFAULT_ASSUMED_POD_TTL_MS = 30_000;

interface PodState {
  pod: PodInfo;
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
  /** When an assumed pod whose binding finished expires. */
  deadline: number;
}

export interface SchedulerCacheOptions {
  clock: Clock;
  assumedPodTtlMs?: number;
  log?: Logger;
}

function toPodInfo(pod: KubeObject | PodInfo): PodInfo {
  return pod instanceof PodInfo ? pod : new PodInfo(pod);
}

export class SchedulerCache implements ClusterSnapshot {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly log: Logger;
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly tree = new NodeTree();
  private readonly podStates = new Map<string, PodState>();
  private assumedCount = 0;
  /** Spreading owner uid → node name → pods there. */
  private readonly ownerIndex = new Map<string, Map<string, number>>();
  // Assumed pods in the order their bindings finished; deadlines grow with it.
  private expiryQueue: { uid: string; deadline: number }[] = [];
  private expiryHead = 0;
  private expiryTimer: TimerHandle | undefined;
  private expiryTimerAt = Number.POSITIVE_INFINITY;

  constructor(opts: SchedulerCacheOptions) {
    this.clock = opts.clock;
    this.ttlMs = opts.assumedPodTtlMs ?? DEFAULT_ASSUMED_POD_TTL_MS;
    this.log = opts.log ?? (() => {});
  }

  // ---- snapshot (what plugins read) ----

  nodeInfoList(): readonly NodeInfo[] {
    return this.tree.list();
  }

  getNodeInfo(name: string): NodeInfo | undefined {
    const ni = this.nodes.get(name);
    return ni?.node ? ni : undefined;
  }

  spreadOwnerPodCounts(ownerUid: string): ReadonlyMap<string, number> | undefined {
    return this.ownerIndex.get(ownerUid);
  }

  /** Nodes with their object (pods may name nodes the cache has not seen). */
  get nodeCount(): number {
    return this.tree.size;
  }

  /** Pods on nodes, assumed ones included. */
  get podCount(): number {
    return this.podStates.size;
  }

  get assumedPodCount(): number {
    return this.assumedCount;
  }

  isAssumed(uid: string): boolean {
    return this.podStates.get(uid)?.assumed === true;
  }

  /** The PodInfo the cache holds for a pod (bound or assumed). */
  podInfoOf(uid: string): PodInfo | undefined {
    return this.podStates.get(uid)?.pod;
  }

  /** The node a pod is counted on (bound or assumed), or undefined. */
  nodeOf(uid: string): string | undefined {
    return this.podStates.get(uid)?.nodeName;
  }

  // ---- nodes ----

  addNode(node: KubeObject): NodeInfo {
    const name = node.metadata.name ?? '';
    const ni = this.nodeInfoFor(name);
    ni.setNode(node);
    this.tree.upsert(ni);
    return ni;
  }

  updateNode(_old: KubeObject, node: KubeObject): NodeInfo {
    return this.addNode(node);
  }

  removeNode(node: KubeObject): void {
    const name = node.metadata.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    this.tree.remove(name);
    // Pods still on it keep their NodeInfo (without a node) until they are deleted too.
    if (ni.pods.size === 0) this.nodes.delete(name);
    else ni.clearNode();
  }

  // ---- pods from the watch ----

  /** A bound pod appeared: confirms it when assumed, moves it if it landed elsewhere. */
  addPod(pod: KubeObject | PodInfo): void {
    const pi = toPodInfo(pod);
    const state = this.podStates.get(pi.uid);
    if (state && !state.assumed) {
      this.log('scheduler cache: pod was already added; treating as an update', { pod: pi.key });
    }
    this.upsertPod(pi);
  }

  updatePod(_old: KubeObject | PodInfo, pod: KubeObject | PodInfo): void {
    this.upsertPod(toPodInfo(pod));
  }

  private upsertPod(pi: PodInfo): void {
    const state = this.podStates.get(pi.uid);
    if (state?.assumed) this.assumedCount--;
    if (state) this.removeFromNode(state.pod, state.nodeName);
    this.addToNode(pi, pi.nodeName);
    this.podStates.set(pi.uid, { pod: pi, nodeName: pi.nodeName, assumed: false, bindingFinished: false, deadline: 0 });
  }

  removePod(pod: KubeObject | PodInfo): void {
    const uid = pod instanceof PodInfo ? pod.uid : podUid(pod);
    const state = this.podStates.get(uid);
    if (!state) return;
    if (state.assumed) this.assumedCount--;
    this.removeFromNode(state.pod, state.nodeName);
    this.podStates.delete(uid);
  }

  // ---- assumed pods ----

  /** Counts the pod on the node before the binding is done. */
  assumePod(pod: PodInfo, nodeName: string): void {
    if (this.podStates.has(pod.uid)) throw new CacheStateError(pod.key, "is in the cache, so can't be assumed");
    this.addToNode(pod, nodeName);
    this.podStates.set(pod.uid, { pod, nodeName, assumed: true, bindingFinished: false, deadline: 0 });
    this.assumedCount++;
  }

  /** The bind call returned: from now on the assumption expires if the watch never confirms it. */
  finishBinding(pod: PodInfo): void {
    const state = this.podStates.get(pod.uid);
    if (!state?.assumed) return;
    state.bindingFinished = true;
    state.deadline = this.clock.now() + this.ttlMs;
    this.expiryQueue.push({ uid: pod.uid, deadline: state.deadline });
    this.armExpiryTimer();
  }

  /** Drops an assumption (the bind failed). */
  forgetPod(pod: PodInfo): void {
    const state = this.podStates.get(pod.uid);
    if (!state) return;
    if (!state.assumed) throw new CacheStateError(pod.key, "wasn't assumed so cannot be forgotten");
    this.assumedCount--;
    this.removeFromNode(state.pod, state.nodeName);
    this.podStates.delete(pod.uid);
  }

  /** Expires assumed pods whose binding finished more than the TTL ago; returns how many. */
  cleanupExpiredAssumedPods(): number {
    const now = this.clock.now();
    let expired = 0;
    while (this.expiryHead < this.expiryQueue.length) {
      const e = this.expiryQueue[this.expiryHead]!;
      if (e.deadline > now) break;
      this.expiryHead++;
      const state = this.podStates.get(e.uid);
      if (!state?.assumed || !state.bindingFinished || state.deadline !== e.deadline) continue;
      this.log('scheduler cache: assumed pod expired', { pod: state.pod.key, node: state.nodeName });
      this.assumedCount--;
      this.removeFromNode(state.pod, state.nodeName);
      this.podStates.delete(e.uid);
      expired++;
    }
    if (this.expiryHead > 1024 && this.expiryHead * 2 > this.expiryQueue.length) {
      this.expiryQueue = this.expiryQueue.slice(this.expiryHead);
      this.expiryHead = 0;
    }
    return expired;
  }

  /** Cancels the expiry timer. */
  close(): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    this.expiryTimerAt = Number.POSITIVE_INFINITY;
  }

  private armExpiryTimer(): void {
    const head = this.expiryQueue[this.expiryHead];
    if (!head) return;
    if (this.expiryTimer && this.expiryTimerAt <= head.deadline) return;
    this.expiryTimer?.cancel();
    this.expiryTimerAt = head.deadline;
    this.expiryTimer = this.clock.setTimeout(() => {
      this.expiryTimer = undefined;
      this.expiryTimerAt = Number.POSITIVE_INFINITY;
      this.cleanupExpiredAssumedPods();
      this.armExpiryTimer();
    }, head.deadline - this.clock.now());
  }

  // ---- node bookkeeping ----

  private nodeInfoFor(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name)));
    return ni;
  }

  private addToNode(pod: PodInfo, nodeName: string): void {
    this.nodeInfoFor(nodeName).addPod(pod);
    const owner = pod.spreadOwnerUid;
    if (owner !== undefined && !pod.terminating) {
      let perNode = this.ownerIndex.get(owner);
      if (!perNode) this.ownerIndex.set(owner, (perNode = new Map()));
      perNode.set(nodeName, (perNode.get(nodeName) ?? 0) + 1);
    }
  }

  private removeFromNode(pod: PodInfo, nodeName: string): void {
    const ni = this.nodes.get(nodeName);
    if (!ni?.removePod(pod)) return;
    if (!ni.node && ni.pods.size === 0) this.nodes.delete(nodeName);
    const owner = pod.spreadOwnerUid;
    if (owner !== undefined && !pod.terminating) {
      const perNode = this.ownerIndex.get(owner);
      const n = (perNode?.get(nodeName) ?? 0) - 1;
      if (perNode && n > 0) perNode.set(nodeName, n);
      else {
        perNode?.delete(nodeName);
        if (perNode?.size === 0) this.ownerIndex.delete(owner);
      }
    }
  }
}
