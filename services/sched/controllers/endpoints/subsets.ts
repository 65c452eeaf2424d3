// core/v1 Endpoints subsets in their canonical layout (pkg/api/v1/endpoints RepackSubsets): every
// address once per port, then addresses that serve the same ports in the same readiness
// grouped into one subset with those ports. And the truncation of Endpoints over 1000 addresses.
import { canonicalJson } from '../endpointslice/endpoint-util.js';
import type { ObjectReference } from '../endpointslice/endpoint-slice-types.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointsPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointsPort[];
}

/** Stands for "no ports" (a headless Service without ports) while repacking. */
const NO_PORT = '-';

function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
}

function portKey(p: EndpointsPort): string {
  return canonicalJson({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? '', appProtocol: p.appProtocol });
}

/** LessEndpointAddress: by IP bytes, then target uid (no target first). */
export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return Buffer.compare(Buffer.from(a.ip), Buffer.from(b.ip));
  const ua = a.targetRef?.uid;
  const ub = b.targetRef?.uid;
  if (ub === undefined) return ua === undefined ? 0 : 1;
  if (ua === undefined) return -1;
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * RepackSubsets. An address listed not-ready for a port stays not-ready for it. Kubernetes
 * orders ports and subsets by an md5 of their Go dump; we order them by their JSON, which is
 * as stable and needs no Go.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const allAddrs = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointsPort | undefined; addrs: Map<string, boolean> }>();
  const map = (addr: EndpointAddress, port: EndpointsPort | undefined, ready: boolean): void => {
    const key = addressKey(addr);
    if (!allAddrs.has(key)) allAddrs.set(key, structuredClone(addr));
    const pk = port === undefined ? NO_PORT : portKey(port);
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, addrs: new Map() }));
    const was = entry.addrs.get(key);
    if (was === undefined || was) entry.addrs.set(key, ready);
  };
  for (const s of subsets) {
    const ports = s.ports ?? [];
    for (const port of ports.length === 0 ? [undefined] : ports) {
      for (const a of s.addresses ?? []) map(a, port, true);
      for (const a of s.notReadyAddresses ?? []) map(a, port, false);
    }
  }

  // Ports served by exactly the same addresses (in the same readiness) share a subset.
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointsPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const key = [...addrs.entries()]
      .map(([k, ready]) => `${k}\u0000${ready ? 1 : 0}`)
      .sort()
      .join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs, ports: [] }));
    if (port !== undefined) g.ports.push(port);
  }

  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, isReady] of g.addrs) {
      const addr = allAddrs.get(k);
      if (addr) (isReady ? ready : notReady).push(addr);
    }
    const subset: EndpointSubset = {};
    if (ready.length > 0) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length > 0) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length > 0) subset.ports = g.ports.sort((a, b) => compareText(portKey(a), portKey(b)));
    out.push(subset);
  }
  return out.sort((a, b) => compareText(canonicalJson(a), canonicalJson(b)));
}

/** maxCapacity: the most addresses an Endpoints object carries. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

export function countAddresses(subsets: readonly EndpointSubset[]): number {
  return subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}

/**
 * truncateEndpoints: over capacity, each subset keeps its share (rounded up) of the room,
 * ready addresses first; returns whether anything was cut. Changes the subsets in place.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_CAPACITY) return false;
  const truncateReady = totalReady > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}
