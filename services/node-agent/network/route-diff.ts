// The pure part of host-gw routing: which routes to other nodes' pod CIDRs this node should have,
// and what to change to get from the routes it has to those.
import { formatCidr, formatIpv4, parseCidr, parseIpv4 } from './ipv4.js';

/** What host-gw needs to know of a Node: its name, spec.podCIDR and its InternalIP. */
export interface HostGwNode {
  name: string;
  podCIDR: string;
  hostIP: string;
}

/** One route: `dst` (canonical CIDR text) via `gateway`. */
export interface HostGwRoute {
  dst: string;
  gateway: string;
}

export interface RouteDiff {
  /** Routes to add or change (`ip route replace`). */
  replace: HostGwRoute[];
  /** Destinations of our routes that no node needs any more (`ip route del ... proto N`). */
  remove: string[];
}

/** `ip -j route` prints host routes without '/32'. */
function canonicalCidr(text: string): string | undefined {
  try {
    return formatCidr(parseCidr(text.includes('/') ? text : `${text}/32`));
  } catch {
    return undefined;
  }
}

function canonicalIp(text: string): string | undefined {
  try {
    return formatIpv4(parseIpv4(text));
  } catch {
    return undefined;
  }
}

/**
 * One route per other node that has a podCIDR and a host IP, sorted by destination. Nodes with an
 * empty or malformed podCIDR/hostIP are left out, and so is any node claiming this node's own
 * podCIDR (that prefix is on the local bridge; replacing its connected route would cut off the
 * local pods). If two nodes claim one prefix, the first by name wins.
 */
export function desiredRoutes(nodes: readonly HostGwNode[], self: string): HostGwRoute[] {
  const own = nodes.find((n) => n.name === self);
  const ownCidr = own === undefined ? undefined : canonicalCidr(own.podCIDR);
  const byDst = new Map<string, HostGwRoute>();
  for (const n of [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (n.name === self) continue;
    const dst = canonicalCidr(n.podCIDR);
    const gateway = canonicalIp(n.hostIP);
    if (dst === undefined || gateway === undefined || dst === ownCidr || byDst.has(dst)) continue;
    byDst.set(dst, { dst, gateway });
  }
  return [...byDst.values()].sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

/** Changes that turn `current` (our routes as found in the kernel) into `desired`. */
export function diffRoutes(desired: readonly HostGwRoute[], current: readonly HostGwRoute[]): RouteDiff {
  const have = new Map<string, string>();
  for (const r of current) {
    const dst = canonicalCidr(r.dst);
    if (dst !== undefined) have.set(dst, r.gateway);
  }
  const want = new Set(desired.map((r) => r.dst));
  return {
    replace: desired.filter((r) => have.get(r.dst) !== r.gateway),
    remove: [...have.keys()].filter((dst) => !want.has(dst)).sort(),
  };
}
