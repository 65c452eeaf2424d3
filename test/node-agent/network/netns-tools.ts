/**
 * Test support for the pod-network tests: plain named network namespaces (standing in for a
 * node, or for a pod sandbox), and TCP probes between them that report the peer address the
 * server saw (to prove traffic is not NATed). Only namespaces with the test's `cn-` prefix are
 * ever created or deleted.
 */
import { rm } from 'node:fs/promises';
import { execa } from 'execa';
import type { IpLinkJson } from '../../../services/node-agent/network/index.js';
import { jsonArray } from '../../../services/node-agent/network/index.js';
import { startScriptServer } from '../../support/netns/probe.js';

const CMD_TIMEOUT_MS = 15_000;

export async function sh(file: string, args: string[], input?: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa(file, args, { reject: false, timeout: CMD_TIMEOUT_MS, input, stdin: input === undefined ? 'ignore' : undefined });
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return { exitCode: r.exitCode ?? -1, stdout: str(r.stdout), stderr: str(r.stderr) };
}

export async function must(file: string, args: string[], input?: string): Promise<string> {
  const r = await sh(file, args, input);
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (exit ${r.exitCode}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

function assertOurs(name: string): void {
  if (!name.startsWith('cn-')) throw new Error(`refusing to touch namespace '${name}' (not ours)`);
}

/** Delete a namespace of ours (killing processes left inside); fine if it does not exist. */
export async function deleteNetns(name: string): Promise<void> {
  assertOurs(name);
  const pids = await sh('ip', ['netns', 'pids', name]);
  for (const pid of pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await sh('ip', ['netns', 'del', name]);
}

/** Create a fresh namespace (deleting a leftover of a crashed run first) with lo up, IPv6 off. */
export async function createNetns(name: string): Promise<string> {
  await deleteNetns(name);
  await must('ip', ['netns', 'add', name]);
  await must('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  await sh('ip', ['netns', 'exec', name, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6']);
  return netnsPath(name);
}

export async function removeDir(dir: string): Promise<void> {
  if (!dir.includes('cn-')) throw new Error(`refusing to remove '${dir}'`);
  await rm(dir, { recursive: true, force: true });
}

/** `ip -j -d addr show` (optionally of one device) inside a named namespace. */
export async function links(ns: string, dev?: string): Promise<IpLinkJson[]> {
  const r = await sh('ip', ['-n', ns, '-j', '-d', 'addr', 'show', ...(dev === undefined ? [] : ['dev', dev])]);
  if (r.exitCode !== 0) return [];
  return jsonArray<IpLinkJson>(JSON.parse(r.stdout || '[]'));
}

export async function linkNames(ns: string): Promise<string[]> {
  return (await links(ns)).map((l) => l.ifname ?? '');
}

export interface RouteJson {
  dst?: string;
  gateway?: string;
  dev?: string;
}

export async function routes(ns: string, ...args: string[]): Promise<RouteJson[]> {
  return jsonArray<RouteJson>(JSON.parse((await must('ip', ['-n', ns, '-j', '-4', 'route', 'show', ...args])) || '[]'));
}

// ---------------------------------------------------------------------------------------------
// TCP probes. The server answers every connection with the peer address it saw, then closes.

const SERVER_SCRIPT = `
const net = require('node:net');
const [host, port] = process.argv.slice(1);
const srv = net.createServer((s) => { s.on('error', () => {}); s.end(String(s.remoteAddress)); });
srv.listen(Number(port), host, () => process.stdout.write('listening\\n'));
`;

const CLIENT_SCRIPT = `
const net = require('node:net');
const [host, port, timeout] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
let data = '';
const t = setTimeout(() => process.exit(2), Number(timeout));
s.on('data', (d) => { data += d; });
s.on('end', () => { clearTimeout(t); process.stdout.write(data); process.exit(0); });
s.on('error', (e) => { process.stderr.write(String(e)); process.exit(1); });
`;

export interface EchoServer {
  stop(): Promise<void>;
}

/** A TCP server inside namespace `ns` on host:port that replies with the client's address. */
export async function startPeerEchoServer(ns: string, host: string, port: number): Promise<EchoServer> {
  return startScriptServer(['ip', 'netns', 'exec', ns], SERVER_SCRIPT, [host, String(port)], `server in ${ns}`);
}

/** Connect from namespace `ns` to ip:port; the address the server saw, or undefined if unreachable. */
export async function peerAddressSeen(ns: string, ip: string, port: number, timeoutMs = 2_000): Promise<string | undefined> {
  const r = await sh('ip', ['netns', 'exec', ns, process.execPath, '-e', CLIENT_SCRIPT, ip, String(port), String(timeoutMs)]);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}
