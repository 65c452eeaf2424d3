// NodeResourcesFit: the pod's requests must fit in what the node has left (allocatable minus
// what its pods request), and the node must have room for one more pod. Scores nodes by how
// much would be left (LeastAllocated, the default) or used (MostAllocated), per resource
// weighted (cpu 1, memory 1 by default).
import { isRecord } from '../../../../../lib/api/object.js';
import { arrayOf, numberOf, recordOf, stringOf } from '../../api-fields.js';
import { PluginConfigError } from '../../errors.js';
import { ActionType } from '../../framework/cluster-event.js';
import type { ClusterEvent, ClusterEventWithHint, QueueingHint } from '../../framework/cluster-event.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { EnqueueExtensions, FilterPlugin, PluginFactory, ScorePlugin } from '../../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { Status } from '../../framework/status.js';
import { SUCCESS, unschedulable } from '../../framework/status.js';
import { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { ResourceName } from '../../resources.js';
import { PluginName } from '../names.js';

export const REASON_TOO_MANY_PODS = 'Too many pods';

export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`;
}

export const ScoringStrategyType = {
  LeastAllocated: 'LeastAllocated',
  MostAllocated: 'MostAllocated',
} as const;
export type ScoringStrategyTypeName = (typeof ScoringStrategyType)[keyof typeof ScoringStrategyType];

export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

export interface NodeResourcesFitArgs {
  readonly scoringStrategy?: {
    readonly type?: ScoringStrategyTypeName;
    readonly resources?: readonly ResourceSpec[];
  };
}

export const DEFAULT_SCORING_RESOURCES: readonly ResourceSpec[] = Object.freeze([
  { name: ResourceName.cpu, weight: 1 },
  { name: ResourceName.memory, weight: 1 },
]);

/** Why the node cannot take the pod's requests: k8s's fitsRequest reasons, in its order. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] | undefined {
  let reasons: string[] | undefined;
  if (node.podCount + 1 > node.allowedPodNumber) (reasons ??= []).push(REASON_TOO_MANY_PODS);
  const q = pod.requests;
  if (q.milliCPU === 0 && q.memory === 0 && q.ephemeralStorage === 0 && q.scalar === undefined) return reasons;
  if (q.milliCPU > 0 && q.milliCPU > node.allocatableMilliCPU - node.requestedMilliCPU) {
    (reasons ??= []).push(insufficientReason(ResourceName.cpu));
  }
  if (q.memory > 0 && q.memory > node.allocatableMemory - node.requestedMemory) {
    (reasons ??= []).push(insufficientReason(ResourceName.memory));
  }
  if (q.ephemeralStorage > 0 && q.ephemeralStorage > node.allocatableEphemeralStorage - node.requestedEphemeralStorage) {
    (reasons ??= []).push(insufficientReason(ResourceName.ephemeralStorage));
  }
  if (q.scalar) {
    for (const [name, want] of q.scalar) {
      if (want === 0) continue;
      if (want > (node.allocatableScalar?.get(name) ?? 0) - (node.requestedScalar?.get(name) ?? 0)) {
        (reasons ??= []).push(insufficientReason(name));
      }
    }
  }
  return reasons;
}

/**
 * resourceAllocationScorer's inputs for one resource, written to out[0] (what the node can
 * hold) and out[1] (what it would hold with the pod); an array the caller reuses, since this
 * runs for every node of every attempt. `nonZero` uses the scoring defaults for unset
 * cpu/memory requests.
 */
export function allocatableAndRequested(pod: PodInfo, node: NodeInfo, name: string, nonZero: boolean, out: Float64Array): void {
  const q = pod.requests;
  switch (name) {
    case ResourceName.cpu:
      out[0] = node.allocatableMilliCPU;
      out[1] = nonZero ? node.nonZeroMilliCPU + pod.nonZeroMilliCPU : node.requestedMilliCPU + q.milliCPU;
      return;
    case ResourceName.memory:
      out[0] = node.allocatableMemory;
      out[1] = nonZero ? node.nonZeroMemory + pod.nonZeroMemory : node.requestedMemory + q.memory;
      return;
    case ResourceName.ephemeralStorage:
      out[0] = node.allocatableEphemeralStorage;
      out[1] = node.requestedEphemeralStorage + q.ephemeralStorage;
      return;
    default: {
      const want = q.scalar?.get(name) ?? 0;
      // An extended resource the pod does not ask for is left out of scoring.
      out[0] = want === 0 ? 0 : (node.allocatableScalar?.get(name) ?? 0);
      out[1] = want === 0 ? 0 : (node.requestedScalar?.get(name) ?? 0) + want;
    }
  }
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  // A node asked for more than it has scores as full.
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = PluginName.NodeResourcesFit;
  private readonly statuses = new Map<string, Status>();
  private readonly resources: readonly ResourceSpec[];
  private readonly perResource: (requested: number, capacity: number) => number;
  private readonly scratch = new Float64Array(2);
  /**
   * The summed weights of cpu and memory when they are the only scored resources (the
   * default): score() then reads the node's fields directly, without the per-resource lookup,
   * since it runs for hundreds of nodes per attempt.
   */
  private readonly cpuMemWeights: { readonly cpu: number; readonly memory: number } | undefined;

  constructor(args: NodeResourcesFitArgs = {}) {
    const type = args.scoringStrategy?.type ?? ScoringStrategyType.LeastAllocated;
    this.perResource = type === ScoringStrategyType.MostAllocated ? mostRequestedScore : leastRequestedScore;
    this.resources = args.scoringStrategy?.resources ?? DEFAULT_SCORING_RESOURCES;
    this.cpuMemWeights = cpuMemWeightsOf(this.resources);
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const reasons = insufficientResources(pod, node);
    if (!reasons) return SUCCESS;
    const key = reasons.join('\n');
    let s = this.statuses.get(key);
    if (!s) {
      if (this.statuses.size > 1000) this.statuses.clear();
      this.statuses.set(key, (s = unschedulable(...reasons)));
    }
    return s;
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const cm = this.cpuMemWeights;
    if (cm) {
      // The general loop below, unrolled for cpu and memory (a weight of 0 leaves one out).
      let sum = 0;
      let weights = 0;
      const cpu = node.allocatableMilliCPU;
      if (cpu !== 0 && cm.cpu !== 0) {
        sum += this.perResource(node.nonZeroMilliCPU + pod.nonZeroMilliCPU, cpu) * cm.cpu;
        weights += cm.cpu;
      }
      const memory = node.allocatableMemory;
      if (memory !== 0 && cm.memory !== 0) {
        sum += this.perResource(node.nonZeroMemory + pod.nonZeroMemory, memory) * cm.memory;
        weights += cm.memory;
      }
      return weights === 0 ? 0 : Math.trunc(sum / weights);
    }
    let sum = 0;
    let weights = 0;
    const ar = this.scratch;
    for (const r of this.resources) {
      allocatableAndRequested(pod, node, r.name, true, ar);
      const alloc = ar[0]!;
      if (alloc === 0) continue;
      sum += this.perResource(ar[1]!, alloc) * r.weight;
      weights += r.weight;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeAllocatable, hint: schedulableAfterNodeChange },
      { resource: 'AssignedPod', actions: ActionType.Delete | ActionType.UpdatePodScaleDown },
    ];
  }
}

/**
 * The summed weight of cpu and of memory when the list names nothing else; a resource listed
 * twice scores the same twice, so summing its weights gives the same total.
 */
function cpuMemWeightsOf(resources: readonly ResourceSpec[]): { cpu: number; memory: number } | undefined {
  let cpu = 0;
  let memory = 0;
  for (const r of resources) {
    if (r.name === ResourceName.cpu) cpu += r.weight;
    else if (r.name === ResourceName.memory) memory += r.weight;
    else return undefined;
  }
  return { cpu, memory };
}

/** Queue when the node could hold the pod when empty and (for an update) gained capacity. */
function schedulableAfterNodeChange(pod: PodInfo, event: ClusterEvent): QueueingHint {
  const node = event.newNode;
  if (!node?.node) return 'QueueSkip';
  const empty = new NodeInfo(node.name);
  empty.setNode(node.node);
  if (insufficientResources(pod, empty)) return 'QueueSkip';
  const old = event.oldNode;
  if (!old) return 'Queue';
  if (node.allowedPodNumber > old.allowedPodNumber) return 'Queue';
  const q = pod.requests;
  if (q.milliCPU > 0 && node.allocatableMilliCPU > old.allocatableMilliCPU) return 'Queue';
  if (q.memory > 0 && node.allocatableMemory > old.allocatableMemory) return 'Queue';
  if (q.ephemeralStorage > 0 && node.allocatableEphemeralStorage > old.allocatableEphemeralStorage) return 'Queue';
  for (const [name, want] of q.scalar ?? []) {
    if (want > 0 && (node.allocatableScalar?.get(name) ?? 0) > (old.allocatableScalar?.get(name) ?? 0)) return 'Queue';
  }
  return 'QueueSkip';
}

function parseArgs(args: unknown): NodeResourcesFitArgs {
  if (args === undefined || args === null) return {};
  if (!isRecord(args)) throw new PluginConfigError(PluginName.NodeResourcesFit, 'args must be an object');
  const strategy = recordOf(args.scoringStrategy);
  if (!strategy) return {};
  const type = stringOf(strategy.type) || ScoringStrategyType.LeastAllocated;
  if (type !== ScoringStrategyType.LeastAllocated && type !== ScoringStrategyType.MostAllocated) {
    throw new PluginConfigError(PluginName.NodeResourcesFit, `scoring strategy ${type} is not supported`);
  }
  const resources = strategy.resources === undefined ? undefined : arrayOf(strategy.resources).map((r) => {
    const rec = recordOf(r);
    const name = stringOf(rec?.name);
    const weight = numberOf(rec?.weight, 1);
    if (name === '' || !Number.isInteger(weight) || weight < 1 || weight > 100) {
      throw new PluginConfigError(PluginName.NodeResourcesFit, 'scoring resources need a name and a weight in 1..100');
    }
    return { name, weight };
  });
  return { scoringStrategy: { type, ...(resources ? { resources } : {}) } };
}

export const newNodeResourcesFit: PluginFactory = (args) => new NodeResourcesFit(parseArgs(args));
