// IPv4 addresses and CIDRs as 32-bit unsigned numbers: parsing, formatting, masks, and the
// deterministic MAC address the CNI plugins derive from an IPv4 address.
import { InvalidAddressError } from './errors.js';

/** An IPv4 prefix: `base` is the network address (host bits zero), `prefixLength` 0..32. */
export interface Ipv4Cidr {
  readonly base: number;
  readonly prefixLength: number;
}

/**
 * A dotted IPv4 address as a number, or undefined if it is not one (four decimal parts of
 * 0-255, no leading zeros). Reads the text in place: the service proxy sorts many endpoints.
 */
export function ipv4Number(text: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255 || ++parts > 4) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3) return undefined;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? n : undefined;
}

export function parseIpv4(text: string): number {
  const n = ipv4Number(text);
  if (n === undefined) throw new InvalidAddressError(text, 'address');
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
  return ipv4Number(text) !== undefined;
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
