// The process side of a namespace host: its supervisor (started through deploy/roles/start-host.sh
// inside the host's network namespace), the status file the supervisor keeps, and stopping or
// killing everything that runs in the namespace.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../../../lib/docker/dockerd.js';
import type { HostNetwork } from '../../../lib/netns/host-network.js';
import { liveSupervisorPid, readStatusFile } from '../../host-supervisor/status-file.js';
import type { SupervisorStatus } from '../../host-supervisor/status-file.js';
import { sleep } from '../wait/sleep.js';
import type { ClusterPlan } from './cluster-plan.js';
import { hostDir } from './cluster-plan.js';


export function startHostScript(plan: Pick<ClusterPlan, 'home'>): string {
  return path.join(plan.home, 'deploy/roles/start-host.sh');
}

export function componentLog(plan: ClusterPlan, host: string, component: string): string {
  return path.join(hostDir(plan, host), 'logs', `${component}.log`);
}

export function supervisorLog(plan: ClusterPlan, host: string): string {
  return path.join(hostDir(plan, host), 'logs', 'supervisor.log');
}

/** The pid of the host's supervisor when it runs. */
export function supervisorPid(plan: ClusterPlan, host: string): number | undefined {
  return liveSupervisorPid(hostDir(plan, host));
}

/** The supervisor's status file; undefined when absent or half written (the caller looks again). */
export function readSupervisorStatus(plan: ClusterPlan, host: string): SupervisorStatus | undefined {
  try {
    return readStatusFile(hostDir(plan, host));
  } catch {
    return undefined;
  }
}

/** Starts the host's start script in its namespace, detached; resolves once its supervisor runs. */
export async function startHost(plan: ClusterPlan, net: HostNetwork, host: string, timeoutMs = 20_000): Promise<number> {
  const logFile = path.join(hostDir(plan, host), 'logs', 'start.log');
  const fd = openSync(logFile, 'a');
  const child = spawn('ip', ['netns', 'exec', net.nsName(host), startHostScript(plan), path.join(hostDir(plan, host), 'host.env')], {
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  let exit: string | undefined;
  child.on('exit', (code, signal) => (exit = signal ?? `exit code ${String(code)}`));
  child.on('error', (err) => (exit = err.message));
  child.unref();
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pid = supervisorPid(plan, host);
    if (pid !== undefined) return pid;
    if (exit !== undefined) throw new Error(`host ${host}: start-host.sh ended (${exit}); see ${logFile}:\n${await tail(logFile)}`);
    if (Date.now() > until) throw new Error(`host ${host}: its supervisor did not start within ${String(timeoutMs)} ms; see ${logFile}`);
    await sleep(100);
  }
}

/** SIGTERM to the supervisor (which stops its components), then SIGKILL to whatever still runs in the namespace. */
export async function stopHost(plan: ClusterPlan, net: HostNetwork, host: string, timeoutMs = 20_000): Promise<void> {
  const pid = supervisorPid(plan, host);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + timeoutMs;
    while (isAlive(pid) && Date.now() < until) await sleep(100);
  }
  await net.killProcesses(host);
}

export async function tail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
