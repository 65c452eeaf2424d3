// bin/api's command line: kube-apiserver's flag names and (where the architecture does not
// say otherwise) its defaults.
import { parseArgs } from 'node:util';
import { parseGoDuration } from '../../lib/process/go-duration.js';

export interface ApiConfig {
  etcdServers: string[];
  bindAddress: string;
  securePort: number;
  advertiseAddress: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: { first: number; last: number };
  certDir: string;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
  /** How often the allocation repair pass runs. */
  repairIntervalMs: number;
  /** Interval of BOOKMARK events on watches that allow them. */
  watchBookmarkIntervalMs: number;
  /** How long Events are kept after their last write (--event-ttl). */
  eventTtlSeconds: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const HELP = `Usage: api [flags]

The Kubernetes-compatible API server. Flags are kube-apiserver's:

  --etcd-servers <urls>                     store members to connect to, comma-separated (required),
                                            e.g. http://127.0.0.1:2379,http://127.0.0.1:22379
  --bind-address <ip>                       address to serve HTTPS on (default 0.0.0.0)
  --secure-port <port>                      port to serve HTTPS on (default 6443)
  --advertise-address <ip>                  address advertised to the cluster (default: --bind-address,
                                            or 127.0.0.1 when that is 0.0.0.0)
  --service-cluster-ip-range <cidr>         range of Service ClusterIPs (default 10.96.0.0/16)
  --service-node-port-range <a-b>           range of NodePorts (default 30000-32767)
  --cert-dir <dir>                          where the CA and serving certificates live; created with
                                            admin.kubeconfig on first start (default /var/run/kubernetes)
  --default-not-ready-toleration-seconds <n>    toleration added to pods for not-ready nodes (default 300)
  --default-unreachable-toleration-seconds <n>  toleration added to pods for unreachable nodes (default 300)
  --watch-bookmark-interval <ms>            interval of watch BOOKMARK events (default 60000)
  --event-ttl <duration>                    amount of time to retain events (default 1h0m0s)
  -h, --help                                show this help
`;

function int(name: string, v: string | undefined, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`invalid --${name} "${v}": must be an integer between ${min} and ${max}`);
  return n;
}

export function parseApiArgs(argv: readonly string[]): ApiConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'etcd-servers': { type: 'string' },
        'bind-address': { type: 'string' },
        'secure-port': { type: 'string' },
        'advertise-address': { type: 'string' },
        'service-cluster-ip-range': { type: 'string' },
        'service-node-port-range': { type: 'string' },
        'cert-dir': { type: 'string' },
        'default-not-ready-toleration-seconds': { type: 'string' },
        'default-unreachable-toleration-seconds': { type: 'string' },
        'watch-bookmark-interval': { type: 'string' },
        'event-ttl': { type: 'string' },
        'repair-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const servers = (v['etcd-servers'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      try {
        const u = new URL(s.includes('://') ? s : `http://${s}`);
        return `${u.hostname}:${u.port || '2379'}`;
      } catch {
        throw new ConfigError(`invalid --etcd-servers entry "${s}"`);
      }
    });
  if (servers.length === 0) throw new ConfigError('--etcd-servers must be specified');
  const range = v['service-node-port-range'] ?? '30000-32767';
  const m = /^(\d+)-(\d+)$/.exec(range);
  if (!m) throw new ConfigError(`invalid --service-node-port-range "${range}": expected <first>-<last>`);
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (first < 1 || last > 65535 || first > last) throw new ConfigError(`invalid --service-node-port-range "${range}"`);
  const cidr = v['service-cluster-ip-range'] ?? '10.96.0.0/16';
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr)) throw new ConfigError(`invalid --service-cluster-ip-range "${cidr}": an IPv4 CIDR is expected`);
  const bind = v['bind-address'] ?? '0.0.0.0';
  const eventTtl = v['event-ttl'] ?? '1h0m0s';
  const eventTtlMs = parseGoDuration(eventTtl);
  // Whole seconds, as the store's leases count them (Kubernetes takes int64(ttl.Seconds())).
  if (eventTtlMs === undefined || eventTtlMs < 1000) throw new ConfigError(`invalid --event-ttl "${eventTtl}": a duration of at least 1s is expected, e.g. 1h0m0s`);
  return {
    etcdServers: servers,
    bindAddress: bind,
    securePort: int('secure-port', v['secure-port'], 6443, 0, 65535),
    advertiseAddress: v['advertise-address'] ?? (bind === '0.0.0.0' ? '127.0.0.1' : bind),
    serviceClusterIpRange: cidr,
    serviceNodePortRange: { first, last },
    certDir: v['cert-dir'] ?? '/var/run/kubernetes',
    defaultNotReadyTolerationSeconds: int('default-not-ready-toleration-seconds', v['default-not-ready-toleration-seconds'], 300),
    defaultUnreachableTolerationSeconds: int('default-unreachable-toleration-seconds', v['default-unreachable-toleration-seconds'], 300),
    repairIntervalMs: int('repair-interval', v['repair-interval'], 180_000, 100),
    watchBookmarkIntervalMs: int('watch-bookmark-interval', v['watch-bookmark-interval'], 60_000, 10),
    eventTtlSeconds: Math.floor(eventTtlMs / 1000),
  };
}
