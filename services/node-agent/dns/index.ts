// Cluster DNS for the node agent (CoreDNS's kubernetes plugin, node-local): the pure resolver,
// the wire handling, the socket server, and the entry the agent's main calls.
export type { ClusterDnsHandlerOptions, DnsHandler, QueryContext } from './cluster-dns-handler.js';
export { ClusterDnsHandler } from './cluster-dns-handler.js';
export type { ClusterDnsResolverOptions, DnsQuestion, RcodeName, ResolveResult } from './cluster-dns-resolver.js';
export { ClusterDnsResolver, DEFAULT_CLUSTER_DOMAIN, DEFAULT_REVERSE_CIDRS, DEFAULT_TTL, DNS_SCHEMA_VERSION, Rcode } from './cluster-dns-resolver.js';
export type { DnsQuery, ParseOutcome, Transport } from './dns-message.js';
export { encodeResponse, fitToSize, maxResponseSize, parseQuery } from './dns-message.js';
export { DnsMetrics } from './dns-metrics.js';
export type { BindAddress, DnsServerOptions } from './dns-server.js';
export { DnsServer } from './dns-server.js';
export type { PodResolvConfOptions } from './resolv-conf.js';
export { podResolvConf } from './resolv-conf.js';
export type { ClusterDns, StartClusterDnsOptions } from './start-cluster-dns.js';
export { startClusterDns } from './start-cluster-dns.js';
export type { Forwarder, Upstream, UpstreamForwarderOptions } from './upstream-forwarder.js';
export { UpstreamForwarder } from './upstream-forwarder.js';
