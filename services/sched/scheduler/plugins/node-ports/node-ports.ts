// NodePorts: a pod's hostPorts must be free on the node, for the same protocol and an
// overlapping hostIP (0.0.0.0 overlaps every address).
import { ActionType } from '../../framework/cluster-event.js';
import type { ClusterEvent, ClusterEventWithHint, QueueingHint } from '../../framework/cluster-event.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { EnqueueExtensions, FilterPlugin, PluginFactory, PreFilterPlugin } from '../../framework/interfaces.js';
import type { Status } from '../../framework/status.js';
import { SKIP, SUCCESS, unschedulable } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { HostPort, PodInfo } from '../../pod-info.js';
import { PluginName } from '../names.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

const REJECTED = unschedulable(ERR_REASON_PORTS);

function portsOverlap(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0');
}

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = PluginName.NodePorts;

  preFilter(_state: CycleState, pod: PodInfo): Status {
    return pod.hostPorts.length === 0 ? SKIP : SUCCESS;
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return node.hostPortsConflict(pod.hostPorts) ? REJECTED : SUCCESS;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { resource: 'Node', actions: ActionType.Add },
      { resource: 'AssignedPod', actions: ActionType.Delete, hint: schedulableAfterPodDeleted },
    ];
  }
}

/** Only the deletion of a pod holding one of the wanted ports can free it. */
function schedulableAfterPodDeleted(pod: PodInfo, event: ClusterEvent): QueueingHint {
  const gone = event.oldPod;
  if (!gone) return 'Queue';
  for (const want of pod.hostPorts) for (const held of gone.hostPorts) if (portsOverlap(want, held)) return 'Queue';
  return 'QueueSkip';
}

export const newNodePorts: PluginFactory = () => new NodePorts();
