// The control plane the test/sched suites run against: store and API server (ApiCluster),
// fake nodes played by the test (FakeNodes), and bin/sched copies (SchedProcesses).
import { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Resources } from '../../lib/controller/resources.js';
import { ApiCluster } from './api-cluster.js';
import type { FakeNodeSpec, FakeNodesOptions } from './fake-nodes.js';
import { FakeNodes } from './fake-nodes.js';
import { SchedProcesses } from './sched-processes.js';

export interface SchedClusterOptions {
  nodes: readonly FakeNodeSpec[];
  nodeOptions?: FakeNodesOptions;
  apiArgs?: string[];
  schedArgs?: string[];
  /** How many bin/sched copies (default 1). */
  copies?: number;
  /** A namespace to create. */
  namespace?: string;
}

export class SchedCluster {
  private constructor(
    readonly api: ApiCluster,
    readonly client: KubeClient,
    readonly nodes: FakeNodes,
    readonly sched: SchedProcesses,
  ) {}

  static async start(o: SchedClusterOptions): Promise<SchedCluster> {
    const api = await ApiCluster.start(o.apiArgs ? { extraApiArgs: o.apiArgs } : {});
    let client: KubeClient | undefined;
    let nodes: FakeNodes | undefined;
    const sched = new SchedProcesses(api, o.schedArgs ?? []);
    try {
      client = await KubeClient.fromKubeconfig({ explicitPath: api.kubeconfig });
      nodes = await FakeNodes.start(client, o.nodes, o.nodeOptions ?? {});
      await sched.start(o.copies ?? 1);
      if (o.namespace !== undefined) await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace } });
      return new SchedCluster(api, client, nodes, sched);
    } catch (err) {
      await nodes?.close();
      await sched.destroy();
      client?.close();
      await api.destroy();
      throw err;
    }
  }

  kubectl(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): ReturnType<ApiCluster['kubectl']> {
    return this.api.kubectl(args, opts);
  }

  async destroy(): Promise<void> {
    await this.nodes.close();
    await this.sched.destroy();
    this.client.close();
    await this.api.destroy();
  }
}
