// bin/node-agent's command line: the kubelet's and kube-proxy's flag names and defaults where
// one exists, one process playing kubelet, CNI bridge plugin, kube-proxy and node-local DNS.
import os from 'node:os';
import { parseGoDuration } from '../../lib/process/go-duration.js';
import { parseStringFlags } from '../../lib/process/string-flags.js';

export type ProxyMode = 'nftables' | 'ipvs';

export interface NodeAgentConfig {
  kubeconfig: string | undefined;
  nodeName: string;
  nodeIP: string;
  nodeLabels: Record<string, string>;
  /** The meshkube.node label on this agent's containers (default the node name); unique per Docker daemon. */
  runtimeNodeId: string;
  rootDir: string;
  containerRuntimeEndpoint: string;
  podInfraContainerImage: string;
  /** The node API (10250): address, port and its TLS material. */
  address: string;
  port: number;
  tlsCertFile: string | undefined;
  tlsPrivateKeyFile: string | undefined;
  clientCAFile: string | undefined;
  healthzBindAddress: string;
  healthzPort: number;
  clusterDNS: string;
  clusterDomain: string;
  /** Serve cluster DNS on clusterDNS:53 in this host (node-local DNS). */
  serveDNS: boolean;
  proxyMode: ProxyMode;
  clusterCIDR: string;
  podBridge: string;
  metricsBindAddress: string;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  syncFrequencyMs: number;
  /** The node Lease's duration; it is renewed every quarter of it, as the kubelet does. */
  nodeLeaseDurationSeconds: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const HELP = `Usage: node-agent [flags]

The node agent: kubelet (pods as Docker containers), CNI bridge plugin (pod network, host-gw
routes), kube-proxy in nftables mode (Service rules) and node-local DNS, in one process per host.
Run it as root inside the host's network namespace.

  --kubeconfig <path>                   credentials (system:node:<name>) (default: $KUBECONFIG)
  --node-name <name>                    this node's name (default: the hostname)
  --hostname-override <name>            the same as --node-name
  --node-ip <ip>                        the address other hosts reach this one at (required)
  --node-labels <k=v,...>               extra labels to register the node with
  --root-dir <dir>                      pod volumes, IP allocations (default /var/lib/kubelet)
  --container-runtime-endpoint <url>    Docker's socket (default unix:///var/run/docker.sock)
  --pod-infra-container-image <image>   the sandbox image (default mesh/pause:latest)
  --address <ip>                        node API address (default 0.0.0.0)
  --port <n>                            node API port (default 10250)
  --tls-cert-file <path>                node API serving certificate
  --tls-private-key-file <path>         its key
  --client-ca-file <path>               CA of allowed node API callers
  --healthz-bind-address <ip>           plain /healthz address (default 127.0.0.1)
  --healthz-port <n>                    plain /healthz port (default 10248; 0 turns it off)
  --cluster-dns <ip>                    the DNS server pods use (default 10.96.0.10)
  --cluster-domain <domain>             (default cluster.local)
  --serve-dns <bool>                    answer cluster DNS at --cluster-dns:53 here (default true)
  --proxy-mode <mode>                   nftables (default) or ipvs
  --cluster-cidr <cidr>                 the pod network (default 10.244.0.0/16)
  --pod-bridge <name>                   the pod bridge (default cni0)
  --metrics-bind-address <host:port>    proxy and node metrics (default 127.0.0.1:10249; "" off)
  --min-sync-period <d>                 least time between Service rule syncs (default 1s)
  --sync-period <d>                     full resync of the Service rules (default 30s)
  --sync-frequency <d>                  pod resync period (default 10s)
  --node-lease-duration-seconds <n>     the node Lease's duration, renewed every quarter of it
                                        (default 40)
  --runtime-node-id <id>                the meshkube.node label on this agent's containers (default
                                        the node name); give agents of different clusters sharing
                                        one Docker daemon different ids
  -h, --help                            show this help

Durations are Go durations: 500ms, 40s, 1m30s.
`;

function duration(flag: string, v: string | undefined, defMs: number): number {
  if (v === undefined) return defMs;
  const ms = parseGoDuration(v);
  if (ms === undefined) throw new ConfigError(`invalid --${flag} "${v}": a duration like 500ms, 40s or 1m30s`);
  return ms;
}

function port(flag: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`invalid --${flag} "${v}": a port number`);
  return n;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function ipv4(flag: string, v: string): string {
  if (!IPV4.test(v)) throw new ConfigError(`invalid --${flag} "${v}": an IPv4 address`);
  return v;
}

export function parseNodeAgentArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): NodeAgentConfig | 'help' {
  const names = [
    'kubeconfig', 'node-name', 'hostname-override', 'node-ip', 'node-labels', 'root-dir', 'container-runtime-endpoint', 'pod-infra-container-image',
    'address', 'port', 'tls-cert-file', 'tls-private-key-file', 'client-ca-file', 'healthz-bind-address', 'healthz-port', 'cluster-dns',
    'cluster-domain', 'serve-dns', 'proxy-mode', 'cluster-cidr', 'pod-bridge', 'metrics-bind-address', 'min-sync-period', 'sync-period',
    'sync-frequency', 'node-lease-duration-seconds', 'runtime-node-id',
  ] as const;
  const s = parseStringFlags(argv, names, (m) => new ConfigError(m));
  if (s === 'help') return 'help';
  const nodeIPText = s('node-ip');
  if (nodeIPText === undefined) throw new ConfigError('--node-ip is required');
  const nodeName = (s('node-name') ?? s('hostname-override') ?? os.hostname()).toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(nodeName)) throw new ConfigError(`invalid --node-name "${nodeName}": a DNS subdomain`);
  const nodeLabels: Record<string, string> = {};
  for (const pair of (s('node-labels') ?? '').split(',').filter((x) => x !== '')) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new ConfigError(`invalid --node-labels "${pair}": key=value`);
    nodeLabels[pair.slice(0, i)] = pair.slice(i + 1);
  }
  const proxyMode = s('proxy-mode') ?? 'nftables';
  if (proxyMode !== 'nftables' && proxyMode !== 'ipvs') throw new ConfigError(`invalid --proxy-mode "${proxyMode}": nftables or ipvs`);
  const clusterCIDR = s('cluster-cidr') ?? '10.244.0.0/16';
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(clusterCIDR)) throw new ConfigError(`invalid --cluster-cidr "${clusterCIDR}": an IPv4 CIDR like 10.244.0.0/16`);
  const leaseText = s('node-lease-duration-seconds') ?? '40';
  const nodeLeaseDurationSeconds = Number(leaseText);
  if (!Number.isInteger(nodeLeaseDurationSeconds) || nodeLeaseDurationSeconds < 1) throw new ConfigError(`invalid --node-lease-duration-seconds "${leaseText}": a whole number of seconds, at least 1`);
  const runtimeNodeId = s('runtime-node-id') ?? nodeName;
  if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(runtimeNodeId)) throw new ConfigError(`invalid --runtime-node-id "${runtimeNodeId}": letters, digits, '-', '_' and '.'`);
  const serveDNS = s('serve-dns') ?? 'true';
  if (serveDNS !== 'true' && serveDNS !== 'false') throw new ConfigError(`invalid --serve-dns "${serveDNS}": true or false`);
  return {
    kubeconfig: s('kubeconfig') ?? (env.KUBECONFIG !== undefined && env.KUBECONFIG !== '' ? env.KUBECONFIG : undefined),
    nodeName,
    nodeIP: ipv4('node-ip', nodeIPText),
    nodeLabels,
    runtimeNodeId,
    rootDir: s('root-dir') ?? '/var/lib/kubelet',
    containerRuntimeEndpoint: s('container-runtime-endpoint') ?? 'unix:///var/run/docker.sock',
    podInfraContainerImage: s('pod-infra-container-image') ?? 'mesh/pause:latest',
    address: ipv4('address', s('address') ?? '0.0.0.0'),
    port: port('port', s('port'), 10250),
    tlsCertFile: s('tls-cert-file'),
    tlsPrivateKeyFile: s('tls-private-key-file'),
    clientCAFile: s('client-ca-file'),
    healthzBindAddress: ipv4('healthz-bind-address', s('healthz-bind-address') ?? '127.0.0.1'),
    healthzPort: port('healthz-port', s('healthz-port'), 10248),
    clusterDNS: ipv4('cluster-dns', s('cluster-dns') ?? '10.96.0.10'),
    clusterDomain: s('cluster-domain') ?? 'cluster.local',
    serveDNS: serveDNS === 'true',
    proxyMode,
    clusterCIDR,
    podBridge: s('pod-bridge') ?? 'cni0',
    metricsBindAddress: s('metrics-bind-address') ?? '127.0.0.1:10249',
    minSyncPeriodMs: duration('min-sync-period', s('min-sync-period'), 1000),
    syncPeriodMs: duration('sync-period', s('sync-period'), 30_000),
    syncFrequencyMs: duration('sync-frequency', s('sync-frequency'), 10_000),
    nodeLeaseDurationSeconds,
  };
}
