// NodeAffinity: the pod's spec.nodeSelector and required node affinity must match the node's
// labels (and name, for matchFields); matching preferred terms add their weights to the score.
import { ActionType } from '../../framework/cluster-event.js';
import type { ClusterEvent, ClusterEventWithHint, QueueingHint } from '../../framework/cluster-event.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type {
  EnqueueExtensions,
  FilterPlugin,
  PluginFactory,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/interfaces.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import type { Status } from '../../framework/status.js';
import { SKIP, SUCCESS, unresolvable } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import { requiredAffinityMatches, termMatches } from '../../node-selector.js';
import type { PodInfo } from '../../pod-info.js';
import { PluginName } from '../names.js';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

const REJECTED = unresolvable(ERR_REASON_POD);

function nodeMatches(pod: PodInfo, node: NodeInfo): boolean {
  return pod.requiredAffinity === undefined || requiredAffinityMatches(pod.requiredAffinity, node.name, node.labels);
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = PluginName.NodeAffinity;

  preFilter(_state: CycleState, pod: PodInfo): Status {
    return pod.requiredAffinity === undefined ? SKIP : SUCCESS;
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return nodeMatches(pod, node) ? SUCCESS : REJECTED;
  }

  preScore(_state: CycleState, pod: PodInfo): Status {
    return pod.preferredAffinity.length === 0 ? SKIP : SUCCESS;
  }

  /** The sum of the weights of the preferred terms the node matches. */
  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    let sum = 0;
    for (const p of pod.preferredAffinity) if (termMatches(p.term, node.name, node.labels)) sum += p.weight;
    return sum;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: Float64Array): Status {
    defaultNormalizeScore(scores, false);
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [{ resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeLabel, hint: schedulableAfterNodeChange }];
  }
}

/** Queue when the node matches now and (for an update) did not before. */
function schedulableAfterNodeChange(pod: PodInfo, event: ClusterEvent): QueueingHint {
  if (!event.newNode || !nodeMatches(pod, event.newNode)) return 'QueueSkip';
  if (event.oldNode && nodeMatches(pod, event.oldNode)) return 'QueueSkip';
  return 'Queue';
}

export const newNodeAffinity: PluginFactory = () => new NodeAffinity();
