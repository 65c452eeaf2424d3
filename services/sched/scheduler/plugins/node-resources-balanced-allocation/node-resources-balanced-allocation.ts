// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in similar
// proportions with the pod on them: score = (1 - std of the used fractions) × 100, where for
// two resources the standard deviation is |f1 - f2| / 2. Uses real requests, not the scoring
// defaults.
import type { CycleState } from '../../framework/cycle-state.js';
import type { PluginFactory, ScorePlugin } from '../../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { ResourceName } from '../../resources.js';
import { allocatableAndRequested } from '../node-resources-fit/node-resources-fit.js';
import { PluginName } from '../names.js';

const RESOURCES: readonly string[] = [ResourceName.cpu, ResourceName.memory];

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
  private readonly scratch = new Float64Array(2);
  private readonly fractions = new Float64Array(RESOURCES.length);

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    let n = 0;
    for (const name of RESOURCES) {
      allocatableAndRequested(pod, node, name, false, this.scratch);
      const alloc = this.scratch[0]!;
      if (alloc === 0) continue;
      this.fractions[n++] = Math.min(1, this.scratch[1]! / alloc);
    }
    return balancedScore(this.fractions, n);
  }
}

export const newNodeResourcesBalancedAllocation: PluginFactory = () => new NodeResourcesBalancedAllocation();
