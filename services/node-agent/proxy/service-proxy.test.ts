import { describe, expect, it } from 'vitest';
import type { Histogram } from 'prom-client';
import { Registry } from 'prom-client';
import { FakeClock } from '../../../lib/controller/clock.js';
import type { ConntrackFlush } from './conntrack.js';
import { conntrackArgs } from './conntrack.js';
import { fixtureService, fixtureSlice } from './fixtures.js';
import { ipvsProblems } from './ipvs-check.js';
import type { NftRunner } from './nft-runner.js';
import { ProxyMetrics } from './proxy-metrics.js';
import { assignSlots } from './ruleset.js';
import { ServiceProxy } from './service-proxy.js';
import { SyncLoop } from './sync-loop.js';

class RecordingRunner implements NftRunner {
  scripts: string[] = [];
  failNext = false;
  async run(script: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('Error: Could not process rule: No such file or directory');
    }
    this.scripts.push(script);
  }
}

function setup(): { proxy: ServiceProxy; runner: RecordingRunner; flushes: ConntrackFlush[]; registry: Registry; clock: FakeClock } {
  const runner = new RecordingRunner();
  const flushes: ConntrackFlush[] = [];
  const registry = new Registry();
  const clock = new FakeClock();
  const proxy = new ServiceProxy({ clusterCIDR: '10.244.0.0/16', podBridge: 'cni0', runner, clock, metrics: new ProxyMetrics(registry), conntrack: { flush: async (f) => void flushes.push(...f) } });
  return { proxy, runner, flushes, registry, clock };
}

const ep = (n: number): string => `10.244.1.${n}`;

function addThree(proxy: ServiceProxy): void {
  proxy.onServiceUpsert(fixtureService('a', 'one', '10.96.0.10', [{ name: 'http', port: 80 }]));
  proxy.onSliceUpsert(fixtureSlice('a', 'one', 'one-x', [{ name: 'http', port: 8080 }], [ep(1), ep(2), ep(3)]));
  proxy.onServiceUpsert(fixtureService('a', 'two', '10.96.0.20', [{ name: 'dns', protocol: 'UDP', port: 53 }]));
  proxy.onSliceUpsert(fixtureSlice('a', 'two', 'two-x', [{ name: 'dns', protocol: 'UDP', port: 5353 }], [ep(4), ep(5), ep(6)]));
  proxy.onServiceUpsert(fixtureService('a', 'empty', '10.96.0.30', [{ port: 443, nodePort: 30443 }], { type: 'NodePort' }));
}

describe('ServiceProxy', () => {
  it('renders a full ruleset: one chain per endpoint count, elements in maps, reject for no endpoints', async () => {
    const { proxy } = setup();
    addThree(proxy);
    const r = await proxy.syncNow();
    expect(r.full).toBe(true);
    expect(r.script.startsWith('add table ip meshkube-proxy\ndelete table ip meshkube-proxy\ntable ip meshkube-proxy {')).toBe(true);
    expect(r.script).toContain('chain service-k3 {');
    expect(r.script).toContain('dnat ip to ip daddr . th dport . numgen random mod 3 map @service-endpoints');
    expect(r.script).not.toContain('service-k1');
    expect(r.script).toContain('10.96.0.10 . tcp . 80 : goto service-k3');
    expect(r.script).toContain('10.96.0.10 . 80 . 2 : 10.244.1.3 . 8080');
    expect(r.script).toMatch(/add element ip meshkube-proxy service-endpoints-udp \{[^}]*10\.96\.0\.20 \. 53 \. 0 : 10\.244\.1\.4 \. 5353/);
    expect(r.script).toMatch(/add element ip meshkube-proxy no-endpoint-services \{ 10\.96\.0\.30 \. tcp \. 443 : goto reject-chain \}/);
    expect(r.script).toMatch(/add element ip meshkube-proxy no-endpoint-nodeports \{ tcp \. 30443 : goto reject-chain \}/);
    expect(r.script).toContain('ip saddr 10.244.0.0/16 ip daddr != 10.244.0.0/16 oifname != "cni0" masquerade');
    // The chain count does not depend on the number of services.
    const chains = (s: string): number => (s.match(/^ {2}chain /gm) ?? []).length;
    for (let i = 0; i < 50; i++) {
      proxy.onServiceUpsert(fixtureService('b', `s${i}`, `10.96.1.${i}`, [{ port: 80 }]));
      proxy.onSliceUpsert(fixtureSlice('b', `s${i}`, `s${i}-x`, [{ port: 80 }], [ep(100 + i), ep(150 + i), ep(200 + i)]));
    }
    expect(chains((await proxy.syncNow({ full: true })).script)).toBe(chains(r.script));
  });

  it('writes only the changed service’s elements for one endpoint change', async () => {
    const { proxy } = setup();
    addThree(proxy);
    await proxy.syncNow();
    proxy.onSliceUpsert(fixtureSlice('a', 'one', 'one-x', [{ name: 'http', port: 8080 }], [ep(1), ep(3), ep(7)]));
    const r = await proxy.syncNow();
    expect(r.full).toBe(false);
    expect(r.script).toBe(
      'delete element ip meshkube-proxy service-endpoints { 10.96.0.10 . 80 . 1 }\n' +
        'add element ip meshkube-proxy service-endpoints { 10.96.0.10 . 80 . 1 : 10.244.1.7 . 8080 }\n',
    );
    for (const other of ['10.96.0.20', '10.96.0.30', ep(4)]) expect(r.script).not.toContain(other);
    // No change at all: nothing to write.
    proxy.onSliceUpsert(fixtureSlice('a', 'one', 'one-x', [{ name: 'http', port: 8080 }], [ep(7), ep(3), ep(1)]));
    expect((await proxy.syncNow()).script).toBe('');
  });

  it('moves a service to the reject map when its last endpoint goes, and back', async () => {
    const { proxy, flushes } = setup();
    addThree(proxy);
    await proxy.syncNow();
    // The UDP service's first endpoints: flows cached while it had none are flushed.
    expect(flushes.map(conntrackArgs).map((a) => a.join(' '))).toEqual(['-D -p udp --orig-dst 10.96.0.20']);
    flushes.length = 0;
    proxy.onSliceUpsert(fixtureSlice('a', 'two', 'two-x', [{ name: 'dns', protocol: 'UDP', port: 5353 }], [{ ip: ep(4), ready: false }]));
    const r = await proxy.syncNow();
    expect(r.script).toContain('delete element ip meshkube-proxy service-ips { 10.96.0.20 . udp . 53 }');
    expect(r.script).toContain('add element ip meshkube-proxy no-endpoint-services { 10.96.0.20 . udp . 53 : goto reject-chain }');
    // UDP endpoints removed: their conntrack entries are flushed.
    expect(flushes.map(conntrackArgs).map((a) => a.join(' '))).toEqual([4, 5, 6].map((n) => `-D -p udp --orig-dst 10.96.0.20 --dst-nat ${ep(n)}`));
    flushes.length = 0;
    proxy.onSliceUpsert(fixtureSlice('a', 'two', 'two-x', [{ name: 'dns', protocol: 'UDP', port: 5353 }], [ep(4)]));
    const back = await proxy.syncNow();
    expect(back.script).toContain('delete element ip meshkube-proxy no-endpoint-services { 10.96.0.20 . udp . 53 }');
    expect(back.script).toContain('add chain ip meshkube-proxy service-k1');
    expect(back.script).toContain('10.96.0.20 . udp . 53 : goto service-k1');
    expect(flushes.map(conntrackArgs).map((a) => a.join(' '))).toEqual(['-D -p udp --orig-dst 10.96.0.20']);
  });

  it('programs NodePorts and ClientIP affinity through maps', async () => {
    const { proxy } = setup();
    proxy.onServiceUpsert(fixtureService('a', 'np', '10.96.0.40', [{ port: 80, nodePort: 30080 }], { type: 'NodePort', sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 600 }));
    proxy.onSliceUpsert(fixtureSlice('a', 'np', 'np-x', [{ port: 8080 }], [ep(1), ep(2)]));
    const r = await proxy.syncNow();
    expect(r.script).toContain('tcp . 30080 : goto nodeport-k2');
    expect(r.script).toContain('30080 . 1 : 10.244.1.2 . 8080');
    expect(r.script).toContain('10.96.0.40 . tcp . 80 : goto affinity-t600');
    expect(r.script).toContain('tcp . 30080 : goto affinity-t600');
    expect(r.script).toContain('chain affinity-t600 {');
    expect(r.script).toContain('update @affinity { ip saddr . ct original ip daddr . meta l4proto . ct original proto-dst timeout 600s : ip daddr . tcp dport }');
    expect(r.script).toContain('fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports');
  });

  it('falls back to a full sync when an incremental transaction fails, and deletes nothing on failure', async () => {
    const { proxy, runner } = setup();
    addThree(proxy);
    await proxy.syncNow();
    proxy.onServiceDelete(fixtureService('a', 'one', '10.96.0.10', [{ name: 'http', port: 80 }]));
    runner.failNext = true;
    const r = await proxy.syncNow();
    expect(r.full).toBe(true);
    expect(r.script).not.toContain('10.96.0.10');
    expect(r.script).toContain('10.96.0.20');
  });

  it('observes kube-proxy’s metrics, programming latency from the trigger-time annotation', async () => {
    const { proxy, registry, clock } = setup();
    proxy.onServiceUpsert(fixtureService('a', 'one', '10.96.0.10', [{ port: 80 }]));
    const trigger = new Date(clock.now() - 2500).toISOString();
    proxy.onSliceUpsert(fixtureSlice('a', 'one', 'x', [{ port: 80 }], [ep(1)], { 'endpoints.kubernetes.io/last-change-trigger-time': trigger }));
    await proxy.syncNow();
    const text = await registry.metrics();
    expect(text).toContain('kubeproxy_sync_proxy_rules_duration_seconds_count 1');
    expect(text).toContain('kubeproxy_sync_full_proxy_rules_duration_seconds_count 1');
    expect(text).toMatch(/kubeproxy_sync_proxy_rules_last_timestamp_seconds \d+/);
    const np = registry.getSingleMetric('kubeproxy_network_programming_duration_seconds') as Histogram;
    const v = (await np.get()).values;
    expect(v.find((x) => x.metricName?.endsWith('_sum'))?.value).toBeCloseTo(2.5, 3);
  });
});

describe('assignSlots', () => {
  it('keeps remaining endpoints at their index', () => {
    const e = (n: number): { ip: string; port: number } => ({ ip: ep(n), port: 80 });
    expect(assignSlots([e(1), e(2), e(3)], [e(1), e(3), e(4)])).toEqual([e(1), e(4), e(3)]);
    expect(assignSlots([e(1), e(2), e(3)], [e(1), e(2)])).toEqual([e(1), e(2)]);
    expect(assignSlots([e(1), e(2), e(3)], [e(2), e(3)])).toEqual([e(3), e(2)]);
  });
});

describe('SyncLoop', () => {
  it('runs one sync per min-sync-period with a burst of two, as kube-proxy, and a full one per full period', async () => {
    const clock = new FakeClock();
    const runs: { at: number; full: boolean }[] = [];
    const loop = new SyncLoop(clock, { minSyncPeriodMs: 1000, fullSyncPeriodMs: 60_000 }, async (full) => void runs.push({ at: clock.now(), full }));
    const t0 = clock.now();
    const after = async (ms: number): Promise<number[]> => {
      clock.advance(ms);
      await loop.idle();
      return runs.map((r) => r.at - t0);
    };
    loop.start();
    await after(0);
    // The second token: a change right after the first sync is programmed at once.
    loop.request();
    expect(await after(0)).toEqual([0, 0]);
    // The bucket is empty: requests within the period share one sync when a token is back.
    loop.request();
    loop.request();
    expect(await after(500)).toEqual([0, 0]);
    expect(await after(500)).toEqual([0, 0, 1000]);
    // After a quiet spell the burst is back, and the third request waits again.
    await after(5_000);
    for (let i = 0; i < 3; i++) {
      loop.request();
      await after(0);
    }
    expect(runs.map((r) => r.at - t0)).toEqual([0, 0, 1000, 6000, 6000]);
    expect(await after(1000)).toEqual([0, 0, 1000, 6000, 6000, 7000]);
    await after(53_000);
    expect(runs.at(-1)).toEqual({ at: t0 + 60_000, full: true });
    loop.stop();
  });
});

describe('ipvsProblems', () => {
  it('explains a kernel without IP_VS', () => {
    expect(ipvsProblems({ procNetIpVs: false, ipVsModuleLoaded: false, ipvsadmOnPath: false })).toHaveLength(2);
    expect(ipvsProblems({ procNetIpVs: true, ipVsModuleLoaded: false, ipvsadmOnPath: true })).toEqual([]);
  });
});
