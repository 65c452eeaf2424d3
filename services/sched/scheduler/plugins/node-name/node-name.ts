// NodeName: a pod that names its node (spec.nodeName) fits only there.
import { ActionType } from '../../framework/cluster-event.js';
import type { ClusterEventWithHint } from '../../framework/cluster-event.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { EnqueueExtensions, FilterPlugin, PluginFactory, PreFilterPlugin } from '../../framework/interfaces.js';
import type { Status } from '../../framework/status.js';
import { SKIP, SUCCESS, unresolvable } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { PluginName } from '../names.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

const REJECTED = unresolvable(ERR_REASON_NODE_NAME);

export class NodeName implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = PluginName.NodeName;

  preFilter(_state: CycleState, pod: PodInfo): Status {
    return pod.nodeName === '' ? SKIP : SUCCESS;
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return pod.nodeName === '' || pod.nodeName === node.name ? SUCCESS : REJECTED;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        resource: 'Node',
        actions: ActionType.Add,
        hint: (pod, event) => (event.newNode?.name === pod.nodeName ? 'Queue' : 'QueueSkip'),
      },
    ];
  }
}

export const newNodeName: PluginFactory = () => new NodeName();
