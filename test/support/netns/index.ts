export { HostNetwork, requireRoot } from './host-network.js';
export type { ExecOptions, ExecResult, HostNetworkOptions, HostSpec } from './host-network.js';
export { PROBE_TIMEOUT_MS, canConnect, canConnectFromRoot, startRootTcpServer, startTcpServer } from './probe.js';
export type { TcpServer } from './probe.js';
