// The node agent's cluster DNS: a resolver fed by the Service and EndpointSlice informers,
// served over UDP and TCP on the given addresses (10.96.0.10:53 on a dummy interface in the
// host namespace), forwarding other names to the configured upstreams. The caller starts the
// informer factory; until both informers have synced, unknown names answer SERVFAIL.
import type { Registry } from 'prom-client';
import type { KubeObject } from '../../../lib/api/object.js';
import type { InformerFactory, Logger } from '../../../lib/controller/informer.js';
import { Resources } from '../../../lib/controller/resources.js';
import { ClusterDnsHandler } from './cluster-dns-handler.js';
import { ClusterDnsResolver, DEFAULT_CLUSTER_DOMAIN } from './cluster-dns-resolver.js';
import { DnsMetrics } from './dns-metrics.js';
import type { BindAddress } from './dns-server.js';
import { DnsServer } from './dns-server.js';
import type { Upstream } from './upstream-forwarder.js';
import { UpstreamForwarder } from './upstream-forwarder.js';

export interface StartClusterDnsOptions {
  informers: InformerFactory;
  bind: BindAddress[];
  /** Default "cluster.local". */
  clusterDomain?: string;
  /** Where names outside the cluster zones go; none (the default): SERVFAIL. */
  upstreams?: Upstream[];
  /** IPv4 ranges answered for PTR; default the Service and pod networks. */
  reverseCidrs?: string[];
  registry: Registry;
  log: Logger;
}

export interface ClusterDns {
  /** The addresses served, with the ports actually bound (port 0 picks a free one). */
  readonly addresses: BindAddress[];
  readonly resolver: ClusterDnsResolver;
  stop(): Promise<void>;
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

export async function startClusterDns(opts: StartClusterDnsOptions): Promise<ClusterDns> {
  const services = opts.informers.for(Resources.services);
  const slices = opts.informers.for(Resources.endpointSlices);
  const resolver = new ClusterDnsResolver({
    clusterDomain: opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    nameservers: opts.bind.map((b) => b.address).filter((a) => !isUnspecified(a)),
    ...(opts.reverseCidrs ? { reverseCidrs: opts.reverseCidrs } : {}),
    hasSynced: () => services.hasSynced() && slices.hasSynced(),
  });
  services.addEventHandler({
    onAdd: (o: KubeObject) => resolver.upsertService(o),
    onUpdate: (_old: KubeObject, o: KubeObject) => resolver.upsertService(o),
    onDelete: (o: KubeObject) => resolver.deleteService(o),
  });
  slices.addEventHandler({
    onAdd: (o: KubeObject) => resolver.upsertEndpointSlice(o),
    onUpdate: (_old: KubeObject, o: KubeObject) => resolver.upsertEndpointSlice(o),
    onDelete: (o: KubeObject) => resolver.deleteEndpointSlice(o),
  });
  const upstreams = opts.upstreams ?? [];
  const handler = new ClusterDnsHandler(resolver, {
    metrics: new DnsMetrics(opts.registry),
    ...(upstreams.length > 0 ? { forwarder: new UpstreamForwarder(upstreams) } : {}),
  });
  const server = new DnsServer({ bind: opts.bind, handler, log: opts.log });
  await server.start();
  opts.log('cluster DNS serving', { addresses: server.addresses.map((a) => `${a.address}:${a.port}`), clusterDomain: resolver.clusterDomain, upstreams: upstreams.length });
  return {
    addresses: server.addresses,
    resolver,
    stop: () => server.stop(),
  };
}
