// host-gw (flannel's backend of that name): every node reaches another node's pods by a plain
// route `<their podCIDR> via <their host IP>`, the hosts sharing one L2 network. Our routes carry
// a protocol number of their own, so sync only ever changes or removes routes it made.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { Mutex } from '../../../lib/keyed-mutex.js';
import { IpCommandError } from './errors.js';
import { deleteRouteLine, replaceRouteLine } from './ip-commands.js';
import type { IpRouteJson } from './ip-json.js';
import { jsonArray } from './ip-json.js';
import type { IpRunner } from './ip-runner.js';
import type { HostGwNode, HostGwRoute } from './route-diff.js';
import { desiredRoutes, diffRoutes } from './route-diff.js';

/**
 * The routing protocol number marking host-gw routes (`ip route ... proto 77`). Numbers up to 255
 * not named in /etc/iproute2/rt_protos are free for such use; 77 has no name there.
 */
export const HOST_GW_ROUTE_PROTO = 77;

export interface HostGwSyncResult {
  /** Routes added or changed. */
  replaced: HostGwRoute[];
  /** Destinations whose route was removed. */
  removed: string[];
}

export class HostGwRoutes {
  private readonly proto: number;
  /** sync reads the routes, then writes the difference: two at once could each read before the other wrote. */
  private readonly syncing = new Mutex();

  constructor(
    private readonly runner: IpRunner,
    opts: { proto?: number } = {},
  ) {
    this.proto = opts.proto ?? HOST_GW_ROUTE_PROTO;
    if (!Number.isInteger(this.proto) || this.proto < 1 || this.proto > 255) throw new RangeError(`invalid route protocol ${this.proto}`);
  }

  /** Our routes in the main table, as the kernel has them. */
  async list(): Promise<HostGwRoute[]> {
    const r = await this.runner.query(['-4', 'route', 'show', 'table', 'main', 'proto', String(this.proto)]);
    if (!r.ok) throw new IpCommandError(`ip -j -4 route show proto ${this.proto}`, r.stderr, r.exitCode);
    return jsonArray<IpRouteJson>(r.value)
      .filter((x) => x.dst !== undefined && x.gateway !== undefined)
      .map((x) => ({ dst: x.dst ?? '', gateway: x.gateway ?? '' }));
  }

  /**
   * Make our routes exactly one per other node with a podCIDR (see desiredRoutes): replace what
   * is missing or points elsewhere, delete ours for nodes that are gone. Idempotent; one `ip`
   * process to read and, only when something changes, one to write.
   */
  sync(nodes: readonly HostGwNode[], self: string): Promise<HostGwSyncResult> {
    // One at a time, in call order, so the last call's nodes are what stays. Overlapping, an older
    // node list read before a newer one's write could delete the route that write had just added.
    return this.syncing.run(() => this.syncNow(nodes, self));
  }

  private async syncNow(nodes: readonly HostGwNode[], self: string): Promise<HostGwSyncResult> {
    const diff = diffRoutes(desiredRoutes(nodes, self), await this.list());
    const lines = [
      ...diff.remove.map((dst) => deleteRouteLine(dst, this.proto)),
      ...diff.replace.map((r) => replaceRouteLine(r.dst, r.gateway, this.proto)),
    ];
    const r = await this.runner.batch(lines);
    if (!r.ok) {
      const line = r.failedLine === undefined ? undefined : lines[r.failedLine - 1];
      throw new IpCommandError('HostGwRoutes.sync: ip -batch', r.stderr, r.exitCode, line);
    }
    return { replaced: diff.replace, removed: diff.remove };
  }
}

/**
 * A Node object's host-gw view: spec.podCIDR and the first InternalIP of status.addresses.
 * Empty strings where the node has none (desiredRoutes leaves such nodes out).
 */
export function hostGwNodeOf(node: KubeObject): HostGwNode {
  const spec = isRecord(node.spec) ? node.spec : {};
  const status = isRecord(node.status) ? node.status : {};
  const addresses = Array.isArray(status.addresses) ? status.addresses.filter(isRecord) : [];
  const internal = addresses.find((a) => a.type === 'InternalIP' && typeof a.address === 'string');
  return {
    name: node.metadata.name ?? '',
    podCIDR: typeof spec.podCIDR === 'string' ? spec.podCIDR : '',
    hostIP: typeof internal?.address === 'string' ? internal.address : '',
  };
}
