// Discovery documents (/api, /apis, /api/v1, /apis/<group>/<version>, /version), built from the
// resource table in the shapes kube-apiserver serves, so kubectl finds kinds, short names and
// categories ("kubectl get all") the usual way.
import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../registry/resources.js';
import { apiVersionOf } from '../registry/resources.js';

export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0' } as const;

export function versionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: KUBERNETES_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: readonly string[]): Record<string, unknown> {
  const vs = versions.map((v) => ({ groupVersion: apiVersionOf(group, v), version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

/** The groups other than core, each with its served versions (preferred first). */
export function groupVersions(resources: readonly ResourceInfo[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of resources) {
    if (r.group === '') continue;
    const vs = groups.get(r.group) ?? [];
    for (const v of r.versions) if (!vs.includes(v)) vs.push(v);
    groups.set(r.group, vs);
  }
  return groups;
}

export function apiGroupList(resources: readonly ResourceInfo[]): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groupVersions(resources)].map(([g, vs]) => groupEntry(g, vs)) };
}

export function apiGroup(resources: readonly ResourceInfo[], group: string): Record<string, unknown> | undefined {
  const vs = groupVersions(resources).get(group);
  return vs ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, vs) } : undefined;
}

/** Subresources whose kind is not the parent's, as kube-apiserver lists them. */
const SUBRESOURCE_KINDS: Record<string, { group?: string; version?: string; kind: string; verbs: string[] }> = {
  status: { kind: '', verbs: ['get', 'patch', 'update'] },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  log: { kind: 'Pod', verbs: ['get'] },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
  token: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] },
};

function storageVersionHash(r: ResourceInfo): string {
  return createHash('sha256').update(`${r.group}/${r.versions[0] ?? ''}/${r.kind}`).digest('base64').slice(0, 11);
}

export function apiResourceList(resources: readonly ResourceInfo[], group: string, version: string): Record<string, unknown> | undefined {
  const served = resources.filter((r) => r.group === group && r.versions.includes(version));
  if (served.length === 0) return undefined;
  const list: Record<string, unknown>[] = [];
  for (const r of served) {
    const entry: Record<string, unknown> = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames.length > 0) entry.shortNames = r.shortNames;
    if (r.categories.length > 0) entry.categories = r.categories;
    entry.storageVersionHash = storageVersionHash(r);
    list.push(entry);
    for (const sub of r.subresources) {
      const s = SUBRESOURCE_KINDS[sub];
      if (!s) continue;
      const subEntry: Record<string, unknown> = { name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, kind: s.kind === '' ? r.kind : s.kind, verbs: s.verbs };
      if (s.group !== undefined) subEntry.group = s.group;
      if (s.version !== undefined) subEntry.version = s.version;
      list.push(subEntry);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources: list };
}
