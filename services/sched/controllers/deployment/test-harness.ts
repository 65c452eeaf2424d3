// A Deployment controller under test, over a ControllerFixture, with a stand-in for the
// ReplicaSet controller and the kubelets: each ReplicaSet runs spec.replicas pods at once, pods
// become ready (and available) when the test says so, and scaling down removes not-ready pods
// first. After every step the informer caches are refreshed from the fake API.
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { Resources } from '../../../../lib/controller/resources.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import { asReplicaSet, rsReplicas, rsStatusCounts } from '../workload/replica-set.js';
import { NS } from '../workload/test-objects.js';
import { DeploymentController } from './deployment-controller.js';
import type { Deployment } from './deployment-types.js';
import { asDeployment } from './deployment-types.js';

export class DeploymentHarness {
  readonly fx = new ControllerFixture();
  readonly ctrl: DeploymentController;
  readonly key: string;
  /** Ready pods per ReplicaSet name. */
  private readonly ready = new Map<string, number>();

  constructor(d: Deployment, replicaSets: ReplicaSet[] = [], pods: KubeObject[] = []) {
    this.fx.seed(Resources.deployments, d);
    if (replicaSets.length > 0) this.fx.seed(Resources.replicaSets, ...replicaSets);
    if (pods.length > 0) this.fx.seed(Resources.pods, ...pods);
    for (const rs of this.replicaSets()) this.ready.set(rs.metadata.name ?? '', rsStatusCounts(rs).availableReplicas);
    this.ctrl = new DeploymentController(this.fx);
    this.key = `${NS}/${d.metadata.name ?? ''}`;
  }

  async sync(): Promise<void> {
    await this.ctrl.sync(this.key);
    this.settle();
  }

  /** Every pod of every ReplicaSet becomes ready and available. */
  markAllReady(): void {
    for (const rs of this.replicaSets()) this.ready.set(rs.metadata.name ?? '', rsReplicas(rs));
    this.settle();
  }

  /** The ReplicaSet controller's part: status follows spec at once. */
  settle(): void {
    for (const rs of this.replicaSets()) {
      const name = rs.metadata.name ?? '';
      const replicas = rsReplicas(rs);
      const ready = Math.min(this.ready.get(name) ?? 0, replicas);
      this.ready.set(name, ready);
      rs.status = { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation ?? 1 };
      this.fx.client.seed(Resources.replicaSets, rs);
    }
    this.fx.syncCache(Resources.replicaSets);
    this.fx.syncCache(Resources.deployments);
  }

  replicaSets(): ReplicaSet[] {
    return this.fx.client.objects(Resources.replicaSets).map(asReplicaSet);
  }

  rs(name: string): ReplicaSet {
    const rs = this.fx.client.stored(Resources.replicaSets, NS, name);
    if (!rs) throw new Error(`no replicaset ${name}`);
    return asReplicaSet(rs);
  }

  deployment(): Deployment {
    const d = this.fx.client.stored(Resources.deployments, NS, this.key.slice(NS.length + 1));
    if (!d) throw new Error('no deployment');
    return asDeployment(d);
  }

  /** Changes the Deployment through the fake API (spec changes raise the generation) and refreshes caches. */
  async edit(change: (d: Deployment) => void): Promise<void> {
    const d = this.deployment();
    change(d);
    await this.fx.client.update(Resources.deployments, d);
    this.settle();
  }

  totals(): { pods: number; available: number } {
    let pods = 0;
    let available = 0;
    for (const rs of this.replicaSets()) {
      pods += rsStatusCounts(rs).replicas;
      available += rsStatusCounts(rs).availableReplicas;
    }
    return { pods, available };
  }
}
