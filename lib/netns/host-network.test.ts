import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { HostNetwork, requireRoot } from './host-network.js';
import type { HostNetworkOptions } from './host-network.js';
import { canConnect, canConnectFromRoot, startRootTcpServer, startTcpServer } from '../../test/support/netns/probe.js';
import type { TcpServer } from '../../test/support/netns/probe.js';

const NAME = 'nstest';
const OPTS: HostNetworkOptions = {
  name: NAME,
  subnet: '10.10.0.0/24',
  hosts: [
    { name: 'h1', ip: '10.10.0.11' },
    { name: 'h2', ip: '10.10.0.12' },
    { name: 'h3', ip: '10.10.0.13' },
  ],
};
const HOSTS = ['h1', 'h2', 'h3'] as const;
const PORT = 7000;

async function sh(file: string, args: string[]): Promise<string> {
  const r = await execa(file, args, { timeout: 10_000 });
  return r.stdout;
}

/** Everything create() might leave behind that carries our name. */
async function leftovers(): Promise<{ netns: string[]; links: string[]; tables: string[] }> {
  const netns = (await sh('ip', ['netns', 'list']))
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${NAME}-`));
  const links = (await sh('ip', ['-o', 'link', 'show']))
    .split('\n')
    .map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '')
    .filter((n) => n.includes(NAME));
  const tables = (await sh('nft', ['list', 'tables'])).split('\n').filter((l) => l.includes(NAME));
  return { netns, links, tables };
}

const NOTHING = { netns: [], links: [], tables: [] };

type Matrix = Record<string, boolean>;

/** Probe every ordered host pair plus root<->host in parallel; keys like 'h1->h2', 'root->h1', 'h1->root'. */
async function reachability(net: HostNetwork, rootPort: number): Promise<Matrix> {
  const probes: [string, Promise<boolean>][] = [];
  for (const a of HOSTS) {
    for (const b of HOSTS) {
      if (a !== b) probes.push([`${a}->${b}`, canConnect(net, a, net.ip(b), PORT)]);
    }
    probes.push([`root->${a}`, canConnectFromRoot(net.ip(a), PORT)]);
    probes.push([`${a}->root`, canConnect(net, a, net.bridgeIp, rootPort)]);
  }
  const out: Matrix = {};
  for (const [k, p] of probes) out[k] = await p;
  return out;
}

/** Expected matrix: everything reachable except the listed (bidirectional) cuts. */
function expected(cuts: [string, string][]): Matrix {
  const out: Matrix = {};
  const cut = (a: string, b: string): boolean => cuts.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  for (const a of HOSTS) {
    for (const b of HOSTS) if (a !== b) out[`${a}->${b}`] = !cut(a, b);
    out[`root->${a}`] = !cut('root', a);
    out[`${a}->root`] = !cut('root', a);
  }
  return out;
}

async function partitionTables(net: HostNetwork): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const h of HOSTS) {
    const r = await net.exec(h, ['nft', 'list', 'tables'], { timeoutMs: 10_000 });
    expect(r.exitCode).toBe(0);
    out[h] = r.stdout.includes('table inet partition');
  }
  return out;
}

describe('HostNetwork option validation', () => {
  it('rejects bad names, subnets and addresses before touching the system', async () => {
    const base = OPTS;
    await expect(HostNetwork.create({ ...base, name: 'waytoolongname' })).rejects.toThrow(/too long|exceeds/);
    await expect(HostNetwork.create({ ...base, name: 'Bad-Name' })).rejects.toThrow(/must match/);
    await expect(HostNetwork.create({ ...base, subnet: '10.10.0.0/16' })).rejects.toThrow(/\/24/);
    await expect(HostNetwork.create({ ...base, hosts: [{ name: 'h1', ip: '10.10.1.5' }] })).rejects.toThrow(/inside/);
    await expect(HostNetwork.create({ ...base, hosts: [{ name: 'h1', ip: '10.10.0.1' }] })).rejects.toThrow(/not \.0\/\.1/);
    await expect(
      HostNetwork.create({
        ...base,
        hosts: [
          { name: 'h1', ip: '10.10.0.11' },
          { name: 'h1', ip: '10.10.0.12' },
        ],
      }),
    ).rejects.toThrow(/duplicate/);
    await expect(HostNetwork.create({ ...base, hosts: [{ name: 'hostnamelong', ip: '10.10.0.11' }] })).rejects.toThrow(
      /exceeds 15/,
    );
  });
});

describe('HostNetwork (3 hosts)', () => {
  let net: HostNetwork | undefined;
  const servers: TcpServer[] = [];
  let rootPort = 0;

  const network = (): HostNetwork => {
    if (net === undefined) throw new Error('network not created');
    return net;
  };

  beforeAll(async () => {
    await requireRoot();
    net = await HostNetwork.create(OPTS);
    for (const h of HOSTS) servers.push(await startTcpServer(net, h, PORT));
    const rootServer = await startRootTcpServer(net.bridgeIp);
    servers.push(rootServer);
    rootPort = rootServer.port;
  });

  afterAll(async () => {
    try {
      await Promise.all(servers.map((s) => s.stop()));
    } finally {
      await net?.destroy();
    }
  });

  it('wires each namespace: lo up, eth0 with the host ip, default route via the bridge', async () => {
    const n = network();
    expect(n.bridgeIp).toBe('10.10.0.1');
    for (const h of HOSTS) {
      expect(n.nsName(h)).toBe(`${NAME}-${h}`);
      expect(n.execPrefix(h)).toEqual(['ip', 'netns', 'exec', `${NAME}-${h}`]);
      const addr = await n.exec(h, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
      expect(addr.exitCode).toBe(0);
      expect(addr.stdout).toContain(`inet ${n.ip(h)}/24`);
      const route = await n.exec(h, ['ip', '-4', 'route', 'show', 'default']);
      expect(route.stdout).toContain('default via 10.10.0.1 dev eth0');
      const lo = await n.exec(h, ['ip', '-o', 'link', 'show', 'dev', 'lo']);
      expect(lo.stdout).toMatch(/LOOPBACK,UP/);
    }
    const fwd = await sh('nft', ['list', 'table', 'inet', `${NAME}-fwd`]);
    expect(fwd).toContain('iifname "br-nstest" oifname "br-nstest" accept');
    expect(fwd).toContain('iifname "br-nstest" drop');
    const failing = await n.exec('h1', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(failing).toEqual({ stdout: 'out', stderr: 'err', exitCode: 3 });
    expect(() => n.nsName('nope')).toThrow(/unknown host/);
  });

  it('every host reaches every other host and the root namespace, and vice versa', async () => {
    const n = network();
    expect(
      await reachability(n, rootPort),
      `foreign forward chains with policy drop: ${n.forwardDropChains.join(', ') || 'none'}`,
    ).toEqual(expected([]));
  });

  it('isolate(h1) cuts h1<->h2 and h1<->h3 but keeps h2<->h3 and root<->h1; heal() restores', async () => {
    const n = network();
    await n.isolate('h1');
    expect(await partitionTables(n)).toEqual({ h1: true, h2: false, h3: false });
    expect(await reachability(n, rootPort)).toEqual(
      expected([
        ['h1', 'h2'],
        ['h1', 'h3'],
      ]),
    );
    await n.heal();
    expect(await partitionTables(n)).toEqual({ h1: false, h2: false, h3: false });
    expect(await reachability(n, rootPort)).toEqual(expected([]));
  });

  it('isolate(h1, {fromRoot}) also cuts root<->h1; heal(h1) restores', async () => {
    const n = network();
    await n.isolate('h1', { fromRoot: true });
    expect(await reachability(n, rootPort)).toEqual(
      expected([
        ['h1', 'h2'],
        ['h1', 'h3'],
        ['root', 'h1'],
      ]),
    );
    await n.heal('h1');
    expect(await reachability(n, rootPort)).toEqual(expected([]));
  });

  it('partition([[h1],[h2,h3]]) cuts h1 from h2/h3 only; heal() restores', async () => {
    const n = network();
    await n.partition([['h1'], ['h2', 'h3']]);
    expect(await reachability(n, rootPort)).toEqual(
      expected([
        ['h1', 'h2'],
        ['h1', 'h3'],
      ]),
    );
    await n.heal();
    expect(await reachability(n, rootPort)).toEqual(expected([]));
  });

  it('partition([[h1,h2],[h3]]) keeps h1<->h2; heal(host) of one side lifts only that side', async () => {
    const n = network();
    await n.partition([['h1', 'h2'], ['h3']]);
    expect(await reachability(n, rootPort)).toEqual(
      expected([
        ['h1', 'h3'],
        ['h2', 'h3'],
      ]),
    );
    // h3 still drops h1/h2 traffic in its own namespace after h1 and h2 are healed...
    await n.heal('h1');
    await n.heal('h2');
    expect(await reachability(n, rootPort)).toEqual(
      expected([
        ['h1', 'h3'],
        ['h2', 'h3'],
      ]),
    );
    // ...and healing h3 restores everything.
    await n.heal('h3');
    expect(await reachability(n, rootPort)).toEqual(expected([]));
  });

  it('rejects unknown hosts and overlapping groups', async () => {
    const n = network();
    await expect(n.isolate('h9')).rejects.toThrow(/unknown host/);
    await expect(n.partition([['h1'], ['h1', 'h2']])).rejects.toThrow(/more than one group/);
    await expect(n.heal('h9')).rejects.toThrow(/unknown host/);
  });

  it('destroy() leaves no namespace, link or nft table behind and is idempotent', async () => {
    const n = network();
    expect((await leftovers()).netns.sort()).toEqual(['nstest-h1', 'nstest-h2', 'nstest-h3']);
    await n.destroy();
    await n.destroy();
    expect(await leftovers()).toEqual(NOTHING);
    await expect(n.isolate('h1')).rejects.toThrow(/destroyed/);
  });
});

describe('HostNetwork lifecycle', () => {
  afterAll(async () => {
    // Belt and braces: whatever a failing test left, remove it through the module's own cleanup.
    await HostNetwork.removeLeftovers(OPTS);
    await execa('ip', ['link', 'del', 'nstest-foreign'], { reject: false });
    await execa('ip', ['route', 'del', 'blackhole', '10.10.0.0/24'], { reject: false });
  });

  it('create() removes leftovers of a crashed run with the same name', async () => {
    await requireRoot();
    // Simulate a crash: a network that was never destroyed, plus a process still running in it.
    const crashed = await HostNetwork.create(OPTS);
    const orphan = await startTcpServer(crashed, 'h2', PORT);
    let fresh: HostNetwork | undefined;
    try {
      fresh = await HostNetwork.create(OPTS);
      expect((await leftovers()).netns.sort()).toEqual(['nstest-h1', 'nstest-h2', 'nstest-h3']);
      const server = await startTcpServer(fresh, 'h3', PORT);
      try {
        expect(await canConnect(fresh, 'h1', fresh.ip('h3'), PORT)).toBe(true);
        expect(await canConnectFromRoot(fresh.ip('h3'), PORT)).toBe(true);
        // The orphan was killed with its namespace, so nothing listens on h2 any more.
        expect(await canConnect(fresh, 'h1', fresh.ip('h2'), PORT)).toBe(false);
      } finally {
        await server.stop();
      }
    } finally {
      await orphan.stop();
      await fresh?.destroy();
    }
    expect(await leftovers()).toEqual(NOTHING);
  });

  it('fails clearly when the subnet is already used by an interface that is not ours', async () => {
    await requireRoot();
    // A foreign bridge (left down, no ports) holding an address in the subnet: never sends anything.
    // (A dummy link would do too, but the dummy module is missing on some of these kernels.)
    await sh('ip', ['link', 'add', 'nstest-foreign', 'type', 'bridge']);
    try {
      await sh('ip', ['addr', 'add', '10.10.0.250/24', 'dev', 'nstest-foreign']);
      await expect(HostNetwork.create(OPTS)).rejects.toThrow(/already in use.*nstest-foreign.*pick another subnet/);
    } finally {
      await sh('ip', ['link', 'del', 'nstest-foreign']);
    }
    expect(await leftovers()).toEqual(NOTHING);
  });

  it('fails clearly when the subnet is already routed by something else', async () => {
    await requireRoot();
    await sh('ip', ['route', 'add', 'blackhole', '10.10.0.0/24']);
    try {
      await expect(HostNetwork.create(OPTS)).rejects.toThrow(/already routed.*10\.10\.0\.0\/24/);
    } finally {
      await sh('ip', ['route', 'del', 'blackhole', '10.10.0.0/24']);
    }
    expect(await leftovers()).toEqual(NOTHING);
  });
});
