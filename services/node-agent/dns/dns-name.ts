// Domain-name helpers for cluster DNS: names are compared lower-case without the trailing dot
// (DNS names are case-insensitive), reverse names map to and from IPv4 addresses, and dashed
// pod/endpoint labels map to addresses as CoreDNS's kubernetes plugin reads them.
import { isIPv4, isIPv6 } from 'node:net';
import { cidrContains, ipv4Number, parseCidr } from '../network/ipv4.js';

/** "Foo.Bar." → "foo.bar"; the root is "". */
export function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  const trimmed = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  return trimmed === '.' ? '' : trimmed;
}

/** Whether `name` is `zone` or below it (both normalized). The root zone "" holds every name. */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === '') return true;
  return name === zone || name.endsWith(`.${zone}`);
}

/** The labels of `name` left of `zone` ("a.b.cluster.local", "cluster.local" → ["a", "b"]). */
export function labelsBelow(name: string, zone: string): string[] {
  if (name === zone) return [];
  const base = zone === '' ? name : name.slice(0, name.length - zone.length - 1);
  return base === '' ? [] : base.split('.');
}

/** Joins labels and a zone into one name, skipping empty parts. */
export function joinName(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('.');
}

/** "10.96.0.10" → "10-96-0-10"; IPv6 colons become dashes too (CoreDNS's endpoint name). */
export function dashedIp(ip: string): string {
  return ip.includes('.') ? ip.replaceAll('.', '-') : ip.replaceAll(':', '-');
}

/**
 * The address a pod label names, as CoreDNS's insecure pod mode reads it: three dashes and no
 * "--" is IPv4, anything else is tried as IPv6. Undefined when it is no well-formed address.
 */
export function ipFromDashed(label: string): string | undefined {
  const dashes = label.split('-').length - 1;
  const ip = dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return isIPv4(ip) || isIPv6(ip) ? ip : undefined;
}

export const REVERSE_ZONE_V4 = 'in-addr.arpa';

/** "10.0.96.10.in-addr.arpa" → "10.96.0.10"; undefined unless it is a complete IPv4 reverse name. */
export function ipv4FromReverse(name: string): string | undefined {
  const labels = labelsBelow(name, REVERSE_ZONE_V4);
  if (labels.length !== 4 || !isSubdomain(name, REVERSE_ZONE_V4)) return undefined;
  const ip = labels.reverse().join('.');
  return isIPv4(ip) ? ip : undefined;
}

/** "10.96.0.10" → "10.0.96.10.in-addr.arpa". */
export function reverseNameV4(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.${REVERSE_ZONE_V4}`;
}

/** An IPv4 CIDR as a predicate; throws on a malformed one. */
export function parseCidrV4(cidr: string): (ip: string) => boolean {
  const c = parseCidr(cidr);
  return (ip) => {
    const n = ipv4Number(ip);
    return n !== undefined && cidrContains(c, n);
  };
}
