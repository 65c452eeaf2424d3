// The pieces the EndpointSlice reconciler is built from (k8s.io/endpointslice utils.go): a pod's
// endpoint and ports, the keys that group and identify endpoints, a new slice for a Service and
// the labels a slice carries.
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { isPodReady, podNodeName } from '../pod-util.js';
import type { ServiceSpecView } from './endpoint-util.js';
import { CLUSTER_IP_NONE, LABEL_HEADLESS, LABEL_TOPOLOGY_ZONE, canonicalJson, findPort, ipFamilyOf, isServiceIPSet, podHostnameFor, podIPs } from './endpoint-util.js';
import type { Endpoint, EndpointPort, EndpointSlice } from './endpoint-slice-types.js';
import { AddressType, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from './endpoint-slice-types.js';

/**
 * podToEndpoint: serving is the pod's Ready condition; terminating is a deletionTimestamp;
 * ready is serving and not terminating, or always with publishNotReadyAddresses.
 */
export function podToEndpoint(pod: KubeObject, node: KubeObject | undefined, svc: KubeObject, spec: ServiceSpecView, addressType: string): Endpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const ready = spec.publishNotReadyAddresses || (serving && !terminating);
  const ep: Endpoint = {
    addresses: podIPs(pod).filter((ip) => ipFamilyOf(ip) === addressType),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
  const nodeName = podNodeName(pod);
  if (nodeName !== '') ep.nodeName = nodeName;
  const zone = node?.metadata.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone !== undefined && zone !== '') ep.zone = zone;
  const hostname = podHostnameFor(pod, svc);
  if (hostname !== undefined) ep.hostname = hostname;
  return ep;
}

/** getEndpointPorts: each Service port resolved on the pod; ports the pod lacks are left out. */
export function endpointPorts(spec: ServiceSpecView, pod: KubeObject): EndpointPort[] {
  if (spec.ports.length === 0 && spec.clusterIP === CLUSTER_IP_NONE) return [];
  const out: EndpointPort[] = [];
  for (const sp of spec.ports) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name, port, protocol: sp.protocol };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

function portText(p: EndpointPort): string {
  return canonicalJson({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? '', appProtocol: p.appProtocol });
}

/** NewPortMapKey: the same set of ports in any order gives the same key. */
export function portMapKey(ports: readonly EndpointPort[] | undefined): string {
  return (ports ?? []).map(portText).sort().join('|');
}

/** hashEndpoint: an endpoint's identity is its addresses, hostname and target pod. */
export function endpointHash(ep: Endpoint): string {
  return canonicalJson([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

function targetRefWithoutVersion(ep: Endpoint): string {
  if (ep.targetRef === undefined) return '';
  const { resourceVersion: _ignored, ...rest } = ep.targetRef;
  return canonicalJson(rest);
}

/** EndpointsEqualBeyondHash: node, zone, conditions and target (ignoring its resourceVersion). */
export function endpointsEqualBeyondHash(a: Endpoint, b: Endpoint): boolean {
  return (
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    targetRefWithoutVersion(a) === targetRefWithoutVersion(b)
  );
}

/** An ordered set of endpoints keyed by endpointHash (Go's EndpointSet, with a stable order). */
export class EndpointSet {
  private readonly items = new Map<string, Endpoint>();

  get size(): number {
    return this.items.size;
  }

  insert(ep: Endpoint): void {
    this.items.set(endpointHash(ep), ep);
  }

  get(ep: Endpoint): Endpoint | undefined {
    return this.items.get(endpointHash(ep));
  }

  delete(ep: Endpoint): void {
    this.items.delete(endpointHash(ep));
  }

  /** Takes the earliest inserted endpoint out of the set. */
  pop(): Endpoint | undefined {
    const first = this.items.entries().next();
    if (first.done === true) return undefined;
    this.items.delete(first.value[0]);
    return first.value[1];
  }
}

/** The controller reference a slice carries to its Service. */
export function serviceOwnerReference(svc: KubeObject): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** ownedBy: the slice has an owner reference to this very Service (same uid). */
export function ownedBy(slice: EndpointSlice, svc: KubeObject): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

function isReservedLabel(key: string): boolean {
  return key === LABEL_SERVICE_NAME || key === LABEL_MANAGED_BY || key === LABEL_HEADLESS;
}

function withoutReserved(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!isReservedLabel(k)) out[k] = v;
  return out;
}

/**
 * setEndpointSliceLabels: the Service's labels (bar the reserved ones), the headless label for
 * Services without a cluster IP, the service-name and managed-by labels; and whether the
 * slice's own non-reserved labels differ from the Service's.
 */
export function endpointSliceLabels(slice: EndpointSlice, svc: KubeObject, spec: ServiceSpecView, controllerName: string): { labels: Record<string, string>; changed: boolean } {
  const current = withoutReserved(slice.metadata.labels);
  const wanted = withoutReserved(svc.metadata.labels);
  const changed = canonicalJson(current) !== canonicalJson(wanted);
  const labels = { ...wanted };
  if (!isServiceIPSet(spec)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  labels[LABEL_MANAGED_BY] = controllerName;
  return { labels, changed };
}

/** getEndpointSlicePrefix: "<service>-", or the bare name when the dash would make it too long. */
export function endpointSlicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return prefix.length > 253 ? serviceName : prefix;
}

/** newEndpointSlice: an empty slice for the Service with these ports, named by the API server. */
export function newEndpointSlice(svc: KubeObject, spec: ServiceSpecView, ports: readonly EndpointPort[], addressType: string, controllerName: string): EndpointSlice {
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: endpointSlicePrefix(svc.metadata.name ?? ''),
      namespace: svc.metadata.namespace ?? '',
      labels: {},
      ownerReferences: [serviceOwnerReference(svc)],
    },
    addressType,
    endpoints: [],
  };
  if (ports.length > 0) slice.ports = ports.map((p) => ({ ...p }));
  slice.metadata.labels = endpointSliceLabels(slice, svc, spec, controllerName).labels;
  return slice;
}

/**
 * getAddressTypesForService: one per ipFamilies entry; without families, the cluster IP's
 * family, or both for a headless Service.
 */
export function addressTypesForService(spec: ServiceSpecView): Set<string> {
  const types = new Set<string>();
  for (const family of spec.ipFamilies) {
    if (family === 'IPv4') types.add(AddressType.IPv4);
    if (family === 'IPv6') types.add(AddressType.IPv6);
  }
  if (types.size > 0) return types;
  if (isServiceIPSet(spec)) {
    types.add(ipFamilyOf(spec.clusterIP) === 'IPv6' ? AddressType.IPv6 : AddressType.IPv4);
    return types;
  }
  types.add(AddressType.IPv4);
  types.add(AddressType.IPv6);
  return types;
}

/** getSliceToFill: the slice that would come closest to full after taking `count` endpoints. */
export function sliceToFill(slices: readonly EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let closestDiff = max;
  let closest: EndpointSlice | undefined;
  for (const s of slices) {
    const diff = max - (count + s.endpoints.length);
    if (diff >= 0 && diff < closestDiff) {
      closestDiff = diff;
      closest = s;
      if (diff === 0) return closest;
    }
  }
  return closest;
}

/** placeholderSliceCompare: the same empty slice, comparing namespace, labels and owners of the metadata. */
export function samePlaceholder(a: EndpointSlice, b: EndpointSlice): boolean {
  const meta = (s: EndpointSlice): string =>
    canonicalJson({ namespace: s.metadata.namespace ?? '', labels: s.metadata.labels ?? {}, owners: s.metadata.ownerReferences ?? [] });
  const body = (s: EndpointSlice): string => {
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === 'metadata' || k === 'apiVersion' || k === 'kind' || v === undefined) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      rest[k] = isRecord(v) && Object.keys(v).length === 0 ? undefined : v;
    }
    return canonicalJson(rest);
  };
  return meta(a) === meta(b) && body(a) === body(b);
}
