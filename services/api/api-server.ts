// The API server's core, without sockets of its own: one ResourceStore (with its watch cache)
// per resource, the admission chain, allocation repair and the start-up objects every cluster
// has (system namespaces, the `kubernetes` Service). main.ts puts HTTPS and signals around it.
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import type { ApiConfig } from './config.js';
import type { MutatingPlugin, RequestUser, ValidatingPlugin } from './admission/types.js';
import { AdmissionChain } from './admission/types.js';
import { NamespaceLifecycle } from './admission/namespace-lifecycle.js';
import type { NamespacePhase } from './admission/namespace-lifecycle.js';
import { DefaultTolerationSeconds, ServiceAccountAdmission } from './admission/pod-defaults.js';
import { ServiceAllocation } from './admission/service-allocation.js';
import { StatusError } from '../../lib/api/status-error.js';
import { storeKey } from './http/api-handler.js';
import { KeyAllocator, cidrRange, numberToIpv4 } from './registry/allocator.js';
import { NamespaceFinalizer } from './registry/namespace-finalizer.js';
import { ResourceStore } from './registry/resource-store.js';
import type { RequestContext } from './registry/resource-store.js';
import type { ResourceInfo } from './registry/resources.js';
import { RESOURCES } from './registry/resources.js';
import type { EtcdStorage } from './storage/etcd-storage.js';

export const SYSTEM_USER: RequestUser = { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

export interface ApiServerCoreOptions {
  config: ApiConfig;
  storage: EtcdStorage;
  now?: () => Date;
  /** Plugins from elsewhere (defaulting, validation): mutating run after allocation, validating after NamespaceLifecycle. */
  mutating?: readonly MutatingPlugin[];
  validating?: readonly ValidatingPlugin[];
  /** Objects created at start if missing (e.g. the bootstrap RBAC policy). */
  bootstrapObjects?: readonly KubeObject[];
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class ApiServerCore {
  readonly stores = new Map<string, ResourceStore>();
  readonly serviceAllocation: ServiceAllocation;
  readonly kubernetesServiceIp: string;
  private repairTimer: NodeJS.Timeout | undefined;
  private finalizerTimer: NodeJS.Timeout | undefined;
  private ready = false;
  private readonly now: () => Date;
  private readonly log: (msg: string, fields?: Record<string, unknown>) => void;

  constructor(private readonly opts: ApiServerCoreOptions) {
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? (() => {});
    const cfg = opts.config;
    const ipRange = cidrRange(cfg.serviceClusterIpRange);
    this.kubernetesServiceIp = numberToIpv4(ipRange.first);
    const ips = new KeyAllocator(opts.storage, '/registry/ranges/serviceips/', ipRange.first, ipRange.last, numberToIpv4, new Set([ipRange.first]));
    const ports = new KeyAllocator(opts.storage, '/registry/ranges/servicenodeports/', cfg.serviceNodePortRange.first, cfg.serviceNodePortRange.last, String);
    this.serviceAllocation = new ServiceAllocation({
      ips,
      ports,
      ipRangeText: cfg.serviceClusterIpRange,
      portRangeText: `${cfg.serviceNodePortRange.first}-${cfg.serviceNodePortRange.last}`,
    });
    const admission = new AdmissionChain(
      [
        ...(opts.mutating ?? []),
        new ServiceAccountAdmission(),
        new DefaultTolerationSeconds(cfg.defaultNotReadyTolerationSeconds, cfg.defaultUnreachableTolerationSeconds),
        this.serviceAllocation,
      ],
      [new NamespaceLifecycle((ns) => this.namespacePhase(ns)), ...(opts.validating ?? [])],
    );
    for (const info of RESOURCES) {
      const store = new ResourceStore(info, {
        storage: opts.storage,
        admission,
        now: this.now,
        log: this.log,
        onDeleted: (obj) => this.onDeleted(info, obj),
        ttlSeconds: info.group === '' && info.resource === 'events' ? cfg.eventTtlSeconds : undefined,
      });
      this.stores.set(storeKey(info.group, info.resource), store);
    }
  }

  store(group: string, resource: string): ResourceStore {
    const s = this.stores.get(storeKey(group, resource));
    if (!s) throw new Error(`no store for ${group}/${resource}`);
    return s;
  }

  get isReady(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    await Promise.all([...this.stores.values()].map((s) => s.cache.start()));
    await this.bootstrap();
    await this.repair();
    this.repairTimer = setInterval(() => void this.repair(), this.opts.config.repairIntervalMs);
    const finalizer = new NamespaceFinalizer(
      this.store('', 'namespaces'),
      [...this.stores.values()].filter((s) => s.info.namespaced),
      { user: SYSTEM_USER, version: 'v1', dryRun: false },
      this.log,
    );
    this.finalizerTimer = setInterval(() => finalizer.kick(), 1000);
    this.ready = true;
  }

  stop(): void {
    if (this.repairTimer) clearInterval(this.repairTimer);
    if (this.finalizerTimer) clearInterval(this.finalizerTimer);
    for (const s of this.stores.values()) s.cache.stop();
  }

  private async onDeleted(info: ResourceInfo, obj: KubeObject): Promise<void> {
    if (info.group === '' && info.kind === 'Namespace') return;
    if (info.group === '' && info.kind === 'Service') {
      try {
        await this.serviceAllocation.released(obj);
      } catch (err) {
        this.log('releasing a deleted Service\'s allocations failed; the repair pass will', { error: String(err) });
      }
    }
  }

  private async namespacePhase(ns: string): Promise<NamespacePhase> {
    const store = this.store('', 'namespaces');
    const cached = store.cache.get(store.key('', ns));
    let obj = cached?.obj;
    if (!obj) {
      // A namespace created a moment ago may not have reached the cache yet.
      try {
        obj = await store.get('', ns, 'v1');
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) return 'Missing';
        throw err;
      }
    }
    const phase = isRecord(obj.status) ? obj.status.phase : undefined;
    return phase === 'Terminating' || obj.metadata.deletionTimestamp !== undefined ? 'Terminating' : 'Active';
  }

  private async repair(): Promise<void> {
    try {
      const services = this.store('', 'services').cache.objects();
      const r = await this.serviceAllocation.repair(services);
      if (r.claimed > 0 || r.freed > 0) this.log('service allocations repaired', r);
    } catch (err) {
      this.log('service allocation repair failed', { error: String(err) });
    }
  }

  /** Creates what every cluster has, if missing (several API servers may race; that is fine). */
  private async bootstrap(): Promise<void> {
    const ctx: RequestContext = { user: SYSTEM_USER, version: 'v1', dryRun: false };
    const ensure = async (group: string, resource: string, namespace: string, obj: KubeObject, version = 'v1'): Promise<void> => {
      try {
        await this.store(group, resource).create(namespace, obj, { ...ctx, version });
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      }
    };
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await ensure('', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
    }
    await ensure('', 'services', 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: this.kubernetesServiceIp, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: this.opts.config.securePort }], sessionAffinity: 'None' },
    });
    // Like Kubernetes' endpoint reconciler: a loopback address is useless to pods (and invalid).
    if (!this.opts.config.advertiseAddress.startsWith('127.')) {
      try {
        await this.reconcileApiEndpoints();
      } catch (err) {
        this.log('could not record this API server in the kubernetes Endpoints', { error: String(err) });
      }
    }
    for (const obj of this.opts.bootstrapObjects ?? []) {
      const res = RESOURCES.find((r) => `${r.group === '' ? '' : `${r.group}/`}${r.versions[0] ?? ''}` === obj.apiVersion && r.kind === obj.kind);
      if (!res) continue;
      await ensure(res.group, res.resource, obj.metadata.namespace ?? '', obj, res.versions[0]);
    }
  }

  /** The `kubernetes` Service's Endpoints list this API server (several servers add themselves). */
  private async reconcileApiEndpoints(): Promise<void> {
    const store = this.store('', 'endpoints');
    const ctx: RequestContext = { user: SYSTEM_USER, version: 'v1', dryRun: false };
    const me = { ip: this.opts.config.advertiseAddress };
    const port = { name: 'https', port: this.opts.config.securePort, protocol: 'TCP' };
    try {
      await store.create('default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [{ addresses: [me], ports: [port] }] }, ctx);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      await store.guaranteedUpdate('default', 'kubernetes', ctx, 'main', undefined, (cur) => {
        const subsets = Array.isArray(cur.subsets) ? cur.subsets.filter(isRecord) : [];
        const first = subsets[0] ?? { addresses: [], ports: [port] };
        const addrs = Array.isArray(first.addresses) ? first.addresses.filter(isRecord) : [];
        if (!addrs.some((a) => a.ip === me.ip)) addrs.push(me);
        return { ...cur, subsets: [{ ...first, addresses: addrs, ports: [port] }] };
      });
    }
  }
}
