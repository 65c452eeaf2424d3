// Cluster DNS answers computed from Services and EndpointSlices, as CoreDNS's kubernetes
// plugin computes them with `pods insecure` (the Kubernetes DNS-Based Service Discovery spec):
// no sockets, no timers, no wire format; the server around it turns a question into bytes.
//
// Names served, below the cluster domain (default cluster.local):
//   <svc>.<ns>.svc              ClusterIPs; ready endpoint IPs for headless; CNAME for ExternalName
//   <host>.<svc>.<ns>.svc       one endpoint (hostname, or its IP dashed)
//   _<port>._<proto>.<svc>.<ns>.svc and <svc>.<ns>.svc  SRV, with the addresses as additionals
//   <a-b-c-d>.<ns>.pod          A a.b.c.d for any well-formed address (insecure mode)
//   ns.dns, dns-version         the nameserver's addresses; the schema version (TXT)
// and, below in-addr.arpa for addresses in the cluster ranges, PTR for ClusterIPs and
// endpoint IPs. An unknown name is NXDOMAIN, a known name without the asked type NODATA;
// both carry the zone's SOA. Names outside these zones are marked outOfZone.
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer } from 'dns-packet';
import type { KubeObject } from '../../../lib/api/object.js';
import { objectKey } from '../../../lib/controller/resources.js';
import { dashedIp, ipFromDashed, ipv4FromReverse, isSubdomain, joinName, labelsBelow, normalizeName, parseCidrV4, REVERSE_ZONE_V4 } from './dns-name.js';
import type { EndpointAddressView, EndpointSliceView } from './endpoint-slice-view.js';
import { toEndpointSliceView } from './endpoint-slice-view.js';
import type { ServiceView } from './service-view.js';
import { isExternalName, isHeadless, toServiceView } from './service-view.js';

/** DNS response codes by name (RFC 1035 4.1.1, RFC 6891 for BADVERS). */
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;
export type RcodeName = keyof typeof Rcode;

export interface DnsQuestion {
  name: string;
  /** A record type name as dns-packet spells it ("A", "SRV", "UNKNOWN_65"...). */
  type: string;
  class?: string;
}

export interface ResolveResult {
  rcode: RcodeName;
  answers: Answer[];
  authority: Answer[];
  additionals: Answer[];
  /**
   * The name is in no zone served here. The rcode is SERVFAIL, what CoreDNS answers when no
   * plugin after kubernetes (no forward) takes the query; a server with upstreams forwards it.
   */
  outOfZone: boolean;
  /** An ExternalName CNAME points outside the cluster domain; a server with upstreams may complete it. */
  externalTarget?: string;
}

export interface ClusterDnsResolverOptions {
  /** Default "cluster.local". */
  clusterDomain?: string;
  /** TTL of every answer; default 5 s (CoreDNS's kubernetes default). */
  ttl?: number;
  /** Addresses answering for ns.dns.<domain> and the zone's NS (the DNS server's own). */
  nameservers?: readonly string[];
  /** IPv4 ranges whose reverse names are answered here; default the Service and pod networks. */
  reverseCidrs?: readonly string[];
  /** Wall clock in ms; the SOA serial is the last change in Unix seconds. */
  now?: () => number;
  /** False until the informers' first lists arrived: NXDOMAIN then becomes SERVFAIL, as in CoreDNS. */
  hasSynced?: () => boolean;
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_TTL = 5;
export const DEFAULT_REVERSE_CIDRS: readonly string[] = ['10.96.0.0/16', '10.244.0.0/16'];
/** The Kubernetes DNS schema version answered at dns-version.<domain> (TXT). */
export const DNS_SCHEMA_VERSION = '1.1.0';
const DNS_VERSION_TTL = 28800;
/** CoreDNS stops following CNAMEs after this many. */
const MAX_CNAME_CHAIN = 8;

/** One address or name a query matched: CoreDNS's msg.Service, reduced. */
interface Candidate {
  /** An IP address, or a name for ExternalName. */
  host: string;
  /** -1: no declared port (addresses but no SRV). */
  port: number;
  /** The name the record is known by: SRV targets and additional owners. */
  target: string;
}

type Lookup = { ok: true; candidates: Candidate[] } | { ok: false };

interface Answered {
  records: Answer[];
  extra: Answer[];
  externalTarget?: string;
}

type Found = ({ ok: true } & Answered) | { ok: false };

const NOT_FOUND = { ok: false } as const;

function hostType(host: string): 'A' | 'AAAA' | 'CNAME' {
  return isIPv4(host) ? 'A' : isIPv6(host) ? 'AAAA' : 'CNAME';
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

/** A query's port and protocol ('' = any) against a declared one, case-insensitively. */
function matchesPort(wantPort: string, port: string, wantProtocol: string, protocol: string): boolean {
  return (wantPort === '' || wantPort === port.toLowerCase()) && (wantProtocol === '' || wantProtocol === protocol.toLowerCase());
}

function endpointHostname(a: EndpointAddressView): string {
  return a.hostname !== '' ? a.hostname : dashedIp(a.ip);
}

function rrKey(rr: Answer): string {
  return `${rr.name.toLowerCase()}|${rr.type}|${JSON.stringify('data' in rr ? rr.data : null)}`;
}

function dedup(rrs: Answer[]): Answer[] {
  const seen = new Set<string>();
  return rrs.filter((rr) => {
    const k = rrKey(rr);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function addToIndex(index: Map<string, Set<string>>, value: string, key: string): void {
  let set = index.get(value);
  if (!set) index.set(value, (set = new Set()));
  set.add(key);
}

function removeFromIndex(index: Map<string, Set<string>>, value: string, key: string): void {
  const set = index.get(value);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) index.delete(value);
}

export class ClusterDnsResolver {
  readonly clusterDomain: string;
  private readonly ttl: number;
  private readonly nameservers: readonly string[];
  private readonly reverseRanges: Array<(ip: string) => boolean>;
  private readonly now: () => number;
  private readonly hasSynced: () => boolean;
  private modifiedMs: number;

  /** "ns/name" → Service. */
  private readonly services = new Map<string, ServiceView>();
  /** "ns/slice-name" → EndpointSlice. */
  private readonly slices = new Map<string, EndpointSliceView>();
  /** "ns/service-name" → slice keys. */
  private readonly slicesByService = new Map<string, Set<string>>();
  /** ClusterIP → service keys. */
  private readonly servicesByIp = new Map<string, Set<string>>();
  /** Published endpoint IP → slice keys. */
  private readonly slicesByIp = new Map<string, Set<string>>();

  constructor(o: ClusterDnsResolverOptions = {}) {
    this.clusterDomain = normalizeName(o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    this.ttl = o.ttl ?? DEFAULT_TTL;
    this.nameservers = o.nameservers ?? [];
    this.reverseRanges = (o.reverseCidrs ?? DEFAULT_REVERSE_CIDRS).map(parseCidrV4);
    this.now = o.now ?? Date.now;
    this.hasSynced = o.hasSynced ?? (() => true);
    this.modifiedMs = this.now();
  }

  // --- feeding ---

  upsertService(obj: KubeObject): void {
    const key = objectKey(obj);
    this.dropService(key);
    const svc = toServiceView(obj);
    this.services.set(key, svc);
    if (!isHeadless(svc) && !isExternalName(svc)) for (const ip of svc.clusterIPs) addToIndex(this.servicesByIp, ip, key);
    this.touch();
  }

  deleteService(obj: KubeObject): void {
    this.dropService(objectKey(obj));
    this.touch();
  }

  upsertEndpointSlice(obj: KubeObject): void {
    const key = objectKey(obj);
    this.dropSlice(key);
    const slice = toEndpointSliceView(obj);
    this.slices.set(key, slice);
    addToIndex(this.slicesByService, `${slice.namespace}/${slice.serviceName}`, key);
    for (const a of slice.addresses) addToIndex(this.slicesByIp, a.ip, key);
    this.touch();
  }

  deleteEndpointSlice(obj: KubeObject): void {
    this.dropSlice(objectKey(obj));
    this.touch();
  }

  private dropService(key: string): void {
    const old = this.services.get(key);
    if (!old) return;
    for (const ip of old.clusterIPs) removeFromIndex(this.servicesByIp, ip, key);
    this.services.delete(key);
  }

  private dropSlice(key: string): void {
    const old = this.slices.get(key);
    if (!old) return;
    removeFromIndex(this.slicesByService, `${old.namespace}/${old.serviceName}`, key);
    for (const a of old.addresses) removeFromIndex(this.slicesByIp, a.ip, key);
    this.slices.delete(key);
  }

  private touch(): void {
    this.modifiedMs = this.now();
  }

  // --- answering ---

  resolve(q: DnsQuestion): ResolveResult {
    const owner = q.name.endsWith('.') ? q.name.slice(0, -1) : q.name;
    const name = normalizeName(q.name);
    const type = q.type.toUpperCase();
    if (q.class !== undefined && q.class !== 'IN' && q.class !== 'ANY') return this.outOfZone();
    if (isSubdomain(name, this.clusterDomain)) return this.resolveCluster(owner, name, type);
    const ip = ipv4FromReverse(name);
    if (ip !== undefined && this.reverseRanges.some((inRange) => inRange(ip))) return this.resolveReverse(owner, ip, type);
    return this.outOfZone();
  }

  private resolveCluster(owner: string, name: string, type: string): ResolveResult {
    const zone = this.clusterDomain;
    let found: Found;
    switch (type) {
      case 'A':
      case 'AAAA':
        found = this.addresses(owner, name, type, []);
        break;
      case 'SRV':
        found = this.srv(owner, name);
        break;
      case 'CNAME':
        found = this.cname(owner, name);
        break;
      case 'TXT':
        found =
          name === joinName('dns-version', zone)
            ? { ok: true, records: [{ name: owner, type: 'TXT', ttl: DNS_VERSION_TTL, data: [DNS_SCHEMA_VERSION] }], extra: [] }
            : this.exists(owner, name);
        break;
      case 'SOA':
        found = name === zone ? { ok: true, records: [this.soa(zone, owner)], extra: [] } : this.exists(owner, name);
        break;
      case 'NS':
        found = name === zone ? this.ns(owner) : this.exists(owner, name);
        break;
      default:
        found = this.exists(owner, name);
    }
    if (!found.ok) return this.failure(this.hasSynced() ? 'NXDOMAIN' : 'SERVFAIL', zone);
    if (found.records.length === 0) return this.failure('NOERROR', zone);
    const result: ResolveResult = { rcode: 'NOERROR', answers: dedup(found.records), authority: [], additionals: dedup(found.extra), outOfZone: false };
    if (found.externalTarget !== undefined) result.externalTarget = found.externalTarget;
    return result;
  }

  private resolveReverse(owner: string, ip: string, type: string): ResolveResult {
    const targets = this.ptrTargets(ip);
    if (targets.length === 0) return this.failure(this.hasSynced() ? 'NXDOMAIN' : 'SERVFAIL', REVERSE_ZONE_V4);
    if (type !== 'PTR') return this.failure('NOERROR', REVERSE_ZONE_V4);
    const answers: Answer[] = targets.map((t) => ({ name: owner, type: 'PTR', ttl: this.ttl, data: t }));
    return { rcode: 'NOERROR', answers, authority: [], additionals: [], outOfZone: false };
  }

  /** An answer without records: the rcode plus the zone's SOA, as CoreDNS's BackendError writes it. */
  private failure(rcode: RcodeName, zone: string): ResolveResult {
    return { rcode, answers: [], authority: [this.soa(zone, zone)], additionals: [], outOfZone: false };
  }

  private outOfZone(): ResolveResult {
    return { rcode: 'SERVFAIL', answers: [], authority: [], additionals: [], outOfZone: true };
  }

  /** The zone's SOA in CoreDNS's shape: ns.dns.<zone>, hostmaster.<zone>, serial = last change. */
  soa(zone: string, owner = zone): Answer {
    return {
      name: owner,
      type: 'SOA',
      ttl: Math.min(this.ttl, 300),
      data: {
        mname: joinName('ns.dns', zone),
        rname: joinName('hostmaster', zone),
        serial: Math.floor(this.modifiedMs / 1000) >>> 0,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: this.ttl,
      },
    };
  }

  /** Whether the name exists at all: CoreDNS's fake A lookup that tells NODATA from NXDOMAIN. */
  private exists(owner: string, name: string): Found {
    const found = this.addresses(owner, name, 'A', []);
    return found.ok ? { ok: true, records: [], extra: [] } : NOT_FOUND;
  }

  /** A or AAAA records, following CNAMEs inside the zone; `chain` holds the CNAMEs so far. */
  private addresses(owner: string, name: string, type: 'A' | 'AAAA', chain: Answer[]): Found {
    const lookup = this.lookup(name, type);
    if (!lookup.ok) return NOT_FOUND;
    const records: Answer[] = [];
    const seen = new Set<string>();
    let externalTarget: string | undefined;
    for (const c of lookup.candidates) {
      const kind = hostType(c.host);
      if (kind === type) {
        if (seen.has(c.host)) continue;
        seen.add(c.host);
        records.push({ name: owner, type, ttl: this.ttl, data: c.host });
        continue;
      }
      if (kind !== 'CNAME') continue;
      const target = normalizeName(c.host);
      // x CNAME x is a loop; a long or repeating chain is cut, as CoreDNS does.
      if (target === name || chain.length >= MAX_CNAME_CHAIN) continue;
      const cname: Answer = { name: owner, type: 'CNAME', ttl: this.ttl, data: target };
      if (chain.some((rr) => rr.type === 'CNAME' && rr.data === target)) continue;
      if (isSubdomain(target, this.clusterDomain)) {
        const next = this.addresses(target, target, type, [...chain, cname]);
        if (next.ok && next.records.length > 0) records.push(cname, ...next.records);
        if (next.ok && next.externalTarget !== undefined) externalTarget = next.externalTarget;
        continue;
      }
      records.push(cname);
      externalTarget = target;
    }
    return externalTarget !== undefined ? { ok: true, records, extra: [], externalTarget } : { ok: true, records, extra: [] };
  }

  private cname(owner: string, name: string): Found {
    const lookup = this.lookup(name, 'CNAME');
    if (!lookup.ok) return NOT_FOUND;
    const first = lookup.candidates[0];
    if (first === undefined || hostType(first.host) !== 'CNAME') return { ok: true, records: [], extra: [] };
    return { ok: true, records: [{ name: owner, type: 'CNAME', ttl: this.ttl, data: normalizeName(first.host) }], extra: [] };
  }

  /**
   * SRV records with the addresses as additionals. Every candidate weighs the same: the weights
   * split 100 evenly (floored, at least 1), counted over all candidates as CoreDNS counts them.
   */
  private srv(owner: string, name: string): Found {
    const lookup = this.lookup(name, 'SRV');
    if (!lookup.ok) return NOT_FOUND;
    const candidates = lookup.candidates;
    const total = 100 * candidates.length;
    const weight = Math.max(1, Math.floor((100 / total) * 100));
    const records: Answer[] = [];
    const extra: Answer[] = [];
    const seen = new Set<string>();
    for (const c of candidates) {
      if (c.port === -1) continue;
      const kind = hostType(c.host);
      if (kind === 'CNAME') continue;
      const srvKey = `${c.target}:${c.port}`;
      if (!seen.has(srvKey)) {
        seen.add(srvKey);
        records.push({ name: owner, type: 'SRV', ttl: this.ttl, data: { priority: 0, weight, port: c.port, target: c.target } });
      }
      const addrKey = `${c.target}@${c.host}`;
      if (!seen.has(addrKey)) {
        seen.add(addrKey);
        extra.push({ name: c.target, type: kind, ttl: this.ttl, data: c.host });
      }
    }
    return { ok: true, records, extra };
  }

  private ns(owner: string): Found {
    const nsName = joinName('ns.dns', this.clusterDomain);
    if (this.nameservers.length === 0) return { ok: true, records: [], extra: [] };
    const extra: Answer[] = [];
    for (const ip of this.nameservers) {
      const kind = hostType(ip);
      if (kind !== 'CNAME') extra.push({ name: nsName, type: kind, ttl: this.ttl, data: ip });
    }
    return { ok: true, records: [{ name: owner, type: 'NS', ttl: this.ttl, data: nsName }], extra };
  }

  // --- lookups (CoreDNS's Services/Records/parseRequest) ---

  private lookup(name: string, type: string): Lookup {
    const zone = this.clusterDomain;
    if (name === joinName('ns.dns', zone)) {
      const candidates = type === 'A' || type === 'AAAA' ? this.nameservers.filter((ip) => hostType(ip) === type).map((ip) => ({ host: ip, port: 0, target: name })) : [];
      return { ok: true, candidates };
    }
    const labels = labelsBelow(name, zone);
    const n = labels.length;
    const kind = labels[n - 1];
    // The zone itself, svc.<zone> and pod.<zone>: empty non-terminals (NODATA).
    if (kind === undefined || (n === 1 && (kind === 'svc' || kind === 'pod'))) return { ok: true, candidates: [] };
    if (kind !== 'svc' && kind !== 'pod') return NOT_FOUND;
    const namespace = labels[n - 2] ?? '';
    const service = labels[n - 3];
    // <ns>.svc.<zone> and <ns>.pod.<zone>: every namespace is exposed, so NODATA.
    if (service === undefined) return { ok: true, candidates: [] };
    const rest = labels.slice(0, n - 3);
    if (rest.length > 2) return NOT_FOUND;
    const endpoint = rest.length === 1 ? (rest[0] ?? '') : '';
    const port = rest.length === 2 ? stripUnderscore(rest[0] ?? '') : '';
    const protocol = rest.length === 2 ? stripUnderscore(rest[1] ?? '') : '';
    let lookup: Lookup;
    if (kind === 'pod') lookup = rest.length === 0 ? this.findPod(namespace, service) : NOT_FOUND;
    else lookup = this.findService(namespace, service, endpoint, port, protocol);
    // CoreDNS has no SRV for ExternalName Services.
    if (lookup.ok && type === 'SRV') return { ok: true, candidates: lookup.candidates.filter((c) => hostType(c.host) !== 'CNAME') };
    return lookup;
  }

  private findPod(namespace: string, label: string): Lookup {
    const ip = ipFromDashed(label);
    if (ip === undefined) return NOT_FOUND;
    return { ok: true, candidates: [{ host: ip, port: 0, target: joinName(label, namespace, 'pod', this.clusterDomain) }] };
  }

  private findService(namespace: string, name: string, endpoint: string, port: string, protocol: string): Lookup {
    const svc = this.services.get(`${namespace}/${name}`);
    if (!svc) return NOT_FOUND;
    const fqdn = joinName(svc.name, svc.namespace, 'svc', this.clusterDomain);
    if (isExternalName(svc)) {
      if (endpoint !== '' || svc.externalName === '' || hostType(svc.externalName) !== 'CNAME') return NOT_FOUND;
      return { ok: true, candidates: [{ host: svc.externalName, port: 0, target: fqdn }] };
    }
    const candidates: Candidate[] = [];
    let matched = false;
    if (isHeadless(svc) || endpoint !== '') {
      for (const slice of this.slicesOf(svc)) {
        for (const a of slice.addresses) {
          const host = endpointHostname(a);
          if (endpoint !== '' && endpoint !== host.toLowerCase()) continue;
          for (const p of slice.ports) {
            if (!matchesPort(port, p.name, protocol, p.protocol)) continue;
            matched = true;
            candidates.push({ host: a.ip, port: p.port, target: joinName(host, fqdn) });
          }
        }
      }
      return matched ? { ok: true, candidates } : NOT_FOUND;
    }
    for (const p of svc.ports) {
      if (!matchesPort(port, p.name, protocol, p.protocol)) continue;
      matched = true;
      for (const ip of svc.clusterIPs) candidates.push({ host: ip, port: p.port, target: fqdn });
    }
    return matched ? { ok: true, candidates } : NOT_FOUND;
  }

  private slicesOf(svc: ServiceView): EndpointSliceView[] {
    const keys = this.slicesByService.get(`${svc.namespace}/${svc.name}`);
    if (!keys) return [];
    const out: EndpointSliceView[] = [];
    for (const k of [...keys].sort()) {
      const s = this.slices.get(k);
      if (s) out.push(s);
    }
    return out;
  }

  /** PTR targets of an address: the Service owning it as ClusterIP, else every endpoint name it has. */
  private ptrTargets(ip: string): string[] {
    for (const key of this.servicesByIp.get(ip) ?? []) {
      const svc = this.services.get(key);
      if (svc) return [joinName(svc.name, svc.namespace, 'svc', this.clusterDomain)];
    }
    const targets = new Set<string>();
    for (const key of [...(this.slicesByIp.get(ip) ?? [])].sort()) {
      const slice = this.slices.get(key);
      if (!slice || slice.serviceName === '') continue;
      for (const a of slice.addresses) {
        if (a.ip === ip) targets.add(joinName(endpointHostname(a), slice.serviceName, slice.namespace, 'svc', this.clusterDomain));
      }
    }
    return [...targets];
  }
}
