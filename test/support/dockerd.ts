/**
 * Test support: one private Docker daemon per machine for tests that run real containers.
 *
 * The daemon listens on /run/meshkube-test/docker.sock with its own data root (images stay there
 * between runs as a cache) and exec root, started by lib/docker's ensureDockerd with networking
 * disabled. Several test files (and several simulated "hosts") share it; containers are told apart
 * by labels, and removeTestContainers() removes one test's containers by label.
 *
 * Requires root and docker.io (dockerd, containerd, runc) installed. Nothing is ever pulled.
 */
import type Dockerode from 'dockerode';
import { dockerClient, ensureDockerd, removeContainers, stopDockerd } from '../../lib/docker/dockerd.js';

export const TEST_DOCKER_DIR = '/run/meshkube-test';
export const TEST_DOCKER_SOCKET = `${TEST_DOCKER_DIR}/docker.sock`;
export const TEST_DOCKER_DATA_ROOT = '/var/lib/meshkube-test/docker';
const EXEC_ROOT = `${TEST_DOCKER_DIR}/exec`;
const PID_FILE = `${TEST_DOCKER_DIR}/docker.pid`;
const LOG_FILE = `${TEST_DOCKER_DIR}/dockerd.log`;

export interface TestDockerd {
  socketPath: string;
  /** A client for the daemon. */
  docker: Dockerode;
  /** Stops the daemon if this call started it; does nothing when an already running daemon was reused. */
  stop(): Promise<void>;
}

export function testDockerClient(socketPath = TEST_DOCKER_SOCKET): Dockerode {
  return dockerClient(socketPath);
}

/** Reuses the test dockerd if one answers on TEST_DOCKER_SOCKET, else starts one. */
export async function startTestDockerd(): Promise<TestDockerd> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error('the test dockerd needs root');
  }
  const h = await ensureDockerd({ socketPath: TEST_DOCKER_SOCKET, pidFile: PID_FILE, logFile: LOG_FILE, dataRoot: TEST_DOCKER_DATA_ROOT, execRoot: EXEC_ROOT });
  const pid = h.pid;
  return {
    socketPath: TEST_DOCKER_SOCKET,
    docker: testDockerClient(),
    stop: async () => {
      if (pid !== undefined) await stopDockerd(pid, LOG_FILE);
    },
  };
}

/**
 * Force-removes every container (running or not) matching all the given label selectors
 * (`key=value` or `key`), e.g. `meshkube.node=rt-test-node`. Returns how many were removed.
 */
export function removeTestContainers(docker: Dockerode, labelSelector: string | string[]): Promise<number> {
  return removeContainers(docker, labelSelector);
}
