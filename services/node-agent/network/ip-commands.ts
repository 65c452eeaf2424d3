// The iproute2 commands the pod network issues, as lines for `ip -batch -` (one process per
// namespace and step instead of one per command). Pure: the adapter runs them, tests read them.
import { InvalidArgumentError } from './errors.js';

/** Linux IFNAMSIZ - 1: the longest interface name. */
export const MAX_IFNAME_LENGTH = 15;
const IFNAME_RE = /^[A-Za-z0-9_.-]+$/;

/** Throws unless `name` is a usable interface name (also keeps batch lines unambiguous). */
export function assertIfName(name: string): void {
  if (name.length === 0 || name.length > MAX_IFNAME_LENGTH || !IFNAME_RE.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError(`invalid interface name ${JSON.stringify(name)}`);
  }
}

/** Throws unless `path` is an absolute path without whitespace (netns paths go into batch lines). */
export function assertNetnsPath(path: string): void {
  if (!path.startsWith('/') || /\s/.test(path)) {
    throw new InvalidArgumentError(`invalid network namespace path ${JSON.stringify(path)}`);
  }
}

export interface BridgeSpec {
  name: string;
  /** Gateway address with the pod CIDR's prefix length, e.g. '10.244.1.1/24'. */
  address: string;
  mac: string;
}

/** Create the bridge (STP off, so ports forward at once), promiscuous mode off, gateway address, up. */
export function createBridgeLines(b: BridgeSpec): string[] {
  return [
    `link add name ${b.name} address ${b.mac} type bridge stp_state 0`,
    `link set dev ${b.name} promisc off`,
    `addr add ${b.address} dev ${b.name}`,
    `link set dev ${b.name} up`,
  ];
}

/** What an existing bridge looks like, as far as fixBridgeLines cares. */
export interface BridgeState {
  /** IPv4 addresses as 'a.b.c.d/len'. */
  addresses: string[];
  mac: string;
  up: boolean;
  promisc: boolean;
}

/** Bring an existing bridge to `b`: drop foreign IPv4 addresses, add ours, MAC, promisc off, up. */
export function fixBridgeLines(b: BridgeSpec, s: BridgeState): string[] {
  const lines: string[] = [];
  for (const a of s.addresses) if (a !== b.address) lines.push(`addr del ${a} dev ${b.name}`);
  if (!s.addresses.includes(b.address)) lines.push(`addr add ${b.address} dev ${b.name}`);
  if (s.mac.toLowerCase() !== b.mac) lines.push(`link set dev ${b.name} address ${b.mac}`);
  if (s.promisc) lines.push(`link set dev ${b.name} promisc off`);
  if (!s.up) lines.push(`link set dev ${b.name} up`);
  return lines;
}

export interface VethSpec {
  hostVeth: string;
  bridge: string;
  /** Absolute path of the pod's network namespace (e.g. /proc/<pid>/ns/net). */
  netnsPath: string;
  ifName: string;
  /** MAC of the pod-side interface. */
  mac: string;
}

/**
 * Host namespace: create the pair with the peer born inside the pod namespace under its final
 * name (no moment with a stray interface in the host), then attach the host end to the bridge
 * with hairpin on and bring it up. The first line fails with "File exists" if the pair exists.
 */
export function createVethLines(v: VethSpec): string[] {
  return [
    `link add name ${v.hostVeth} type veth peer name ${v.ifName} address ${v.mac} netns ${v.netnsPath}`,
    ...attachVethLines(v),
  ];
}

/** Host namespace: (re)attach an existing host veth to the bridge, hairpin on, up. Idempotent. */
export function attachVethLines(v: Pick<VethSpec, 'hostVeth' | 'bridge'>): string[] {
  return [
    `link set dev ${v.hostVeth} master ${v.bridge}`,
    `link set dev ${v.hostVeth} type bridge_slave hairpin on`,
    `link set dev ${v.hostVeth} up`,
  ];
}

export interface PodInterfaceSpec {
  ifName: string;
  /** Pod address with prefix length, e.g. '10.244.1.2/24'. */
  address: string;
  gateway: string;
  /** Remove every other address first (the interface holds a stale one). */
  flush?: boolean;
}

/** Pod namespace: lo up, the pod address, ifName up, default route via the gateway. Idempotent. */
export function podInterfaceLines(p: PodInterfaceSpec): string[] {
  return [
    'link set dev lo up',
    ...(p.flush === true ? [`addr flush dev ${p.ifName}`] : []),
    `addr replace ${p.address} dev ${p.ifName}`,
    `link set dev ${p.ifName} up`,
    `route replace default via ${p.gateway} dev ${p.ifName}`,
  ];
}

export function deleteLinkLine(name: string): string {
  return `link del dev ${name}`;
}

export function replaceRouteLine(dst: string, gateway: string, proto: number): string {
  return `route replace ${dst} via ${gateway} proto ${proto}`;
}

export function deleteRouteLine(dst: string, proto: number): string {
  return `route del ${dst} proto ${proto}`;
}
