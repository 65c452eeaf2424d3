// A small lab for the service proxy's root tests and bench, in namespaces named px-<tag>-*:
// a "node" namespace (router) with a pod bridge, N "pod" namespaces on that bridge each running
// `busybox httpd` that answers its own name, and a "client" namespace routed through the node.
//
//   px-<t>-c  eth0 10.10.<n>.2/24 ── vc (10.10.<n>.1/24) ┐
//                                                         px-<t>-r  (nft table here; default route to a dead-end veth)
//   px-<t>-e1 eth0 10.244.<n>.11/24 ── ve1 ┐              │
//   px-<t>-e2 eth0 10.244.<n>.12/24 ── ve2 ├─ pxbr0 (10.244.<n>.1/24)
//   px-<t>-e3 eth0 10.244.<n>.13/24 ── ve3 ┘
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';

export const BRIDGE = 'pxbr0';
export const CLUSTER_CIDR = '10.244.0.0/16';

async function sh(args: string[], input?: string): Promise<string> {
  const r = await execa(args[0] as string, args.slice(1), { reject: false, input, timeout: 30_000 });
  if (r.exitCode !== 0) throw new Error(`${args.join(' ')} failed (exit ${String(r.exitCode)}): ${String(r.stderr)}`);
  return String(r.stdout);
}

async function trySh(args: string[]): Promise<void> {
  await execa(args[0] as string, args.slice(1), { reject: false, timeout: 30_000 });
}

export class ProxyLab {
  readonly router: string;
  readonly client: string;
  readonly pods: string[];
  readonly clientIP: string;
  readonly nodeIP: string;
  readonly podIPs: string[];

  private constructor(
    readonly tag: string,
    readonly subnet: number,
    podCount: number,
  ) {
    this.router = `px-${tag}-r`;
    this.client = `px-${tag}-c`;
    this.pods = Array.from({ length: podCount }, (_, i) => `px-${tag}-e${i + 1}`);
    this.clientIP = `10.10.${subnet}.2`;
    this.nodeIP = `10.10.${subnet}.1`;
    this.podIPs = this.pods.map((_, i) => `10.244.${subnet}.${11 + i}`);
  }

  get namespaces(): string[] {
    return [this.router, this.client, ...this.pods];
  }

  /** argv prefix running a command in a namespace. */
  static in(ns: string): string[] {
    return ['ip', 'netns', 'exec', ns];
  }

  static async create(tag: string, subnet: number, podCount: number): Promise<ProxyLab> {
    const lab = new ProxyLab(tag, subnet, podCount);
    await lab.destroy();
    try {
      await lab.setUp();
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  private async setUp(): Promise<void> {
    for (const ns of this.namespaces) {
      await sh(['ip', 'netns', 'add', ns]);
      await sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    const r = (...a: string[]): Promise<string> => sh(['ip', '-n', this.router, ...a]);
    await sh([...ProxyLab.in(this.router), 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    // A default route (the kernel here has no dummy devices: a veth pair going nowhere), so
    // packets to service IPs without endpoints reach the forward hook, as on a real node.
    await r('link', 'add', 'dl0', 'type', 'veth', 'peer', 'name', 'dl1');
    await r('link', 'set', 'dl0', 'up');
    await r('link', 'set', 'dl1', 'up');
    await r('route', 'add', 'default', 'dev', 'dl0');
    await r('link', 'add', BRIDGE, 'type', 'bridge');
    await r('addr', 'add', `10.244.${this.subnet}.1/24`, 'dev', BRIDGE);
    await r('link', 'set', BRIDGE, 'up');
    await r('link', 'add', 'vc', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.client);
    await r('addr', 'add', `${this.nodeIP}/24`, 'dev', 'vc');
    await r('link', 'set', 'vc', 'up');
    await sh(['ip', '-n', this.client, 'addr', 'add', `${this.clientIP}/24`, 'dev', 'eth0']);
    await sh(['ip', '-n', this.client, 'link', 'set', 'eth0', 'up']);
    await sh(['ip', '-n', this.client, 'route', 'add', 'default', 'via', this.nodeIP]);
    for (const [i, ns] of this.pods.entries()) {
      const ve = `ve${i + 1}`;
      await r('link', 'add', ve, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      await r('link', 'set', ve, 'master', BRIDGE);
      // The CNI bridge plugin's hairpinMode: with br_netfilter on (as on these machines), a pod's
      // packet DNATed back to the pod itself is bridged out of the port it came in on.
      await r('link', 'set', ve, 'type', 'bridge_slave', 'hairpin', 'on');
      await r('link', 'set', ve, 'up');
      await sh(['ip', '-n', ns, 'addr', 'add', `${this.podIPs[i] as string}/24`, 'dev', 'eth0']);
      await sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
      await sh(['ip', '-n', ns, 'route', 'add', 'default', 'via', `10.244.${this.subnet}.1`]);
    }
  }

  /** busybox httpd on `port` in every pod namespace, answering the pod's name. Killed by destroy(). */
  async startHttpd(port: number): Promise<void> {
    for (const ns of this.pods) {
      const dir = `/tmp/${ns}-www`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/index.html`, ns);
      // busybox httpd daemonizes without -f; the process stays in the namespace until destroy().
      await sh([...ProxyLab.in(ns), 'busybox', 'httpd', '-p', String(port), '-h', dir]);
    }
  }

  /** Sequential HTTP GETs from a namespace (new connection each); counts of each body, and errors by code. */
  async httpGets(fromNs: string, url: string, count: number): Promise<{ bodies: Record<string, number>; errors: Record<string, number> }> {
    const script = `
const http = require('node:http');
const [url, count] = process.argv.slice(1);
const bodies = {}, errors = {};
function one() {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => { bodies[b] = (bodies[b] || 0) + 1; resolve(); });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => { errors[e.code || e.message] = (errors[e.code || e.message] || 0) + 1; resolve(); });
  });
}
(async () => { for (let i = 0; i < Number(count); i++) await one(); process.stdout.write(JSON.stringify({ bodies, errors })); })();
`;
    const out = await sh([...ProxyLab.in(fromNs), process.execPath, '-e', script, url, String(count)]);
    return JSON.parse(out) as { bodies: Record<string, number>; errors: Record<string, number> };
  }

  async destroy(): Promise<void> {
    for (const ns of this.namespaces) {
      const pids = await execa('ip', ['netns', 'pids', ns], { reject: false });
      for (const pid of String(pids.stdout ?? '').split(/\s+/).filter((p) => /^\d+$/.test(p))) {
        if (Number(pid) === process.pid) continue;
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await trySh(['ip', 'netns', 'del', ns]);
      rmSync(`/tmp/${ns}-www`, { recursive: true, force: true });
    }
  }
}

/** Element counts per map of a table, from `nft -j list table`. */
export async function mapElementCounts(ns: string, table: string): Promise<Record<string, number>> {
  const out = await sh([...ProxyLab.in(ns), 'nft', '-j', 'list', 'table', 'ip', table]);
  const parsed = JSON.parse(out) as { nftables: { map?: { name: string; elem?: unknown[] } }[] };
  const counts: Record<string, number> = {};
  for (const item of parsed.nftables) if (item.map) counts[item.map.name] = item.map.elem?.length ?? 0;
  return counts;
}

/** Number of chains in a table. */
export async function chainCount(ns: string, table: string): Promise<number> {
  const out = await sh([...ProxyLab.in(ns), 'nft', '-j', 'list', 'table', 'ip', table]);
  return (JSON.parse(out) as { nftables: { chain?: unknown }[] }).nftables.filter((i) => i.chain !== undefined).length;
}

export async function nftIn(ns: string, args: string[]): Promise<string> {
  return sh([...ProxyLab.in(ns), 'nft', ...args]);
}
