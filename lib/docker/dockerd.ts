// Starting a Docker daemon for our hosts: one per machine, with its own iptables, bridge and
// forwarding handling off (ARCHITECTURE.md) so it never fights the node agents' nftables rules.
// `meshctl cluster up` starts the machine's daemon this way when none answers; the tests start a
// private one on their own socket. Nothing is ever pulled by either.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Dockerode from 'dockerode';

export interface DockerdOptions {
  /** Unix socket the daemon listens on, e.g. /var/run/docker.sock. */
  socketPath: string;
  pidFile: string;
  logFile: string;
  /** --data-root and --exec-root; dockerd's defaults when absent. */
  dataRoot?: string;
  execRoot?: string;
  startTimeoutMs?: number;
}

export interface DockerdHandle {
  socketPath: string;
  /** Whether this call started the daemon (false: one was already answering or starting). */
  started: boolean;
  /** The daemon's pid when this call started it. */
  pid?: number;
}

const PING_TIMEOUT_MS = 2_000;
const DEFAULT_START_TIMEOUT_MS = 60_000;


/** The flags that keep dockerd's hands off the network. */
export const DOCKERD_NETWORK_FLAGS = ['--iptables=false', '--bridge=none', '--ip-forward=false'] as const;

export function dockerClient(socketPath: string, timeoutMs = 0): Dockerode {
  return new Dockerode({ socketPath, timeout: timeoutMs });
}

export async function dockerAnswers(socketPath: string): Promise<boolean> {
  try {
    await dockerClient(socketPath, PING_TIMEOUT_MS).ping();
    return true;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the pidfile if that process is alive and is a dockerd. */
export async function runningDockerdPid(pidFile: string): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
  return comm.trim() === 'dockerd' ? pid : undefined;
}

async function logTail(logFile: string, lines = 30): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '(no log)');
  return text.split('\n').slice(-lines).join('\n');
}

/** Reuses a daemon answering on the socket (or one still starting per the pidfile), else starts one. */
export async function ensureDockerd(o: DockerdOptions): Promise<DockerdHandle> {
  const timeoutMs = o.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const reused: DockerdHandle = { socketPath: o.socketPath, started: false };
  if (await dockerAnswers(o.socketPath)) return reused;
  const starting = await runningDockerdPid(o.pidFile);
  if (starting !== undefined) {
    await waitForPing(o, timeoutMs, () => isAlive(starting));
    return reused;
  }
  await rm(o.pidFile, { force: true });
  await mkdir(path.dirname(o.socketPath), { recursive: true });
  await mkdir(path.dirname(o.logFile), { recursive: true });
  if (o.dataRoot !== undefined) await mkdir(o.dataRoot, { recursive: true });

  const args = [...DOCKERD_NETWORK_FLAGS, '--host', `unix://${o.socketPath}`, '--pidfile', o.pidFile];
  if (o.dataRoot !== undefined) args.push('--data-root', o.dataRoot);
  if (o.execRoot !== undefined) args.push('--exec-root', o.execRoot);
  const logFd = openSync(o.logFile, 'a');
  const child = spawn('dockerd', args, { stdio: ['ignore', logFd, logFd], detached: true });
  closeSync(logFd);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', () => (exited = true));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start dockerd (is docker.io installed?); log ${o.logFile}:\n${await logTail(o.logFile)}`);
  try {
    await waitForPing(o, timeoutMs, () => !exited);
  } catch (err) {
    // Lost a race with another process that started its daemon at the same moment: use theirs.
    if (exited && (await runningDockerdPid(o.pidFile)) !== undefined) {
      await waitForPing(o, timeoutMs, () => true);
      return reused;
    }
    if (!exited) process.kill(pid, 'SIGKILL');
    throw err;
  }
  return { socketPath: o.socketPath, started: true, pid };
}

async function waitForPing(o: DockerdOptions, timeoutMs: number, stillHopeful: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await dockerAnswers(o.socketPath)) return;
    if (!stillHopeful()) throw new Error(`dockerd exited before answering on ${o.socketPath}; log tail (${o.logFile}):\n${await logTail(o.logFile)}`);
    if (Date.now() > until) throw new Error(`dockerd did not answer on ${o.socketPath} within ${timeoutMs} ms; log tail (${o.logFile}):\n${await logTail(o.logFile)}`);
    await sleep(200);
  }
}

/** SIGTERM, then SIGKILL after timeoutMs (dockerd stops its containers first, 15 s each at most). */
export async function stopDockerd(pid: number, logFile: string, timeoutMs = 30_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < until) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    throw new Error(`dockerd (pid ${pid}) did not exit within ${timeoutMs} ms of SIGTERM; killed it. Log tail:\n${await logTail(logFile)}`);
  }
}

/**
 * Force-removes every container (running or not) matching all the given label selectors
 * (`key=value` or `key`). Returns how many were removed.
 */
export async function removeContainers(docker: Dockerode, labelSelector: string | string[]): Promise<number> {
  const label = Array.isArray(labelSelector) ? labelSelector : [labelSelector];
  if (label.length === 0) throw new Error('removeContainers needs a label selector');
  const found = await docker.listContainers({ all: true, filters: { label } });
  let removed = 0;
  for (const c of found) {
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed++;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) throw err;
    }
  }
  return removed;
}
