// Command line of bench/store-bench.ts.
import { UsageError, int, list, num, parseOptions } from './arg-parsing.js';
import { CLIENT_KINDS } from './kv-client.js';
import type { ClientKind } from './kv-client.js';

export { UsageError };

export const PHASE_IDS = ['put-1', 'put-100', 'range-lin-100', 'range-ser-100'] as const;
export type PhaseId = (typeof PHASE_IDS)[number];
export const SYSTEMS = ['ours', 'etcd'] as const;
export type SystemId = (typeof SYSTEMS)[number];

export interface BenchArgs {
  durationS: number;
  warmupS: number;
  systems: SystemId[];
  phases: PhaseId[];
  workers: number;
  client: ClientKind;
  clients: number;
  channels: number;
  keySpace: number;
  valueBytes: number;
  populateKeys: number;
  requestTimeoutMs: number;
  profile: boolean;
  pauseS: number;
  waitIdleS: number;
  idleThresholdCores: number;
  retries: number;
  rounds: number;
}

export const USAGE = `usage: npm run bench:store -- [options]
  --duration <s>     measured seconds per phase (default 10), after the warm-up
  --quick            smoke run: --duration 3
  --warmup <s>       warm-up seconds per phase, not measured (default 1)
  --systems <list>   ours,etcd (default both, run one after the other)
  --phases <list>    ${PHASE_IDS.join(',')} (default all)
  --workers <n>      load-generating worker threads (default 2)
  --client <kind>    h2 (default: gRPC on node:http2, cheap for the load generator) or grpc-js
                     (the project's grpc-js client)
  --clients <n>      concurrent callers in the multi-client phases (default 100)
  --channels <n>     gRPC connections for them, spread over the 3 members (default 10)
  --key-space <n>    put keys are random among this many (default 1000000, at most 10000000)
  --value-size <n>   value bytes (default 256)
  --populate <n>     keys written before the range phases (default 10000)
  --timeout-ms <n>   per-request deadline (default 10000)
  --pause <s>        idle seconds between the two systems (default 2)
  --wait-idle <s>    before each phase, wait up to this long for other work on the machine to
                     drop under --idle-threshold cores (default 120; 0 = do not wait)
  --idle-threshold <cores>  (default 0.25)
  --rounds <n>       run the systems n times, alternating (ours, etcd, ours, ...), and merge
                     the rounds (default 1)
  --retries <n>      if a member process dies mid-run, run that system again from the start,
                     at most n times (default 2)
  --profile          CPU-profile our members (V8 sampling profiler, via the inspector); runs
                     only ours unless --systems says otherwise, writes bench/results/profiles/
env STORE_BENCH_NODE_OPTIONS   extra NODE_OPTIONS for our members (flags Node allows there)
`;

export function parseArgs(argv: string[]): BenchArgs | 'help' {
  const a: BenchArgs = {
    durationS: 10,
    warmupS: 1,
    systems: [...SYSTEMS],
    phases: [...PHASE_IDS],
    workers: 2,
    client: 'h2',
    clients: 100,
    channels: 10,
    keySpace: 1_000_000,
    valueBytes: 256,
    populateKeys: 10_000,
    requestTimeoutMs: 10_000,
    profile: false,
    pauseS: 2,
    waitIdleS: 120,
    idleThresholdCores: 0.25,
    retries: 2,
    rounds: 1,
  };
  let systemsGiven = false;
  const help = parseOptions(argv, (name, val) => {
    switch (name) {
      case '--duration':
        a.durationS = num(name, val(), 0.1);
        break;
      case '--quick':
        a.durationS = 3;
        break;
      case '--warmup':
        a.warmupS = num(name, val(), 0);
        break;
      case '--systems':
        a.systems = list(name, val(), SYSTEMS);
        systemsGiven = true;
        break;
      case '--phases':
        a.phases = list(name, val(), PHASE_IDS);
        break;
      case '--workers':
        a.workers = int(name, val(), 1, 64);
        break;
      case '--client': {
        const kind = list(name, val(), CLIENT_KINDS);
        if (kind.length !== 1) throw new UsageError(`${name} takes one of ${CLIENT_KINDS.join(', ')}`);
        a.client = kind[0] as ClientKind;
        break;
      }
      case '--clients':
        a.clients = int(name, val(), 1, 100_000);
        break;
      case '--channels':
        a.channels = int(name, val(), 1, 10_000);
        break;
      case '--key-space':
        a.keySpace = int(name, val(), 1, 10_000_000);
        break;
      case '--value-size':
        a.valueBytes = int(name, val(), 0, 1 << 20);
        break;
      case '--populate':
        a.populateKeys = int(name, val(), 1, 10_000_000);
        break;
      case '--timeout-ms':
        a.requestTimeoutMs = int(name, val(), 1);
        break;
      case '--pause':
        a.pauseS = num(name, val(), 0);
        break;
      case '--wait-idle':
        a.waitIdleS = num(name, val(), 0);
        break;
      case '--idle-threshold':
        a.idleThresholdCores = num(name, val(), 0);
        break;
      case '--rounds':
        a.rounds = int(name, val(), 1, 100);
        break;
      case '--retries':
        a.retries = int(name, val(), 0, 100);
        break;
      case '--profile':
        a.profile = true;
        break;
      default:
        return false;
    }
    return true;
  });
  if (help) return help;
  if (a.profile && !systemsGiven) a.systems = ['ours'];
  if (a.channels > a.clients) a.channels = a.clients;
  return a;
}
