// The extension points, one small interface each, as the scheduling framework defines them.
// A plugin implements the ones it needs; the framework calls them in profile order. All of
// them are synchronous: everything they read is in memory, and a scheduling cycle runs from
// pop to assume without yielding, so the cache cannot change under it.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import type { ClusterEventWithHint } from './cluster-event.js';
import type { CycleState } from './cycle-state.js';
import type { Status } from './status.js';

/** Read access to the cluster as the cache holds it (framework.SharedLister). */
export interface ClusterSnapshot {
  /** Every node the cache knows with its object, zone-interleaved (the order filtering walks). */
  nodeInfoList(): readonly NodeInfo[];
  getNodeInfo(name: string): NodeInfo | undefined;
  /** Per node name, how many non-terminating pods a spreading owner (by uid) has there. */
  spreadOwnerPodCounts(ownerUid: string): ReadonlyMap<string, number> | undefined;
}

/** framework.Handle: what a plugin gets at construction. */
export interface FrameworkHandle {
  readonly snapshot: ClusterSnapshot;
}

export interface Plugin {
  readonly name: string;
}

export interface PreFilterPlugin extends Plugin {
  /** Computes per-pod state; Skip disables this plugin's Filter for the attempt; a rejection fails every node. */
  preFilter(state: CycleState, pod: PodInfo): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface PreScorePlugin extends Plugin {
  /** Sees the feasible nodes; Skip disables this plugin's Score for the attempt. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  /** A raw score (a number) or an Error status. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number | Status;
  /** Rescales the raw scores of the feasible nodes in place to 0..100. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: Float64Array, nodes: readonly NodeInfo[]): Status;
}

export interface ReservePlugin extends Plugin {
  /** After the pod is assumed on the node; a failure unreserves and fails the attempt. */
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  /** Undoes reserve when the attempt or its binding fails. Must not fail. */
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** framework.EnqueueExtensions: the events that may make pods this plugin rejected schedulable. */
export interface EnqueueExtensions {
  eventsToRegister(): readonly ClusterEventWithHint[];
}

export type AnyPlugin = Plugin &
  Partial<PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & ReservePlugin & EnqueueExtensions>;

/** Builds a plugin from its configured args. */
export type PluginFactory = (args: unknown, handle: FrameworkHandle) => AnyPlugin;

export type Registry = ReadonlyMap<string, PluginFactory>;

/** MaxNodeScore: normalized scores run from 0 to this. */
export const MAX_NODE_SCORE = 100;
