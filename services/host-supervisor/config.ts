// bin/host-supervisor's command line: the host's state directory, the components to keep
// running, and the restart back-off and stop timeout (Go durations, as the other services take).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseGoDuration } from '../../lib/process/go-duration.js';

export interface ComponentSpec {
  /** [a-z][a-z0-9-]*; names its log file and SUPERVISOR_COMPONENT. */
  name: string;
  /** Absolute path of the executable, run with no arguments. */
  path: string;
}

export interface HostSupervisorConfig {
  /** Absolute; the components' working directory, home of logs/, supervisor.json and supervisor.pid. */
  hostDir: string;
  /** In start order. */
  components: ComponentSpec[];
  restartBackoffInitialMs: number;
  restartBackoffMaxMs: number;
  stopTimeoutMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const HELP = `Usage: host-supervisor --host-dir <dir> --component <name>=<path> [--component ...] [flags]

Runs a host's components and keeps them running: a component that exits (any code, any signal)
is started again after a back-off that doubles per consecutive crash up to the maximum; one that
ran at least 10s before it exited starts again after the initial back-off. Each component runs
with no arguments in the host directory, stdin closed, SUPERVISOR_COMPONENT=<name> added to the
environment, and its stdout and stderr appended to <dir>/logs/<name>.log. The supervisor logs to
<dir>/logs/supervisor.log and stdout, and keeps its state in <dir>/supervisor.json
(pid in <dir>/supervisor.pid). SIGTERM or SIGINT stops every component (SIGTERM, then SIGKILL
after --stop-timeout) and exits 0.

  --host-dir <dir>                   the host's state directory (created if missing)
  --component <name>=<path>          a component: name [a-z][a-z0-9-]*, path an executable;
                                     repeat for more, started in the order given
  --restart-backoff-initial <d>      delay before the first restart (default 500ms)
  --restart-backoff-max <d>          longest delay between restarts (default 10s)
  --stop-timeout <d>                 how long stopping components get before SIGKILL (default 10s)
  -h, --help                         show this help

Durations are Go durations as in Kubernetes: 500ms, 40s, 1m30s.
`;

const NAME = /^[a-z][a-z0-9-]*$/;

/** Whether `p` is a regular file this process may execute. */
export function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function duration(flag: string, v: string | undefined, defMs: number): number {
  if (v === undefined) return defMs;
  const ms = parseGoDuration(v);
  if (ms === undefined) throw new ConfigError(`invalid --${flag} "${v}": a duration like 500ms, 10s or 1m30s`);
  return ms;
}

/** One --component value; `cwd` resolves a relative path. */
export function parseComponent(v: string, cwd: string, isExecutable: (p: string) => boolean): ComponentSpec {
  const eq = v.indexOf('=');
  if (eq < 0) throw new ConfigError(`invalid --component "${v}": expected <name>=<path>`);
  const name = v.slice(0, eq);
  const file = v.slice(eq + 1);
  if (!NAME.test(name)) throw new ConfigError(`invalid --component "${v}": the name must match [a-z][a-z0-9-]*`);
  if (file === '') throw new ConfigError(`invalid --component "${v}": the path is empty`);
  const abs = path.resolve(cwd, file);
  if (!isExecutable(abs)) throw new ConfigError(`invalid --component "${v}": ${abs} is not an executable file`);
  return { name, path: abs };
}

export interface ParseOptions {
  /** Resolves relative --host-dir and component paths (default process.cwd()). */
  cwd?: string;
  /** Checks component paths (default isExecutableFile). */
  isExecutable?: (p: string) => boolean;
}

export function parseHostSupervisorArgs(argv: readonly string[], opts: ParseOptions = {}): HostSupervisorConfig | 'help' {
  const cwd = opts.cwd ?? process.cwd();
  const isExecutable = opts.isExecutable ?? isExecutableFile;
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        'host-dir': { type: 'string' },
        component: { type: 'string', multiple: true },
        'restart-backoff-initial': { type: 'string' },
        'restart-backoff-max': { type: 'string' },
        'stop-timeout': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) return 'help';
  const str = (flag: string): string | undefined => {
    const v = values[flag];
    return typeof v === 'string' ? v : undefined;
  };

  const hostDir = str('host-dir');
  if (hostDir === undefined || hostDir === '') throw new ConfigError('--host-dir is required');
  const raw = Array.isArray(values.component) ? values.component : [];
  if (raw.length === 0) throw new ConfigError('at least one --component <name>=<path> is required');
  const components = raw.map((v) => parseComponent(v, cwd, isExecutable));
  const seen = new Set<string>();
  for (const c of components) {
    if (seen.has(c.name)) throw new ConfigError(`invalid --component: the name "${c.name}" is given twice`);
    seen.add(c.name);
  }

  const restartBackoffInitialMs = duration('restart-backoff-initial', str('restart-backoff-initial'), 500);
  const restartBackoffMaxMs = duration('restart-backoff-max', str('restart-backoff-max'), 10_000);
  const stopTimeoutMs = duration('stop-timeout', str('stop-timeout'), 10_000);
  if (restartBackoffInitialMs <= 0) throw new ConfigError('--restart-backoff-initial must be positive');
  if (restartBackoffMaxMs < restartBackoffInitialMs) throw new ConfigError('--restart-backoff-max must not be less than --restart-backoff-initial');
  return { hostDir: path.resolve(cwd, hostDir), components, restartBackoffInitialMs, restartBackoffMaxMs, stopTimeoutMs };
}
