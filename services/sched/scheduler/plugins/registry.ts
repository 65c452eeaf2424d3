// The in-tree registry: every plugin name a profile may enable, with its factory.
import type { PluginFactory, Registry } from '../framework/interfaces.js';
import { PluginName } from './names.js';
import { newNodeAffinity } from './node-affinity/node-affinity.js';
import { newNodeName } from './node-name/node-name.js';
import { newNodePorts } from './node-ports/node-ports.js';
import { newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation/node-resources-balanced-allocation.js';
import { newNodeResourcesFit } from './node-resources-fit/node-resources-fit.js';
import { newNodeUnschedulable } from './node-unschedulable/node-unschedulable.js';
import { newPodTopologySpread } from './pod-topology-spread/pod-topology-spread.js';
import { newTaintToleration } from './taint-toleration/taint-toleration.js';

export function inTreeRegistry(): Registry {
  return new Map<string, PluginFactory>([
    [PluginName.NodeUnschedulable, newNodeUnschedulable],
    [PluginName.NodeName, newNodeName],
    [PluginName.TaintToleration, newTaintToleration],
    [PluginName.NodeAffinity, newNodeAffinity],
    [PluginName.NodePorts, newNodePorts],
    [PluginName.NodeResourcesFit, newNodeResourcesFit],
    [PluginName.PodTopologySpread, newPodTopologySpread],
    [PluginName.NodeResourcesBalancedAllocation, newNodeResourcesBalancedAllocation],
  ]);
}
