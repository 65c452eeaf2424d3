// Which Docker daemon `meshctl image` talks to: --docker-host, else $DOCKER_HOST, else the default
// socket; unix:///path or tcp://host:port as the docker CLI takes them.

import Dockerode from 'dockerode';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
/** How long dockerd may take to answer the first ping. */
const PING_TIMEOUT_MS = 3000;

export type DockerAddress = { socketPath: string } | { host: string; port: number };

/** Parses a docker host address (`unix:///run/docker.sock`, `/run/docker.sock`, `tcp://127.0.0.1:2375`). */
export function parseDockerHost(text: string): DockerAddress {
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`invalid docker host "${text}": a unix socket needs an absolute path (unix:///path)`);
    return { socketPath };
  }
  if (text.startsWith('/')) return { socketPath: text };
  const tcp = /^tcp:\/\/([^:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/.exec(text);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65535) throw new Error(`invalid docker host "${text}": port out of range`);
    return { host: (tcp[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port };
  }
  throw new Error(`invalid docker host "${text}": use unix:///path/to/docker.sock or tcp://host:port`);
}

/** The address to use: the flag, else DOCKER_HOST from the environment, else the default socket. */
export function dockerHostFrom(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env.DOCKER_HOST;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DOCKER_HOST;
}

/** dockerd did not answer at the address. */
export class DockerUnreachableError extends Error {
  override readonly name = 'DockerUnreachableError';
  constructor(
    readonly dockerHost: string,
    override readonly cause: unknown,
  ) {
    super(
      `cannot reach dockerd at ${dockerHost} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Start one: `meshctl cluster up` starts one for the local cluster, or run `dockerd --iptables=false --bridge=none` as root ' +
        '(and pass --docker-host or set DOCKER_HOST if it listens elsewhere).',
    );
  }
}

function client(address: DockerAddress, timeout: number): Dockerode {
  return 'socketPath' in address ? new Dockerode({ socketPath: address.socketPath, timeout }) : new Dockerode({ host: address.host, port: address.port, protocol: 'http', timeout });
}

/** A client for the daemon at `dockerHost` once it has answered a ping; DockerUnreachableError otherwise. */
export async function connectDocker(dockerHost: string): Promise<Dockerode> {
  const address = parseDockerHost(dockerHost);
  try {
    await client(address, PING_TIMEOUT_MS).ping();
  } catch (err) {
    throw new DockerUnreachableError(dockerHost, err);
  }
  // No timeout on the working client: an image build takes as long as it takes.
  return client(address, 0);
}
