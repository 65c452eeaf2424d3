// IPv4 addresses and CIDRs as 32-bit unsigned numbers: parsing, formatting, masks, and the
// deterministic MAC address the CNI plugins derive from an IPv4 address.
import { InvalidAddressError } from './errors.js';

/** An IPv4 prefix: `base` is the network address (host bits zero), `prefixLength` 0..32. */
export interface Ipv4Cidr {
  readonly base: number;
  readonly prefixLength: number;
}

export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new InvalidAddressError(text, 'address');
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) throw new InvalidAddressError(text, 'address');
    const v = Number(p);
    if (v > 255) throw new InvalidAddressError(text, 'address');
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function prefixMask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Parse 'a.b.c.d/n'. With `strict`, host bits must be zero (as Kubernetes validates podCIDR). */
export function parseCidr(text: string, strict = false): Ipv4Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new InvalidAddressError(text, 'CIDR');
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lenText)) throw new InvalidAddressError(text, 'CIDR');
  const prefixLength = Number(lenText);
  if (prefixLength > 32) throw new InvalidAddressError(text, 'CIDR');
  const addr = parseIpv4(text.slice(0, slash));
  const base = (addr & prefixMask(prefixLength)) >>> 0;
  if (strict && base !== addr) throw new InvalidAddressError(text, 'CIDR (host bits set)');
  return { base, prefixLength };
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefixLength}`;
}

/** The last address of the prefix (the broadcast address for prefixes shorter than /31). */
export function lastAddress(c: Ipv4Cidr): number {
  return (c.base | (~prefixMask(c.prefixLength) >>> 0)) >>> 0;
}

export function cidrContains(c: Ipv4Cidr, ip: number): boolean {
  return ((ip & prefixMask(c.prefixLength)) >>> 0) === c.base;
}

export function isIpv4(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The MAC the CNI plugins (hwaddr.GenerateHardwareAddr4) give an interface holding an IPv4
 * address: the locally administered prefix 0a:58 followed by the four address bytes. Stable across
 * restarts, so a peer's ARP cache stays valid when an interface is re-created with the same IP.
 */
export function macForIpv4(ip: number): string {
  const bytes = [0x0a, 0x58, (ip >>> 24) & 255, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
