// TaintToleration: a node's NoSchedule and NoExecute taints must all be tolerated; among the
// nodes that fit, fewer untolerated PreferNoSchedule taints score higher.
import type { Taint, Toleration } from '../../api-fields.js';
import { TaintEffect } from '../../api-fields.js';
import { ActionType } from '../../framework/cluster-event.js';
import type { ClusterEvent, ClusterEventWithHint, QueueingHint } from '../../framework/cluster-event.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { StateKey } from '../../framework/cycle-state.js';
import type { EnqueueExtensions, FilterPlugin, PluginFactory, PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type { Status } from '../../framework/status.js';
import { SUCCESS, unresolvable } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { findUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint } from '../../taints.js';
import { PluginName } from '../names.js';

/** The reason names the first untolerated taint: "node(s) had untolerated taint {key: value}". */
export function untoleratedTaintReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value}}`;
}

const preScoreKey = new StateKey<readonly Toleration[]>('PreScoreTaintToleration');

function untolerated(node: NodeInfo, pod: PodInfo): Taint | undefined {
  return node.taints.length === 0 ? undefined : findUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint);
}

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = PluginName.TaintToleration;
  // Statuses are cached per reason text: the same taint turns down many nodes.
  private readonly statuses = new Map<string, Status>();

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const taint = untolerated(node, pod);
    if (!taint) return SUCCESS;
    const reason = untoleratedTaintReason(taint);
    let s = this.statuses.get(reason);
    if (!s) {
      if (this.statuses.size > 1000) this.statuses.clear();
      this.statuses.set(reason, (s = unresolvable(reason)));
    }
    return s;
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    // Tolerations with no effect match PreferNoSchedule too.
    state.write(
      preScoreKey,
      pod.tolerations.filter((t) => t.effect === '' || t.effect === TaintEffect.PreferNoSchedule),
    );
    return SUCCESS;
  }

  /** How many PreferNoSchedule taints the pod does not tolerate (fewer is better). */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (node.taints.length === 0) return 0;
    const tolerations = state.read(preScoreKey) ?? pod.tolerations;
    let n = 0;
    for (const t of node.taints) {
      if (t.effect === TaintEffect.PreferNoSchedule && !tolerationsTolerateTaint(tolerations, t)) n++;
    }
    return n;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: Float64Array): Status {
    defaultNormalizeScore(scores, true);
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [{ resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeTaint, hint: schedulableAfterNodeChange }];
  }
}

/** Queue when the node now has no untolerated NoSchedule/NoExecute taint and had one before. */
function schedulableAfterNodeChange(pod: PodInfo, event: ClusterEvent): QueueingHint {
  if (!event.newNode) return 'QueueSkip';
  const wasUntolerated = !event.oldNode || untolerated(event.oldNode, pod) !== undefined;
  return wasUntolerated && untolerated(event.newNode, pod) === undefined ? 'Queue' : 'QueueSkip';
}

export const newTaintToleration: PluginFactory = () => new TaintToleration();
