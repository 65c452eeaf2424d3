// bin/store's command line: etcd's flag names and defaults, so `etcd` can be swapped for it.
import { parseArgs } from 'node:util';

export interface StoreConfig {
  name: string;
  dataDir: string;
  listenClientUrls: string[];
  advertiseClientUrls: string[];
  listenPeerUrls: string[];
  initialAdvertisePeerUrls: string[];
  initialCluster: string;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  heartbeatIntervalMs: number;
  electionTimeoutMs: number;
  snapshotCount: number;
  listenMetricsUrls: string[];
  maxRequestBytes: number;
  maxTxnOps: number;
  progressNotifyIntervalMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const HELP = `Usage: store [flags]

A Raft-replicated key-value store speaking the etcd v3 gRPC API. Flags are etcd's:

  --name <name>                        human-readable name for this member (default "default")
  --data-dir <path>                    path to the data directory (default "\${name}.etcd")
  --listen-client-urls <urls>          URLs to listen on for client traffic (default http://localhost:2379)
  --advertise-client-urls <urls>       this member's client URLs to advertise (default http://localhost:2379)
  --listen-peer-urls <urls>            URLs to listen on for peer traffic (default http://localhost:2380)
  --initial-advertise-peer-urls <urls> this member's peer URLs to advertise (default http://localhost:2380)
  --initial-cluster <spec>             initial cluster, name=peer-url,... (default "default=http://localhost:2380")
  --initial-cluster-state <new|existing>  new for a new cluster, existing to join one (default new)
  --initial-cluster-token <token>      cluster token, part of member and cluster IDs (default etcd-cluster)
  --heartbeat-interval <ms>            time of a heartbeat interval (default 100)
  --election-timeout <ms>              time for an election to time out (default 1000)
  --snapshot-count <n>                 committed entries between snapshots (default 100000)
  --listen-metrics-urls <urls>         URLs to serve /metrics and /health on (default none)
  --max-request-bytes <n>              maximum client request size in bytes (default 1572864)
  --max-txn-ops <n>                    maximum operations in one txn (default 128)
  --experimental-watch-progress-notify-interval <duration>  e.g. 10m, 5s, 500ms (default 10m)
  -h, --help                           show this help
`;

const urls = (s: string): string[] =>
  s
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => {
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new ConfigError(`invalid URL "${u}"`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new ConfigError(`URL scheme must be http or https: "${u}"`);
      }
      if (parsed.protocol === 'https:') throw new ConfigError(`TLS URLs are not supported yet: "${u}"`);
      return u;
    });

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`--${name}: "${v}" is not an integer >= ${min}`);
  return n;
}

export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim());
  if (!m) throw new ConfigError(`invalid duration "${v}"`);
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * scale;
}

export function parseStoreArgs(argv: string[]): StoreConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      name: { type: 'string', default: 'default' },
      'data-dir': { type: 'string' },
      'listen-client-urls': { type: 'string', default: 'http://localhost:2379' },
      'advertise-client-urls': { type: 'string', default: 'http://localhost:2379' },
      'listen-peer-urls': { type: 'string', default: 'http://localhost:2380' },
      'initial-advertise-peer-urls': { type: 'string', default: 'http://localhost:2380' },
      'initial-cluster': { type: 'string' },
      'initial-cluster-state': { type: 'string', default: 'new' },
      'initial-cluster-token': { type: 'string', default: 'etcd-cluster' },
      'heartbeat-interval': { type: 'string', default: '100' },
      'election-timeout': { type: 'string', default: '1000' },
      'snapshot-count': { type: 'string', default: '100000' },
      'listen-metrics-urls': { type: 'string', default: '' },
      'max-request-bytes': { type: 'string', default: '1572864' },
      'max-txn-ops': { type: 'string', default: '128' },
      'experimental-watch-progress-notify-interval': { type: 'string', default: '10m' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const name = values.name;
  const state = values['initial-cluster-state'];
  if (state !== 'new' && state !== 'existing') {
    throw new ConfigError(`--initial-cluster-state: "${state}" must be new or existing`);
  }
  const heartbeat = int('heartbeat-interval', values['heartbeat-interval'], 1);
  const election = int('election-timeout', values['election-timeout'], 1);
  // etcd's rule: the election timeout must be at least 5 heartbeats.
  if (election < 5 * heartbeat) {
    throw new ConfigError(
      `--election-timeout[${election}ms] should be at least as 5 times as --heartbeat-interval[${heartbeat}ms]`,
    );
  }
  return {
    name,
    dataDir: values['data-dir'] ?? `${name}.etcd`,
    listenClientUrls: urls(values['listen-client-urls']),
    advertiseClientUrls: urls(values['advertise-client-urls']),
    listenPeerUrls: urls(values['listen-peer-urls']),
    initialAdvertisePeerUrls: urls(values['initial-advertise-peer-urls']),
    initialCluster: values['initial-cluster'] ?? `${name}=${values['initial-advertise-peer-urls']}`,
    initialClusterState: state,
    initialClusterToken: values['initial-cluster-token'],
    heartbeatIntervalMs: heartbeat,
    electionTimeoutMs: election,
    snapshotCount: int('snapshot-count', values['snapshot-count'], 1),
    listenMetricsUrls: values['listen-metrics-urls'] ? urls(values['listen-metrics-urls']) : [],
    maxRequestBytes: int('max-request-bytes', values['max-request-bytes'], 1),
    maxTxnOps: int('max-txn-ops', values['max-txn-ops'], 1),
    progressNotifyIntervalMs: parseDuration(values['experimental-watch-progress-notify-interval']),
  };
}
