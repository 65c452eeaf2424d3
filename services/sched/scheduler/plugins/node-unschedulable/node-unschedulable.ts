// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import { ActionType } from '../../framework/cluster-event.js';
import type { ClusterEvent, ClusterEventWithHint, QueueingHint } from '../../framework/cluster-event.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { EnqueueExtensions, FilterPlugin, PluginFactory } from '../../framework/interfaces.js';
import type { Status } from '../../framework/status.js';
import { SUCCESS, unresolvable } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../taints.js';
import { PluginName } from '../names.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const REJECTED = unresolvable(ERR_REASON_UNSCHEDULABLE);

function toleratesUnschedulable(pod: PodInfo): boolean {
  return tolerationsTolerateTaint(pod.tolerations, TAINT_NODE_UNSCHEDULABLE);
}

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = PluginName.NodeUnschedulable;

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    if (!node.unschedulable || toleratesUnschedulable(pod)) return SUCCESS;
    return REJECTED;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        resource: 'Node',
        actions: ActionType.Add | ActionType.UpdateNodeUnschedulable | ActionType.UpdateNodeTaint,
        hint: schedulableAfterNodeChange,
      },
    ];
  }
}

/** Queue only when the node now takes the pod and (for an update) did not before. */
function schedulableAfterNodeChange(pod: PodInfo, event: ClusterEvent): QueueingHint {
  const node = event.newNode;
  if (!node) return 'QueueSkip';
  if (event.oldNode && !event.oldNode.unschedulable) return 'QueueSkip';
  return !node.unschedulable || toleratesUnschedulable(pod) ? 'Queue' : 'QueueSkip';
}

export const newNodeUnschedulable: PluginFactory = () => new NodeUnschedulable();
