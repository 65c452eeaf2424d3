// The pod network as the node agent holds it: it cannot exist until the controllers give the
// node a podCIDR, so it is built then (the bridge with the range's first address), and until
// that moment the node reports NetworkReady=false as a kubelet with an uninitialised CNI does.
// Node changes also keep the host-gw routes to every other node's pods current.
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { Mutex } from '../../lib/keyed-mutex.js';
import type { Logger } from '../../lib/controller/informer.js';
import type { PodNetworkPort } from './docker-pod-runtime.js';
import { ExecaIpRunner, HostGwRoutes, PodNetwork, hostGwNodeOf } from './network/index.js';
import type { ReconcileResult } from './network/index.js';
import type { Readiness } from './node-status/node-object.js';

const NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

export class NetworkNotReadyError extends Error {
  override readonly name = 'NetworkNotReadyError';
}

export interface LatePodNetworkOptions {
  stateDir: string;
  bridge: string;
  log: Logger;
}

export class LatePodNetwork implements PodNetworkPort {
  private readonly runner = new ExecaIpRunner();
  private readonly routes = new HostGwRoutes(this.runner);
  private net: PodNetwork | undefined;
  private ready = false;
  private readonly waiters: Array<() => void> = [];
  private readonly applying = new Mutex();

  constructor(private readonly o: LatePodNetworkOptions) {}

  readiness(): Readiness {
    return this.ready ? { ready: true } : { ready: false, message: NOT_READY };
  }

  /** Resolves once the bridge is up for the node's podCIDR. */
  waitReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Applies the nodes as the informer has them; true when this node's readiness changed. Calls
   * run one at a time in call order (each brings a newer view of the nodes, and the last must
   * win), so two node events close together neither build the bridge twice nor let an older
   * view undo a newer one's routes.
   */
  nodesChanged(self: KubeObject | undefined, all: KubeObject[], selfName: string): Promise<boolean> {
    return this.applying.run(() => this.applyNodes(self, all, selfName));
  }

  private async applyNodes(self: KubeObject | undefined, all: KubeObject[], selfName: string): Promise<boolean> {
    const spec = self && isRecord(self.spec) ? self.spec : {};
    const podCIDR = typeof spec.podCIDR === 'string' ? spec.podCIDR : '';
    const before = this.ready;
    if (podCIDR !== '' && this.net?.podCIDR !== podCIDR) {
      if (this.net) this.o.log('podCIDR changed', { from: this.net.podCIDR, to: podCIDR });
      const net = new PodNetwork({ podCIDR, runner: this.runner, stateDir: this.o.stateDir, bridge: this.o.bridge });
      await net.ensureBridge();
      this.net = net;
      this.ready = true;
      this.o.log('pod network ready', { podCIDR, bridge: this.o.bridge, gateway: net.gateway });
      for (const w of this.waiters.splice(0)) w();
    }
    await this.routes.sync(all.map(hostGwNodeOf), selfName);
    return before !== this.ready;
  }

  private need(): PodNetwork {
    if (!this.net) throw new NetworkNotReadyError(NOT_READY);
    return this.net;
  }

  async setUp(containerId: string, netnsPath: string): Promise<{ ip: string }> {
    return this.need().setUp(containerId, netnsPath);
  }

  async tearDown(containerId: string, netnsPath?: string): Promise<void> {
    if (!this.net) return;
    await this.net.tearDown(containerId, netnsPath);
  }

  async ipOf(containerId: string): Promise<string | undefined> {
    return this.net?.ipOf(containerId);
  }

  async reconcile(live: ReadonlySet<string>): Promise<ReconcileResult> {
    if (!this.net) return { released: [], removedLinks: [] };
    return this.net.reconcile(live);
  }
}
