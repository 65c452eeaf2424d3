import { describe, expect, it } from 'vitest';
import { formatCidr, parseCidr } from './cidr.js';
import { CidrOutOfRangeError, CidrRangeFullError, CidrSet } from './cidr-set.js';

describe('parseCidr / formatCidr', () => {
  it.each([
    ['10.244.0.0/16', '10.244.0.0/16'],
    ['10.244.7.9/16', '10.244.0.0/16'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['fd00:10:244::/56', 'fd00:10:244::/56'],
    ['FD00:0:0:0:0:0:0:1/64', 'fd00::/64'],
    ['2001:db8:0:1:0:0:0:0/64', '2001:db8:0:1::/64'],
  ])('%s is the network %s', (text, want) => {
    expect(formatCidr(parseCidr(text))).toBe(want);
  });

  it.each(['10.244.0.0', '10.244.0.0/33', '10.244.0/16', 'nonsense/8', '::/129'])('rejects %s', (text) => {
    expect(() => parseCidr(text)).toThrow(`invalid CIDR address: ${text}`);
  });
});

describe('CidrSet', () => {
  const all = (set: CidrSet, n: number): string[] => Array.from({ length: n }, () => formatCidr(set.allocateNext()));

  it('hands out /24s of a /16 in order', () => {
    const set = new CidrSet(parseCidr('10.244.0.0/16'), 24);
    expect(set.size).toBe(256);
    expect(all(set, 3)).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
  });

  it('skips occupied blocks, and a released block only comes back after the others have had their turn', () => {
    const set = new CidrSet(parseCidr('10.244.0.0/22'), 24);
    set.occupy(parseCidr('10.244.1.0/24'));
    expect(all(set, 2)).toEqual(['10.244.0.0/24', '10.244.2.0/24']);
    set.release(parseCidr('10.244.0.0/24'));
    expect(all(set, 2)).toEqual(['10.244.3.0/24', '10.244.0.0/24']);
    expect(() => set.allocateNext()).toThrow(CidrRangeFullError);
    expect(() => set.allocateNext()).toThrow('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
  });

  it('occupies every block a larger CIDR covers, and refuses CIDRs outside the range', () => {
    const set = new CidrSet(parseCidr('10.244.0.0/16'), 24);
    set.occupy(parseCidr('10.244.0.0/23'));
    expect(set.usedCount).toBe(2);
    expect(formatCidr(set.allocateNext())).toBe('10.244.2.0/24');
    set.occupy(parseCidr('10.0.0.0/8'));
    expect(set.usedCount).toBe(256);
    expect(() => set.occupy(parseCidr('192.168.0.0/24'))).toThrow(CidrOutOfRangeError);
    expect(() => set.release(parseCidr('192.168.0.0/24'))).toThrow('cidr 192.168.0.0/24 is out the range of cluster cidr 10.244.0.0/16');
  });

  it('works for IPv6 and bounds the bitmap as Kubernetes does', () => {
    const set = new CidrSet(parseCidr('fd00:10:244::/56'), 64);
    expect(all(set, 2)).toEqual(['fd00:10:244::/64', 'fd00:10:244:1::/64']);
    expect(() => new CidrSet(parseCidr('fd00::/48'), 80)).toThrow('New CIDR set failed; the node CIDR size is too big');
    expect(() => new CidrSet(parseCidr('10.244.0.0/16'), 8)).toThrow(CidrOutOfRangeError);
  });
});
