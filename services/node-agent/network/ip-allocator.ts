// The pure part of host-local IPAM: which addresses of a pod CIDR can be handed out, and which one
// is next. Like host-local, allocation is round-robin: it starts after the last reserved address
// and wraps around, so a just-released IP is not reused at once.
import { InvalidAddressError } from './errors.js';
import type { Ipv4Cidr } from './ipv4.js';
import { lastAddress } from './ipv4.js';

/** The allocatable addresses of a CIDR: [first, last] inclusive, minus the gateway. */
export interface IpRange {
  readonly first: number;
  readonly last: number;
  readonly gateway: number;
}

/**
 * host-local defaults for a subnet: the gateway is .1 (network + 1), the range runs from the
 * network address + 1 to the broadcast address - 1, the gateway excluded. So a /24 hands out
 * .2 to .254. Prefixes longer than /30 leave nothing to allocate and are refused.
 */
export function rangeOf(cidr: Ipv4Cidr): IpRange {
  if (cidr.prefixLength > 30) throw new InvalidAddressError(`/${cidr.prefixLength}`, 'pod CIDR (need /30 or shorter)');
  return { first: cidr.base + 1, last: lastAddress(cidr) - 1, gateway: cidr.base + 1 };
}

export function rangeContains(range: IpRange, ip: number): boolean {
  return ip >= range.first && ip <= range.last && ip !== range.gateway;
}

/**
 * The next free address: the first one after `lastReserved` (or from the range start, if
 * `lastReserved` is absent or outside the range) that is neither used nor the gateway, wrapping
 * around once. undefined when the range is full.
 */
export function nextFreeIp(range: IpRange, used: ReadonlySet<number>, lastReserved?: number): number | undefined {
  const size = range.last - range.first + 1;
  const start = lastReserved !== undefined && lastReserved >= range.first && lastReserved <= range.last ? lastReserved + 1 : range.first;
  for (let i = 0; i < size; i++) {
    const ip = range.first + ((start - range.first + i) % size);
    if (ip === range.gateway || used.has(ip)) continue;
    return ip;
  }
  return undefined;
}

