// ClientIP affinity entries are written by the packet path (dynamic map `affinity`); when an
// endpoint goes away its entries would keep sending clients to it until they time out. kube-proxy
// deletes the per-endpoint affinity set with the endpoint; the equivalent here is deleting the
// map's entries that point to an endpoint the service no longer has. Pure.
import { isRecord } from '../../../lib/api/object.js';
import type { ProgrammedPort } from './ruleset.js';

export interface AffinityEntry {
  client: string;
  daddr: string;
  protocol: string;
  dport: number;
  endpointIP: string;
  endpointPort: number;
}

/** The entries of `nft -j list map ... affinity`. */
export function parseAffinityEntries(json: unknown): AffinityEntry[] {
  const out: AffinityEntry[] = [];
  const items = isRecord(json) && Array.isArray(json.nftables) ? (json.nftables as unknown[]) : [];
  for (const item of items) {
    if (!isRecord(item) || !isRecord(item.map) || !Array.isArray(item.map.elem)) continue;
    for (const el of item.map.elem as unknown[]) {
      if (!Array.isArray(el)) continue;
      const [k, v] = el as [unknown, unknown];
      const key = isRecord(k) && isRecord(k.elem) ? k.elem.val : k; // {elem: {val, timeout, expires}} when timeouts apply
      const kc = isRecord(key) && Array.isArray(key.concat) ? (key.concat as unknown[]) : undefined;
      const vc = isRecord(v) && Array.isArray(v.concat) ? (v.concat as unknown[]) : undefined;
      if (kc?.length !== 4 || vc?.length !== 2) continue;
      out.push({
        client: String(kc[0]),
        daddr: String(kc[1]),
        protocol: String(kc[2]),
        dport: Number(kc[3]),
        endpointIP: String(vc[0]),
        endpointPort: Number(vc[1]),
      });
    }
  }
  return out;
}

/** Entries whose service port has no affinity any more, or no longer has that endpoint. */
export function staleAffinityEntries(entries: readonly AffinityEntry[], ports: Iterable<ProgrammedPort>): AffinityEntry[] {
  const byService = new Map<string, ProgrammedPort>();
  const byNodePort = new Map<string, ProgrammedPort>();
  for (const pp of ports) {
    if (pp.port.affinityTimeoutSeconds === undefined) continue;
    byService.set(`${pp.port.clusterIP} ${pp.port.protocol} ${pp.port.port}`, pp);
    if (pp.port.nodePort !== undefined) byNodePort.set(`${pp.port.protocol} ${pp.port.nodePort}`, pp);
  }
  return entries.filter((e) => {
    const pp = byService.get(`${e.daddr} ${e.protocol} ${e.dport}`) ?? byNodePort.get(`${e.protocol} ${e.dport}`);
    return pp === undefined || !pp.slots.some((s) => s.ip === e.endpointIP && s.port === e.endpointPort);
  });
}

export function affinityDeleteScript(table: string, map: string, stale: readonly AffinityEntry[]): string {
  if (stale.length === 0) return '';
  const keys = stale.map((e) => `${e.client} . ${e.daddr} . ${e.protocol} . ${e.dport}`);
  return `delete element ip ${table} ${map} { ${keys.join(', ')} }\n`;
}
