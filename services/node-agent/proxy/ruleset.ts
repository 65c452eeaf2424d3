// The proxy's one nftables table (family ip), rendered as text for `nft -f`: a full definition and
// incremental transactions. Maps-only layout (docs: ARCHITECTURE.md "Service traffic without the
// mesh"): a service port is found by one vmap lookup that jumps to the chain of its endpoint
// count k; that chain picks `numgen random mod k` and DNATs through one concatenated map
// (ClusterIP . proto . port . index -> pod IP . port). Chains: a fixed dozen plus two per
// distinct k and one per distinct affinity timeout, whatever the number of Services.
// Pure: no I/O.
import type { Endpoint, ServicePort } from './service-port.js';

export const DEFAULT_TABLE = 'meshkube-proxy';

/** Packet-mark bits the table owns (kube-proxy's masquerade bit is 0x4000 too). */
export const MARK = {
  /** Masquerade on the way out (kube-proxy's mark-for-masquerade). */
  masq: 0x4000,
  /** Arrived through the pod bridge: masquerade if it also leaves through it (hairpin). */
  fromBridge: 0x2000,
  /** DNATed as a NodePort: the affinity recorder keys such connections by node port. */
  nodePort: 0x8000,
} as const;
const OUR_BITS = MARK.masq | MARK.fromBridge | MARK.nodePort;

export interface RulesetConfig {
  table: string;
  /** --cluster-cidr: the pod network of the whole cluster, e.g. 10.244.0.0/16. */
  clusterCIDR: string;
  /** The CNI bridge pods of this node hang off, e.g. cni0. */
  podBridge: string;
  /** Upper bound of the affinity map (dynamic entries). */
  affinityMapSize?: number;
}

/** A service port as programmed: `slots[i]` is the endpoint at index i of the endpoints map. */
export interface ProgrammedPort {
  port: ServicePort;
  slots: Endpoint[];
}

export const MAPS = {
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  serviceEndpoints: 'service-endpoints',
  nodePortEndpoints: 'nodeport-endpoints',
  serviceEndpointsUdp: 'service-endpoints-udp',
  nodePortEndpointsUdp: 'nodeport-endpoints-udp',
  affinity: 'affinity',
  affinityServices: 'affinity-services',
  affinityNodePorts: 'affinity-nodeports',
} as const;

export const serviceChain = (k: number): string => `service-k${k}`;
export const nodePortChain = (k: number): string => `nodeport-k${k}`;
export const affinityChain = (timeoutSeconds: number): string => `affinity-t${timeoutSeconds}`;
const REJECT_CHAIN = 'reject-chain';

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const clear = (bits: number): string => hex(~bits >>> 0);

/** Keeps endpoints that remain at their old index, so one change rewrites as few elements as it can. */
export function assignSlots(prev: readonly Endpoint[] | undefined, next: readonly Endpoint[]): Endpoint[] {
  if (prev === undefined || prev.length === 0) return [...next];
  const k = next.length;
  const nextKeys = new Set(next.map(epKey));
  const slots: (Endpoint | undefined)[] = new Array<Endpoint | undefined>(k).fill(undefined);
  const placed = new Set<string>();
  prev.forEach((e, i) => {
    if (i < k && nextKeys.has(epKey(e))) {
      slots[i] = e;
      placed.add(epKey(e));
    }
  });
  const rest = next.filter((e) => !placed.has(epKey(e)));
  let r = 0;
  for (let i = 0; i < k; i++) if (slots[i] === undefined) slots[i] = rest[r++];
  return slots as Endpoint[];
}

const epKey = (e: Endpoint): string => `${e.ip}:${e.port}`;

/** One map element: `key : value` in map `map`. */
export interface Element {
  map: string;
  key: string;
  value: string;
}

/** Every element a programmed port contributes, handed to `emit` (no objects for a full load's many). */
export function forEachPortElement(pp: ProgrammedPort, emit: (map: string, key: string, value: string) => void): void {
  const p = pp.port;
  const svcKey = `${p.clusterIP} . ${p.protocol} . ${p.port}`;
  const npKey = p.nodePort === undefined ? undefined : `${p.protocol} . ${p.nodePort}`;
  const k = pp.slots.length;
  if (k === 0) {
    emit(MAPS.noEndpointServices, svcKey, `goto ${REJECT_CHAIN}`);
    if (npKey !== undefined) emit(MAPS.noEndpointNodePorts, npKey, `goto ${REJECT_CHAIN}`);
    return;
  }
  emit(MAPS.serviceIPs, svcKey, `goto ${serviceChain(k)}`);
  const udp = p.protocol === 'udp';
  const serviceEndpoints = udp ? MAPS.serviceEndpointsUdp : MAPS.serviceEndpoints;
  // The endpoint maps are per protocol, so their keys leave it out (less for nft to parse).
  const epKey = `${p.clusterIP} . ${p.port}`;
  for (let i = 0; i < k; i++) {
    const e = pp.slots[i] as Endpoint;
    emit(serviceEndpoints, `${epKey} . ${i}`, `${e.ip} . ${e.port}`);
  }
  if (npKey !== undefined) {
    emit(MAPS.serviceNodePorts, npKey, `goto ${nodePortChain(k)}`);
    const nodePortEndpoints = udp ? MAPS.nodePortEndpointsUdp : MAPS.nodePortEndpoints;
    for (let i = 0; i < k; i++) {
      const e = pp.slots[i] as Endpoint;
      emit(nodePortEndpoints, `${String(p.nodePort)} . ${i}`, `${e.ip} . ${e.port}`);
    }
  }
  if (p.affinityTimeoutSeconds !== undefined) {
    const chain = `goto ${affinityChain(p.affinityTimeoutSeconds)}`;
    emit(MAPS.affinityServices, svcKey, chain);
    if (npKey !== undefined) emit(MAPS.affinityNodePorts, npKey, chain);
  }
}

/** Every element a programmed port contributes. */
export function portElements(pp: ProgrammedPort): Element[] {
  const out: Element[] = [];
  forEachPortElement(pp, (map, key, value) => out.push({ map, key, value }));
  return out;
}

/** The chains a set of programmed ports needs beyond the fixed ones. */
export interface DynamicChains {
  ks: Set<number>;
  affinityTimeouts: Set<number>;
}

export function dynamicChainsOf(ports: Iterable<ProgrammedPort>): DynamicChains {
  const ks = new Set<number>();
  const affinityTimeouts = new Set<number>();
  for (const pp of ports) {
    if (pp.slots.length > 0) ks.add(pp.slots.length);
    if (pp.slots.length > 0 && pp.port.affinityTimeoutSeconds !== undefined) affinityTimeouts.add(pp.port.affinityTimeoutSeconds);
  }
  return { ks, affinityTimeouts };
}

function bucketChainBodies(cfg: RulesetConfig, k: number): { service: string[]; nodePort: string[] } {
  const affinityDnat = `dnat ip to ip saddr . ip daddr . meta l4proto . th dport map @${MAPS.affinity}`;
  return {
    service: [
      // ClusterIP traffic from outside the cluster CIDR is masqueraded (kube-proxy's --cluster-cidr rule).
      `ip saddr != ${cfg.clusterCIDR} meta mark set meta mark | ${hex(MARK.masq)}`,
      `iifname "${cfg.podBridge}" meta mark set meta mark | ${hex(MARK.fromBridge)}`,
      affinityDnat,
      // One rule and map per protocol: nft derives a protocol match from the map's data type
      // (`tcp dport`), so a UDP datagram would never match a rule written against the TCP map.
      `meta l4proto tcp dnat ip to ip daddr . th dport . numgen random mod ${k} map @${MAPS.serviceEndpoints}`,
      `meta l4proto udp dnat ip to ip daddr . th dport . numgen random mod ${k} map @${MAPS.serviceEndpointsUdp}`,
    ],
    nodePort: [
      // externalTrafficPolicy Cluster: NodePort traffic is always masqueraded.
      `meta mark set meta mark | ${hex(MARK.masq | MARK.nodePort)}`,
      affinityDnat,
      `meta l4proto tcp dnat ip to th dport . numgen random mod ${k} map @${MAPS.nodePortEndpoints}`,
      `meta l4proto udp dnat ip to th dport . numgen random mod ${k} map @${MAPS.nodePortEndpointsUdp}`,
    ],
  };
}

function affinityChainBody(timeoutSeconds: number): string[] {
  // The connection is already DNATed: record client . original destination -> chosen endpoint.
  // `ct original proto-dst` needs a protocol context to be concatenated, hence one rule per protocol.
  return (['tcp', 'udp'] as const).map(
    (proto) =>
      `meta l4proto ${proto} update @${MAPS.affinity} { ip saddr . ct original ip daddr . meta l4proto . ct original proto-dst timeout ${timeoutSeconds}s : ip daddr . ${proto} dport }`,
  );
}

/** `add chain` + `add rule` commands creating a dynamic chain (incremental transactions). */
export function addChainCommands(table: string, name: string, body: readonly string[]): string[] {
  return [`add chain ip ${table} ${name}`, ...body.map((r) => `add rule ip ${table} ${name} ${r}`)];
}

export function bucketChainCommands(cfg: RulesetConfig, k: number): string[] {
  const b = bucketChainBodies(cfg, k);
  return [...addChainCommands(cfg.table, serviceChain(k), b.service), ...addChainCommands(cfg.table, nodePortChain(k), b.nodePort)];
}

export function affinityChainCommands(cfg: RulesetConfig, timeoutSeconds: number): string[] {
  return addChainCommands(cfg.table, affinityChain(timeoutSeconds), affinityChainBody(timeoutSeconds));
}

function chainBlock(name: string, lines: readonly string[], hook?: string): string[] {
  return [`  chain ${name} {`, ...(hook === undefined ? [] : [`    ${hook}`]), ...lines.map((l) => `    ${l}`), '  }'];
}

/** The table's fixed part: maps and the chains that do not depend on the services. */
function fixedDefinition(cfg: RulesetConfig): string[] {
  const vmap3 = 'type ipv4_addr . inet_proto . inet_service : verdict;';
  const vmap2 = 'type inet_proto . inet_service : verdict;';
  const bridge = `"${cfg.podBridge}"`;
  const noLocalhost = 'ip daddr != 127.0.0.0/8';
  const filter = (hook: string): string => `type filter hook ${hook} priority -110; policy accept;`;
  return [
    `  map ${MAPS.serviceIPs} { ${vmap3} }`,
    `  map ${MAPS.serviceNodePorts} { ${vmap2} }`,
    `  map ${MAPS.noEndpointServices} { ${vmap3} }`,
    `  map ${MAPS.noEndpointNodePorts} { ${vmap2} }`,
    `  map ${MAPS.affinityServices} { ${vmap3} }`,
    `  map ${MAPS.affinityNodePorts} { ${vmap2} }`,
    // The index's type comes from the expression that looks it up; the modulus there is not part of
    // the type. The data is written `ip daddr . tcp dport` (same types as `. th dport`): nft 1.0.6
    // cannot add rules using a map whose typeof data reads `th dport` once the map is in the kernel
    // ("conflicting protocols specified: ip vs. th"). UDP endpoints use the same maps.
    `  map ${MAPS.serviceEndpoints} { typeof ip daddr . th dport . numgen random mod 1 : ip daddr . tcp dport; }`,
    `  map ${MAPS.nodePortEndpoints} { typeof th dport . numgen random mod 1 : ip daddr . tcp dport; }`,
    `  map ${MAPS.serviceEndpointsUdp} { typeof ip daddr . th dport . numgen random mod 1 : ip daddr . udp dport; }`,
    `  map ${MAPS.nodePortEndpointsUdp} { typeof th dport . numgen random mod 1 : ip daddr . udp dport; }`,
    `  map ${MAPS.affinity} { typeof ip saddr . ip daddr . meta l4proto . th dport : ip daddr . tcp dport; size ${cfg.affinityMapSize ?? 262144}; flags dynamic,timeout; }`,
    ...chainBlock(REJECT_CHAIN, ['reject']),
    // Filtering sees pre-DNAT addresses (priority before dstnat), as kube-proxy's filter chains do.
    ...chainBlock('service-endpoints-check', [`ip daddr . meta l4proto . th dport vmap @${MAPS.noEndpointServices}`]),
    ...chainBlock('nodeport-endpoints-check', [`fib daddr type local ${noLocalhost} meta l4proto . th dport vmap @${MAPS.noEndpointNodePorts}`]),
    ...chainBlock('filter-input', ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check'], filter('input')),
    ...chainBlock('filter-forward', ['ct state new jump service-endpoints-check'], filter('forward')),
    ...chainBlock('filter-output', ['ct state new jump service-endpoints-check'], filter('output')),
    ...chainBlock('services', [
      `ip daddr . meta l4proto . th dport vmap @${MAPS.serviceIPs}`,
      `fib daddr type local ${noLocalhost} meta l4proto . th dport vmap @${MAPS.serviceNodePorts}`,
    ]),
    ...chainBlock('nat-prerouting', ['jump services'], 'type nat hook prerouting priority -100; policy accept;'),
    ...chainBlock('nat-output', ['jump services'], 'type nat hook output priority -100; policy accept;'),
    // After DNAT (priority dstnat + 10): remember the endpoint chosen for ClientIP-affinity services.
    ...chainBlock('affinity-record', [
      ...(['tcp', 'udp'] as const).map((p) => `meta l4proto ${p} ct original ip daddr . meta l4proto . ct original proto-dst vmap @${MAPS.affinityServices}`),
      ...(['tcp', 'udp'] as const).map(
        (p) => `meta mark & ${hex(MARK.nodePort)} == ${hex(MARK.nodePort)} meta l4proto ${p} meta l4proto . ct original proto-dst vmap @${MAPS.affinityNodePorts}`,
      ),
    ]),
    ...chainBlock('affinity-prerouting', ['ct state new ct status dnat jump affinity-record'], 'type filter hook prerouting priority -90; policy accept;'),
    ...chainBlock('affinity-output', ['ct state new ct status dnat jump affinity-record'], 'type filter hook output priority -90; policy accept;'),
    ...chainBlock(
      'nat-postrouting',
      [
        // Hairpin: DNATed traffic that came in through the pod bridge and goes back out through it
        // (pod -> service -> pod on this node, incl. itself); without br_netfilter the reply would
        // otherwise be bridged straight back, bypassing conntrack.
        `meta mark & ${hex(MARK.fromBridge)} == ${hex(MARK.fromBridge)} oifname ${bridge} meta mark set meta mark & ${clear(OUR_BITS)} masquerade fully-random`,
        `meta mark & ${hex(MARK.masq)} == ${hex(MARK.masq)} meta mark set meta mark & ${clear(OUR_BITS)} masquerade fully-random`,
        `meta mark & ${hex(OUR_BITS)} != 0 meta mark set meta mark & ${clear(OUR_BITS)}`,
        // The CNI bridge plugin's ipMasq: pods reaching outside the cluster network.
        `ip saddr ${cfg.clusterCIDR} ip daddr != ${cfg.clusterCIDR} oifname != ${bridge} masquerade`,
      ],
      'type nat hook postrouting priority 100; policy accept;',
    ),
  ];
}

function elementCommand(verb: 'add' | 'delete', table: string, map: string, items: readonly string[]): string {
  return `${verb} element ip ${table} ${map} { ${items.join(', ')} }`;
}

/** Groups elements by map, in first-seen map order. */
function byMap(elements: Iterable<Element>): Map<string, Element[]> {
  const m = new Map<string, Element[]>();
  for (const e of elements) {
    let list = m.get(e.map);
    if (list === undefined) m.set(e.map, (list = []));
    list.push(e);
  }
  return m;
}

const ELEMENTS_PER_COMMAND = 2000;

/** `add table` (so the delete never fails), `delete table`, then the definition without elements. */
function definitionLines(cfg: RulesetConfig, list: readonly ProgrammedPort[]): string[] {
  const dyn = dynamicChainsOf(list);
  const t = cfg.table;
  const lines: string[] = [`add table ip ${t}`, `delete table ip ${t}`, `table ip ${t} {`, ...fixedDefinition(cfg)];
  for (const k of [...dyn.ks].sort((a, b) => a - b)) {
    const b = bucketChainBodies(cfg, k);
    lines.push(...chainBlock(serviceChain(k), b.service), ...chainBlock(nodePortChain(k), b.nodePort));
  }
  for (const ts of [...dyn.affinityTimeouts].sort((a, b) => a - b)) lines.push(...chainBlock(affinityChain(ts), affinityChainBody(ts)));
  lines.push('}');
  return lines;
}

/** `add element` commands for the ports' elements, those of the maps `only` picks. */
function elementLines(table: string, list: readonly ProgrammedPort[]): string[] {
  // Straight into one list of items per map (a full load has 100,000s of elements).
  const items = new Map<string, string[]>();
  const emit = (map: string, key: string, value: string): void => {
    let l = items.get(map);
    if (l === undefined) items.set(map, (l = []));
    l.push(`${key} : ${value}`);
  };
  for (const pp of list) forEachPortElement(pp, emit);
  const lines: string[] = [];
  for (const [map, l] of items) {
    for (let i = 0; i < l.length; i += ELEMENTS_PER_COMMAND) lines.push(elementCommand('add', table, map, l.slice(i, i + ELEMENTS_PER_COMMAND)));
  }
  return lines;
}

/**
 * One atomic transaction that replaces the whole table: `add table` (so the delete never fails),
 * `delete table`, the definition, then the elements. Repairs any manual damage.
 */
export function renderFull(cfg: RulesetConfig, ports: Iterable<ProgrammedPort>): string {
  const list = [...ports];
  return `${[...definitionLines(cfg, list), ...elementLines(cfg.table, list)].join('\n')}\n`;
}

/*
 * A load from nothing can go in stages: the skeleton (renderSkeleton), then the elements in parts
 * (renderElementParts) from several nft processes at once, since nft's parsing is most of a large
 * load. Until all parts are in, a Service may be found before its endpoints are: its traffic then
 * goes unanswered, as it did before the table existed.
 */

/** The table with its chains and empty maps (the first stage of a staged load). */
export function renderSkeleton(cfg: RulesetConfig, ports: Iterable<ProgrammedPort>): string {
  return `${definitionLines(cfg, [...ports]).join('\n')}\n`;
}

/** The elements in `parts` independent transactions, each with its share of every map. */
export function renderElementParts(cfg: RulesetConfig, ports: Iterable<ProgrammedPort>, parts: number): string[] {
  const lines = elementLines(cfg.table, [...ports]);
  const n = Math.max(1, Math.min(parts, lines.length));
  const groups: string[][] = Array.from({ length: n }, () => []);
  lines.forEach((l, i) => groups[i % n]?.push(l));
  return groups.filter((g) => g.length > 0).map((g) => `${g.join('\n')}\n`);
}

/** The table's deletion, for shutdown. */
export function renderDelete(table: string): string {
  return `add table ip ${table}\ndelete table ip ${table}\n`;
}

export interface PortChange {
  before?: ProgrammedPort;
  after?: ProgrammedPort;
}

/**
 * An incremental transaction for some changed ports: element deletions first, then the chains
 * that do not exist yet (`existing`), then element additions. Elements a change leaves as they
 * were are not written. Returns '' when nothing changes.
 */
export function renderIncremental(cfg: RulesetConfig, changes: Iterable<PortChange>, existing: DynamicChains): string {
  const dels: Element[] = [];
  const adds: Element[] = [];
  const newKs = new Set<number>();
  const newTimeouts = new Set<number>();
  for (const c of changes) {
    const before = new Map((c.before ? portElements(c.before) : []).map((e) => [`${e.map} ${e.key}`, e]));
    const after = c.after ? portElements(c.after) : [];
    const afterKeys = new Set<string>();
    for (const e of after) {
      const id = `${e.map} ${e.key}`;
      afterKeys.add(id);
      const old = before.get(id);
      if (old !== undefined && old.value === e.value) continue;
      if (old !== undefined) dels.push(old); // a map element's value cannot be replaced in place
      adds.push(e);
    }
    for (const [id, e] of before) if (!afterKeys.has(id)) dels.push(e);
    const k = c.after?.slots.length ?? 0;
    if (k > 0 && !existing.ks.has(k)) newKs.add(k);
    const ts = c.after?.port.affinityTimeoutSeconds;
    if (k > 0 && ts !== undefined && !existing.affinityTimeouts.has(ts)) newTimeouts.add(ts);
  }
  const t = cfg.table;
  const lines: string[] = [];
  for (const [map, els] of byMap(dels)) lines.push(elementCommand('delete', t, map, els.map((e) => e.key)));
  for (const k of newKs) lines.push(...bucketChainCommands(cfg, k));
  for (const ts of newTimeouts) lines.push(...affinityChainCommands(cfg, ts));
  for (const [map, els] of byMap(adds)) lines.push(elementCommand('add', t, map, els.map((e) => `${e.key} : ${e.value}`)));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
