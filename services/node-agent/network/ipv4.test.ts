import { describe, expect, it } from 'vitest';
import { InvalidAddressError } from './errors.js';
import { cidrContains, formatCidr, formatIpv4, lastAddress, macForIpv4, parseCidr, parseIpv4 } from './ipv4.js';

describe('ipv4', () => {
  it('parses and formats addresses', () => {
    expect(parseIpv4('10.244.1.2')).toBe(((10 * 256 + 244) * 256 + 1) * 256 + 2);
    expect(formatIpv4(parseIpv4('255.255.255.255'))).toBe('255.255.255.255');
    expect(formatIpv4(0)).toBe('0.0.0.0');
  });

  it.each(['10.244.1', '10.244.1.256', '10.244.1.-1', '01.2.3.4', 'a.b.c.d', '', '1.2.3.4.5'])('rejects address %j', (s) => {
    expect(() => parseIpv4(s)).toThrow(InvalidAddressError);
  });

  it('parses CIDRs, masking host bits unless strict', () => {
    expect(formatCidr(parseCidr('10.244.1.7/24'))).toBe('10.244.1.0/24');
    expect(() => parseCidr('10.244.1.7/24', true)).toThrow(InvalidAddressError);
    expect(parseCidr('0.0.0.0/0')).toEqual({ base: 0, prefixLength: 0 });
    expect(() => parseCidr('10.0.0.0/33')).toThrow(InvalidAddressError);
    expect(() => parseCidr('10.0.0.0')).toThrow(InvalidAddressError);
  });

  it('knows the last address and containment', () => {
    const c = parseCidr('10.244.1.0/24');
    expect(formatIpv4(lastAddress(c))).toBe('10.244.1.255');
    expect(cidrContains(c, parseIpv4('10.244.1.200'))).toBe(true);
    expect(cidrContains(c, parseIpv4('10.244.2.1'))).toBe(false);
  });

  it('derives the CNI MAC (0a:58 + address bytes)', () => {
    expect(macForIpv4(parseIpv4('10.244.1.2'))).toBe('0a:58:0a:f4:01:02');
  });
});
