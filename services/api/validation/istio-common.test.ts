import { describe, it, expect } from 'vitest';
import { hostsOverlap, parseGoDuration, validateDuration, validateFQDN, validateIPSubnet, validateRegex, validateWildcardDomain } from './istio-common.js';

describe('Istio shared checks', () => {
  it.each([
    ['1.5s', 1.5e9],
    ['100ms', 1e8],
    ['1h30m', 5400e9],
    ['2m3.5s', 123.5e9],
    ['300us', 3e5],
    ['0', 0],
    ['-1s', -1e9],
  ])('parses the Go duration %s', (text, nanos) => {
    expect(parseGoDuration(text)).toBeCloseTo(nanos);
  });

  it.each([['1'], ['s'], ['1.5 s'], ['1d'], ['']])('refuses %j as a duration', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  it.each<[unknown, string | undefined]>([
    ['1ms', undefined],
    ['10s', undefined],
    ['0.5ms', 'duration must be greater than 1ms'],
    ['1.0005s', 'only durations to ms precision are supported'],
    ['soon', 'time: invalid duration "soon"'],
  ])('duration %j', (v, msg) => {
    expect(validateDuration(v)).toBe(msg);
  });

  it.each<[string, string | undefined]>([
    ['reviews', undefined],
    ['reviews.default.svc.cluster.local', undefined],
    ['*.example.com', undefined],
    ['*', undefined],
    ['Example.COM', undefined],
    // As in Istio, the rest after the first label is what the message names.
    ['a.*.com', 'domain name "*.com" invalid (label "*" invalid)'],
    ['example.123', 'domain name "123" invalid (top level domain "123" cannot be all-numeric)'],
    ['', 'empty domain name not allowed'],
  ])('wildcard domain %j', (host, msg) => {
    expect(validateWildcardDomain(host)).toBe(msg);
  });

  it('checks FQDNs without wildcards', () => {
    expect(validateFQDN('api.example.com.')).toBeUndefined();
    expect(validateFQDN('*.example.com')).toBe('domain name "*.example.com" invalid (label "*" invalid)');
  });

  it('checks subnets and addresses', () => {
    expect(validateIPSubnet('10.0.0.0/8')).toBeUndefined();
    expect(validateIPSubnet('fd00::1')).toBeUndefined();
    expect(validateIPSubnet('10.0.0.0/40')).toBe('10.0.0.0/40 is not a valid CIDR block');
    expect(validateIPSubnet('host')).toBe('host is not a valid IP');
  });

  it('approximates RE2 with JavaScript regular expressions', () => {
    expect(validateRegex('^/api/v[0-9]+/.*$', 'uri')).toBeUndefined();
    expect(validateRegex('(?i)^/API', 'uri')).toBeUndefined();
    expect(validateRegex('(a)\\1', 'uri')).toContain('invalid or unsupported Perl syntax: `\\1`');
    expect(validateRegex('x'.repeat(1025), 'uri')).toBe('"uri": regex is too large, max length allowed is 1024');
  });

  it('matches wildcard hosts as host.Name.Matches does', () => {
    expect(hostsOverlap('*.example.com', 'a.example.com')).toBe(true);
    expect(hostsOverlap('a.example.com', '*.com')).toBe(true);
    expect(hostsOverlap('*', 'anything')).toBe(true);
    expect(hostsOverlap('a.example.com', 'b.example.com')).toBe(false);
  });
});
