export { HostNetwork, requireRoot } from '../../../lib/netns/host-network.js';
export type { ExecOptions, ExecResult, HostNetworkOptions, HostSpec } from '../../../lib/netns/host-network.js';
export { PROBE_TIMEOUT_MS, canConnect, canConnectFromRoot, startRootTcpServer, startTcpServer } from './probe.js';
export type { TcpServer } from './probe.js';
