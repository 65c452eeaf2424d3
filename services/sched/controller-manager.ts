// The controllers half of bin/sched (kube-controller-manager): every controller built once on
// shared informers, acting while this copy holds the kube-controller-manager lease.
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { ApiEventRecorder } from '../../lib/controller/event-recorder.js';
import type { Controller } from '../../lib/controller/controller.js';
import type { InformerFactory, Logger } from '../../lib/controller/informer.js';
import { realClock } from '../../lib/controller/clock.js';
import type { SchedConfig } from './config.js';
import type { ControllerDeps } from './controllers/controller-deps.js';
import { DeploymentController } from './controllers/deployment/deployment-controller.js';
import { EndpointsController } from './controllers/endpoints/endpoints-controller.js';
import { EndpointSliceController } from './controllers/endpointslice/endpointslice-controller.js';
import { GarbageCollector } from './controllers/garbage-collector/garbage-collector.js';
import { NodeIpamController } from './controllers/node-ipam/node-ipam-controller.js';
import { NodeLifecycleController } from './controllers/node-lifecycle/node-lifecycle-controller.js';
import { TaintEvictionController } from './controllers/node-lifecycle/taint-eviction-controller.js';
import { ReplicaSetController } from './controllers/replicaset/replicaset-controller.js';
import { ServiceAccountsController } from './controllers/serviceaccount/serviceaccounts-controller.js';
import type { Role } from './role.js';

export class ControllerManager implements Role {
  readonly name = 'controllers';
  readonly leaseName = 'kube-controller-manager';
  private readonly controllers: Array<{ controller: Controller; workers: number }> = [];

  constructor(readonly client: KubeClient, informers: InformerFactory, cfg: SchedConfig, o: { identity: string; log: Logger }) {
    // Each controller records Events under its own component name, as kube-controller-manager's do.
    const deps = (component: string): ControllerDeps => ({
      client,
      informers,
      recorder: new ApiEventRecorder(client, { component, host: o.identity, log: o.log }),
      clock: realClock,
      log: (msg, fields) => o.log(msg, { controller: component, ...fields }),
    });
    const add = (controller: Controller, workers: number): void => void this.controllers.push({ controller, workers });
    add(new ReplicaSetController(deps('replicaset-controller')), cfg.concurrentReplicaSetSyncs);
    add(new DeploymentController(deps('deployment-controller')), cfg.concurrentDeploymentSyncs);
    add(new EndpointSliceController(deps('endpoint-slice-controller')), cfg.concurrentEndpointSyncs);
    add(new EndpointsController(deps('endpoint-controller')), cfg.concurrentEndpointSyncs);
    add(new ServiceAccountsController(deps('service-account-controller')), 1);
    add(
      new NodeLifecycleController(deps('node-controller'), {
        nodeMonitorPeriodMs: cfg.nodeMonitorPeriodMs,
        nodeMonitorGracePeriodMs: cfg.nodeMonitorGracePeriodMs,
        nodeStartupGracePeriodMs: cfg.nodeStartupGracePeriodMs,
      }),
      1,
    );
    add(new TaintEvictionController(deps('taint-eviction-controller')), 8);
    if (cfg.allocateNodeCidrs) add(new NodeIpamController(deps('cidrAllocator'), { clusterCIDR: cfg.clusterCidr, nodeCIDRMaskSize: cfg.nodeCidrMaskSize }), 1);
    add(new GarbageCollector(deps('garbage-collector-controller')), cfg.concurrentGcSyncs);
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(this.controllers.map(({ controller, workers }) => controller.run(workers, signal)));
  }
}
