import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../registry/resources.js';
import type { Schema } from '../dsl.js';
import { schemaFor } from '../kind-schemas.js';
import { DEFINITIONS } from './index.js';

function refsOf(s: Schema, out: string[] = []): string[] {
  if (s.$ref !== undefined) out.push(s.$ref);
  for (const c of Object.values(s.properties ?? {})) refsOf(c, out);
  if (s.items) refsOf(s.items, out);
  if (s.additionalProperties) refsOf(s.additionalProperties, out);
  for (const c of s.oneOf ?? []) refsOf(c, out);
  return out;
}

describe('definitions', () => {
  it('every $ref names a definition', () => {
    const dangling: string[] = [];
    for (const [name, s] of DEFINITIONS) for (const r of refsOf(s)) if (!DEFINITIONS.has(r)) dangling.push(`${name} -> ${r}`);
    expect(dangling).toEqual([]);
  });

  it('every served kind and version has a root schema tagged with its group-version-kind, and a list kind', () => {
    for (const r of RESOURCES) {
      for (const v of r.versions) {
        const ks = schemaFor(r.group, v, r.kind);
        expect(ks, `${r.group}/${v}/${r.kind}`).toBeDefined();
        expect(ks?.schema['x-kubernetes-group-version-kind']).toEqual([{ group: r.group, kind: r.kind, version: v }]);
        expect(schemaFor(r.group, v, `${r.kind}List`)?.name).toBe(`${ks?.name ?? ''}List`);
        expect(Object.keys(ks?.schema.properties ?? {})).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
      }
    }
  });

  it.each([
    ['', 'v1', 'Pod', 'io.k8s.api.core.v1.Pod', false],
    ['apps', 'v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment', false],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'io.k8s.api.rbac.v1.ClusterRole', false],
    ['autoscaling', 'v1', 'Scale', 'io.k8s.api.autoscaling.v1.Scale', false],
    ['policy', 'v1', 'Eviction', 'io.k8s.api.policy.v1.Eviction', false],
    ['networking.istio.io', 'v1alpha3', 'VirtualService', 'io.istio.networking.v1alpha3.VirtualService', true],
    ['security.istio.io', 'v1beta1', 'PeerAuthentication', 'io.istio.security.v1beta1.PeerAuthentication', true],
  ])('schemaFor(%j, %s, %s) is %s', (group, version, kind, name, custom) => {
    expect(schemaFor(group, version, kind)).toMatchObject({ name, custom });
  });

  it('gives Istio kinds the same spec schema in every served version', () => {
    const v1 = schemaFor('networking.istio.io', 'v1', 'VirtualService')?.schema.properties?.spec;
    const v1alpha3 = schemaFor('networking.istio.io', 'v1alpha3', 'VirtualService')?.schema.properties?.spec;
    expect(v1).toBeDefined();
    expect(v1alpha3).toEqual(v1);
  });

  it('has no schema for unknown kinds', () => {
    expect(schemaFor('apps', 'v1', 'Nope')).toBeUndefined();
    expect(schemaFor('apps', 'v2', 'Deployment')).toBeUndefined();
  });
});
