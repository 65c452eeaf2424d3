// Public surface of the pod network: the CNI bridge + host-local IPAM (PodNetwork), host-gw
// routes between nodes (HostGwRoutes), the iproute2 adapter, and the pure parts they are made of.
export * from './errors.js';
export * from './ipv4.js';
export * from './ip-allocator.js';
export * from './host-local-ipam.js';
export * from './veth-name.js';
export * from './route-diff.js';
export * from './ip-commands.js';
export * from './ip-json.js';
export * from './ip-runner.js';
export { ExecaIpRunner } from './execa-ip-runner.js';
export type { ExecaIpRunnerOptions } from './execa-ip-runner.js';
export * from './pod-network.js';
export * from './host-gw-routes.js';
