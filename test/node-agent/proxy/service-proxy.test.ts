// The service proxy against the real kernel: nft tables in namespaces this test makes (px-*),
// real traffic through them. Needs root, ip, nft, conntrack and busybox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { Registry } from 'prom-client';
import type { KubeObject } from '../../../lib/api/object.js';
import { FakeClient } from '../../../lib/controller/fake-client.js';
import { InformerFactory } from '../../../lib/controller/informer.js';
import { Resources } from '../../../lib/controller/resources.js';
import { fixtureService, fixtureSlice } from '../../../services/node-agent/proxy/fixtures.js';
import { ExecConntrackCleaner, NftInteractiveRunner, ServiceProxy, startServiceProxy } from '../../../services/node-agent/proxy/index.js';
import type { ServiceProxyHandle } from '../../../services/node-agent/proxy/index.js';
import { BRIDGE, CLUSTER_CIDR, ProxyLab, chainCount, mapElementCounts, nftIn } from '../../../bench/lib/proxy-lab.js';
import { requireRoot } from '../../support/netns/index.js';
import { waitFor } from '../../support/wait-for.js';

const TABLE = 'meshkube-proxy';
const HTTP_PORT = 8080;

describe('service proxy: 1,000 services loaded into nft', () => {
  let lab: ProxyLab;
  let runner: NftInteractiveRunner;

  beforeAll(async () => {
    await requireRoot();
    lab = await ProxyLab.create('l', 61, 0);
    runner = new NftInteractiveRunner({ prefix: ProxyLab.in(lab.router) });
  });
  afterAll(async () => {
    await runner?.close();
    await lab?.destroy();
  });

  it('loads 1,000 services x 3 endpoints from nothing, then applies one endpoint change touching only that service', async () => {
    const proxy = new ServiceProxy({ clusterCIDR: CLUSTER_CIDR, podBridge: BRIDGE, runner });
    const ep = (i: number, j: number): string => `10.244.${100 + Math.floor(i / 250)}.${(i % 250) + 1 + j * 0}`;
    for (let i = 0; i < 1000; i++) {
      const ns = 'load';
      proxy.onServiceUpsert(fixtureService(ns, `s${i}`, `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`, [{ name: 'http', port: 80 }]));
      proxy.onSliceUpsert(fixtureSlice(ns, `s${i}`, `s${i}-a`, [{ name: 'http', port: 8080 + (i % 3) }], [ep(i, 0), `10.245.${Math.floor(i / 250)}.${(i % 250) + 1}`, `10.246.${Math.floor(i / 250)}.${(i % 250) + 1}`]));
    }
    const first = await proxy.syncNow();
    expect(first.full).toBe(true);
    const counts = await mapElementCounts(lab.router, TABLE);
    expect(counts['service-ips']).toBe(1000);
    expect(counts['service-endpoints']).toBe(3000);
    expect(counts['no-endpoint-services']).toBe(0);
    expect(await chainCount(lab.router, TABLE)).toBeLessThanOrEqual(20);

    proxy.onSliceUpsert(fixtureSlice('load', 's500', 's500-a', [{ name: 'http', port: 8082 }], [ep(500, 0), '10.247.0.1', `10.246.2.1`]));
    const change = await proxy.syncNow();
    expect(change.full).toBe(false);
    // One slot changes: its key (service 10.96.2.1) goes and comes back with the new endpoint.
    const ipsInScript = new Set(change.script.match(/\d+\.\d+\.\d+\.\d+/g) ?? []);
    expect([...ipsInScript].sort()).toEqual(['10.247.0.1', '10.96.2.1']);
    const after = await nftIn(lab.router, ['list', 'map', 'ip', TABLE, 'service-endpoints']);
    expect(after).toContain('10.96.2.1 . 80 . 1 : 10.247.0.1 . 8082');
    expect(after).not.toContain('10.245.2.1 . 8082');
    expect((await mapElementCounts(lab.router, TABLE))['service-endpoints']).toBe(3000);
  });
});

describe('service proxy: traffic through the table', () => {
  let lab: ProxyLab;
  let client: FakeClient;
  let handle: ServiceProxyHandle | undefined;
  const stop = new AbortController();
  const logs: string[] = [];
  const CIP = '10.96.60.10';
  const CIP_EMPTY = '10.96.60.11';
  const CIP_STICKY = '10.96.60.12';
  const CIP_UDP = '10.96.60.13';
  const NODE_PORT = 30080;

  const webSlice = (ips: string[]): KubeObject => fixtureSlice('default', 'web', 'web-abc', [{ name: 'http', port: HTTP_PORT }], ips);

  beforeAll(async () => {
    await requireRoot();
    lab = await ProxyLab.create('t', 60, 3);
    await lab.startHttpd(HTTP_PORT);
    client = new FakeClient();
    client.seed(
      Resources.services,
      fixtureService('default', 'web', CIP, [{ name: 'http', port: 80, nodePort: NODE_PORT }], { type: 'NodePort' }),
      fixtureService('default', 'empty', CIP_EMPTY, [{ name: 'http', port: 80 }]),
      fixtureService('default', 'sticky', CIP_STICKY, [{ name: 'http', port: 80 }], { sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 600 }),
      fixtureService('default', 'udp', CIP_UDP, [{ name: 'dns', port: 53, protocol: 'UDP' }]),
    );
    client.seed(
      Resources.endpointSlices,
      webSlice(lab.podIPs),
      fixtureSlice('default', 'sticky', 'sticky-abc', [{ name: 'http', port: HTTP_PORT }], lab.podIPs),
      fixtureSlice('default', 'udp', 'udp-abc', [{ name: 'dns', port: 5353, protocol: 'UDP' }], [lab.podIPs[0] as string]),
    );
    const informers = new InformerFactory(client);
    handle = startServiceProxy({
      informers,
      nodeIPs: [lab.nodeIP],
      clusterCIDR: CLUSTER_CIDR,
      podBridge: BRIDGE,
      minSyncPeriodMs: 0,
      registry: new Registry(),
      log: (msg, fields) => void logs.push(`${msg} ${JSON.stringify(fields ?? {})}`),
      runner: new NftInteractiveRunner({ prefix: ProxyLab.in(lab.router) }),
      conntrack: new ExecConntrackCleaner({ prefix: ProxyLab.in(lab.router) }),
    });
    void informers.start(stop.signal);
    await handle.synced();
  });

  afterAll(async () => {
    stop.abort();
    await handle?.stop();
    await lab?.destroy();
  });

  it('spreads 300 ClusterIP requests over the 3 endpoints (each 20%-47%)', async () => {
    const r = await lab.httpGets(lab.client, `http://${CIP}/`, 300);
    expect(r.errors).toEqual({});
    expect(Object.keys(r.bodies).sort()).toEqual([...lab.pods].sort());
    for (const n of Object.values(r.bodies)) {
      expect(n).toBeGreaterThanOrEqual(60);
      expect(n).toBeLessThanOrEqual(141);
    }
  });

  it('rejects connections to a service without endpoints (refused, not a timeout)', async () => {
    const r = await lab.httpGets(lab.client, `http://${CIP_EMPTY}/`, 3);
    expect(r.errors).toEqual({ ECONNREFUSED: 3 });
  });

  it('answers on the NodePort of the node address', async () => {
    const r = await lab.httpGets(lab.client, `http://${lab.nodeIP}:${NODE_PORT}/`, 30);
    expect(r.errors).toEqual({});
    expect(Object.values(r.bodies).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('keeps a client on one endpoint with ClientIP affinity', async () => {
    const r = await lab.httpGets(lab.client, `http://${CIP_STICKY}/`, 30);
    expect(r.errors).toEqual({});
    expect(Object.values(r.bodies)).toEqual([30]);
  });

  it('serves pods calling their own service through the bridge (hairpin, incl. themselves)', async () => {
    const r = await lab.httpGets(lab.pods[0] as string, `http://${CIP}/`, 30);
    expect(r.errors).toEqual({});
    expect(Object.values(r.bodies).reduce((a, b) => a + b, 0)).toBe(30);
    expect(r.bodies[lab.pods[0] as string]).toBeGreaterThan(0);
  });

  it('follows an EndpointSlice change from the API', async () => {
    const slice = client.stored(Resources.endpointSlices, 'default', 'web-abc') as KubeObject;
    await client.update(Resources.endpointSlices, { ...webSlice([lab.podIPs[1] as string]), metadata: { ...slice.metadata } });
    await waitFor('only e2 answers', async () => {
      const r = await lab.httpGets(lab.client, `http://${CIP}/`, 10);
      return r.bodies[lab.pods[1] as string] === 10;
    }, 20_000);
  });

  it('flushes the conntrack entries of a removed UDP endpoint', async () => {
    const entries = async (): Promise<string> => (await execa('ip', ['netns', 'exec', lab.router, 'conntrack', '-L', '-p', 'udp', '--orig-dst', CIP_UDP], { reject: false })).stdout;
    // A datagram from the client makes an entry DNATed to the only endpoint.
    const send = `const s = require('dgram').createSocket('udp4'); s.send('hi', 53, '${CIP_UDP}', () => setTimeout(() => s.close(), 200));`;
    await execa('ip', ['netns', 'exec', lab.client, process.execPath, '-e', send], { timeout: 10_000 });
    const gone = lab.podIPs[0] as string;
    // The reply direction names the endpoint: the datagram was DNATed to it, port 5353.
    expect(await entries()).toMatch(new RegExp(`src=${gone.replace(/\./g, '\\.')} dst=\\S+ sport=5353 `));
    const slice = client.stored(Resources.endpointSlices, 'default', 'udp-abc') as KubeObject;
    await client.update(Resources.endpointSlices, { ...fixtureSlice('default', 'udp', 'udp-abc', [{ name: 'dns', port: 5353, protocol: 'UDP' }], [lab.podIPs[1] as string]), metadata: { ...slice.metadata } });
    await waitFor('the entry to the removed endpoint flushed', async () => !(await entries()).includes(`src=${gone}`), 20_000, 100);
  });

  it('masquerades pod traffic leaving the cluster network', async () => {
    const from = lab.pods[1] as string;
    const send = (ip: string, port: number): string => `const s = require('dgram').createSocket('udp4'); s.send('hi', ${String(port)}, '${ip}', () => setTimeout(() => s.close(), 200));`;
    await execa('ip', ['netns', 'exec', from, process.execPath, '-e', send(lab.clientIP, 9)], { timeout: 10_000 });
    const out = (await execa('ip', ['netns', 'exec', lab.router, 'conntrack', '-L', '-p', 'udp', '--orig-dst', lab.clientIP, '--dport', '9'], { reject: false })).stdout;
    // The reply goes to the node's address on that link: the source was rewritten.
    expect(out).toContain(`src=${lab.podIPs[1] as string} dst=${lab.clientIP}`);
    expect(out).toContain(`src=${lab.clientIP} dst=${lab.nodeIP}`);
  });

  it('repairs manual damage with a full sync', async () => {
    await nftIn(lab.router, ['delete', 'element', 'ip', TABLE, 'service-ips', `{ ${CIP} . tcp . 80 }`]);
    await nftIn(lab.router, ['flush', 'chain', 'ip', TABLE, 'service-k3']);
    const broken = await lab.httpGets(lab.client, `http://${CIP_STICKY}/`, 1);
    expect(broken.errors).not.toEqual({});
    const r = await handle?.proxy.syncNow({ full: true });
    expect(r?.full).toBe(true);
    const ok = await lab.httpGets(lab.client, `http://${CIP}/`, 5);
    expect(ok.errors).toEqual({});
    const sticky = await lab.httpGets(lab.client, `http://${CIP_STICKY}/`, 5);
    expect(sticky.errors).toEqual({});
  });

  it('removes its table on stop', async () => {
    await handle?.stop();
    handle = undefined;
    const tables = await nftIn(lab.router, ['list', 'tables']);
    expect(tables).not.toContain(TABLE);
    expect(logs.filter((l) => l.includes('failed'))).toEqual([]);
  });
});
