// A scheduling profile (KubeSchedulerProfile): which plugins run, in which order, with which
// score weights and args. The default is kube-scheduler's own multiPoint list, less the
// plugins for features we do not have (volumes, inter-pod affinity, preemption, images).
import { DEFAULT_SCHEDULER_NAME } from '../pod-info.js';
import { PluginName } from '../plugins/names.js';

export interface PluginConfig {
  readonly name: string;
  /** Score weight; 1 when unset. Ignored for plugins that do not score. */
  readonly weight?: number;
  readonly args?: unknown;
}

export interface Profile {
  readonly schedulerName: string;
  /** Enabled plugins in order: filters run in this order and stop at the first rejection. */
  readonly plugins: readonly PluginConfig[];
  /** 0 or unset: the adaptive default (50 - nodes/125 percent, at least 5). */
  readonly percentageOfNodesToScore?: number;
}

export const DEFAULT_PROFILE: Profile = Object.freeze({
  schedulerName: DEFAULT_SCHEDULER_NAME,
  plugins: Object.freeze([
    { name: PluginName.NodeUnschedulable },
    { name: PluginName.NodeName },
    { name: PluginName.TaintToleration, weight: 3 },
    { name: PluginName.NodeAffinity, weight: 2 },
    { name: PluginName.NodePorts },
    { name: PluginName.NodeResourcesFit, weight: 1 },
    { name: PluginName.PodTopologySpread, weight: 2 },
    { name: PluginName.NodeResourcesBalancedAllocation, weight: 1 },
  ]),
});
