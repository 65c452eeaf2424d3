// The command line of bench/startup-bench.ts.
import { UsageError, int, num, parseOptions } from './arg-parsing.js';

export type DockerdChoice = 'test' | 'private';

export interface StartupArgs {
  /** Cluster name (`cluster up --name`). */
  name: string;
  /** Host network, an IPv4 /24 (`cluster up --subnet`). */
  subnet: string;
  workers: number;
  pods: number;
  rounds: number;
  /** Also time a second `cluster up` on the running cluster. */
  warm: boolean;
  /** Also start the same number of sandboxes and containers straight through Docker (no cluster). */
  dockerBaseline: boolean;
  /** `test`: the test dockerd (test/support/dockerd.ts); `private`: one of the bench's own. */
  dockerd: DockerdChoice;
  /** Start even if the daemon already runs other clusters' containers for nodes named like ours. */
  shareDocker: boolean;
  /** Leave the cluster up at the end (for looking at it); it is torn down on errors anyway. */
  keep: boolean;
  /** Deadline for all pods of a round to be Ready, and for them to be gone after deletion. */
  timeoutSeconds: number;
  /** Wait at most this long before each round for other work on the machine to calm down. */
  waitIdleSeconds: number;
  idleThresholdCores: number;
}

export const STARTUP_USAGE = `usage: npm run bench:startup -- [options]
  --name <name>            cluster name (default bench)
  --subnet <a.b.c.0/24>    host network of the cluster (default 10.10.0.0/24)
  --workers <n>            worker hosts (default 3)
  --pods <n>               pods created at once per round (default 30)
  --rounds <n>             create/Ready/delete rounds (default 3)
  --no-warm                do not time a second \`cluster up\` on the running cluster
  --no-docker-baseline     do not time the same sandboxes and containers started straight through Docker
  --dockerd test|private   the test dockerd (/run/meshkube-test/docker.sock, default) or a
                           private one (/run/meshkube-bench/docker.sock) the bench starts and stops
  --share-docker           start even if the daemon holds other clusters' containers of nodes
                           named like ours (their agents and ours would remove each other's pods)
  --keep                   leave the cluster up at the end
  --timeout <s>            deadline for a round's pods to be Ready, and gone (default 120)
  --wait-idle <s>          before each round, wait up to this long for a quiet machine (default 60; 0: do not)
  --idle-threshold <cores> what "quiet" means: other work under this many cores (default 0.25)
`;

const NAME_RE = /^[a-z][a-z0-9]{0,7}$/;
const SUBNET_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/;

export function parseStartupArgs(argv: readonly string[]): StartupArgs | 'help' {
  const a: StartupArgs = {
    name: 'bench',
    subnet: '10.10.0.0/24',
    workers: 3,
    pods: 30,
    rounds: 3,
    warm: true,
    dockerBaseline: true,
    dockerd: 'test',
    shareDocker: false,
    keep: false,
    timeoutSeconds: 120,
    waitIdleSeconds: 60,
    idleThresholdCores: 0.25,
  };
  const r = parseOptions(argv, (name, value) => {
    if (name === '--name') {
      const v = value() ?? '';
      if (!NAME_RE.test(v)) throw new UsageError(`--name needs 1 to 8 lower-case letters or digits starting with a letter, got "${v}"`);
      a.name = v;
    } else if (name === '--subnet') {
      const v = value() ?? '';
      const m = SUBNET_RE.exec(v);
      if (!m || [m[1], m[2], m[3]].some((p) => Number(p) > 255)) throw new UsageError(`--subnet needs an IPv4 /24 like 10.10.8.0/24, got "${v}"`);
      a.subnet = v;
    } else if (name === '--workers') a.workers = int(name, value(), 1, 20);
    else if (name === '--pods') a.pods = int(name, value(), 1, 1000);
    else if (name === '--rounds') a.rounds = int(name, value(), 1, 100);
    else if (name === '--no-warm') a.warm = false;
    else if (name === '--no-docker-baseline') a.dockerBaseline = false;
    else if (name === '--dockerd') {
      const v = value();
      if (v !== 'test' && v !== 'private') throw new UsageError(`--dockerd needs test or private, got ${v ?? 'nothing'}`);
      a.dockerd = v;
    } else if (name === '--share-docker') a.shareDocker = true;
    else if (name === '--keep') a.keep = true;
    else if (name === '--timeout') a.timeoutSeconds = int(name, value(), 5, 3600);
    else if (name === '--wait-idle') a.waitIdleSeconds = int(name, value(), 0, 3600);
    else if (name === '--idle-threshold') a.idleThresholdCores = num(name, value(), 0);
    else return false;
    return true;
  });
  return r === 'help' ? 'help' : a;
}
