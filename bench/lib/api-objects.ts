// The objects the API bench writes: namespaces, ConfigMaps and Deployments, small and valid.
import { randomBytes } from 'node:crypto';

export type BenchKind = 'ConfigMap' | 'Deployment';

/** Collection path of a kind in a namespace, or of one object when `name` is given. */
export function kindPath(kind: BenchKind, namespace: string, name?: string): string {
  const base = kind === 'ConfigMap' ? `/api/v1/namespaces/${namespace}/configmaps` : `/apis/apps/v1/namespaces/${namespace}/deployments`;
  return name === undefined ? base : `${base}/${name}`;
}

export function namespaceBody(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'bench.meshkube.io/run': 'api-bench' } } };
}

/** A printable 256-byte value, different every call. */
export function value256(): string {
  return randomBytes(192).toString('base64');
}

export function configMapBody(namespace: string, name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { app: 'api-bench', ...labels } },
    data: { value: value256() },
  };
}

export function deploymentBody(namespace: string, name: string): Record<string, unknown> {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: 'api-bench' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

export function bodyFor(kind: BenchKind, namespace: string, name: string): Record<string, unknown> {
  return kind === 'ConfigMap' ? configMapBody(namespace, name) : deploymentBody(namespace, name);
}

/** The object after a full update (PUT): a new value, or a different replica count. */
export function updatedBody(kind: BenchKind, current: Record<string, unknown>, seq: number): Record<string, unknown> {
  const next = structuredClone(current);
  const meta = (next.metadata ?? {}) as Record<string, unknown>;
  meta.annotations = { ...((meta.annotations ?? {}) as Record<string, string>), 'bench.meshkube.io/seq': String(seq) };
  next.metadata = meta;
  if (kind === 'ConfigMap') next.data = { value: value256() };
  else next.spec = { ...((next.spec ?? {}) as Record<string, unknown>), replicas: 1 + (seq % 3) };
  return next;
}

/** A JSON merge patch that changes the object. */
export function mergePatchFor(kind: BenchKind, seq: number): Record<string, unknown> {
  const metadata = { annotations: { 'bench.meshkube.io/seq': String(seq) } };
  return kind === 'ConfigMap' ? { metadata, data: { value: value256() } } : { metadata, spec: { replicas: 1 + (seq % 3) } };
}
