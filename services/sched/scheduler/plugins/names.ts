// The names plugins are registered and configured under (pkg/scheduler/framework/plugins/names).
export const PluginName = {
  NodeUnschedulable: 'NodeUnschedulable',
  NodeName: 'NodeName',
  TaintToleration: 'TaintToleration',
  NodeAffinity: 'NodeAffinity',
  NodePorts: 'NodePorts',
  NodeResourcesFit: 'NodeResourcesFit',
  PodTopologySpread: 'PodTopologySpread',
  NodeResourcesBalancedAllocation: 'NodeResourcesBalancedAllocation',
} as const;

export type PluginNameType = (typeof PluginName)[keyof typeof PluginName];
