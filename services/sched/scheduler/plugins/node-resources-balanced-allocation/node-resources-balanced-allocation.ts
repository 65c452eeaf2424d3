// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in similar
// proportions with the pod on them: score = (1 - std of the used fractions) × 100, where for
// two resources the standard deviation is |f1 - f2| / 2. Uses real requests, not the scoring
// defaults.
import type { CycleState } from '../../framework/cycle-state.js';
import type { PluginFactory, ScorePlugin } from '../../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { PluginName } from '../names.js';

/** balancedResourceScorer over the first `n` fractions (used / allocatable, at most 1). */
export function balancedScore(fractions: ArrayLike<number>, n = fractions.length): number {
  let std = 0;
  if (n === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (n > 2) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += fractions[i]!;
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (fractions[i]! - mean) * (fractions[i]! - mean);
    std = Math.sqrt(sq / n);
  }
  // Go converts with int64(), which truncates.
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export class NodeResourcesBalancedAllocation implements ScorePlugin {
  readonly name = PluginName.NodeResourcesBalancedAllocation;
  private readonly fractions = new Float64Array(2);

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    // cpu and memory, read straight from the node's fields (this runs for hundreds of nodes per
    // attempt). A resource the node has none of is left out.
    const cpu = node.allocatableMilliCPU;
    const memory = node.allocatableMemory;
    if (cpu === 0 || memory === 0) return MAX_NODE_SCORE; // one fraction or none: no spread
    this.fractions[0] = Math.min(1, (node.requestedMilliCPU + pod.requests.milliCPU) / cpu);
    this.fractions[1] = Math.min(1, (node.requestedMemory + pod.requests.memory) / memory);
    return balancedScore(this.fractions, 2);
  }
}

export const newNodeResourcesBalancedAllocation: PluginFactory = () => new NodeResourcesBalancedAllocation();
