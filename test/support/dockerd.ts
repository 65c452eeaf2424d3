/**
 * Test support: one private Docker daemon per machine for tests that run real containers.
 *
 * The daemon listens on /run/meshkube-test/docker.sock with its own data root (images stay there
 * between runs as a cache) and exec root, and is started with networking disabled
 * (`--iptables=false --bridge=none --ip-forward=false`) so it never touches the host's firewall or
 * routes. Several test files (and several simulated "hosts") share it; containers are told apart by
 * labels, and removeTestContainers() removes one test's containers by label.
 *
 * Requires root and docker.io (dockerd, containerd, runc) installed. Nothing is ever pulled.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import Dockerode from 'dockerode';
import { sleep } from './store-cluster.js';

export const TEST_DOCKER_DIR = '/run/meshkube-test';
export const TEST_DOCKER_SOCKET = `${TEST_DOCKER_DIR}/docker.sock`;
export const TEST_DOCKER_DATA_ROOT = '/var/lib/meshkube-test/docker';
const EXEC_ROOT = `${TEST_DOCKER_DIR}/exec`;
const PID_FILE = `${TEST_DOCKER_DIR}/docker.pid`;
const LOG_FILE = `${TEST_DOCKER_DIR}/dockerd.log`;

/** How long a starting dockerd may take to answer ping. */
const START_TIMEOUT_MS = 60_000;
/** How long dockerd may take to exit after SIGTERM (it stops its containers first, 15 s each at most). */
const STOP_TIMEOUT_MS = 30_000;
const PING_TIMEOUT_MS = 2_000;

export interface TestDockerd {
  socketPath: string;
  /** A client for the daemon. */
  docker: Dockerode;
  /** Stops the daemon if this call started it; does nothing when an already running daemon was reused. */
  stop(): Promise<void>;
}

export function testDockerClient(socketPath = TEST_DOCKER_SOCKET): Dockerode {
  return new Dockerode({ socketPath, timeout: 0 });
}

async function answersPing(socketPath: string): Promise<boolean> {
  const docker = new Dockerode({ socketPath, timeout: PING_TIMEOUT_MS });
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the pidfile if that process is alive and is a dockerd; undefined otherwise. */
async function runningDockerdPid(): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(PID_FILE, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
  return comm.trim() === 'dockerd' ? pid : undefined;
}

async function logTail(lines = 30): Promise<string> {
  const text = await readFile(LOG_FILE, 'utf8').catch(() => '(no log)');
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Reuses the test dockerd if one answers on TEST_DOCKER_SOCKET, else starts one (removing a stale
 * pidfile first) and waits until it answers ping.
 */
export async function startTestDockerd(): Promise<TestDockerd> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error('the test dockerd needs root');
  }
  const reused: TestDockerd = { socketPath: TEST_DOCKER_SOCKET, docker: testDockerClient(), stop: async () => {} };
  if (await answersPing(TEST_DOCKER_SOCKET)) return reused;

  await mkdir(TEST_DOCKER_DIR, { recursive: true });
  await mkdir(TEST_DOCKER_DATA_ROOT, { recursive: true });

  // A dockerd that is alive but not answering yet is another test process's daemon still starting.
  const starting = await runningDockerdPid();
  if (starting !== undefined) {
    await waitForPing(() => isAlive(starting));
    return reused;
  }
  await rm(PID_FILE, { force: true });

  const logFd = openSync(LOG_FILE, 'a');
  const child = spawn(
    'dockerd',
    [
      '--iptables=false',
      '--bridge=none',
      '--ip-forward=false',
      '--host',
      `unix://${TEST_DOCKER_SOCKET}`,
      '--data-root',
      TEST_DOCKER_DATA_ROOT,
      '--exec-root',
      EXEC_ROOT,
      '--pidfile',
      PID_FILE,
    ],
    { stdio: ['ignore', logFd, logFd], detached: true },
  );
  closeSync(logFd);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.on('error', () => {
    exited = true;
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start dockerd; log tail:\n${await logTail()}`);

  try {
    await waitForPing(() => !exited);
  } catch (err) {
    // Lost a race with another test process that started its daemon at the same moment: use theirs.
    if (exited && (await runningDockerdPid()) !== undefined) {
      await waitForPing(() => true);
      return reused;
    }
    if (!exited) process.kill(pid, 'SIGKILL');
    throw err;
  }

  return {
    socketPath: TEST_DOCKER_SOCKET,
    docker: testDockerClient(),
    stop: async () => {
      if (!isAlive(pid)) return;
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + STOP_TIMEOUT_MS;
      while (isAlive(pid) && Date.now() < until) await sleep(100);
      if (isAlive(pid)) {
        process.kill(pid, 'SIGKILL');
        throw new Error(`dockerd (pid ${pid}) did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM; killed it. Log tail:\n${await logTail()}`);
      }
    },
  };
}

/** Waits until the daemon answers ping; fails early when `stillHopeful` turns false. */
async function waitForPing(stillHopeful: () => boolean): Promise<void> {
  const until = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await answersPing(TEST_DOCKER_SOCKET)) return;
    if (!stillHopeful()) throw new Error(`dockerd exited before answering on ${TEST_DOCKER_SOCKET}; log tail (${LOG_FILE}):\n${await logTail()}`);
    if (Date.now() > until) {
      throw new Error(`dockerd did not answer on ${TEST_DOCKER_SOCKET} within ${START_TIMEOUT_MS} ms; log tail (${LOG_FILE}):\n${await logTail()}`);
    }
    await sleep(200);
  }
}

/**
 * Force-removes every container (running or not) matching all the given label selectors
 * (`key=value` or `key`), e.g. `meshkube.node=rt-test-node`. Returns how many were removed.
 */
export async function removeTestContainers(docker: Dockerode, labelSelector: string | string[]): Promise<number> {
  const label = Array.isArray(labelSelector) ? labelSelector : [labelSelector];
  if (label.length === 0) throw new Error('removeTestContainers needs a label selector');
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
