/**
 * Two nodes (namespaces cn-a, cn-b on the bridge br-cn that HostNetwork makes), each with its own
 * PodNetwork and HostGwRoutes: a pod on one node reaches a pod on the other by pod IP, routed
 * host to host, and the server sees the client pod's own IP (no NAT anywhere).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostGwNode } from '../../../services/node-agent/network/index.js';
import { ExecaIpRunner, HOST_GW_ROUTE_PROTO, HostGwRoutes, PodNetwork } from '../../../services/node-agent/network/index.js';
import type { HostNetworkOptions } from '../../support/netns/index.js';
import { HostNetwork, requireRoot } from '../../support/netns/index.js';
import type { EchoServer } from './netns-tools.js';
import { createNetns, deleteNetns, netnsPath, peerAddressSeen, removeDir, routes, sh, startPeerEchoServer } from './netns-tools.js';

// A /24 of our own inside 10.10.0.0/16, so other suites' HostNetworks on 10.10.0.0/24 can run alongside.
const OPTS: HostNetworkOptions = {
  name: 'cn',
  subnet: '10.10.67.0/24',
  hosts: [
    { name: 'a', ip: '10.10.67.21' },
    { name: 'b', ip: '10.10.67.22' },
  ],
};
const NODES: HostGwNode[] = [
  { name: 'a', podCIDR: '10.244.1.0/24', hostIP: '10.10.67.21' },
  { name: 'b', podCIDR: '10.244.2.0/24', hostIP: '10.10.67.22' },
];
const POD_NS = { a: 'cn-pa', b: 'cn-pb' } as const;
const STATE_ROOT = '/tmp/cn-host-gw-test';
const PORT = 8080;

interface Node {
  ns: string;
  pods: PodNetwork;
  routes: HostGwRoutes;
}

let hosts: HostNetwork | undefined;
const nodes = new Map<'a' | 'b', Node>();
const servers: EchoServer[] = [];

function node(name: 'a' | 'b'): Node {
  const n = nodes.get(name);
  if (n === undefined) throw new Error(`node ${name} not set up`);
  return n;
}

async function cleanup(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(Object.values(POD_NS).map(deleteNetns));
  await HostNetwork.removeLeftovers(OPTS);
  await removeDir(STATE_ROOT);
}

beforeAll(async () => {
  await requireRoot();
  await cleanup();
  hosts = await HostNetwork.create(OPTS);
  for (const name of ['a', 'b'] as const) {
    const ns = hosts.nsName(name);
    const runner = new ExecaIpRunner({ hostNetnsPath: netnsPath(ns) });
    const podCIDR = NODES.find((n) => n.name === name)?.podCIDR ?? '';
    const pods = new PodNetwork({ podCIDR, runner, stateDir: `${STATE_ROOT}/${name}/cbr0` });
    nodes.set(name, { ns, pods, routes: new HostGwRoutes(runner) });
    await pods.ensureBridge();
    await createNetns(POD_NS[name]);
  }
});

afterAll(async () => {
  await hosts?.destroy();
  await cleanup();
});

describe('host-gw routes between two nodes', () => {
  it('sync installs a route to the other node’s podCIDR via its host IP, marked with our protocol', async () => {
    const r = await node('a').routes.sync(NODES, 'a');
    expect(r).toEqual({ replaced: [{ dst: '10.244.2.0/24', gateway: '10.10.67.22' }], removed: [] });
    await node('b').routes.sync(NODES, 'b');
    expect(await routes(node('a').ns, 'proto', String(HOST_GW_ROUTE_PROTO))).toEqual([
      expect.objectContaining({ dst: '10.244.2.0/24', gateway: '10.10.67.22', dev: 'eth0' }),
    ]);
    expect(await routes(node('b').ns, 'proto', String(HOST_GW_ROUTE_PROTO))).toEqual([
      expect.objectContaining({ dst: '10.244.1.0/24', gateway: '10.10.67.21' }),
    ]);
    expect(await node('a').routes.sync(NODES, 'a')).toEqual({ replaced: [], removed: [] });
  });

  it('a pod on node a reaches a pod on node b by pod IP without NAT, and back', async () => {
    const pa = await node('a').pods.setUp('pod-a', netnsPath(POD_NS.a));
    const pb = await node('b').pods.setUp('pod-b', netnsPath(POD_NS.b));
    expect([pa.ip, pb.ip]).toEqual(['10.244.1.2', '10.244.2.2']);
    servers.push(await startPeerEchoServer(POD_NS.b, '0.0.0.0', PORT));
    servers.push(await startPeerEchoServer(POD_NS.a, '0.0.0.0', PORT));
    expect(await peerAddressSeen(POD_NS.a, pb.ip, PORT)).toBe(pa.ip);
    expect(await peerAddressSeen(POD_NS.b, pa.ip, PORT)).toBe(pb.ip);
    // The node itself reaches the remote pod too (source: its host IP, as in Kubernetes host-gw).
    expect(await peerAddressSeen(node('a').ns, pb.ip, PORT)).toBe('10.10.67.21');
  });

  it('removes only its own routes when a node goes away, and follows a node’s new host IP', async () => {
    const a = node('a');
    await sh('ip', ['-n', a.ns, 'route', 'add', '10.244.50.0/24', 'via', '10.10.67.22']);
    await sh('ip', ['-n', a.ns, 'route', 'add', '10.244.51.0/24', 'via', '10.10.67.22', 'proto', 'static']);

    expect(await a.routes.sync([NODES[0] as HostGwNode], 'a')).toEqual({ replaced: [], removed: ['10.244.2.0/24'] });
    expect(await peerAddressSeen(POD_NS.a, '10.244.2.2', PORT, 1_000)).toBeUndefined();
    const dsts = (await routes(a.ns)).map((r) => r.dst);
    expect(dsts).toContain('10.244.50.0/24');
    expect(dsts).toContain('10.244.51.0/24');
    expect(dsts).not.toContain('10.244.2.0/24');

    const moved = NODES.map((n) => (n.name === 'b' ? { ...n, hostIP: '10.10.67.99' } : n));
    expect((await a.routes.sync(moved, 'a')).replaced).toEqual([{ dst: '10.244.2.0/24', gateway: '10.10.67.99' }]);
    expect(await a.routes.sync(NODES, 'a')).toEqual({ replaced: [{ dst: '10.244.2.0/24', gateway: '10.10.67.22' }], removed: [] });
    expect(await peerAddressSeen(POD_NS.a, '10.244.2.2', PORT)).toBe('10.244.1.2');
    expect(await a.routes.list()).toEqual([{ dst: '10.244.2.0/24', gateway: '10.10.67.22' }]);
  });

  it('leaves the last of overlapping syncs in force (an older node list never undoes a newer one)', async () => {
    const a = node('a');
    // As node events arrive: first a view without b, then the current one. Overlapping, both
    // would read the routes before either wrote, and the older view would delete b's route.
    for (let i = 0; i < 5; i++) {
      const results = await Promise.all([a.routes.sync([NODES[0] as HostGwNode], 'a'), a.routes.sync(NODES, 'a')]);
      expect(results.map((r) => [r.removed, r.replaced.map((x) => x.dst)])).toEqual([
        [['10.244.2.0/24'], []],
        [[], ['10.244.2.0/24']],
      ]);
      expect(await a.routes.list()).toEqual([{ dst: '10.244.2.0/24', gateway: '10.10.67.22' }]);
    }
  });
});
