import { describe, expect, it } from 'vitest';
import { InvalidAddressError } from './errors.js';
import { nextFreeIp, rangeContains, rangeOf } from './ip-allocator.js';
import { formatIpv4, parseCidr, parseIpv4 } from './ipv4.js';

const ip = parseIpv4;
const range24 = rangeOf(parseCidr('10.244.1.0/24'));
const next = (used: string[], last?: string): string | undefined => {
  const n = nextFreeIp(range24, new Set(used.map(ip)), last === undefined ? undefined : ip(last));
  return n === undefined ? undefined : formatIpv4(n);
};

describe('rangeOf', () => {
  it('hands out .2 to .254 of a /24, gateway .1', () => {
    expect(formatIpv4(range24.first)).toBe('10.244.1.1');
    expect(formatIpv4(range24.last)).toBe('10.244.1.254');
    expect(formatIpv4(range24.gateway)).toBe('10.244.1.1');
    expect(rangeContains(range24, ip('10.244.1.1'))).toBe(false);
    expect(rangeContains(range24, ip('10.244.1.0'))).toBe(false);
    expect(rangeContains(range24, ip('10.244.1.255'))).toBe(false);
    expect(rangeContains(range24, ip('10.244.1.2'))).toBe(true);
    expect(rangeContains(range24, ip('10.244.1.254'))).toBe(true);
  });

  it('refuses prefixes with no room for pods', () => {
    expect(() => rangeOf(parseCidr('10.244.1.0/31'))).toThrow(InvalidAddressError);
    const r30 = rangeOf(parseCidr('10.244.1.0/30'));
    expect(formatIpv4(nextFreeIp(r30, new Set()) ?? 0)).toBe('10.244.1.2');
    expect(nextFreeIp(r30, new Set([ip('10.244.1.2')]))).toBeUndefined();
  });
});

describe('nextFreeIp', () => {
  it('starts at .2, skipping network and gateway', () => {
    expect(next([])).toBe('10.244.1.2');
  });

  it('continues after the last reserved address, not reusing a just-released one', () => {
    expect(next([], '10.244.1.2')).toBe('10.244.1.3');
    expect(next(['10.244.1.3'], '10.244.1.2')).toBe('10.244.1.4');
  });

  it('wraps around after .254, skipping used addresses and the gateway', () => {
    expect(next([], '10.244.1.254')).toBe('10.244.1.2');
    expect(next(['10.244.1.2', '10.244.1.3'], '10.244.1.254')).toBe('10.244.1.4');
  });

  it('starts from the range start when the last reserved address is outside the range', () => {
    expect(next([], '10.244.9.77')).toBe('10.244.1.2');
    expect(next([], '10.244.1.255')).toBe('10.244.1.2');
  });

  it('reports a full range', () => {
    const all: string[] = [];
    for (let i = 2; i <= 254; i++) all.push(`10.244.1.${i}`);
    expect(next(all, '10.244.1.100')).toBeUndefined();
    expect(next(all.filter((a) => a !== '10.244.1.50'), '10.244.1.100')).toBe('10.244.1.50');
  });
});
