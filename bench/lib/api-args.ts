// Command line of bench/api-bench.ts.
import { UsageError, int, list, num, parseOptions } from './arg-parsing.js';

export { UsageError as ApiUsageError };

export const API_PHASE_IDS = ['mutate-rate', 'list-rate', 'mutate-sat', 'list-sat', 'watch-fanout'] as const;
export type ApiPhaseId = (typeof API_PHASE_IDS)[number];

export interface ApiBenchArgs {
  durationS: number;
  warmupS: number;
  quick: boolean;
  phases: ApiPhaseId[];
  /** Requests per second of the open-loop phases. */
  rateHz: number;
  /** Closed-loop callers of the saturation phases. */
  concurrency: number;
  watchers: number;
  /** Changes per second while the watchers listen. */
  watchRateHz: number;
  watchWorkers: number;
  /** ConfigMaps in the namespace the list phases read. */
  listObjects: number;
  requestTimeoutMs: number;
  /** How long after the last change the watchers may take to receive it. */
  drainS: number;
  waitIdleS: number;
  idleThresholdCores: number;
}

export const API_USAGE = `usage: npm run bench:api -- [options]
  --duration <s>       measured seconds per phase (default 10), after the warm-up
  --quick              smoke run: 3 s phases, 200 watchers (unless --watchers is given)
  --warmup <s>         warm-up seconds per phase, not measured (default 1)
  --phases <list>      ${API_PHASE_IDS.join(',')} (default all)
  --rate <n>           requests per second of the fixed-rate phases (default 20)
  --concurrency <n>    closed-loop callers of the saturation phases (default 32)
  --watchers <n>       concurrent watches in the fan-out phase (default 1000)
  --watch-rate <n>     changes per second during the fan-out phase (default 10)
  --watch-workers <n>  worker threads holding the watches (default 2)
  --list-objects <n>   ConfigMaps in the namespace the list phases read (default 500)
  --timeout-ms <n>     per-request deadline (default 10000)
  --drain <s>          after the last change, how long watchers may take to get it (default 10)
  --wait-idle <s>      before each phase, wait up to this long for other work on the machine to
                       drop under --idle-threshold cores (default 60; 0 = do not wait)
  --idle-threshold <cores>  (default 0.25)
`;

export function parseApiArgs(argv: string[]): ApiBenchArgs | 'help' {
  const a: ApiBenchArgs = {
    durationS: 10,
    warmupS: 1,
    quick: false,
    phases: [...API_PHASE_IDS],
    rateHz: 20,
    concurrency: 32,
    watchers: 1000,
    watchRateHz: 10,
    watchWorkers: 2,
    listObjects: 500,
    requestTimeoutMs: 10_000,
    drainS: 10,
    waitIdleS: 60,
    idleThresholdCores: 0.25,
  };
  let durationGiven = false;
  let watchersGiven = false;
  const help = parseOptions(argv, (name, val) => {
    switch (name) {
      case '--duration':
        a.durationS = num(name, val(), 0.5, 3600);
        durationGiven = true;
        break;
      case '--quick':
        a.quick = true;
        break;
      case '--warmup':
        a.warmupS = num(name, val(), 0, 600);
        break;
      case '--phases':
        a.phases = list(name, val(), API_PHASE_IDS);
        break;
      case '--rate':
        a.rateHz = num(name, val(), 0.1, 10_000);
        break;
      case '--concurrency':
        a.concurrency = int(name, val(), 1, 1024);
        break;
      case '--watchers':
        a.watchers = int(name, val(), 1, 10_000);
        watchersGiven = true;
        break;
      case '--watch-rate':
        a.watchRateHz = num(name, val(), 0.1, 1000);
        break;
      case '--watch-workers':
        a.watchWorkers = int(name, val(), 1, 64);
        break;
      case '--list-objects':
        a.listObjects = int(name, val(), 5, 100_000);
        break;
      case '--timeout-ms':
        a.requestTimeoutMs = int(name, val(), 100, 600_000);
        break;
      case '--drain':
        a.drainS = num(name, val(), 0.1, 600);
        break;
      case '--wait-idle':
        a.waitIdleS = num(name, val(), 0, 3600);
        break;
      case '--idle-threshold':
        a.idleThresholdCores = num(name, val(), 0, 1024);
        break;
      default:
        return false;
    }
    return true;
  });
  if (help) return help;
  if (a.quick) {
    if (!durationGiven) a.durationS = 3;
    if (!watchersGiven) a.watchers = 200;
  }
  if (a.watchWorkers > a.watchers) a.watchWorkers = a.watchers;
  return a;
}
