import { describe, expect, it } from 'vitest';
import { hostVethName, isHostVethName } from './veth-name.js';

describe('hostVethName', () => {
  it('is veth + 8 hex, stable for one container id, within IFNAMSIZ', () => {
    const id = 'c0ffee'.repeat(10);
    const name = hostVethName(id);
    expect(name).toMatch(/^veth[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(15);
    expect(hostVethName(id)).toBe(name);
    expect(isHostVethName(name)).toBe(true);
  });

  it('differs between container ids', () => {
    const names = new Set(Array.from({ length: 1000 }, (_, i) => hostVethName(`container-${i}`)));
    expect(names.size).toBe(1000);
  });

  it('does not claim other interfaces', () => {
    for (const n of ['eth0', 'cni0', 'veth', 'vethABCDEF12', 'veth1234567', 'veth123456789', 'ovs-veth12345678']) {
      expect(isHostVethName(n)).toBe(false);
    }
  });
});
