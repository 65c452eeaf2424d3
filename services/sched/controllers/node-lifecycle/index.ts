// The node lifecycle controller and the taint eviction controller it works with.
export type { NodeLifecycleOptions } from './node-lifecycle-controller.js';
export { NODE_LEASE_NAMESPACE, NodeLifecycleController } from './node-lifecycle-controller.js';
export type { EvictionDecision } from './taint-eviction-controller.js';
export { TaintEvictionController, decideEviction } from './taint-eviction-controller.js';
export type { Taint, Toleration, ToleratedTaints } from '../../../../lib/api/taints.js';
export { TaintEffect, TaintKey, matchingTolerations, noExecuteTaints, nodeTaints, podTolerations, toleratesTaint } from '../../../../lib/api/taints.js';
