// Services, pods and nodes for the endpoint controllers' tests, shaped as the API server stores them.
import type { KubeObject } from '../../../../lib/api/object.js';

export interface TestServiceOptions {
  namespace?: string;
  uid?: string;
  selector?: Record<string, string> | null;
  ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }>;
  clusterIP?: string;
  ipFamilies?: string[];
  labels?: Record<string, string>;
  publishNotReadyAddresses?: boolean;
  type?: string;
  deleting?: boolean;
}

export function testService(name: string, o: TestServiceOptions = {}): KubeObject {
  const clusterIP = o.clusterIP ?? '10.96.0.10';
  const spec: Record<string, unknown> = {
    type: o.type ?? 'ClusterIP',
    clusterIP,
    clusterIPs: [clusterIP],
    ipFamilies: o.ipFamilies ?? ['IPv4'],
    ports: (o.ports ?? [{ name: 'http', port: 80, targetPort: 8080 }]).map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
  };
  if (o.selector !== null) spec.selector = o.selector ?? { app: name };
  if (o.publishNotReadyAddresses === true) spec.publishNotReadyAddresses = true;
  const svc: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', uid: o.uid ?? `uid-svc-${name}` },
    spec,
  };
  if (o.labels) svc.metadata.labels = o.labels;
  if (o.deleting === true) svc.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  return svc;
}

export interface TestPodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  ip?: string | null;
  node?: string;
  ready?: boolean;
  containerPorts?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  deleting?: boolean;
  phase?: string;
  hostname?: string;
  subdomain?: string;
}

export function testPod(name: string, o: TestPodOptions = {}): KubeObject {
  const ip = o.ip === undefined ? '10.244.0.10' : o.ip;
  const status: Record<string, unknown> = {
    phase: o.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  };
  if (ip !== null) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  const spec: Record<string, unknown> = {
    nodeName: o.node ?? 'node-a',
    containers: [{ name: 'app', image: 'nginx', ports: (o.containerPorts ?? []).map((p) => ({ protocol: 'TCP', ...p })) }],
  };
  if (o.hostname !== undefined) spec.hostname = o.hostname;
  if (o.subdomain !== undefined) spec.subdomain = o.subdomain;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' } },
    spec,
    status,
  };
  if (o.deleting === true) {
    pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    pod.metadata.deletionGracePeriodSeconds = 30;
  }
  return pod;
}

export function testNode(name: string, zone?: string): KubeObject {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` }, spec: {} };
  if (zone !== undefined) node.metadata.labels = { 'topology.kubernetes.io/zone': zone };
  return node;
}

/** Polls until check() returns a value (or true), advancing nothing; fails after ~2 s. */
export async function eventually<T>(check: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
