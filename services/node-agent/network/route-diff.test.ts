import { describe, expect, it } from 'vitest';
import type { HostGwNode } from './route-diff.js';
import { desiredRoutes, diffRoutes } from './route-diff.js';

const nodes: HostGwNode[] = [
  { name: 'w1', podCIDR: '10.244.1.0/24', hostIP: '10.10.0.21' },
  { name: 'w2', podCIDR: '10.244.2.0/24', hostIP: '10.10.0.22' },
  { name: 'w3', podCIDR: '10.244.3.0/24', hostIP: '10.10.0.23' },
];

describe('desiredRoutes', () => {
  it('routes every other node’s podCIDR via its host IP', () => {
    expect(desiredRoutes(nodes, 'w1')).toEqual([
      { dst: '10.244.2.0/24', gateway: '10.10.0.22' },
      { dst: '10.244.3.0/24', gateway: '10.10.0.23' },
    ]);
  });

  it('leaves out nodes without podCIDR or host IP, malformed ones, and claims of our own CIDR', () => {
    const odd: HostGwNode[] = [
      ...nodes,
      { name: 'w4', podCIDR: '', hostIP: '10.10.0.24' },
      { name: 'w5', podCIDR: '10.244.5.0/24', hostIP: '' },
      { name: 'w6', podCIDR: 'bogus', hostIP: '10.10.0.26' },
      { name: 'w7', podCIDR: '10.244.1.0/24', hostIP: '10.10.0.27' },
    ];
    expect(desiredRoutes(odd, 'w1').map((r) => r.dst)).toEqual(['10.244.2.0/24', '10.244.3.0/24']);
  });

  it('canonicalises CIDRs and lets the first node by name win a shared prefix', () => {
    const dup: HostGwNode[] = [
      { name: 'b', podCIDR: '10.244.4.9/24', hostIP: '10.10.0.32' },
      { name: 'a', podCIDR: '10.244.4.0/24', hostIP: '10.10.0.31' },
    ];
    expect(desiredRoutes(dup, 'self')).toEqual([{ dst: '10.244.4.0/24', gateway: '10.10.0.31' }]);
  });
});

describe('diffRoutes', () => {
  it('is empty when the kernel already matches', () => {
    const want = desiredRoutes(nodes, 'w1');
    expect(diffRoutes(want, want)).toEqual({ replace: [], remove: [] });
  });

  it('adds missing routes, fixes moved gateways and removes routes of gone nodes', () => {
    const want = desiredRoutes(nodes, 'w1');
    const have = [
      { dst: '10.244.2.0/24', gateway: '10.10.0.99' },
      { dst: '10.244.8.0/24', gateway: '10.10.0.28' },
      { dst: '10.244.9.9', gateway: '10.10.0.29' },
    ];
    expect(diffRoutes(want, have)).toEqual({
      replace: [
        { dst: '10.244.2.0/24', gateway: '10.10.0.22' },
        { dst: '10.244.3.0/24', gateway: '10.10.0.23' },
      ],
      remove: ['10.244.8.0/24', '10.244.9.9/32'],
    });
  });
});
