/**
 * Bounded TCP reachability probes for HostNetwork tests (no ping needed; `ping` is not installed
 * on every box). All probes only target loopback or addresses of namespaces created by the tests.
 */
import net from 'node:net';
import { execa } from 'execa';
import type { HostNetwork } from '../../../lib/netns/host-network.js';

/** Default per-probe connect timeout. A dropped SYN costs exactly this long. */
export const PROBE_TIMEOUT_MS = 1_000;

const SERVER_SCRIPT = `
const net = require('node:net');
const port = Number(process.argv[1]);
const srv = net.createServer((s) => { s.on('error', () => {}); s.end('ok'); });
srv.listen(port, '0.0.0.0', () => process.stdout.write('listening\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

const CLIENT_SCRIPT = `
const net = require('node:net');
const [host, port, timeout] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
const t = setTimeout(() => process.exit(2), Number(timeout));
s.on('connect', () => { clearTimeout(t); s.destroy(); process.exit(0); });
s.on('error', () => process.exit(1));
`;

export interface TcpServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Start a tiny TCP server (`node -e`) listening on 0.0.0.0:port inside the host's namespace.
 * Resolves once it is listening; rejects (and kills it) if it does not come up within startTimeoutMs.
 */
export async function startTcpServer(
  network: HostNetwork,
  host: string,
  port: number,
  startTimeoutMs = 10_000,
): Promise<TcpServer> {
  const { stop } = await startScriptServer(network.execPrefix(host), SERVER_SCRIPT, [String(port)], `TCP server in ${host}`, startTimeoutMs);
  return { port, stop };
}

/**
 * Runs `node -e script args` under an argv prefix (such as `ip netns exec <ns>`) and resolves
 * once it prints "listening"; rejects, and kills it, if it exits first or takes longer than
 * startTimeoutMs. `what` names it in errors.
 */
export async function startScriptServer(prefix: readonly string[], script: string, args: readonly string[], what: string, startTimeoutMs = 10_000): Promise<{ stop(): Promise<void> }> {
  const argv = [...prefix, process.execPath, '-e', script, ...args];
  const child = execa(argv[0] ?? process.execPath, argv.slice(1), {
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  const done = child.then(() => undefined);
  const stop = async (): Promise<void> => {
    child.kill('SIGKILL');
    await done;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${what} did not start within ${startTimeoutMs}ms`)), startTimeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      void done.then(() => {
        clearTimeout(timer);
        reject(new Error(`${what} exited before listening: ${err.trim()}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { stop };
}

/** Can `fromHost` open a TCP connection to ip:port? Bounded by timeoutMs (plus node start-up). */
export async function canConnect(
  network: HostNetwork,
  fromHost: string,
  ip: string,
  port: number,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<boolean> {
  const r = await network.exec(fromHost, [process.execPath, '-e', CLIENT_SCRIPT, ip, String(port), String(timeoutMs)], {
    timeoutMs: timeoutMs + 10_000,
  });
  return r.exitCode === 0;
}

/** Can the current process (root namespace) open a TCP connection to ip:port? */
export function canConnectFromRoot(ip: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port });
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    s.once('connect', () => finish(true));
    s.once('error', () => finish(false));
  });
}

/** A TCP server in the current (root) namespace, bound to a specific address (e.g. the bridge IP). */
export async function startRootTcpServer(bindIp: string): Promise<TcpServer> {
  const srv = net.createServer((s) => {
    s.on('error', () => undefined);
    s.end('ok');
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, bindIp, () => resolve());
  });
  const addr = srv.address();
  if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
  return {
    port: addr.port,
    stop: () =>
      new Promise<void>((resolve) => {
        srv.close(() => resolve());
      }),
  };
}
