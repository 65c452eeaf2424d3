// The pod cache index both controllers here use to find the pods bound to a node.
import type { KubeObject } from '../../../../lib/api/object.js';
import type { ObjectCache } from '../../../../lib/controller/object-cache.js';
import { podNodeName } from '../pod-util.js';

/** Named as Kubernetes names the same index (nodeNameKeyIndex). */
export const POD_NODE_NAME_INDEX = 'spec.nodeName';

export function addPodNodeNameIndex(pods: ObjectCache): void {
  pods.addIndex(POD_NODE_NAME_INDEX, (pod) => {
    const node = podNodeName(pod);
    return node === '' ? [] : [node];
  });
}

export function podsOnNode(pods: ObjectCache, nodeName: string): KubeObject[] {
  return pods.byIndex(POD_NODE_NAME_INDEX, nodeName);
}
