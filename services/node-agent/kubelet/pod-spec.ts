// Typed, defaulted views of the parts of a Pod the node agent acts on. Pods arrive as JSON
// validated by the API server; these views narrow them once so the rest of the kubelet reads
// plain fields. Defaults are the API's (probe periods, grace period, pull policy).
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';

type Json = Record<string, unknown>;

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface HttpGetAction {
  path: string;
  port: number | string;
  host?: string;
  scheme: 'HTTP' | 'HTTPS';
  headers: { name: string; value: string }[];
}

export type Handler =
  | { kind: 'httpGet'; httpGet: HttpGetAction }
  | { kind: 'tcpSocket'; tcpSocket: { port: number | string; host?: string } }
  | { kind: 'exec'; exec: { command: string[] } }
  | { kind: 'sleep'; sleep: { seconds: number } };

export interface ProbeSpec {
  handler: Handler;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: string;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
  subPath?: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  imagePullPolicy: PullPolicy;
  command?: string[];
  args?: string[];
  /** env and envFrom as the API holds them; resolved by env.ts. */
  env: Json[];
  envFrom: Json[];
  ports: ContainerPort[];
  workingDir?: string;
  limits: Record<string, string>;
  requests: Record<string, string>;
  runAsUser?: number;
  volumeMounts: VolumeMount[];
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
  preStop?: Handler;
  /** Hash of the container's spec: a change (an image update) restarts the container. */
  hash: string;
}

export interface PodView {
  uid: string;
  name: string;
  namespace: string;
  nodeName: string;
  containers: ContainerSpec[];
  initContainers: ContainerSpec[];
  volumes: Json[];
  restartPolicy: RestartPolicy;
  terminationGracePeriodSeconds: number;
  hostname: string;
  subdomain?: string;
  dnsPolicy: string;
  serviceAccountName: string;
  enableServiceLinks: boolean;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
}

const DEFAULT_GRACE_SECONDS = 30;

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map((x) => String(x)) : undefined;
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function portOf(v: unknown): number | string {
  return typeof v === 'number' ? v : String(v ?? '');
}

export function parseHandler(h: unknown): Handler | undefined {
  if (!isRecord(h)) return undefined;
  if (isRecord(h.httpGet)) {
    const g = h.httpGet;
    const scheme = g.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP';
    const host = str(g.host);
    return {
      kind: 'httpGet',
      httpGet: {
        path: str(g.path) ?? '/',
        port: portOf(g.port),
        ...(host !== undefined ? { host } : {}),
        scheme,
        headers: list(g.httpHeaders).map((x) => ({ name: String(x.name ?? ''), value: String(x.value ?? '') })),
      },
    };
  }
  if (isRecord(h.tcpSocket)) {
    const host = str(h.tcpSocket.host);
    return { kind: 'tcpSocket', tcpSocket: { port: portOf(h.tcpSocket.port), ...(host !== undefined ? { host } : {}) } };
  }
  if (isRecord(h.exec)) return { kind: 'exec', exec: { command: strings(h.exec.command) ?? [] } };
  if (isRecord(h.sleep)) return { kind: 'sleep', sleep: { seconds: num(h.sleep.seconds, 0) } };
  return undefined;
}

export function parseProbe(p: unknown): ProbeSpec | undefined {
  if (!isRecord(p)) return undefined;
  const handler = parseHandler(p);
  if (!handler || handler.kind === 'sleep') return undefined;
  return {
    handler,
    initialDelaySeconds: num(p.initialDelaySeconds, 0),
    periodSeconds: num(p.periodSeconds, 10),
    timeoutSeconds: num(p.timeoutSeconds, 1),
    successThreshold: num(p.successThreshold, 1),
    failureThreshold: num(p.failureThreshold, 3),
  };
}

function pullPolicy(c: Json, image: string): PullPolicy {
  const p = c.imagePullPolicy;
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return p;
  // The API's default: Always for :latest or an untagged image, IfNotPresent otherwise.
  const lastPart = image.split('/').pop() ?? image;
  return image.includes('@') || (lastPart.includes(':') && !lastPart.endsWith(':latest')) ? 'IfNotPresent' : 'Always';
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) out[k] = String(x);
  return out;
}

/** JSON with object keys sorted, so the same spec hashes the same however its keys are ordered. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isRecord(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function parseContainer(c: Json): ContainerSpec {
  const image = String(c.image ?? '');
  const resources = isRecord(c.resources) ? c.resources : {};
  const sc = isRecord(c.securityContext) ? c.securityContext : {};
  const lifecycle = isRecord(c.lifecycle) ? c.lifecycle : {};
  const preStop = parseHandler(lifecycle.preStop);
  const command = strings(c.command);
  const args = strings(c.args);
  const workingDir = str(c.workingDir);
  const livenessProbe = parseProbe(c.livenessProbe);
  const readinessProbe = parseProbe(c.readinessProbe);
  const startupProbe = parseProbe(c.startupProbe);
  return {
    name: String(c.name ?? ''),
    image,
    imagePullPolicy: pullPolicy(c, image),
    ...(command !== undefined ? { command } : {}),
    ...(args !== undefined ? { args } : {}),
    env: list(c.env),
    envFrom: list(c.envFrom),
    ports: list(c.ports).map((p) => ({
      ...(str(p.name) !== undefined ? { name: String(p.name) } : {}),
      containerPort: num(p.containerPort, 0),
      protocol: str(p.protocol) ?? 'TCP',
    })),
    ...(workingDir !== undefined ? { workingDir } : {}),
    limits: stringMap(resources.limits),
    requests: stringMap(resources.requests),
    ...(typeof sc.runAsUser === 'number' ? { runAsUser: sc.runAsUser } : {}),
    volumeMounts: list(c.volumeMounts).map((m) => ({
      name: String(m.name ?? ''),
      mountPath: String(m.mountPath ?? ''),
      readOnly: m.readOnly === true,
      ...(str(m.subPath) !== undefined ? { subPath: String(m.subPath) } : {}),
    })),
    ...(livenessProbe ? { livenessProbe } : {}),
    ...(readinessProbe ? { readinessProbe } : {}),
    ...(startupProbe ? { startupProbe } : {}),
    ...(preStop ? { preStop } : {}),
    hash: createHash('sha256').update(canonicalJson(c)).digest('hex').slice(0, 16),
  };
}

export function podView(pod: KubeObject): PodView {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const m = pod.metadata;
  const rp = spec.restartPolicy;
  const subdomain = str(spec.subdomain);
  return {
    uid: m.uid ?? '',
    name: m.name ?? '',
    namespace: m.namespace ?? 'default',
    nodeName: String(spec.nodeName ?? ''),
    containers: list(spec.containers).map(parseContainer),
    initContainers: list(spec.initContainers).map(parseContainer),
    volumes: list(spec.volumes),
    restartPolicy: rp === 'OnFailure' || rp === 'Never' ? rp : 'Always',
    terminationGracePeriodSeconds: num(spec.terminationGracePeriodSeconds, DEFAULT_GRACE_SECONDS),
    hostname: str(spec.hostname) ?? (m.name ?? '').slice(0, 63),
    ...(subdomain !== undefined ? { subdomain } : {}),
    dnsPolicy: str(spec.dnsPolicy) ?? 'ClusterFirst',
    serviceAccountName: str(spec.serviceAccountName) ?? 'default',
    enableServiceLinks: spec.enableServiceLinks !== false,
    ...(m.deletionTimestamp !== undefined ? { deletionTimestamp: m.deletionTimestamp } : {}),
    ...(m.deletionGracePeriodSeconds !== undefined ? { deletionGracePeriodSeconds: m.deletionGracePeriodSeconds } : {}),
  };
}

/** The port number a probe or hook names, resolving a named container port. */
export function resolvePort(port: number | string, container: ContainerSpec): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports.find((p) => p.name === port)?.containerPort;
}
