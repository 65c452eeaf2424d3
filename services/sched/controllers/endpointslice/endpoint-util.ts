// Service and Pod facts the EndpointSlice and Endpoints controllers share, as k8s.io/endpointslice's
// util package gives them to both: which pods belong in endpoints, which port a service port
// resolves to on a pod, and which services a pod change concerns.
import { isIPv6 } from 'node:net';
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { matchesLabels, selectorFromSet } from '../../../../lib/api/labels.js';
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { objectKey } from '../../../../lib/controller/resources.js';
import type { WorkQueue } from '../../../../lib/controller/work-queue.js';
import { isPodReady, podPhase } from '../pod-util.js';

export const CLUSTER_IP_NONE = 'None';
/** v1.IsHeadlessService: on EndpointSlices and Endpoints of Services without a cluster IP. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

export interface ServicePort {
  name: string;
  protocol: string;
  port: number;
  /** A port number, or the name of a container port. */
  targetPort: number | string;
  appProtocol?: string;
}

/** The parts of a Service's spec the endpoint controllers read, narrowed from JSON. */
export interface ServiceSpecView {
  type: string;
  clusterIP: string;
  ipFamilies: string[];
  /** undefined when the Service has no selector (a nil or empty map: the API stores both as none). */
  selector: Record<string, string> | undefined;
  ports: ServicePort[];
  publishNotReadyAddresses: boolean;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function serviceSpec(svc: KubeObject): ServiceSpecView {
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const ports = records(spec.ports).map((p): ServicePort => {
    const port = typeof p.port === 'number' ? p.port : 0;
    const target = p.targetPort;
    const targetPort = typeof target === 'number' || (typeof target === 'string' && target !== '') ? target : port;
    const out: ServicePort = { name: str(p.name), protocol: str(p.protocol) || 'TCP', port, targetPort };
    if (typeof p.appProtocol === 'string') out.appProtocol = p.appProtocol;
    return out;
  });
  return {
    type: str(spec.type) || 'ClusterIP',
    clusterIP: str(spec.clusterIP),
    ipFamilies: Array.isArray(spec.ipFamilies) ? spec.ipFamilies.filter((f): f is string => typeof f === 'string') : [],
    selector: stringMap(spec.selector),
    ports,
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
  };
}

/** helper.IsServiceIPSet: a cluster IP other than None. */
export function isServiceIPSet(spec: ServiceSpecView): boolean {
  return spec.clusterIP !== CLUSTER_IP_NONE && spec.clusterIP !== '';
}

/** The pod's IPs: status.podIPs, or status.podIP when the list is absent. */
export function podIPs(pod: KubeObject): string[] {
  const status = isRecord(pod.status) ? pod.status : {};
  const ips = records(status.podIPs)
    .map((p) => str(p.ip))
    .filter((ip) => ip !== '');
  if (ips.length > 0) return ips;
  const ip = str(status.podIP);
  return ip !== '' ? [ip] : [];
}

export function ipFamilyOf(ip: string): 'IPv4' | 'IPv6' {
  return isIPv6(ip) ? 'IPv6' : 'IPv4';
}

/** Succeeded or Failed: the pod's containers are done for good. */
export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless asked) not terminating. */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp !== undefined) return false;
  return true;
}

function podSpec(pod: KubeObject): Record<string, unknown> {
  return isRecord(pod.spec) ? pod.spec : {};
}

/** ShouldSetHostname: the pod names this Service as its subdomain and has a hostname. */
export function podHostnameFor(pod: KubeObject, svc: KubeObject): string | undefined {
  const spec = podSpec(pod);
  const hostname = str(spec.hostname);
  if (hostname === '' || str(spec.subdomain) !== svc.metadata.name || pod.metadata.namespace !== svc.metadata.namespace) return undefined;
  return hostname;
}

function namedPort(containers: Record<string, unknown>[], name: string, protocol: string): number | undefined {
  for (const c of containers) {
    for (const p of records(c.ports)) {
      if (p.name === name && (str(p.protocol) || 'TCP') === protocol && typeof p.containerPort === 'number') return p.containerPort;
    }
  }
  return undefined;
}

/**
 * FindPort: a numeric targetPort as is; a named one looked up among the pod's container ports
 * (and those of sidecars: init containers with restartPolicy Always) of the same protocol.
 * undefined when the pod has no such port.
 */
export function findPort(pod: KubeObject, port: ServicePort): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  const spec = podSpec(pod);
  const found = namedPort(records(spec.containers), port.targetPort, port.protocol);
  if (found !== undefined) return found;
  const sidecars = records(spec.initContainers).filter((c) => c.restartPolicy === 'Always');
  return namedPort(sidecars, port.targetPort, port.protocol);
}

/** Keys of the Services in the pod's namespace whose selector matches these labels. */
export function servicesSelecting(services: readonly KubeObject[], labels: Readonly<Record<string, string>> | undefined): Set<string> {
  const keys = new Set<string>();
  for (const svc of services) {
    const selector = serviceSpec(svc).selector;
    if (selector === undefined) continue;
    if (matchesLabels(selectorFromSet(selector), labels)) keys.add(objectKey(svc));
  }
  return keys;
}

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const x = a ?? {};
  const y = b ?? {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && x[k] === y[k]);
}

/**
 * podEndpointsChanged: [whether the pod changed in a way its endpoint shows (deletion,
 * readiness, IPs), whether it may now match other Services (labels, hostname, subdomain)].
 */
export function podEndpointsChanged(oldPod: KubeObject, newPod: KubeObject): [podChanged: boolean, labelsChanged: boolean] {
  const o = podSpec(oldPod);
  const n = podSpec(newPod);
  const labelsChanged = !sameLabels(oldPod.metadata.labels, newPod.metadata.labels) || str(o.hostname) !== str(n.hostname) || str(o.subdomain) !== str(n.subdomain);
  if (oldPod.metadata.deletionTimestamp !== newPod.metadata.deletionTimestamp) return [true, labelsChanged];
  if (isPodReady(oldPod) !== isPodReady(newPod)) return [true, labelsChanged];
  const oldIPs = podIPs(oldPod);
  const newIPs = podIPs(newPod);
  if (oldIPs.length !== newIPs.length || oldIPs.some((ip, i) => ip !== newIPs[i])) return [true, labelsChanged];
  return [false, labelsChanged];
}

/**
 * GetServicesToUpdateOnPodChange: the Services a pod update concerns. A label change touches
 * the Services it left and joined; if the endpoint changed too, every Service of either set.
 */
export function servicesToUpdateOnPodChange(services: readonly KubeObject[], oldPod: KubeObject, newPod: KubeObject): Set<string> {
  if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return new Set();
  const [podChanged, labelsChanged] = podEndpointsChanged(oldPod, newPod);
  if (!podChanged && !labelsChanged) return new Set();
  const current = servicesSelecting(services, newPod.metadata.labels);
  if (!labelsChanged) return current;
  const previous = servicesSelecting(services, oldPod.metadata.labels);
  const out = new Set<string>();
  if (podChanged) {
    for (const k of current) out.add(k);
    for (const k of previous) out.add(k);
  } else {
    for (const k of current) if (!previous.has(k)) out.add(k);
    for (const k of previous) if (!current.has(k)) out.add(k);
  }
  return out;
}

/** utilerrors.NewAggregate's text: one message as is, several as "[a, b]". */
export function aggregateMessage(messages: readonly string[]): string {
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}

/** Whether an API error carries the NamespaceTerminating cause (creates in a namespace being deleted). */
export function hasNamespaceTerminatingCause(err: unknown): boolean {
  return isApiError(err) && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

/** JSON with object keys sorted: a stable text for hashing and comparing plain values. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonical(v));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = canonical(v[k]);
  return out;
}

/** Drops absent and empty lists/maps, as Go's semantic equality treats nil and empty alike. */
function semanticForm(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(semanticForm);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = v[k];
    if (x === undefined || x === null || (Array.isArray(x) && x.length === 0) || (isRecord(x) && Object.keys(x).length === 0)) continue;
    out[k] = semanticForm(x);
  }
  return out;
}

/** apiequality.Semantic.DeepEqual over JSON values: key order, nil and empty do not matter. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(semanticForm(a)) === JSON.stringify(semanticForm(b));
}

/**
 * The handlers both endpoint controllers put on Services and Pods: a Service change queues
 * that Service; a pod change queues (after the batch period) every Service selecting it
 * before or after the change.
 */
export function enqueueServicesOnChange(services: Informer, pods: Informer, queue: WorkQueue, batchPeriodMs: number): void {
  services.addEventHandler({
    onAdd: (svc) => queue.add(objectKey(svc)),
    onUpdate: (_old, svc) => queue.add(objectKey(svc)),
    onDelete: (svc) => queue.add(objectKey(svc)),
  });
  const selecting = (pod: KubeObject): void => {
    for (const key of servicesSelecting(services.cache.listNamespace(pod.metadata.namespace ?? ''), pod.metadata.labels)) queue.addAfter(key, batchPeriodMs);
  };
  pods.addEventHandler({
    onAdd: selecting,
    onUpdate: (old, pod) => {
      for (const key of servicesToUpdateOnPodChange(services.cache.listNamespace(pod.metadata.namespace ?? ''), old, pod)) queue.addAfter(key, batchPeriodMs);
    },
    onDelete: selecting,
  });
}
