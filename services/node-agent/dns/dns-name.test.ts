import { describe, expect, it } from 'vitest';
import { dashedIp, ipFromDashed, ipv4FromReverse, isSubdomain, labelsBelow, normalizeName, parseCidrV4, reverseNameV4 } from './dns-name.js';

describe('dns names', () => {
  it('normalizes case and the trailing dot', () => {
    expect(normalizeName('Web.Default.SVC.cluster.local.')).toBe('web.default.svc.cluster.local');
    expect(normalizeName('.')).toBe('');
  });

  it('tells subdomains on label boundaries', () => {
    expect(isSubdomain('a.cluster.local', 'cluster.local')).toBe(true);
    expect(isSubdomain('cluster.local', 'cluster.local')).toBe(true);
    expect(isSubdomain('xcluster.local', 'cluster.local')).toBe(false);
    expect(labelsBelow('a.b.cluster.local', 'cluster.local')).toEqual(['a', 'b']);
  });

  it('maps dashed labels and reverse names to addresses', () => {
    expect(dashedIp('10.244.1.5')).toBe('10-244-1-5');
    expect(dashedIp('fd00::5')).toBe('fd00--5');
    expect(ipFromDashed('10-244-1-5')).toBe('10.244.1.5');
    expect(ipFromDashed('fd00--5')).toBe('fd00::5');
    expect(ipFromDashed('10-244-1-256')).toBeUndefined();
    expect(ipFromDashed('web')).toBeUndefined();
    expect(ipv4FromReverse('5.1.244.10.in-addr.arpa')).toBe('10.244.1.5');
    expect(ipv4FromReverse('1.244.10.in-addr.arpa')).toBeUndefined();
    expect(reverseNameV4('10.96.0.10')).toBe('10.0.96.10.in-addr.arpa');
  });

  it('matches IPv4 CIDRs', () => {
    const inServices = parseCidrV4('10.96.0.0/16');
    expect(inServices('10.96.255.255')).toBe(true);
    expect(inServices('10.97.0.0')).toBe(false);
    expect(parseCidrV4('0.0.0.0/0')('192.168.1.1')).toBe(true);
    expect(() => parseCidrV4('10.96.0.0/33')).toThrow();
  });
});
