// IP networks as numbers: parsing "10.244.0.0/16" or "fd00::/48" (to the network address, as
// Go's net.ParseCIDR does) and printing them back in canonical form.
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** The network address. */
  ip: bigint;
  prefix: number;
}

export class InvalidCidrError extends Error {
  override readonly name = 'InvalidCidrError';
}

export function addressBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function parseIPv4(text: string): bigint {
  return text.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function parseIPv6(text: string): bigint {
  let s = text;
  // A trailing dotted quad ("::ffff:1.2.3.4") is two groups.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = s.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(zeros).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function ipToString(ip: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((ip >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip >> BigInt((7 - i) * 16)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** net.ParseCIDR: the network of "ip/prefix" (host bits cleared). */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const ipText = slash < 0 ? '' : text.slice(0, slash);
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const family = isIPv4(ipText) ? 4 : isIPv6(ipText) ? 6 : undefined;
  if (family === undefined || !/^\d{1,3}$/.test(prefixText)) throw new InvalidCidrError(`invalid CIDR address: ${text}`);
  const prefix = Number(prefixText);
  const bits = addressBits(family);
  if (prefix > bits) throw new InvalidCidrError(`invalid CIDR address: ${text}`);
  const ip = family === 4 ? parseIPv4(ipText) : parseIPv6(ipText);
  return { family, ip: ip & maskOf(prefix, bits), prefix };
}

export function maskOf(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all;
}

export function formatCidr(c: Cidr): string {
  return `${ipToString(c.ip, c.family)}/${c.prefix}`;
}

/** The last address of the network. */
export function lastAddress(c: Cidr): bigint {
  const bits = addressBits(c.family);
  return c.ip | (((1n << BigInt(bits)) - 1n) ^ maskOf(c.prefix, bits));
}

/** Whether two networks of one family share any address (one contains the other). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const bits = addressBits(a.family);
  return (b.ip & maskOf(a.prefix, bits)) === a.ip || (a.ip & maskOf(b.prefix, bits)) === b.ip;
}
