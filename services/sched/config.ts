// bin/sched's command line: kube-scheduler's and kube-controller-manager's flag names and
// defaults, one process playing both.
import { parseGoDuration } from '../../lib/process/go-duration.js';
import { parseStringFlags } from '../../lib/process/string-flags.js';

export interface SchedConfig {
  /** Credentials of the controllers (system:kube-controller-manager). */
  kubeconfig: string | undefined;
  /** Credentials of the scheduler (system:kube-scheduler); --kubeconfig when not given. */
  schedulerKubeconfig: string | undefined;
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  leaseNamespace: string;
  /** Health and metrics address (host:port); port 0 picks a free port, "" disables. */
  healthzBindAddress: string;
  nodeMonitorPeriodMs: number;
  nodeMonitorGracePeriodMs: number;
  nodeStartupGracePeriodMs: number;
  allocateNodeCidrs: boolean;
  clusterCidr: string;
  nodeCidrMaskSize: number;
  concurrentDeploymentSyncs: number;
  concurrentReplicaSetSyncs: number;
  concurrentEndpointSyncs: number;
  concurrentGcSyncs: number;
  /** Which parts run: the scheduler, the controllers, or both. */
  roles: { scheduler: boolean; controllers: boolean };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const HELP = `Usage: sched [flags]

The scheduler and the controllers (kube-scheduler and kube-controller-manager in one process).
Two or more copies may run: each role is leader-elected on a coordination.k8s.io Lease
(kube-system/kube-scheduler and kube-system/kube-controller-manager) and only the holder acts.

  --kubeconfig <path>                       credentials of the controllers (default: $KUBECONFIG,
                                            else ~/.kube/config)
  --scheduler-kubeconfig <path>             credentials of the scheduler (default: --kubeconfig)
  --roles <list>                            scheduler,controllers (default both)
  --leader-elect <bool>                     elect a leader before acting (default true)
  --leader-elect-lease-duration <d>         how long a lease is valid without renewal (default 15s)
  --leader-elect-renew-deadline <d>         how long a leader keeps trying to renew (default 10s)
  --leader-elect-retry-period <d>           interval between attempts (default 2s)
  --leader-elect-resource-namespace <ns>    namespace of the leases (default kube-system)
  --healthz-bind-address <host:port>        /healthz, /readyz and /metrics (default 0.0.0.0:10259;
                                            "" turns it off, port 0 picks one)
  --node-monitor-period <d>                 how often node health is checked (default 5s)
  --node-monitor-grace-period <d>           silence after which a node is Unknown (default 40s)
  --node-startup-grace-period <d>           the same for a node that never reported (default 1m)
  --allocate-node-cidrs <bool>              give each node a podCIDR (default true)
  --cluster-cidr <cidr>                     pod network (default 10.244.0.0/16)
  --node-cidr-mask-size <n>                 size of each node's podCIDR (default 24)
  --concurrent-deployment-syncs <n>         workers of the deployment controller (default 5)
  --concurrent-replicaset-syncs <n>         workers of the replicaset controller (default 5)
  --concurrent-endpoint-syncs <n>           workers of the endpoint controllers (default 5)
  --concurrent-gc-syncs <n>                 workers of the garbage collector (default 20)
  -h, --help                                show this help

Durations are Go durations as in Kubernetes: 500ms, 40s, 1m30s.
`;

/** A Go duration ("1m30s", "500ms", "40s") in milliseconds. */
export function parseDuration(flag: string, v: string): number {
  const ms = parseGoDuration(v);
  if (ms === undefined) throw new ConfigError(`invalid --${flag} "${v}": a duration like 500ms, 40s or 1m30s`);
  return ms;
}

function int(flag: string, v: string | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`invalid --${flag} "${v}": must be an integer between ${min} and ${max}`);
  return n;
}

function bool(flag: string, v: string | undefined, def: boolean): boolean {
  if (v === undefined) return def;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ConfigError(`invalid --${flag} "${v}": must be true or false`);
}

function duration(flag: string, v: string | undefined, defMs: number): number {
  return v === undefined ? defMs : parseDuration(flag, v);
}

export function parseSchedArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SchedConfig | 'help' {
  const names = [
    'kubeconfig', 'scheduler-kubeconfig', 'roles', 'leader-elect', 'leader-elect-lease-duration', 'leader-elect-renew-deadline', 'leader-elect-retry-period',
    'leader-elect-resource-namespace', 'healthz-bind-address', 'node-monitor-period', 'node-monitor-grace-period', 'node-startup-grace-period',
    'allocate-node-cidrs', 'cluster-cidr', 'node-cidr-mask-size', 'concurrent-deployment-syncs', 'concurrent-replicaset-syncs',
    'concurrent-endpoint-syncs', 'concurrent-gc-syncs',
  ] as const;
  const s = parseStringFlags(argv, names, (m) => new ConfigError(m));
  if (s === 'help') return 'help';
  const roleList = (s('roles') ?? 'scheduler,controllers').split(',').map((r) => r.trim()).filter((r) => r !== '');
  for (const r of roleList) if (r !== 'scheduler' && r !== 'controllers') throw new ConfigError(`invalid --roles "${s('roles') ?? ''}": roles are scheduler and controllers`);
  if (roleList.length === 0) throw new ConfigError('--roles names no role');
  const clusterCidr = s('cluster-cidr') ?? '10.244.0.0/16';
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(clusterCidr)) throw new ConfigError(`invalid --cluster-cidr "${clusterCidr}": an IPv4 CIDR like 10.244.0.0/16`);
  const kubeconfig = s('kubeconfig') ?? (env.KUBECONFIG !== undefined && env.KUBECONFIG !== '' ? env.KUBECONFIG : undefined);
  const cfg: SchedConfig = {
    kubeconfig,
    schedulerKubeconfig: s('scheduler-kubeconfig') ?? kubeconfig,
    leaderElect: bool('leader-elect', s('leader-elect'), true),
    leaseDurationMs: duration('leader-elect-lease-duration', s('leader-elect-lease-duration'), 15_000),
    renewDeadlineMs: duration('leader-elect-renew-deadline', s('leader-elect-renew-deadline'), 10_000),
    retryPeriodMs: duration('leader-elect-retry-period', s('leader-elect-retry-period'), 2_000),
    leaseNamespace: s('leader-elect-resource-namespace') ?? 'kube-system',
    healthzBindAddress: s('healthz-bind-address') ?? '0.0.0.0:10259',
    nodeMonitorPeriodMs: duration('node-monitor-period', s('node-monitor-period'), 5_000),
    nodeMonitorGracePeriodMs: duration('node-monitor-grace-period', s('node-monitor-grace-period'), 40_000),
    nodeStartupGracePeriodMs: duration('node-startup-grace-period', s('node-startup-grace-period'), 60_000),
    allocateNodeCidrs: bool('allocate-node-cidrs', s('allocate-node-cidrs'), true),
    clusterCidr,
    nodeCidrMaskSize: int('node-cidr-mask-size', s('node-cidr-mask-size'), 24, 8, 30),
    concurrentDeploymentSyncs: int('concurrent-deployment-syncs', s('concurrent-deployment-syncs'), 5, 1, 100),
    concurrentReplicaSetSyncs: int('concurrent-replicaset-syncs', s('concurrent-replicaset-syncs'), 5, 1, 100),
    concurrentEndpointSyncs: int('concurrent-endpoint-syncs', s('concurrent-endpoint-syncs'), 5, 1, 100),
    concurrentGcSyncs: int('concurrent-gc-syncs', s('concurrent-gc-syncs'), 20, 1, 100),
    roles: { scheduler: roleList.includes('scheduler'), controllers: roleList.includes('controllers') },
  };
  if (cfg.renewDeadlineMs >= cfg.leaseDurationMs) throw new ConfigError('--leader-elect-renew-deadline must be less than --leader-elect-lease-duration');
  if (cfg.retryPeriodMs >= cfg.renewDeadlineMs) throw new ConfigError('--leader-elect-retry-period must be less than --leader-elect-renew-deadline');
  return cfg;
}
