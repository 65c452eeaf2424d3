// Container logs and running pods for the node API, looked up the kubelet's way: the pod by
// namespace and name among the pods bound here, its container by name, and with `previous`
// the run before the current one.
import type { Readable } from 'node:stream';
import type { KubeObject } from '../../../lib/api/object.js';
import type { ContainerRuntime } from '../runtime/index.js';
import type { LogOptions } from './node-api.js';
import { NodeApiError } from './node-api.js';

export interface PodSource {
  knownPods(): KubeObject[];
}

export class NodeLogs {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly pods: PodSource,
  ) {}

  async stream(namespace: string, name: string, container: string, o: LogOptions): Promise<Readable> {
    const pod = this.pods.knownPods().find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    if (!pod) throw new NodeApiError(404, `pod "${name}" in namespace "${namespace}" not found on this node`);
    const uid = pod.metadata.uid ?? '';
    const runs = (await this.runtime.listContainers({ podUid: uid }))
      .filter((c) => c.metadata.name === container)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    const chosen = o.previous ? runs[1] : runs[0];
    if (!chosen) {
      if (o.previous) throw new NodeApiError(400, `previous terminated container "${container}" in pod "${name}" not found`);
      throw new NodeApiError(400, `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    }
    return this.runtime.logs(chosen.id, {
      follow: o.follow,
      timestamps: o.timestamps,
      ...(o.tailLines !== undefined ? { tailLines: o.tailLines } : {}),
      ...(o.sinceSeconds !== undefined ? { sinceSeconds: o.sinceSeconds } : {}),
      ...(o.sinceTime !== undefined ? { sinceTime: new Date(o.sinceTime) } : {}),
      ...(o.limitBytes !== undefined ? { limitBytes: o.limitBytes } : {}),
    });
  }

  /** Pods with a ready sandbox, in the minimal form the kubelet's /runningpods returns. */
  async runningPods(): Promise<KubeObject[]> {
    const sandboxes = (await this.runtime.listPodSandboxes()).filter((s) => s.state === 'ready');
    return sandboxes.map((s) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: s.metadata.name, namespace: s.metadata.namespace, uid: s.metadata.uid } }));
  }
}
