// Registration and heartbeats, as the kubelet does them: create the Node (or adopt the one that
// is there), then every 10 s renew the Lease in kube-node-lease and check the status, posting it
// when it changed or a minute has passed since the last post.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { isApiError } from '../../../lib/api/kube-client/api-error.js';
import { formatMicroTime } from '../../../lib/api/time.js';
import type { ControllerClient } from '../../../lib/controller/client.js';
import type { Clock, TimerHandle } from '../../../lib/controller/clock.js';
import type { Logger } from '../../../lib/controller/informer.js';
import { Resources } from '../../../lib/controller/resources.js';
import { sleep } from '../../../lib/controller/sleep.js';
import type { MachineFacts, NodeIdentity, Readiness } from './node-object.js';
import { newNode, nodeLabels, nodeStatus, statusFingerprint } from './node-object.js';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const DEFAULT_LEASE_DURATION_SECONDS = 40;
const REGISTER_RETRY_INITIAL_MS = 100;
const REGISTER_RETRY_MAX_MS = 7_000;

export interface NodeReporterOptions {
  client: ControllerClient;
  clock: Clock;
  log: Logger;
  identity: NodeIdentity;
  machine: MachineFacts;
  readiness: () => Readiness;
  /** The Lease's duration (40 s); it is renewed, and the status checked, every quarter of it. */
  leaseDurationSeconds?: number;
  /** Longest time between two status posts when nothing changed. */
  reportMs?: number;
}

export class NodeReporter {
  private node: KubeObject | undefined;
  private lastPosted = 0;
  private lastFingerprint = '';
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly o: NodeReporterOptions) {}

  private get leaseSeconds(): number {
    return this.o.leaseDurationSeconds ?? DEFAULT_LEASE_DURATION_SECONDS;
  }

  get current(): KubeObject | undefined {
    return this.node;
  }

  /** Registers the Node (create, or adopt an existing one with our labels) and posts its status. */
  async register(): Promise<KubeObject> {
    const name = this.o.identity.nodeName;
    try {
      this.node = await this.o.client.create(Resources.nodes, newNode(this.o.identity, this.o.machine));
    } catch (err) {
      if (!isApiError(err, 409)) throw err;
      this.node = await this.o.client.patch(Resources.nodes, name, { metadata: { labels: nodeLabels(this.o.identity, this.o.machine) } }, 'merge');
    }
    await this.postStatus(true);
    await this.renewLease();
    return this.node;
  }

  /**
   * register() until it succeeds, as the kubelet's registerWithAPIServer does: after a failure
   * (the API server not up yet, a network blip) it tries again after 100 ms, doubling to 7 s.
   */
  async registerWithRetry(signal?: AbortSignal): Promise<KubeObject> {
    let delay = REGISTER_RETRY_INITIAL_MS;
    for (;;) {
      try {
        return await this.register();
      } catch (err) {
        if (signal?.aborted === true) throw err;
        this.o.log('Unable to register node with API server', { node: this.o.identity.nodeName, error: err instanceof Error ? err.message : String(err), retryInMs: delay });
        await sleep(this.o.clock, delay, signal);
        delay = Math.min(delay * 2, REGISTER_RETRY_MAX_MS);
      }
    }
  }

  start(): void {
    const period = (this.leaseSeconds * 1000) / 4;
    const tick = (): void => {
      if (this.stopped) return;
      void this.heartbeat().finally(() => {
        if (!this.stopped) this.timer = this.o.clock.setTimeout(tick, period);
      });
    };
    this.timer = this.o.clock.setTimeout(tick, period);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** Something the status reports changed (readiness): post it now. */
  async statusChanged(): Promise<void> {
    await this.postStatus(false);
  }

  async heartbeat(): Promise<void> {
    try {
      await this.renewLease();
    } catch (err) {
      this.o.log('lease renewal failed', { error: String(err) });
    }
    try {
      await this.postStatus(false);
    } catch (err) {
      this.o.log('node status update failed', { error: String(err) });
    }
  }

  private async postStatus(force: boolean): Promise<void> {
    const now = this.o.clock.now();
    const status = nodeStatus(this.o.identity, this.o.machine, this.o.readiness(), this.node, now);
    const fp = statusFingerprint(status);
    if (!force && fp === this.lastFingerprint && now - this.lastPosted < (this.o.reportMs ?? 60_000)) return;
    this.node = await this.o.client.patch(Resources.nodes, this.o.identity.nodeName, { status }, 'merge', { subresource: 'status' });
    this.lastFingerprint = fp;
    this.lastPosted = now;
  }

  private async renewLease(): Promise<void> {
    const name = this.o.identity.nodeName;
    const o = { namespace: LEASE_NAMESPACE };
    const renewTime = formatMicroTime(this.o.clock.now());
    try {
      const lease = await this.o.client.get(Resources.leases, name, o);
      const spec = isRecord(lease.spec) ? lease.spec : {};
      await this.o.client.update(Resources.leases, { ...lease, spec: { ...spec, holderIdentity: name, leaseDurationSeconds: this.leaseSeconds, renewTime } }, o);
    } catch (err) {
      if (!isApiError(err, 404)) throw err;
      const owner = this.node?.metadata.uid !== undefined ? [{ apiVersion: 'v1', kind: 'Node', name, uid: this.node.metadata.uid }] : undefined;
      await this.o.client.create(
        Resources.leases,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace: LEASE_NAMESPACE, ...(owner ? { ownerReferences: owner } : {}) },
          spec: { holderIdentity: name, leaseDurationSeconds: this.leaseSeconds, renewTime },
        },
        o,
      );
    }
  }
}
