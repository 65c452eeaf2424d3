// The node agent's service proxy (kube-proxy, nftables mode): Services and EndpointSlices in,
// one nftables table out.
export type { ServiceProxyHandle, StartServiceProxyOptions } from './start-service-proxy.js';
export { DEFAULT_FULL_SYNC_PERIOD_MS, DEFAULT_MIN_SYNC_PERIOD_MS, startServiceProxy } from './start-service-proxy.js';
export type { ServiceProxyOptions, SyncResult } from './service-proxy.js';
export { ServiceProxy } from './service-proxy.js';
export type { NftRunner, NftRunnerOptions } from './nft-runner.js';
export { NftFileRunner, NftInteractiveRunner } from './nft-runner.js';
export type { ConntrackCleaner, ConntrackFlush } from './conntrack.js';
export { ExecConntrackCleaner, conntrackArgs, conntrackFlushes } from './conntrack.js';
export { checkIpvsSupport, ipvsFacts, ipvsProblems } from './ipvs-check.js';
export type { IpvsFacts } from './ipvs-check.js';
export { IpvsUnavailableError, NftError } from './errors.js';
export { ProxyMetrics } from './proxy-metrics.js';
export type { Endpoint, L4Protocol, ServicePort } from './service-port.js';
export { servicePorts } from './service-port.js';
export type { ProgrammedPort, RulesetConfig } from './ruleset.js';
export { DEFAULT_TABLE, MAPS, renderFull, renderIncremental } from './ruleset.js';
export { SyncLoop } from './sync-loop.js';
