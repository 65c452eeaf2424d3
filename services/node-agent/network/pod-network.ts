// The node's pod network, as the CNI bridge plugin with host-local IPAM builds it: a bridge
// holding the pod CIDR's first address as the pods' gateway, and per sandbox a veth pair whose
// host end is a bridge port and whose other end, inside the sandbox's network namespace, carries
// the pod IP and a default route via the gateway.
//
// setUp is CNI ADD and tearDown CNI DEL, with their idempotency: ADD repeated for a container
// (after an agent restart) returns the IP it holds and repairs what is missing; DEL of something
// already gone succeeds. reconcile is the garbage collection of a restarted agent.
import { join } from 'node:path';
import { IpCommandError, InvalidArgumentError, BridgeConflictError } from './errors.js';
import { HostLocalIpam } from './host-local-ipam.js';
import type { BridgeSpec, VethSpec } from './ip-commands.js';
import {
  assertIfName,
  assertNetnsPath,
  attachVethLines,
  createBridgeLines,
  createVethLines,
  deleteLinkLine,
  fixBridgeLines,
  podInterfaceLines,
} from './ip-commands.js';
import type { IpLinkJson } from './ip-json.js';
import { ipv4Addresses, isUp, jsonArray } from './ip-json.js';
import type { IpBatchOptions, IpRunner, IpTarget } from './ip-runner.js';
import { isExistsError, isNotFoundError } from './ip-runner.js';
import { formatIpv4, macForIpv4, parseIpv4 } from './ipv4.js';
import { KeyedMutex } from '../../../lib/keyed-mutex.js';
import { hostVethName, isHostVethName } from './veth-name.js';

export const DEFAULT_BRIDGE_NAME = 'cni0';
export const DEFAULT_IF_NAME = 'eth0';
/** host-local's default data directory; the network's name is appended (one directory per network). */
export const DEFAULT_IPAM_DATA_DIR = '/var/lib/cni/networks';
export const DEFAULT_NETWORK_NAME = 'cbr0';

export interface PodNetworkOptions {
  /** node.spec.podCIDR, e.g. '10.244.1.0/24'. */
  podCIDR: string;
  /** Runs the `ip` commands; its host namespace is the node's. */
  runner: IpRunner;
  /**
   * Directory of the host-local allocation files. Default `/var/lib/cni/networks/cbr0`; several
   * agents on one machine (local mode) each need their own.
   */
  stateDir?: string;
  /** Bridge name, default 'cni0'. */
  bridge?: string;
}

/** What setUp wired: the CNI result's interesting part. */
export interface PodInterface {
  ip: string;
  prefixLength: number;
  gateway: string;
  hostVeth: string;
  /** MAC of the pod-side interface. */
  mac: string;
}

export interface ReconcileResult {
  /** IPs whose allocation was released because its container is not live. */
  released: string[];
  /** Host veths deleted because their container is not live. */
  removedLinks: string[];
}

export class PodNetwork {
  readonly bridge: string;
  readonly podCIDR: string;
  readonly gateway: string;
  readonly prefixLength: number;
  readonly stateDir: string;
  private readonly runner: IpRunner;
  private readonly ipam: HostLocalIpam;
  private readonly locks = new KeyedMutex();
  /** ensureBridge succeeded once in this instance (setUp makes sure of it, as CNI ADD does). */
  private bridgeReady = false;

  constructor(opts: PodNetworkOptions) {
    this.bridge = opts.bridge ?? DEFAULT_BRIDGE_NAME;
    assertIfName(this.bridge);
    this.stateDir = opts.stateDir ?? join(DEFAULT_IPAM_DATA_DIR, DEFAULT_NETWORK_NAME);
    this.ipam = new HostLocalIpam(this.stateDir, opts.podCIDR);
    this.podCIDR = `${formatIpv4(this.ipam.cidr.base)}/${this.ipam.cidr.prefixLength}`;
    this.gateway = formatIpv4(this.ipam.range.gateway);
    this.prefixLength = this.ipam.cidr.prefixLength;
    this.runner = opts.runner;
  }

  /**
   * Make the bridge exist with the gateway address (and no other IPv4 address), a MAC derived
   * from it, promiscuous mode off, up; and IPv4 forwarding on in the node's namespace.
   */
  async ensureBridge(): Promise<void> {
    const spec: BridgeSpec = {
      name: this.bridge,
      address: `${this.gateway}/${this.prefixLength}`,
      mac: macForIpv4(this.ipam.range.gateway),
    };
    const found = await this.runner.query(['-d', 'addr', 'show', 'dev', this.bridge]);
    if (!found.ok && !isNotFoundError(found.stderr)) {
      throw new IpCommandError(`ip -j -d addr show dev ${this.bridge}`, found.stderr, found.exitCode);
    }
    const link = found.ok ? jsonArray<IpLinkJson>(found.value)[0] : undefined;
    if (link === undefined) {
      const created = await this.runner.batch(createBridgeLines(spec));
      // Lost a race with another ensureBridge: fall through to fixing what is there.
      if (!created.ok && !(created.failedLine === 1 && isExistsError(created.stderr))) {
        throw batchError('ensureBridge', createBridgeLines(spec), created);
      }
      if (!created.ok) return this.ensureBridge();
    } else {
      const kind = link.linkinfo?.info_kind ?? '';
      if (kind !== 'bridge') throw new BridgeConflictError(this.bridge, kind);
      const lines = fixBridgeLines(spec, {
        addresses: ipv4Addresses(link),
        mac: link.address ?? '',
        up: isUp(link),
        promisc: (link.flags ?? []).includes('PROMISC'),
      });
      await this.mustBatch('ensureBridge', lines);
    }
    await this.runner.setSysctl('net.ipv4.ip_forward', '1');
    this.bridgeReady = true;
  }

  /**
   * CNI ADD: allocate the container's IP and wire its namespace to the bridge. Repeated for the
   * same container, returns the same IP and restores what is missing. On failure everything this
   * call did is undone and the IP released.
   */
  setUp(containerId: string, netnsPath: string, ifName: string = DEFAULT_IF_NAME): Promise<PodInterface> {
    assertContainerId(containerId);
    assertNetnsPath(netnsPath);
    assertIfName(ifName);
    return this.locks.run(containerId, async () => {
      if (!this.bridgeReady) await this.ensureBridge();
      const { ip } = await this.ipam.allocate(containerId, ifName);
      const hostVeth = hostVethName(containerId);
      const veth: VethSpec = { hostVeth, bridge: this.bridge, netnsPath, ifName, mac: macForIpv4(parseIpv4(ip)) };
      try {
        const mac = await this.wire(veth, `${ip}/${this.prefixLength}`);
        return { ip, prefixLength: this.prefixLength, gateway: this.gateway, hostVeth, mac };
      } catch (err) {
        this.bridgeReady = false; // the bridge may be what went missing: check it again next time
        await this.runner.batch([deleteLinkLine(hostVeth)]).catch(() => undefined);
        await this.ipam.release(containerId);
        throw err;
      }
    });
  }

  /**
   * CNI DEL: delete the container's veth pair and release its IP. Things already gone are fine;
   * without the veth and with `netnsPath` given, the pod-side interface is deleted there instead.
   */
  tearDown(containerId: string, netnsPath?: string): Promise<void> {
    assertContainerId(containerId);
    if (netnsPath !== undefined) assertNetnsPath(netnsPath);
    return this.locks.run(containerId, async () => {
      const hostVeth = hostVethName(containerId);
      const del = await this.runner.batch([deleteLinkLine(hostVeth)]);
      if (!del.ok && !isNotFoundError(del.stderr)) throw batchError('tearDown', [deleteLinkLine(hostVeth)], del);
      if (!del.ok && netnsPath !== undefined && (await this.runner.netnsExists(netnsPath))) {
        const ifNames = new Set((await this.ipam.find(containerId)).map((a) => a.ifName || DEFAULT_IF_NAME));
        // Best effort: the pair may be gone with the namespace, or the interface never made.
        await this.runner.batch([...ifNames].map(deleteLinkLine), { netnsPath, force: true });
      }
      await this.ipam.release(containerId);
    });
  }

  /** The IP allocated to the container, from disk. */
  async ipOf(containerId: string): Promise<string | undefined> {
    return (await this.ipam.find(containerId))[0]?.ip;
  }

  /**
   * Garbage collection after a restart: release the allocations and delete the host veths (ports
   * of our bridge named like ours) of containers not in `live`. Containers with a setUp/tearDown
   * in progress are left alone; `live` must include sandboxes being created concurrently.
   */
  async reconcile(live: ReadonlySet<string>): Promise<ReconcileResult> {
    const keep = (id: string): boolean => live.has(id) || this.locks.busy(id);
    const released: string[] = [];
    for (const a of await this.ipam.list()) {
      if (keep(a.containerId)) continue;
      released.push(...(await this.locks.run(a.containerId, () => this.ipam.release(a.containerId))));
    }
    await this.ipam.removeTempFiles();

    const keepLinks = new Set<string>();
    for (const id of live) keepLinks.add(hostVethName(id));
    const ports = await this.runner.query(['link', 'show', 'master', this.bridge]);
    if (!ports.ok) {
      if (isNotFoundError(ports.stderr)) return { released, removedLinks: [] };
      throw new IpCommandError(`ip -j link show master ${this.bridge}`, ports.stderr, ports.exitCode);
    }
    const stale = jsonArray<IpLinkJson>(ports.value)
      .map((l) => l.ifname ?? '')
      .filter((n) => isHostVethName(n) && !keepLinks.has(n) && !this.busyVeth(n));
    if (stale.length > 0) await this.runner.batch(stale.map(deleteLinkLine), { force: true });
    return { released, removedLinks: stale };
  }

  // -- internals -------------------------------------------------------------------------------

  /** Host veths of containers with an operation in progress. */
  private busyVeth(name: string): boolean {
    return this.locks.keys().some((id) => hostVethName(id) === name);
  }

  /** Create (or repair) the pair and configure the pod side; returns the pod interface's MAC. */
  private async wire(veth: VethSpec, address: string): Promise<string> {
    const created = await this.runner.batch(createVethLines(veth));
    let mac = veth.mac;
    let flush = false;
    if (!created.ok) {
      if (created.failedLine !== 1 || !isExistsError(created.stderr)) throw batchError('setUp', createVethLines(veth), created);
      ({ mac, flush } = await this.repair(veth, address));
    }
    const podLines = podInterfaceLines({ ifName: veth.ifName, address, gateway: this.gateway, flush });
    await this.mustBatch('setUp', podLines, { netnsPath: veth.netnsPath });
    return mac;
  }

  /**
   * The pair (or something named like one end) exists. If it is our pair — the pod interface is
   * the host veth's peer — re-attach the host end and report whether the pod side holds stale
   * addresses. Otherwise delete both names and create the pair afresh.
   */
  private async repair(veth: VethSpec, address: string): Promise<{ mac: string; flush: boolean }> {
    const host = await this.link(veth.hostVeth, {});
    const pod = await this.link(veth.ifName, { netnsPath: veth.netnsPath });
    const paired =
      host !== undefined &&
      pod !== undefined &&
      pod.linkinfo?.info_kind === 'veth' &&
      pod.link_index === host.ifindex &&
      host.link_index === pod.ifindex;
    if (paired) {
      await this.mustBatch('setUp', attachVethLines(veth));
      const addrs = ipv4Addresses(pod);
      return { mac: pod.address ?? veth.mac, flush: addrs.some((a) => a !== address) };
    }
    if (host !== undefined) await this.mustBatch('setUp', [deleteLinkLine(veth.hostVeth)]);
    if (pod !== undefined) await this.mustBatch('setUp', [deleteLinkLine(veth.ifName)], { netnsPath: veth.netnsPath });
    await this.mustBatch('setUp', createVethLines(veth));
    return { mac: veth.mac, flush: false };
  }

  /** `ip -j -d addr show dev <name>`; undefined if there is no such device. */
  private async link(name: string, target: IpTarget): Promise<IpLinkJson | undefined> {
    const r = await this.runner.query(['-d', 'addr', 'show', 'dev', name], target);
    if (r.ok) return jsonArray<IpLinkJson>(r.value)[0];
    if (isNotFoundError(r.stderr) && !/network namespace/.test(r.stderr)) return undefined;
    throw new IpCommandError(`ip -j -d addr show dev ${name}`, r.stderr, r.exitCode);
  }

  private async mustBatch(op: string, lines: string[], opts: IpBatchOptions = {}): Promise<void> {
    const r = await this.runner.batch(lines, opts);
    if (!r.ok) throw batchError(op, lines, r);
  }
}

function batchError(op: string, lines: readonly string[], r: { exitCode: number; stderr: string; failedLine?: number }): IpCommandError {
  const line = r.failedLine === undefined ? undefined : lines[r.failedLine - 1];
  return new IpCommandError(`${op}: ip -batch`, r.stderr, r.exitCode, line);
}

function assertContainerId(id: string): void {
  if (id === '' || /[\r\n]/.test(id)) throw new InvalidArgumentError(`invalid container id ${JSON.stringify(id)}`);
}
