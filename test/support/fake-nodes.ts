// Fake nodes for scheduler and controller tests, as the issue allows: Node objects with no
// agent behind them. The test plays their kubelet: it registers them with capacity and a
// Ready condition, renews their Leases in kube-node-lease, marks the pods bound to them
// Running and Ready (with a pod IP), and finishes the graceful deletion of their pods.
// Stopping a node (stop()) silences all of that for it, as a dead node would be.
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { formatMicroTime, formatTime } from '../../lib/api/time.js';
import { isApiError } from '../../lib/api/kube-client/api-error.js';
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Informer } from '../../lib/controller/informer.js';
import { Resources } from '../../lib/controller/resources.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';

export interface FakeNodeSpec {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
}

export interface FakeNodesOptions {
  /** How often leases are renewed (the kubelet's default is 10 s). */
  leaseRenewMs?: number;
  /** How long after binding a pod turns Ready (0: at once). */
  podReadyDelayMs?: number;
}

const microNow = (): string => formatMicroTime(Date.now());
const nowSeconds = (): string => formatTime(Date.now());

export class FakeNodes {
  private readonly alive = new Set<string>();
  private readonly podInformer: Informer;
  private readonly abort = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handled = new Set<string>();
  // One lease renewal per node at a time, as the kubelet's single lease controller does:
  // resume() and the interval (or two slow ticks) would otherwise read the same
  // resourceVersion and the second update would conflict.
  private readonly renewing = new KeyedMutex();
  private ipCounter = 0;
  private readonly done: Promise<void>;
  errors: string[] = [];

  private constructor(
    private readonly client: KubeClient,
    private readonly o: FakeNodesOptions,
  ) {
    this.podInformer = new Informer(client, Resources.pods, { log: (msg, f) => this.errors.push(`${msg} ${JSON.stringify(f ?? {})}`) });
    this.podInformer.addEventHandler({ onAdd: (p) => this.onPod(p), onUpdate: (_o, p) => this.onPod(p) });
    this.done = this.podInformer.run(this.abort.signal);
    const renew = setInterval(() => void this.renewLeases(), o.leaseRenewMs ?? 2000);
    this.timers.add(renew);
  }

  /** Registers the nodes (Node, status, Lease) and starts playing their kubelet. */
  static async start(client: KubeClient, nodes: readonly FakeNodeSpec[], o: FakeNodesOptions = {}): Promise<FakeNodes> {
    const f = new FakeNodes(client, o);
    for (const n of nodes) await f.register(n);
    await f.podInformer.waitForSync(AbortSignal.timeout(30_000));
    return f;
  }

  get names(): string[] {
    return [...this.alive];
  }

  async register(n: FakeNodeSpec): Promise<void> {
    const labels = { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...(n.labels ?? {}) };
    const spec: Record<string, unknown> = {};
    if (n.taints) spec.taints = n.taints;
    await this.client.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, labels }, spec });
    const resources = { cpu: n.cpu ?? '4', memory: n.memory ?? '8Gi', pods: n.pods ?? '110' };
    const now = nowSeconds();
    const status = {
      capacity: resources,
      allocatable: resources,
      addresses: [{ type: 'InternalIP', address: `10.10.0.${21 + this.alive.size}` }, { type: 'Hostname', address: n.name }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      nodeInfo: { kubeletVersion: 'v1.32.0-fake', operatingSystem: 'linux', architecture: 'amd64' },
    };
    await this.client.patch(Resources.nodes, n.name, { status }, 'merge', { subresource: 'status' });
    this.alive.add(n.name);
    await this.renewLease(n.name);
  }

  /** The node goes silent: no lease renewals, no pod updates. */
  stop(name: string): void {
    this.alive.delete(name);
  }

  /** The node's kubelet comes back: renews its lease and reports Ready again. */
  async resume(name: string): Promise<void> {
    this.alive.add(name);
    await this.renewLease(name);
    const now = nowSeconds();
    const conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }];
    await this.client.patch(Resources.nodes, name, { status: { conditions } }, 'merge', { subresource: 'status' });
    // Catch up on what happened to its pods while it was away.
    for (const p of this.podInformer.cache.list()) this.onPod(p);
  }

  private async renewLeases(): Promise<void> {
    for (const name of this.alive) {
      try {
        await this.renewLease(name);
      } catch (err) {
        this.errors.push(`renew ${name}: ${String(err)}`);
      }
    }
  }

  private renewLease(name: string): Promise<void> {
    return this.renewing.run(name, () => this.renewLeaseNow(name));
  }

  private async renewLeaseNow(name: string): Promise<void> {
    const o = { namespace: 'kube-node-lease', signal: AbortSignal.timeout(5000) };
    try {
      const lease = await this.client.get(Resources.leases, name, o);
      const spec = isRecord(lease.spec) ? lease.spec : {};
      await this.client.update(Resources.leases, { ...lease, spec: { ...spec, renewTime: microNow() } }, o);
    } catch (err) {
      if (!isApiError(err, 404)) throw err;
      await this.client.create(Resources.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microNow() } }, o);
    }
  }

  private onPod(pod: KubeObject): void {
    const spec = isRecord(pod.spec) ? pod.spec : {};
    const node = typeof spec.nodeName === 'string' ? spec.nodeName : '';
    if (!this.alive.has(node)) return;
    const key = `${pod.metadata.uid ?? ''}`;
    if (pod.metadata.deletionTimestamp !== undefined) {
      if (this.handled.has(`del:${key}`)) return;
      this.handled.add(`del:${key}`);
      void this.client
        .delete(Resources.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } })
        .catch((err: unknown) => {
          if (!isApiError(err, 404) && !isApiError(err, 409)) this.errors.push(`delete ${pod.metadata.name}: ${String(err)}`);
        });
      return;
    }
    const status = isRecord(pod.status) ? pod.status : {};
    if (status.phase === 'Running' || this.handled.has(`run:${key}`)) return;
    this.handled.add(`run:${key}`);
    const run = (): void => void this.markRunning(pod, node);
    const delay = this.o.podReadyDelayMs ?? 0;
    if (delay <= 0) run();
    else {
      const t = setTimeout(() => {
        this.timers.delete(t);
        run();
      }, delay);
      this.timers.add(t);
    }
  }

  private async markRunning(pod: KubeObject, node: string): Promise<void> {
    if (!this.alive.has(node)) return;
    const n = ++this.ipCounter;
    const ip = `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
    const now = nowSeconds();
    const cond = (type: string): Record<string, string> => ({ type, status: 'True', lastTransitionTime: now });
    const spec = isRecord(pod.spec) ? pod.spec : {};
    const containers = Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : [];
    const status = {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: '10.10.0.21',
      startTime: now,
      conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
      containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
    };
    try {
      await this.client.patch(Resources.pods, pod.metadata.name ?? '', { status }, 'merge', { namespace: pod.metadata.namespace, subresource: 'status' });
    } catch (err) {
      if (!isApiError(err, 404)) this.errors.push(`status ${pod.metadata.name}: ${String(err)}`);
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.alive.clear();
    this.abort.abort();
    await this.done;
  }
}
