// kube-controller-manager's node IPAM with the range allocator: every Node gets spec.podCIDR
// (and spec.podCIDRs), the next free node-sized block of the cluster CIDR. Before handing out
// anything the allocator marks the blocks Nodes already hold, so a restart never gives a block
// twice; a deleted Node's block goes back to the pool. A Node's podCIDR is never changed once set.
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import type { Cidr } from './cidr.js';
import { formatCidr, overlaps, parseCidr } from './cidr.js';
import { CidrSet } from './cidr-set.js';

export interface NodeIpamControllerOptions {
  /** --cluster-cidr: one CIDR, or an IPv4 and an IPv6 one separated by a comma (default 10.244.0.0/16). */
  clusterCIDR?: string;
  /** --node-cidr-mask-size-ipv4 (or --node-cidr-mask-size): default 24. */
  nodeCIDRMaskSize?: number;
  /** --node-cidr-mask-size-ipv6: default 64. */
  nodeCIDRMaskSizeIPv6?: number;
  /** --service-cluster-ip-range: blocks overlapping it are never handed out. */
  serviceCIDR?: string;
}

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
/** cidrUpdateRetries: patch attempts before giving a Node's blocks back. */
const CIDR_UPDATE_RETRIES = 3;

/** The podCIDRs a Node holds: spec.podCIDRs, or spec.podCIDR alone. */
export function nodePodCIDRs(node: KubeObject): string[] {
  const spec = isRecord(node.spec) ? node.spec : {};
  const list = Array.isArray(spec.podCIDRs) ? spec.podCIDRs.filter((c): c is string => typeof c === 'string' && c !== '') : [];
  if (list.length > 0) return list;
  return typeof spec.podCIDR === 'string' && spec.podCIDR !== '' ? [spec.podCIDR] : [];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class NodeIpamController implements Controller {
  readonly name = 'node-ipam-controller';
  readonly queue: WorkQueue;
  private readonly nodes: Informer;
  private readonly cidrSets: CidrSet[];
  /** Blocks patched onto a Node whose update the cache has not shown yet, by node name. */
  private readonly assigned = new Map<string, { uid: string; cidrs: Cidr[] }>();
  /** Uids of Nodes being deleted whose blocks are already back in the pool (released once only). */
  private readonly released = new Set<string>();

  constructor(
    private readonly deps: ControllerDeps,
    options: NodeIpamControllerOptions = {},
  ) {
    const clusterCidrs = (options.clusterCIDR ?? DEFAULT_CLUSTER_CIDR).split(',').map((s) => parseCidr(s.trim()));
    this.cidrSets = clusterCidrs.map((c) => new CidrSet(c, c.family === 4 ? (options.nodeCIDRMaskSize ?? 24) : (options.nodeCIDRMaskSizeIPv6 ?? 64)));
    if (options.serviceCIDR !== undefined && options.serviceCIDR !== '') {
      const service = parseCidr(options.serviceCIDR);
      for (const set of this.cidrSets) if (overlaps(set.clusterCidr, service)) set.occupy(service);
    }
    this.queue = new WorkQueue({ clock: deps.clock });
    this.nodes = deps.informers.for(Resources.nodes);
    this.occupyExisting();
    this.nodes.addEventHandler({
      onAdd: (node) => this.queue.add(node.metadata.name ?? ''),
      onUpdate: (_old, node) => this.queue.add(node.metadata.name ?? ''),
      onDelete: (node) => {
        // Nodes have no finalizer: the final state seen here is the last chance to free its blocks.
        this.release(node);
        this.released.delete(node.metadata.uid ?? '');
        this.queue.add(node.metadata.name ?? '');
      },
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await this.nodes.waitForSync(signal);
    if (signal.aborted) return;
    // Everything Nodes already hold is marked before the first allocation.
    this.occupyExisting();
    await runWorkers(this.name, this.queue, (key) => this.sync(key), workers, signal, this.deps.log);
  }

  /** syncNode: key is the Node's name. */
  async sync(key: string): Promise<void> {
    const node = this.nodes.cache.getByName('', key);
    if (!node) return;
    if (node.metadata.deletionTimestamp !== undefined) {
      this.release(node);
      return;
    }
    if (nodePodCIDRs(node).length > 0) {
      this.assigned.delete(key);
      this.occupy(node);
      return;
    }
    const pending = this.assigned.get(key);
    // Our patch went through; the cache just has not shown it yet.
    if (pending && pending.uid === (node.metadata.uid ?? '')) return;

    const allocated: Cidr[] = [];
    for (const [idx, set] of this.cidrSets.entries()) {
      try {
        allocated.push(set.allocateNext());
      } catch (err) {
        allocated.forEach((c, i) => this.cidrSets[i]?.release(c));
        this.recordNodeStatusChange(node, 'CIDRNotAvailable');
        throw new Error(`failed to allocate cidr from cluster cidr at idx:${idx}: ${errorText(err)}`, { cause: err });
      }
    }
    await this.updateCidrsAllocation(node, allocated);
  }

  private async updateCidrsAllocation(node: KubeObject, cidrs: Cidr[]): Promise<void> {
    const name = node.metadata.name ?? '';
    const texts = cidrs.map(formatCidr);
    let lastErr: unknown;
    for (let i = 0; i < CIDR_UPDATE_RETRIES; i++) {
      try {
        await this.deps.client.patch(Resources.nodes, name, { spec: { podCIDR: texts[0], podCIDRs: texts } }, 'strategic');
        this.assigned.set(name, { uid: node.metadata.uid ?? '', cidrs });
        this.deps.log('Set node PodCIDR', { controller: this.name, node: name, podCIDRs: texts });
        return;
      } catch (err) {
        lastErr = err;
      }
    }
    this.recordNodeStatusChange(node, 'CIDRAssignmentFailed');
    // After a timeout the patch may still land: keep the blocks rather than risk giving them twice.
    const timedOut = isApiError(lastErr) && lastErr.reason === 'ServerTimeout';
    if (!timedOut) cidrs.forEach((c, i) => this.cidrSets[i]?.release(c));
    throw new Error(`failed to patch node CIDR: ${errorText(lastErr)}`, { cause: lastErr });
  }

  /** occupyCIDRs for every cached Node (at start, and again once the cache is synced). */
  private occupyExisting(): void {
    for (const node of this.nodes.cache.list()) {
      try {
        this.occupy(node);
      } catch (err) {
        this.deps.log('cannot mark a node CIDR as used', { controller: this.name, node: node.metadata.name, error: errorText(err) });
      }
    }
  }

  private occupy(node: KubeObject): void {
    const cidrs = nodePodCIDRs(node);
    cidrs.forEach((text, idx) => {
      const set = this.cidrSets[idx];
      if (!set) throw new Error(`node:${node.metadata.name ?? ''} has an allocated cidr: ${text} at index:${idx} that does not exist in cluster cidrs configuration`);
      set.occupy(parseCidr(text));
    });
  }

  /** ReleaseCIDR, plus any blocks patched onto the Node that it never showed. */
  private release(node: KubeObject): void {
    const name = node.metadata.name ?? '';
    const uid = node.metadata.uid ?? '';
    // A second release could free a block that meanwhile went to another Node.
    if (this.released.has(uid)) return;
    if (node.metadata.deletionTimestamp !== undefined) this.released.add(uid);
    const held = nodePodCIDRs(node);
    const pending = this.assigned.get(name);
    this.assigned.delete(name);
    const toRelease = held.length > 0 ? held.map((t) => parseCidr(t)) : (pending?.cidrs ?? []);
    toRelease.forEach((cidr, idx) => {
      try {
        this.cidrSets[idx]?.release(cidr);
      } catch (err) {
        this.deps.log('cannot release a node CIDR', { controller: this.name, node: name, cidr: formatCidr(cidr), error: errorText(err) });
      }
    });
  }

  /** nodeutil.RecordNodeStatusChange: an Event on the Node, named by its name. */
  private recordNodeStatusChange(node: KubeObject, status: string): void {
    const name = node.metadata.name ?? '';
    const ref: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
    this.deps.recorder.event(ref, 'Warning', status, `Node ${name} status is now: ${status}`);
  }
}
