// The proxy's model of one Service port: what the ruleset needs to know about it, built from a
// Service and the EndpointSlices labelled with its name (kube-proxy's ServicePort + Endpoints).
// Pure: no I/O, no clock.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { ipv4Number } from '../network/ipv4.js';

export type L4Protocol = 'tcp' | 'udp';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface ServicePort {
  /** "namespace/name:portName" (portName '' for an unnamed port), like kube-proxy's ServicePortName. */
  id: string;
  /** "namespace/name" of the Service. */
  service: string;
  clusterIP: string;
  protocol: L4Protocol;
  port: number;
  /** Set for NodePort and LoadBalancer Services. */
  nodePort?: number;
  /** sessionAffinity ClientIP: sessionAffinityConfig.clientIP.timeoutSeconds (default 10800). */
  affinityTimeoutSeconds?: number;
  /** The endpoints traffic goes to, deduplicated and sorted by IP then port. */
  endpoints: Endpoint[];
}

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** EndpointSlice annotation the endpoints controller sets to when the change that caused it happened. */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export function isIPv4(s: unknown): s is string {
  return typeof s === 'string' && ipv4Number(s) !== undefined;
}

function protocolOf(v: unknown): L4Protocol | undefined {
  // Kubernetes defaults an absent protocol to TCP; SCTP is not proxied here.
  if (v === undefined || v === 'TCP') return 'tcp';
  if (v === 'UDP') return 'udp';
  return undefined;
}

function validPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536;
}

/** "namespace/name" of the Service an EndpointSlice belongs to, or undefined if it has no such label. */
export function sliceServiceKey(slice: KubeObject): string | undefined {
  const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  if (name === undefined || name === '') return undefined;
  return `${slice.metadata.namespace ?? ''}/${name}`;
}

interface SliceEndpoint {
  ip: string;
  ready: boolean;
  servingTerminating: boolean;
}

/**
 * Endpoint readiness as kube-proxy reads EndpointConditions: ready nil counts as ready; serving
 * nil falls back to ready; terminating nil is false.
 */
function sliceEndpoints(slice: KubeObject): SliceEndpoint[] {
  if (slice.addressType !== undefined && slice.addressType !== 'IPv4') return [];
  const out: SliceEndpoint[] = [];
  const eps = Array.isArray(slice.endpoints) ? (slice.endpoints as unknown[]) : [];
  for (const ep of eps) {
    if (!isRecord(ep)) continue;
    const addrs = Array.isArray(ep.addresses) ? (ep.addresses as unknown[]) : [];
    const first = addrs[0]; // kube-proxy uses the first address only
    if (!isIPv4(first)) continue;
    const c = isRecord(ep.conditions) ? ep.conditions : {};
    const ready = c.ready !== false;
    const serving = c.serving === undefined || c.serving === null ? ready : c.serving === true;
    const terminating = c.terminating === true;
    out.push({ ip: first, ready, servingTerminating: serving && terminating });
  }
  return out;
}

/** The slice's port number for a Service port (matched by name and protocol), if any. */
function slicePort(slice: KubeObject, name: string, protocol: L4Protocol): number | undefined {
  const ports = Array.isArray(slice.ports) ? (slice.ports as unknown[]) : [];
  for (const p of ports) {
    if (!isRecord(p)) continue;
    const pname = typeof p.name === 'string' ? p.name : '';
    if (pname !== name || protocolOf(p.protocol) !== protocol) continue;
    if (validPort(p.port)) return p.port;
  }
  return undefined;
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  return (ipv4Number(a.ip) ?? 0) - (ipv4Number(b.ip) ?? 0) || a.port - b.port;
}

/**
 * The proxied ports of a Service given the EndpointSlices of that Service. Headless Services
 * (clusterIP None), ExternalName Services and non-IPv4 cluster IPs give none. Endpoints: the
 * ready ones; if none is ready, the serving-and-terminating ones (kube-proxy's fallback).
 */
export function servicePorts(svc: KubeObject, slices: readonly KubeObject[]): ServicePort[] {
  const spec = isRecord(svc.spec) ? svc.spec : undefined;
  if (spec === undefined || spec.type === 'ExternalName') return [];
  const clusterIP = spec.clusterIP;
  if (!isIPv4(clusterIP)) return [];
  const key = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
  const affinity = spec.sessionAffinity === 'ClientIP' ? affinityTimeout(spec.sessionAffinityConfig) : undefined;
  const withNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const out: ServicePort[] = [];
  const ports = Array.isArray(spec.ports) ? (spec.ports as unknown[]) : [];
  // Each slice's endpoints are read once, whatever the number of ports.
  const endpointsOf = slices.map(sliceEndpoints);
  for (const p of ports) {
    if (!isRecord(p) || !validPort(p.port)) continue;
    const protocol = protocolOf(p.protocol);
    if (protocol === undefined) continue;
    const name = typeof p.name === 'string' ? p.name : '';
    const ready = new Map<string, Endpoint>();
    const fallback = new Map<string, Endpoint>();
    for (const [si, slice] of slices.entries()) {
      const port = slicePort(slice, name, protocol);
      if (port === undefined) continue;
      for (const ep of endpointsOf[si] ?? []) {
        const e = { ip: ep.ip, port };
        if (ep.ready) ready.set(`${e.ip}:${port}`, e);
        else if (ep.servingTerminating) fallback.set(`${e.ip}:${port}`, e);
      }
    }
    const chosen = ready.size > 0 ? ready : fallback;
    const sp: ServicePort = {
      id: `${key}:${name}`,
      service: key,
      clusterIP,
      protocol,
      port: p.port,
      endpoints: [...chosen.values()].sort(compareEndpoints),
    };
    if (withNodePorts && validPort(p.nodePort)) sp.nodePort = p.nodePort;
    if (affinity !== undefined) sp.affinityTimeoutSeconds = affinity;
    out.push(sp);
  }
  return out;
}

function affinityTimeout(cfg: unknown): number {
  const t = isRecord(cfg) && isRecord(cfg.clientIP) ? cfg.clientIP.timeoutSeconds : undefined;
  return typeof t === 'number' && Number.isInteger(t) && t > 0 ? t : DEFAULT_AFFINITY_TIMEOUT_SECONDS;
}

/** Whether two ports program the same elements (same key fields, affinity and endpoints). */
export function samePort(a: ServicePort, b: ServicePort): boolean {
  return (
    a.clusterIP === b.clusterIP &&
    a.protocol === b.protocol &&
    a.port === b.port &&
    a.nodePort === b.nodePort &&
    a.affinityTimeoutSeconds === b.affinityTimeoutSeconds &&
    a.endpoints.length === b.endpoints.length &&
    a.endpoints.every((e, i) => e.ip === b.endpoints[i]?.ip && e.port === b.endpoints[i]?.port)
  );
}
