/**
 * PodNetwork with real iproute2: a plain namespace `cn-host` plays the node (the agent's host
 * namespace) and plain namespaces `cn-p*` play pod sandboxes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecaIpRunner,
  IpCommandError,
  LAST_RESERVED_FILE,
  PodNetwork,
  hostVethName,
  isHostVethName,
} from '../../../services/node-agent/network/index.js';
import { requireRoot } from '../../support/netns/index.js';
import type { EchoServer } from './netns-tools.js';
import { createNetns, deleteNetns, linkNames, links, netnsPath, peerAddressSeen, removeDir, routes, sh, startPeerEchoServer } from './netns-tools.js';

const HOST = 'cn-host';
const PODS = ['cn-p1', 'cn-p2', 'cn-p3', 'cn-p4'] as const;
const STATE_DIR = '/tmp/cn-pod-network-test/networks/cbr0';
const PORT = 8080;

const runner = new ExecaIpRunner({ hostNetnsPath: netnsPath(HOST) });
const newNetwork = (podCIDR = '10.244.1.0/24'): PodNetwork => new PodNetwork({ podCIDR, runner, stateDir: STATE_DIR });
const servers: EchoServer[] = [];

async function cleanup(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all([HOST, ...PODS, 'cn-gone'].map(deleteNetns));
  await removeDir('/tmp/cn-pod-network-test');
}

async function allocationFiles(): Promise<string[]> {
  try {
    return (await readdir(STATE_DIR)).filter((n) => n !== LAST_RESERVED_FILE);
  } catch {
    return [];
  }
}

beforeAll(async () => {
  await requireRoot();
  await cleanup();
  await createNetns(HOST);
  for (const p of PODS) await createNetns(p);
});

afterAll(cleanup);

describe('PodNetwork (real ip commands)', () => {
  let net: PodNetwork;

  it('ensureBridge makes cni0 with the gateway address, up, promisc off, and turns on forwarding', async () => {
    net = newNetwork();
    await net.ensureBridge();
    await net.ensureBridge(); // idempotent
    const [br] = await links(HOST, 'cni0');
    expect(br?.linkinfo?.info_kind).toBe('bridge');
    expect(br?.flags).toContain('UP');
    expect(br?.flags).not.toContain('PROMISC');
    expect(br?.addr_info?.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual(['10.244.1.1/24']);
    expect((await sh('ip', ['netns', 'exec', HOST, 'cat', '/proc/sys/net/ipv4/ip_forward'])).stdout.trim()).toBe('1');
  });

  it('ensureBridge fixes the address when the pod CIDR changed', async () => {
    await newNetwork('10.244.9.0/24').ensureBridge();
    const addrs = async (): Promise<string[]> =>
      ((await links(HOST, 'cni0'))[0]?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
    expect(await addrs()).toEqual(['10.244.9.1/24']);
    await net.ensureBridge();
    expect(await addrs()).toEqual(['10.244.1.1/24']);
  });

  it('setUp gives the first pod 10.244.1.2 with a default route via 10.244.1.1', async () => {
    const r = await net.setUp('c1', netnsPath('cn-p1'));
    expect(r).toEqual({ ip: '10.244.1.2', prefixLength: 24, gateway: '10.244.1.1', hostVeth: hostVethName('c1'), mac: '0a:58:0a:f4:01:02' });
    const [eth0] = await links('cn-p1', 'eth0');
    expect(eth0?.addr_info?.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual(['10.244.1.2/24']);
    expect(eth0?.address).toBe('0a:58:0a:f4:01:02');
    expect(eth0?.flags).toContain('UP');
    expect(await routes('cn-p1', 'default')).toEqual([expect.objectContaining({ dst: 'default', gateway: '10.244.1.1', dev: 'eth0' })]);
    const [veth] = await links(HOST, r.hostVeth);
    expect(veth?.master).toBe('cni0');
    expect(veth?.flags).toContain('UP');
    expect(veth?.linkinfo?.info_slave_data?.hairpin).toBe(true);
    expect(await net.ipOf('c1')).toBe('10.244.1.2');
    expect(await readFile(`${STATE_DIR}/10.244.1.2`, 'utf8')).toBe('c1\r\neth0');
  });

  it('two pods on the bridge reach each other (no NAT) and the gateway', async () => {
    const r2 = await net.setUp('c2', netnsPath('cn-p2'));
    expect(r2.ip).toBe('10.244.1.3');
    servers.push(await startPeerEchoServer('cn-p1', '0.0.0.0', PORT));
    servers.push(await startPeerEchoServer(HOST, '10.244.1.1', PORT));
    expect(await peerAddressSeen('cn-p2', '10.244.1.2', PORT)).toBe('10.244.1.3');
    expect(await peerAddressSeen('cn-p1', '10.244.1.1', PORT)).toBe('10.244.1.2');
    expect(await peerAddressSeen('cn-p2', '10.244.1.1', PORT)).toBe('10.244.1.3');
  });

  it('setUp repeated is idempotent and repairs what is missing', async () => {
    const before = await linkNames(HOST);
    const first = await net.setUp('c1', netnsPath('cn-p1'));
    expect(await net.setUp('c1', netnsPath('cn-p1'))).toEqual(first);
    expect((await linkNames(HOST)).sort()).toEqual([...before].sort());
    expect(await allocationFiles()).toEqual(['10.244.1.2', '10.244.1.3']);

    // Break the pod side and the host side: route gone, stale extra address, port detached and down.
    await sh('ip', ['-n', 'cn-p1', 'route', 'del', 'default']);
    await sh('ip', ['-n', 'cn-p1', 'addr', 'add', '10.244.1.77/24', 'dev', 'eth0']);
    await sh('ip', ['-n', HOST, 'link', 'set', 'dev', first.hostVeth, 'nomaster']);
    await sh('ip', ['-n', HOST, 'link', 'set', 'dev', first.hostVeth, 'down']);
    expect(await net.setUp('c1', netnsPath('cn-p1'))).toEqual(first);
    const [eth0] = await links('cn-p1', 'eth0');
    expect(eth0?.addr_info?.filter((a) => a.family === 'inet').map((a) => a.local)).toEqual(['10.244.1.2']);
    expect(await routes('cn-p1', 'default')).toEqual([expect.objectContaining({ gateway: '10.244.1.1' })]);
    const [veth] = await links(HOST, first.hostVeth);
    expect(veth?.master).toBe('cni0');
    expect(veth?.flags).toContain('UP');
    expect(await peerAddressSeen('cn-p2', '10.244.1.2', PORT)).toBe('10.244.1.3');

    // The whole pair gone (as if someone deleted it): setUp makes it again with the same IP.
    await sh('ip', ['-n', HOST, 'link', 'del', first.hostVeth]);
    expect(await net.setUp('c1', netnsPath('cn-p1'))).toEqual(first);
    expect(await peerAddressSeen('cn-p2', '10.244.1.2', PORT)).toBe('10.244.1.3');
  });

  it('tearDown removes the veth and the allocation; repeating it or unknown ids do not throw', async () => {
    const hostVeth = hostVethName('c2');
    await net.tearDown('c2', netnsPath('cn-p2'));
    expect(await linkNames(HOST)).not.toContain(hostVeth);
    expect(await linkNames('cn-p2')).toEqual(['lo']);
    expect(await allocationFiles()).toEqual(['10.244.1.2']);
    expect(await net.ipOf('c2')).toBeUndefined();
    await net.tearDown('c2', netnsPath('cn-p2'));
    await net.tearDown('c2');
    await net.tearDown('never-seen', '/var/run/netns/cn-gone');
    // The released IP is not handed out again at once.
    expect((await net.setUp('c2b', netnsPath('cn-p2'))).ip).toBe('10.244.1.4');
    await net.tearDown('c2b');
  });

  it('a setUp that fails part-way leaves no veth and no allocation', async () => {
    const before = await linkNames(HOST);
    await expect(net.setUp('c-bad', '/var/run/netns/cn-gone')).rejects.toThrow(IpCommandError);
    expect((await linkNames(HOST)).sort()).toEqual([...before].sort());
    expect(await net.ipOf('c-bad')).toBeUndefined();
    expect(await allocationFiles()).toEqual(['10.244.1.2']);
  });

  it('reconcile after an agent restart releases leaked IPs and veths, keeping live pods', async () => {
    const leak3 = await net.setUp('leak3', netnsPath('cn-p3'));
    const leak4 = await net.setUp('leak4', netnsPath('cn-p4'));
    // Restart: a new instance on the same state directory knows only what is on disk and in the kernel.
    const restarted = newNetwork();
    expect(await restarted.ipOf('leak3')).toBe(leak3.ip);
    const r = await restarted.reconcile(new Set(['c1']));
    expect(r.released.sort()).toEqual([leak3.ip, leak4.ip].sort());
    expect(r.removedLinks.sort()).toEqual([leak3.hostVeth, leak4.hostVeth].sort());
    expect((await linkNames(HOST)).filter(isHostVethName)).toEqual([hostVethName('c1')]);
    expect(await allocationFiles()).toEqual(['10.244.1.2']);
    expect(await restarted.reconcile(new Set(['c1']))).toEqual({ released: [], removedLinks: [] });
    // The live pod is untouched and still served.
    expect(await restarted.setUp('c1', netnsPath('cn-p1'))).toEqual(expect.objectContaining({ ip: '10.244.1.2' }));
    expect(await peerAddressSeen('cn-p1', '10.244.1.1', PORT)).toBe('10.244.1.2');
  });

  it('concurrent setUps get distinct IPs and all connect', async () => {
    const fresh = newNetwork();
    const got = await Promise.all(['p2', 'p3', 'p4'].map((p) => fresh.setUp(`cc-${p}`, netnsPath(`cn-${p}`))));
    expect(new Set(got.map((g) => g.ip)).size).toBe(3);
    for (const [i, p] of ['cn-p2', 'cn-p3', 'cn-p4'].entries()) {
      expect(await peerAddressSeen(p, '10.244.1.2', PORT)).toBe(got[i]?.ip);
    }
    await Promise.all(['p2', 'p3', 'p4'].map((p) => fresh.tearDown(`cc-${p}`)));
    expect(await allocationFiles()).toEqual(['10.244.1.2']);
  });
});
