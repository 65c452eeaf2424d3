import { describe, expect, it } from 'vitest';
import { fixtureService, fixtureSlice } from './fixtures.js';
import type { NftRunner } from './nft-runner.js';
import { ServiceProxy } from './service-proxy.js';

/** Records transactions; `tables` is what `list tables ip` reports. */
class StagingRunner implements NftRunner {
  readonly steps: string[][] = [];
  constructor(private readonly tables: string[]) {}
  async run(script: string): Promise<void> {
    await Promise.resolve();
    this.steps.push([script]);
  }
  async runConcurrently(scripts: readonly string[]): Promise<void> {
    await Promise.resolve();
    this.steps.push([...scripts]);
  }
  async listJson(): Promise<unknown> {
    await Promise.resolve();
    return { nftables: [{ metainfo: {} }, ...this.tables.map((name) => ({ table: { family: 'ip', name } }))] };
  }
}

const ip = (prefix: string, i: number): string => `${prefix}.${String(Math.floor(i / 250))}.${String((i % 250) + 1)}`;

function proxyWith(runner: NftRunner, services: number): ServiceProxy {
  const proxy = new ServiceProxy({ clusterCIDR: '10.244.0.0/16', podBridge: 'cni0', runner, loadParallelism: 2 });
  for (let i = 0; i < services; i++) {
    proxy.onServiceUpsert(fixtureService('a', `s${String(i)}`, ip('10.96', i), [{ name: 'http', port: 80 }]));
    proxy.onSliceUpsert(fixtureSlice('a', `s${String(i)}`, `s${String(i)}-x`, [{ name: 'http', port: 8080 }], [ip('10.244', i), ip('10.245', i)]));
  }
  return proxy;
}

describe('the first load of a new table', () => {
  it('goes in stages: the empty table, then its elements in parts side by side', async () => {
    const runner = new StagingRunner([]);
    const proxy = proxyWith(runner, 5000);
    const r = await proxy.syncNow();
    expect(r.full).toBe(true);
    expect(runner.steps.map((s) => s.length)).toEqual([1, 2]);
    const [skeleton, parts] = runner.steps as [string[], string[]];
    expect(skeleton[0]).toMatch(/^add table ip meshkube-proxy\ndelete table ip meshkube-proxy\ntable ip meshkube-proxy \{/);
    expect(skeleton[0]).not.toContain('add element');
    // Every element is in exactly one part, and each part has lookups and endpoints.
    const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length;
    expect(parts.reduce((n, p) => n + count(p, /10\.96\.\d+\.\d+ \. 80 \. \d : /g), 0)).toBe(10_000);
    expect(parts.reduce((n, p) => n + count(p, /10\.96\.\d+\.\d+ \. tcp \. 80 : goto service-k2/g), 0)).toBe(5000);
    for (const part of parts) {
      expect(part).toContain('add element ip meshkube-proxy service-endpoints {');
      expect(part).toContain('add element ip meshkube-proxy service-ips {');
    }
  });

  it('replaces an existing table in one transaction, and later full syncs too', async () => {
    const runner = new StagingRunner(['meshkube-proxy']);
    const proxy = proxyWith(runner, 10);
    await proxy.syncNow();
    expect(runner.steps).toHaveLength(1);
    expect(runner.steps[0]?.[0]).toMatch(/^add table ip meshkube-proxy\ndelete table ip meshkube-proxy\n[\s\S]*add element ip meshkube-proxy service-ips/);

    const fresh = new StagingRunner([]);
    const again = proxyWith(fresh, 10);
    await again.syncNow();
    await again.syncNow({ full: true });
    // Staged (two parts: the lookup and endpoint commands), then the forced full sync is atomic.
    expect(fresh.steps.map((s) => s.length)).toEqual([1, 2, 1]);
    expect(fresh.steps[0]?.[0]).not.toContain('add element');
    const last = fresh.steps[2]?.[0] ?? '';
    expect(last).toMatch(/^add table ip meshkube-proxy\ndelete table ip meshkube-proxy\n/);
    expect(last).toContain('add element ip meshkube-proxy service-endpoints {');
    expect(last).toContain('add element ip meshkube-proxy service-ips {');
  });
});
