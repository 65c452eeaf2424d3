// The scheduling algorithm (schedulePod): PreFilter, then Filter over the nodes starting where
// the previous attempt stopped, until enough feasible nodes are found
// (percentageOfNodesToScore); then PreScore, Score, and the highest total wins, ties broken at
// random. Pure: it reads the snapshot and writes only the CycleState.
import { FitError, NoNodesAvailableError, PluginStatusError, newDiagnosis } from './errors.js';
import type { Diagnosis } from './errors.js';
import { CycleState } from './framework/cycle-state.js';
import type { Framework } from './framework/framework.js';
import type { ClusterSnapshot } from './framework/interfaces.js';
import type { Status } from './framework/status.js';
import { Code, statusMessage } from './framework/status.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/** minFeasibleNodesToFind: below this many nodes every node is checked. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * numFeasibleNodesToFind: with n nodes, stop filtering after n × p% feasible ones, where p is
 * the configured percentage or, when 0/unset, 50 - n/125 (at least 5); never fewer than 100.
 */
export function numFeasibleNodesToFind(percentage: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let p = percentage ?? 0;
  if (p <= 0) {
    p = 50 - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (p >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

export interface NodeScore {
  readonly name: string;
  readonly total: number;
  /** Normalized score per plugin, before weighting. */
  readonly plugins: Readonly<Record<string, number>>;
}

export interface ScheduleResult {
  readonly suggestedHost: string;
  /** Nodes the filters ran on. */
  readonly evaluatedNodes: number;
  readonly feasibleNodes: number;
  /** Per feasible node, when recordScores was asked for and scoring ran. */
  readonly scores?: readonly NodeScore[];
}

export type ScheduleOutcome =
  | { readonly ok: true; readonly result: ScheduleResult }
  | { readonly ok: false; readonly error: FitError | NoNodesAvailableError | PluginStatusError };

export interface SchedulingAlgorithmOptions {
  /** Uniform in [0, 1): breaks ties between the best nodes. */
  random: () => number;
  /** The scheduler-wide percentageOfNodesToScore; a profile's own setting takes precedence. */
  percentageOfNodesToScore?: number;
}

function pluginError(s: Status, what: string): PluginStatusError {
  return new PluginStatusError(s, `${what}: ${statusMessage(s)}`);
}

/** One profile's algorithm, with the round-robin start index carried from attempt to attempt. */
export class SchedulingAlgorithm {
  /** Where the next attempt starts walking the node list. */
  nextStartNodeIndex = 0;
  private readonly feasible: NodeInfo[] = [];
  private totals = new Float64Array(0);
  private scratch = new Float64Array(0);

  constructor(
    private readonly framework: Framework,
    private readonly snapshot: ClusterSnapshot,
    private readonly opts: SchedulingAlgorithmOptions,
  ) {}

  schedule(state: CycleState, pod: PodInfo, recordScores = false): ScheduleOutcome {
    const fw = this.framework;
    const nodes = this.snapshot.nodeInfoList();
    const numAll = nodes.length;
    if (numAll === 0) return { ok: false, error: new NoNodesAvailableError() };

    const pre = fw.runPreFilterPlugins(state, pod);
    if (pre.code !== Code.Success) {
      if (pre.code === Code.Error) return { ok: false, error: pluginError(pre, `running PreFilter plugin "${pre.plugin ?? ''}"`) };
      // A PreFilter rejection turns down every node for the same reason.
      const diagnosis = newDiagnosis();
      diagnosis.preFilterMsg = statusMessage(pre);
      for (const n of nodes) diagnosis.nodeToStatus.set(n.name, pre);
      if (pre.plugin) diagnosis.unschedulablePlugins.add(pre.plugin);
      return { ok: false, error: new FitError(pod.key, numAll, diagnosis) };
    }

    // Filter, from where the last attempt stopped, until enough nodes fit.
    const filters = fw.activeFilters(state);
    const percentage = fw.percentageOfNodesToScore || this.opts.percentageOfNodesToScore;
    const toFind = numFeasibleNodesToFind(percentage, numAll);
    const feasible = this.feasible;
    feasible.length = 0;
    let diagnosis: Diagnosis | undefined;
    const start = this.nextStartNodeIndex % numAll;
    let processed = 0;
    while (processed < numAll && feasible.length < toFind) {
      let idx = start + processed;
      if (idx >= numAll) idx -= numAll;
      processed++;
      const node = nodes[idx]!;
      const s = fw.runFilterPlugins(state, pod, node, filters);
      if (s.code === Code.Success) {
        feasible.push(node);
      } else if (s.code === Code.Error) {
        return { ok: false, error: pluginError(s, `running "${s.plugin ?? ''}" filter plugin`) };
      } else {
        diagnosis ??= newDiagnosis();
        diagnosis.nodeToStatus.set(node.name, s);
        if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
      }
    }
    this.nextStartNodeIndex = (start + processed) % numAll;
    const numFeasible = feasible.length;
    if (numFeasible === 0) return { ok: false, error: new FitError(pod.key, numAll, diagnosis ?? newDiagnosis()) };
    if (numFeasible === 1) {
      return { ok: true, result: { suggestedHost: feasible[0]!.name, evaluatedNodes: processed, feasibleNodes: 1 } };
    }

    // Score.
    const ps = fw.runPreScorePlugins(state, pod, feasible);
    if (ps.code !== Code.Success) return { ok: false, error: pluginError(ps, `running PreScore plugin "${ps.plugin ?? ''}"`) };
    if (this.totals.length < numFeasible) {
      this.totals = new Float64Array(Math.max(numFeasible, 2 * this.totals.length));
      this.scratch = new Float64Array(this.totals.length);
    }
    const totals = this.totals.subarray(0, numFeasible);
    const perPlugin = recordScores ? new Map<string, Float64Array>() : undefined;
    if (!fw.hasScorePlugins) {
      totals.fill(1);
    } else {
      totals.fill(0);
      const ss = fw.runScorePlugins(state, pod, feasible, totals, this.scratch, perPlugin);
      if (ss.code !== Code.Success) return { ok: false, error: pluginError(ss, `running Score plugin "${ss.plugin ?? ''}"`) };
    }

    // selectHost: the highest total; among equals each is picked with equal probability
    // (reservoir sampling, as Kubernetes does).
    let best = 0;
    let max = totals[0]!;
    let ties = 1;
    for (let i = 1; i < numFeasible; i++) {
      const t = totals[i]!;
      if (t > max) {
        max = t;
        best = i;
        ties = 1;
      } else if (t === max) {
        ties++;
        if (this.opts.random() * ties < 1) best = i;
      }
    }
    const result: ScheduleResult = {
      suggestedHost: feasible[best]!.name,
      evaluatedNodes: processed,
      feasibleNodes: numFeasible,
      ...(perPlugin ? { scores: nodeScores(feasible, totals, perPlugin) } : {}),
    };
    return { ok: true, result };
  }
}

function nodeScores(nodes: readonly NodeInfo[], totals: Float64Array, perPlugin: Map<string, Float64Array>): NodeScore[] {
  return nodes.map((n, i) => {
    const plugins: Record<string, number> = {};
    for (const [name, scores] of perPlugin) plugins[name] = scores[i] ?? 0;
    return { name: n.name, total: totals[i] ?? 0, plugins };
  });
}

export interface SchedulePodOptions extends Partial<SchedulingAlgorithmOptions> {
  /** Index in the snapshot's node list where filtering starts (0 by default). */
  startIndex?: number;
  /** Return each feasible node's scores too. */
  recordScores?: boolean;
}

/**
 * Runs the algorithm once for `pod` against `snapshot` (e.g. a SchedulerCache filled with
 * nodes and bound pods): the chosen node with its scores, or the FitError saying why none fit.
 * Ties go to the first best node unless `random` is given.
 */
export function schedulePod(framework: Framework, pod: PodInfo, snapshot: ClusterSnapshot, opts: SchedulePodOptions = {}): ScheduleOutcome {
  const algo = new SchedulingAlgorithm(framework, snapshot, {
    random: opts.random ?? (() => 0.999999),
    ...(opts.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: opts.percentageOfNodesToScore } : {}),
  });
  algo.nextStartNodeIndex = opts.startIndex ?? 0;
  return algo.schedule(new CycleState(), pod, opts.recordScores ?? true);
}
