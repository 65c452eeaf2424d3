// nodeTree: nodes grouped by zone, listed round-robin across zones, so that a cycle that looks
// at only a share of the nodes still sees every zone.
import type { NodeInfo } from '../node-info.js';

export const LabelTopologyZone = 'topology.kubernetes.io/zone';
export const LabelTopologyRegion = 'topology.kubernetes.io/region';
const LabelFailureDomainBetaZone = 'failure-domain.beta.kubernetes.io/zone';
const LabelFailureDomainBetaRegion = 'failure-domain.beta.kubernetes.io/region';

/** utilnode.GetZoneKey: region and zone ('' when the node has neither). */
export function zoneKeyOf(labels: Readonly<Record<string, string>>): string {
  const zone = labels[LabelTopologyZone] ?? labels[LabelFailureDomainBetaZone] ?? '';
  const region = labels[LabelTopologyRegion] ?? labels[LabelFailureDomainBetaRegion] ?? '';
  if (zone === '' && region === '') return '';
  // The NUL keeps "a:b" + "c" apart from "a" + "b:c".
  return `${region}:\x00:${zone}`;
}

export class NodeTree {
  private readonly zones = new Map<string, NodeInfo[]>();
  private readonly zoneOf = new Map<string, string>();
  private listed: NodeInfo[] | undefined;

  get size(): number {
    return this.zoneOf.size;
  }

  has(name: string): boolean {
    return this.zoneOf.has(name);
  }

  /** Adds the node, or moves it when its zone changed. */
  upsert(node: NodeInfo): void {
    const zone = zoneKeyOf(node.labels);
    const current = this.zoneOf.get(node.name);
    if (current === zone) return;
    if (current !== undefined) this.remove(node.name);
    let members = this.zones.get(zone);
    if (!members) this.zones.set(zone, (members = []));
    members.push(node);
    this.zoneOf.set(node.name, zone);
    this.listed = undefined;
  }

  remove(name: string): void {
    const zone = this.zoneOf.get(name);
    if (zone === undefined) return;
    this.zoneOf.delete(name);
    const members = this.zones.get(zone) ?? [];
    const i = members.findIndex((n) => n.name === name);
    if (i >= 0) members.splice(i, 1);
    if (members.length === 0) this.zones.delete(zone);
    this.listed = undefined;
  }

  /** The i-th node of every zone, then the (i+1)-th, and so on. Cached until the tree changes. */
  list(): readonly NodeInfo[] {
    if (this.listed) return this.listed;
    const out: NodeInfo[] = [];
    const zones = [...this.zones.values()];
    for (let i = 0; out.length < this.zoneOf.size; i++) {
      for (const members of zones) {
        const n = members[i];
        if (n) out.push(n);
      }
    }
    this.listed = out;
    return out;
  }
}
