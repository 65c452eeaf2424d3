/**
 * Simulated "hosts" as Linux network namespaces on a private bridge: the hosts of
 * `meshctl cluster up` and of the tests that need several machines.
 *
 * Layout for `name: 'lin'`, subnet 10.10.0.0/24, hosts h1..h3:
 *
 *   root ns:  br-lin (10.10.0.1/24)  <- ve-lin-h1, ve-lin-h2, ve-lin-h3 (bridge ports)
 *   lin-h1:   lo up, eth0 (10.10.0.11/24), default via 10.10.0.1
 *   ...
 *
 * Firewalling (all in tables owned by this module):
 *   - root ns `table inet <name>-fwd`: accepts bridged traffic inside br-<name> (needed when
 *     br_netfilter pushes bridged frames through the FORWARD hook) and drops anything routed
 *     between br-<name> and any other interface, so hosts can never send packets off-box.
 *   - each host ns `table inet partition`: drop rules installed by isolate()/partition().
 *
 * Requires root, iproute2 (`ip`) and nftables (`nft`). Everything is idempotent: create() removes
 * leftovers of a crashed earlier run with the same name first, destroy() may be called repeatedly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { execa } from 'execa';

export interface HostSpec {
  name: string;
  ip: string;
}

export interface HostNetworkOptions {
  /**
   * Short unique prefix ([a-z][a-z0-9]*), e.g. 'lin' -> bridge 'br-lin', namespaces 'lin-h1', root-side
   * veths 've-lin-h1'. Interface names must fit 15 chars, so len(name) + len(host name) <= 11.
   */
  name: string;
  /** An IPv4 /24 such as '10.10.0.0/24'. The bridge in the root namespace gets .1. */
  subnet: string;
  hosts: HostSpec[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Process exit code; -1 if it was killed by a signal or timed out. */
  exitCode: number;
}

export interface ExecOptions {
  /** Kill the command after this many milliseconds (exitCode -1). Default: no timeout. */
  timeoutMs?: number;
  /** Data written to the command's stdin. */
  input?: string;
}

const IFNAMSIZ = 15;
const NAME_RE = /^[a-z][a-z0-9]*$/;
const PARTITION_TABLE = 'partition';
/** Every bounded system command gets this timeout so a wedged `ip`/`nft` cannot hang a test run. */
const CMD_TIMEOUT_MS = 15_000;

interface CmdResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function run(file: string, args: string[], opts: ExecOptions = {}): Promise<CmdResult> {
  const r = await execa(file, args, {
    reject: false,
    timeout: opts.timeoutMs,
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : undefined,
    stripFinalNewline: true,
  });
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return { stdout: str(r.stdout), stderr: str(r.stderr), exitCode: r.exitCode ?? -1 };
}

/** Run a command that must succeed; throws with the full command line and stderr otherwise. */
async function must(file: string, args: string[], input?: string): Promise<string> {
  const r = await run(file, args, { timeoutMs: CMD_TIMEOUT_MS, input });
  if (r.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} failed (exit ${r.exitCode}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

/** Run a cleanup command whose failure (typically "does not exist") is fine. */
async function tryRun(file: string, args: string[]): Promise<void> {
  await run(file, args, { timeoutMs: CMD_TIMEOUT_MS });
}

async function commandExists(cmd: string): Promise<boolean> {
  const r = await run('sh', ['-c', `command -v ${cmd}`], { timeoutMs: 5_000 });
  return r.exitCode === 0 && r.stdout.trim() !== '';
}

/**
 * Throws a descriptive error unless the process runs as root and `ip` and `nft` are available.
 * Tests call this in beforeAll so a wrong environment fails loudly instead of skipping.
 */
export async function requireRoot(): Promise<void> {
  const problems: string[] = [];
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    problems.push(`must run as root (uid is ${typeof process.getuid === 'function' ? process.getuid() : 'unknown'})`);
  }
  if (!(await commandExists('ip'))) problems.push('`ip` (iproute2) not found in PATH');
  if (!(await commandExists('nft'))) problems.push('`nft` (nftables) not found in PATH; apt-get install -y nftables');
  if (problems.length > 0) {
    throw new Error(`network-namespace tests need root, iproute2 and nftables: ${problems.join('; ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// IPv4 helpers

function parseIPv4(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`invalid IPv4 address: ${ip}`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) throw new Error(`invalid IPv4 address: ${ip}`);
    const v = Number(p);
    if (v > 255) throw new Error(`invalid IPv4 address: ${ip}`);
    n = n * 256 + v;
  }
  return n;
}

function formatIPv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

interface Cidr {
  base: number;
  len: number;
}

function parseCidr(cidr: string): Cidr {
  const [addr, lenStr] = cidr.split('/');
  const len = lenStr === undefined ? 32 : Number(lenStr);
  if (addr === undefined || !Number.isInteger(len) || len < 0 || len > 32) {
    throw new Error(`invalid CIDR: ${cidr}`);
  }
  return { base: (parseIPv4(addr) & prefixMask(len)) >>> 0, len };
}

function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const len = Math.min(a.len, b.len);
  const m = prefixMask(len);
  return ((a.base & m) >>> 0) === ((b.base & m) >>> 0);
}

// ---------------------------------------------------------------------------------------------
// `ip -j` output shapes (only the fields we read)

interface IpAddrInfo {
  family?: string;
  local?: string;
  prefixlen?: number;
}
interface IpLink {
  ifname?: string;
  addr_info?: IpAddrInfo[];
}
interface IpRoute {
  dst?: string;
  dev?: string;
}

function parseJsonArray<T>(text: string): T[] {
  if (text.trim() === '') return [];
  const v: unknown = JSON.parse(text);
  return Array.isArray(v) ? (v as T[]) : [];
}

// ---------------------------------------------------------------------------------------------

export class HostNetwork {
  readonly name: string;
  readonly subnet: string;
  /** Bridge name in the root namespace, e.g. 'br-lin'. */
  readonly bridge: string;
  /** Bridge (gateway) address, subnet .1. */
  readonly bridgeIp: string;
  /** Name of the root-namespace nftables table that owns the forward rules. */
  readonly fwdTable: string;
  private readonly prefixLen: number;
  private readonly hosts: ReadonlyMap<string, string>;
  /** host -> set of peer IPs whose traffic is currently dropped in that host's namespace. */
  private readonly blocked = new Map<string, Set<string>>();
  private destroyed = false;
  /**
   * Diagnostics: foreign nftables chains ('family table chain') on the root namespace's forward
   * hook with policy drop, found at create() time while br_netfilter sends bridged traffic through
   * that hook. Non-empty means host<->host traffic may be dropped by someone else's firewall
   * (our accept rule cannot override a drop in another base chain). A warning is emitted too.
   */
  forwardDropChains: string[] = [];

  private constructor(opts: HostNetworkOptions, prefixLen: number) {
    this.name = opts.name;
    this.subnet = opts.subnet;
    this.bridge = `br-${opts.name}`;
    this.prefixLen = prefixLen;
    this.bridgeIp = formatIPv4(parseCidr(opts.subnet).base + 1);
    this.fwdTable = `${opts.name}-fwd`;
    this.hosts = new Map(opts.hosts.map((h) => [h.name, h.ip]));
  }

  /** Create bridge, namespaces, veths and forward rules. Removes same-named leftovers first. */
  static async create(opts: HostNetworkOptions): Promise<HostNetwork> {
    const cidr = HostNetwork.validate(opts);
    await requireRoot();
    const net = new HostNetwork(opts, cidr.len);
    await net.removeLeftovers();
    await net.assertSubnetFree(cidr);
    net.forwardDropChains = await net.findForeignForwardDrops();
    if (net.forwardDropChains.length > 0) {
      process.emitWarning(
        `HostNetwork '${net.name}': net.bridge.bridge-nf-call-iptables=1 and forward chain(s) with policy drop exist ` +
          `(${net.forwardDropChains.join(', ')}). Bridged host<->host traffic crosses them; our accept in ` +
          `'inet ${net.fwdTable}' cannot override a drop elsewhere. If hosts cannot reach each other, accept ` +
          `'${net.bridge}' in that firewall (e.g. Docker's DOCKER-USER chain) or set bridge-nf-call-iptables=0.`,
      );
    }
    try {
      await net.setUp();
    } catch (err) {
      await net.destroy().catch(() => undefined);
      throw err;
    }
    return net;
  }

  /**
   * The network as an earlier create() left it (another process, e.g. an earlier meshctl run),
   * or undefined when the bridge or a host's namespace is missing.
   */
  static async open(opts: HostNetworkOptions): Promise<HostNetwork | undefined> {
    const cidr = HostNetwork.validate(opts);
    const net = new HostNetwork(opts, cidr.len);
    const bridge = await run('ip', ['-j', 'link', 'show', net.bridge], { timeoutMs: CMD_TIMEOUT_MS });
    if (bridge.exitCode !== 0) return undefined;
    const present = await listNetns();
    return net.hostNames().every((h) => present.includes(net.nsName(h))) ? net : undefined;
  }

  /**
   * Remove everything a network with these options would have created (namespaces and the
   * processes inside them, veths, bridge, forward table) without creating anything. Safe to call
   * when nothing exists; useful in afterAll hooks as a last resort.
   */
  static async removeLeftovers(opts: HostNetworkOptions): Promise<void> {
    const cidr = HostNetwork.validate(opts);
    await new HostNetwork(opts, cidr.len).removeLeftovers();
  }

  private static validate(opts: HostNetworkOptions): Cidr {
    if (!NAME_RE.test(opts.name)) {
      throw new Error(`HostNetwork name must match ${NAME_RE} (got '${opts.name}')`);
    }
    const cidr = parseCidr(opts.subnet);
    if (cidr.len !== 24) throw new Error(`subnet must be an IPv4 /24 (got '${opts.subnet}')`);
    if (`br-${opts.name}`.length > IFNAMSIZ) {
      throw new Error(`HostNetwork name '${opts.name}' too long: 'br-${opts.name}' exceeds ${IFNAMSIZ} chars`);
    }
    if (opts.hosts.length === 0) throw new Error('at least one host is required');
    const names = new Set<string>();
    const ips = new Set<string>();
    const gateway = formatIPv4(cidr.base + 1);
    for (const h of opts.hosts) {
      if (!NAME_RE.test(h.name)) throw new Error(`host name must match ${NAME_RE} (got '${h.name}')`);
      const veth = HostNetwork.vethName(opts.name, h.name);
      if (veth.length > IFNAMSIZ) {
        throw new Error(`interface name '${veth}' exceeds ${IFNAMSIZ} chars; shorten network or host name`);
      }
      if (names.has(h.name)) throw new Error(`duplicate host name '${h.name}'`);
      names.add(h.name);
      const addr = parseIPv4(h.ip);
      const host = addr - cidr.base;
      if (((addr & prefixMask(24)) >>> 0) !== cidr.base || host <= 1 || host >= 255) {
        throw new Error(`host ${h.name} ip ${h.ip} must be inside ${opts.subnet}, not .0/.1/.255`);
      }
      if (h.ip === gateway || ips.has(h.ip)) throw new Error(`duplicate or reserved ip ${h.ip}`);
      ips.add(h.ip);
    }
    return cidr;
  }

  private static vethName(net: string, host: string): string {
    return `ve-${net}-${host}`;
  }

  // -- accessors -------------------------------------------------------------------------------

  hostNames(): string[] {
    return [...this.hosts.keys()];
  }

  nsName(host: string): string {
    this.hostIp(host);
    return `${this.name}-${host}`;
  }

  ip(host: string): string {
    return this.hostIp(host);
  }

  /** argv to prefix a command so it runs inside the host's namespace: ['ip','netns','exec',ns]. */
  execPrefix(host: string): string[] {
    return ['ip', 'netns', 'exec', this.nsName(host)];
  }

  /** Run argv inside the host's namespace. Never throws on non-zero exit; see exitCode. */
  async exec(host: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec: empty argv');
    const [file, ...args] = [...this.execPrefix(host), ...argv] as [string, ...string[]];
    return run(file, args, opts);
  }

  // -- fault injection -------------------------------------------------------------------------

  /**
   * Drop all traffic between `host` and every other host (rules in the host's own namespace,
   * input and output). The root namespace (bridge IP) stays reachable unless `fromRoot` is set.
   */
  async isolate(host: string, opts: { fromRoot?: boolean } = {}): Promise<void> {
    this.assertLive();
    const peers = this.hostNames().filter((h) => h !== host);
    const ips = peers.map((h) => this.hostIp(h));
    if (opts.fromRoot === true) ips.push(this.bridgeIp);
    this.addBlocks(host, ips);
    await this.applyRules(host);
  }

  /** Drop traffic between groups of hosts, e.g. [['h1'], ['h2','h3']]. Hosts not listed are unaffected. */
  async partition(groups: string[][]): Promise<void> {
    this.assertLive();
    const seen = new Set<string>();
    for (const g of groups) {
      for (const h of g) {
        this.hostIp(h);
        if (seen.has(h)) throw new Error(`partition: host '${h}' appears in more than one group`);
        seen.add(h);
      }
    }
    const touched: string[] = [];
    groups.forEach((group, i) => {
      const others = groups.filter((_, j) => j !== i).flat();
      for (const h of group) {
        if (others.length === 0) continue;
        this.addBlocks(
          h,
          others.map((o) => this.hostIp(o)),
        );
        touched.push(h);
      }
    });
    await Promise.all(touched.map((h) => this.applyRules(h)));
  }

  /** Remove the drop rules of one host (its own namespace only), or of all hosts. */
  async heal(host?: string): Promise<void> {
    if (host !== undefined) this.hostIp(host);
    const targets = host === undefined ? this.hostNames() : [host];
    await Promise.all(
      targets.map(async (h) => {
        this.blocked.delete(h);
        if (!this.destroyed) await this.applyRules(h);
      }),
    );
  }

  /** SIGKILL every process in the host's namespace (the host loses power); returns their pids. */
  killProcesses(host: string): Promise<number[]> {
    return killNetnsProcesses(this.nsName(host));
  }

  /** Take the host's cable out (or put it back): its bridge port goes down or up. */
  async setLinkUp(host: string, up: boolean): Promise<void> {
    this.hostIp(host);
    await must('ip', ['link', 'set', HostNetwork.vethName(this.name, host), up ? 'up' : 'down']);
  }

  // -- teardown --------------------------------------------------------------------------------

  /** Remove namespaces (killing processes left in them), veths, bridge and the forward table. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.blocked.clear();
    await this.removeLeftovers();
  }

  // -- internals -------------------------------------------------------------------------------

  private hostIp(host: string): string {
    const ip = this.hosts.get(host);
    if (ip === undefined) throw new Error(`unknown host '${host}' in network '${this.name}'`);
    return ip;
  }

  private assertLive(): void {
    if (this.destroyed) throw new Error(`HostNetwork '${this.name}' was destroyed`);
  }

  private addBlocks(host: string, ips: string[]): void {
    let set = this.blocked.get(host);
    if (set === undefined) {
      set = new Set();
      this.blocked.set(host, set);
    }
    for (const ip of ips) set.add(ip);
  }

  /** Atomically (re)write the host's `table inet partition` from this.blocked. */
  private async applyRules(host: string): Promise<void> {
    const ns = this.nsName(host);
    const ips = [...(this.blocked.get(host) ?? [])];
    const lines = [
      // "add" is a no-op if it exists, so the following delete never fails; the whole file is one transaction.
      `add table inet ${PARTITION_TABLE}`,
      `delete table inet ${PARTITION_TABLE}`,
    ];
    if (ips.length > 0) {
      const set = `{ ${ips.join(', ')} }`;
      lines.push(
        `table inet ${PARTITION_TABLE} {`,
        `  chain input {`,
        `    type filter hook input priority filter; policy accept;`,
        `    ip saddr ${set} drop`,
        `  }`,
        `  chain output {`,
        `    type filter hook output priority filter; policy accept;`,
        `    ip daddr ${set} drop`,
        `  }`,
        `}`,
      );
    }
    await must('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], lines.join('\n') + '\n');
  }

  private async setUp(): Promise<void> {
    const br = this.bridge;
    await must('ip', ['link', 'add', br, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    await writeSysctl(`/proc/sys/net/ipv6/conf/${br}/disable_ipv6`, '1');
    await must('ip', ['addr', 'add', `${this.bridgeIp}/${this.prefixLen}`, 'dev', br]);
    await must('ip', ['link', 'set', br, 'up']);
    await this.installForwardRules();

    await Promise.all(this.hostNames().map((h) => this.setUpHost(h)));
  }

  private async setUpHost(host: string): Promise<void> {
    const ns = this.nsName(host);
    const veth = HostNetwork.vethName(this.name, host);
    const inNs = (...args: string[]): Promise<string> => must('ip', ['-n', ns, ...args]);
    await must('ip', ['netns', 'add', ns]);
    // No IPv6 chatter (DAD/RS/MLD) inside the host namespace; this module is IPv4-only.
    await must('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    await inNs('link', 'set', 'lo', 'up');
    // Create the pair with its peer directly inside the namespace (no window with a stray eth0 in root).
    await must('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await writeSysctl(`/proc/sys/net/ipv6/conf/${veth}/disable_ipv6`, '1');
    await must('ip', ['link', 'set', veth, 'master', this.bridge]);
    await must('ip', ['link', 'set', veth, 'up']);
    await inNs('addr', 'add', `${this.hostIp(host)}/${this.prefixLen}`, 'dev', 'eth0');
    await inNs('link', 'set', 'eth0', 'up');
    await inNs('route', 'add', 'default', 'via', this.bridgeIp, 'dev', 'eth0');
  }

  /**
   * Root-namespace forward rules for our bridge. Bridged traffic only hits the FORWARD hook when
   * br_netfilter is active (net.bridge.bridge-nf-call-iptables=1); the table is installed always
   * because it also guarantees nothing is routed between our bridge and any other interface.
   *
   * Caveat: an nftables `accept` only ends evaluation of *this* base chain. If some other table
   * (e.g. Docker's iptables FORWARD with policy DROP) drops the packet later on the same hook, it
   * is still dropped (verified on this kernel); then hosts cannot reach each other and the box's
   * firewall has to be adjusted (or bridge-nf-call-iptables set to 0). create() detects nftables-
   * visible cases (see forwardDropChains); iptables-legacy rules are invisible to `nft`.
   */
  private async installForwardRules(): Promise<void> {
    const br = this.bridge;
    const t = this.fwdTable;
    const script = [
      `add table inet ${t}`,
      `delete table inet ${t}`,
      `table inet ${t} {`,
      `  chain forward {`,
      `    type filter hook forward priority filter - 1; policy accept;`,
      `    iifname "${br}" oifname "${br}" accept`,
      `    iifname "${br}" drop`,
      `    oifname "${br}" drop`,
      `  }`,
      `}`,
    ].join('\n');
    await must('nft', ['-f', '-'], script + '\n');
  }

  /** Foreign forward-hook chains with policy drop, if br_netfilter routes bridged traffic through them. */
  private async findForeignForwardDrops(): Promise<string[]> {
    let callIptables: string;
    try {
      callIptables = (await readFile('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8')).trim();
    } catch {
      return []; // br_netfilter not loaded: bridged frames never reach the IP hooks
    }
    if (callIptables !== '1') return [];
    const r = await run('nft', ['-j', 'list', 'chains'], { timeoutMs: CMD_TIMEOUT_MS });
    if (r.exitCode !== 0) return [];
    interface NftChain {
      family?: string;
      table?: string;
      name?: string;
      hook?: string;
      policy?: string;
    }
    const parsed = JSON.parse(r.stdout) as { nftables?: { chain?: NftChain }[] };
    return (parsed.nftables ?? [])
      .map((e) => e.chain)
      .filter((c): c is NftChain => c !== undefined)
      .filter((c) => c.hook === 'forward' && c.policy === 'drop' && (c.family === 'ip' || c.family === 'inet'))
      .filter((c) => !(c.family === 'inet' && c.table === this.fwdTable))
      .map((c) => `${c.family ?? '?'} ${c.table ?? '?'} ${c.name ?? '?'}`);
  }

  /** Fail clearly if an interface/route that is not ours already covers the subnet. */
  private async assertSubnetFree(cidr: Cidr): Promise<void> {
    const links = parseJsonArray<IpLink>(await must('ip', ['-j', '-4', 'addr', 'show']));
    for (const l of links) {
      for (const a of l.addr_info ?? []) {
        if (a.local === undefined || a.prefixlen === undefined) continue;
        if (cidrsOverlap(cidr, parseCidr(`${a.local}/${a.prefixlen}`))) {
          throw new Error(
            `subnet ${this.subnet} is already in use in the root namespace: ` +
              `${a.local}/${a.prefixlen} on '${l.ifname ?? '?'}' (not created by HostNetwork '${this.name}'); pick another subnet`,
          );
        }
      }
    }
    const routes = parseJsonArray<IpRoute>(await must('ip', ['-j', '-4', 'route', 'show', 'table', 'all']));
    for (const r of routes) {
      if (r.dst === undefined || r.dst === 'default') continue;
      let dst: Cidr;
      try {
        dst = parseCidr(r.dst);
      } catch {
        continue; // e.g. multicast/broadcast keywords
      }
      // Broad covering routes (e.g. a /8 via some gateway) are fine; only routes at least as
      // specific as the /24 would steal traffic from our bridge.
      if (dst.len >= cidr.len && cidrsOverlap(cidr, dst)) {
        throw new Error(
          `subnet ${this.subnet} is already routed in the root namespace: '${r.dst}' dev ${r.dev ?? '?'} ` +
            `(not created by HostNetwork '${this.name}'); pick another subnet`,
        );
      }
    }
  }

  /** Remove everything this network would create, whether from this or an earlier crashed run. */
  private async removeLeftovers(): Promise<void> {
    const nsList = await listNetns();
    await Promise.all(
      this.hostNames().map(async (h) => {
        const ns = `${this.name}-${h}`;
        if (nsList.includes(ns)) {
          await killNetnsProcesses(ns);
          await tryRun('ip', ['netns', 'del', ns]);
        }
        // A veth whose peer never reached the namespace (or whose namespace is held open).
        await tryRun('ip', ['link', 'del', HostNetwork.vethName(this.name, h)]);
      }),
    );
    await tryRun('ip', ['link', 'del', this.bridge]);
    await tryRun('nft', ['delete', 'table', 'inet', this.fwdTable]);
  }
}

async function writeSysctl(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch {
    // IPv6 may be disabled entirely (no /proc/sys/net/ipv6); nothing to do then.
  }
}

async function listNetns(): Promise<string[]> {
  const out = await must('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}

/** SIGKILL processes still running inside a namespace of ours, so deleting it really frees it. Returns their pids. */
async function killNetnsProcesses(ns: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', ns], { timeoutMs: CMD_TIMEOUT_MS });
  if (r.exitCode !== 0) return [];
  const pids = r.stdout
    .split(/\s+/)
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((n) => n !== process.pid);
  for (const n of pids) {
    try {
      process.kill(n, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}
