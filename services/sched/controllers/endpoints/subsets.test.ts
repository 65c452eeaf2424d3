import { describe, expect, it } from 'vitest';
import type { EndpointAddress, EndpointSubset } from './subsets.js';
import { repackSubsets, truncateSubsets } from './subsets.js';

const a = (ip: string, uid = `uid-${ip}`): EndpointAddress => ({ ip, targetRef: { kind: 'Pod', uid } });
const http = { name: 'http', port: 80, protocol: 'TCP' };
const dns = { name: 'dns', port: 53, protocol: 'UDP' };

describe('repackSubsets', () => {
  it('merges duplicates, lets not-ready win over ready for a port, and sorts addresses by IP then uid', () => {
    const out = repackSubsets([
      { addresses: [a('10.0.0.2'), a('10.0.0.1', 'b')], ports: [http] },
      { addresses: [a('10.0.0.1', 'a')], ports: [http] },
      { notReadyAddresses: [a('10.0.0.2')], ports: [http] },
      { addresses: [a('10.0.0.1', 'b')], ports: [http] },
    ]);
    expect(out).toEqual([{ addresses: [a('10.0.0.1', 'a'), a('10.0.0.1', 'b')], notReadyAddresses: [a('10.0.0.2')], ports: [http] }]);
  });

  it('keeps addresses without ports, and gives an address one subset per distinct readiness', () => {
    expect(repackSubsets([{ addresses: [a('10.0.0.1')] }, { addresses: [a('10.0.0.2')] }])).toEqual([{ addresses: [a('10.0.0.1'), a('10.0.0.2')] }]);
    const out = repackSubsets([
      { addresses: [a('10.0.0.1')], ports: [http] },
      { notReadyAddresses: [a('10.0.0.1')], ports: [dns] },
    ]);
    expect(out).toEqual([
      { addresses: [a('10.0.0.1')], ports: [http] },
      { notReadyAddresses: [a('10.0.0.1')], ports: [dns] },
    ]);
  });

  it('is independent of input order', () => {
    const subsets: EndpointSubset[] = [
      { addresses: [a('10.0.0.3')], ports: [http, dns] },
      { addresses: [a('10.0.0.1')], ports: [dns] },
      { notReadyAddresses: [a('10.0.0.2')], ports: [http] },
    ];
    expect(repackSubsets([...subsets].reverse())).toEqual(repackSubsets(subsets));
  });
});

describe('truncateSubsets', () => {
  it('leaves 1000 addresses alone', () => {
    const subsets: EndpointSubset[] = [{ addresses: Array.from({ length: 1000 }, (_, i) => a(`10.0.${Math.floor(i / 250)}.${i % 250}`)), ports: [http] }];
    expect(truncateSubsets(subsets)).toBe(false);
    expect(subsets[0]?.addresses).toHaveLength(1000);
  });

  it('over 1000 ready addresses, shares the room between subsets by proportion and drops the not-ready', () => {
    const many = (n: number, prefix: string): EndpointAddress[] => Array.from({ length: n }, (_, i) => a(`${prefix}.${i}`));
    const subsets: EndpointSubset[] = [
      { addresses: many(900, '10.1'), notReadyAddresses: many(5, '10.9'), ports: [http] },
      { addresses: many(300, '10.2'), ports: [dns] },
    ];
    expect(truncateSubsets(subsets)).toBe(true);
    // ceil(900/1200 * 1000) = 750, then the 250 left.
    expect(subsets.map((s) => [s.addresses?.length, s.notReadyAddresses?.length])).toEqual([
      [750, undefined],
      [250, undefined],
    ]);
  });
});
