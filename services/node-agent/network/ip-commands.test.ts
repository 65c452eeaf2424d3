import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import {
  assertIfName,
  assertNetnsPath,
  createBridgeLines,
  createVethLines,
  deleteRouteLine,
  fixBridgeLines,
  podInterfaceLines,
  replaceRouteLine,
} from './ip-commands.js';

const bridge = { name: 'cni0', address: '10.244.1.1/24', mac: '0a:58:0a:f4:01:01' };

describe('ip command lines', () => {
  it('creates the bridge with STP off, promisc off, gateway address, up', () => {
    expect(createBridgeLines(bridge)).toEqual([
      'link add name cni0 address 0a:58:0a:f4:01:01 type bridge stp_state 0',
      'link set dev cni0 promisc off',
      'addr add 10.244.1.1/24 dev cni0',
      'link set dev cni0 up',
    ]);
  });

  it('fixes an existing bridge only where it differs', () => {
    expect(fixBridgeLines(bridge, { addresses: ['10.244.1.1/24'], mac: '0A:58:0A:F4:01:01', up: true, promisc: false })).toEqual([]);
    expect(fixBridgeLines(bridge, { addresses: ['10.244.7.1/24'], mac: '0a:58:0a:f4:07:01', up: false, promisc: true })).toEqual([
      'addr del 10.244.7.1/24 dev cni0',
      'addr add 10.244.1.1/24 dev cni0',
      'link set dev cni0 address 0a:58:0a:f4:01:01',
      'link set dev cni0 promisc off',
      'link set dev cni0 up',
    ]);
  });

  it('creates the veth peer inside the pod namespace under its final name', () => {
    const lines = createVethLines({ hostVeth: 'veth0123abcd', bridge: 'cni0', netnsPath: '/proc/42/ns/net', ifName: 'eth0', mac: '0a:58:0a:f4:01:02' });
    expect(lines).toEqual([
      'link add name veth0123abcd type veth peer name eth0 address 0a:58:0a:f4:01:02 netns /proc/42/ns/net',
      'link set dev veth0123abcd master cni0',
      'link set dev veth0123abcd type bridge_slave hairpin on',
      'link set dev veth0123abcd up',
    ]);
  });

  it('configures the pod side idempotently, flushing stale addresses on request', () => {
    const base = { ifName: 'eth0', address: '10.244.1.2/24', gateway: '10.244.1.1' };
    expect(podInterfaceLines(base)).toEqual([
      'link set dev lo up',
      'addr replace 10.244.1.2/24 dev eth0',
      'link set dev eth0 up',
      'route replace default via 10.244.1.1 dev eth0',
    ]);
    expect(podInterfaceLines({ ...base, flush: true })[1]).toBe('addr flush dev eth0');
  });

  it('marks routes with the protocol number', () => {
    expect(replaceRouteLine('10.244.2.0/24', '10.10.0.22', 77)).toBe('route replace 10.244.2.0/24 via 10.10.0.22 proto 77');
    expect(deleteRouteLine('10.244.2.0/24', 77)).toBe('route del 10.244.2.0/24 proto 77');
  });

  it('rejects names and paths that would break a batch line', () => {
    for (const bad of ['', 'eth 0', 'a'.repeat(16), 'eth0\nlink del cni0', '..']) expect(() => assertIfName(bad)).toThrow(InvalidArgumentError);
    expect(() => assertIfName('eth0')).not.toThrow();
    expect(() => assertNetnsPath('relative/ns')).toThrow(InvalidArgumentError);
    expect(() => assertNetnsPath('/proc/1/ns/net x')).toThrow(InvalidArgumentError);
    expect(() => assertNetnsPath('/var/run/netns/p1')).not.toThrow();
  });
});
