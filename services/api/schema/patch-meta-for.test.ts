import { describe, expect, it } from 'vitest';
import { NO_PATCH_META } from '../../../lib/api/patch/patch-meta.js';
import type { FieldPatchMeta, PatchMeta } from '../../../lib/api/patch/patch-meta.js';
import { patchMetaFor } from './patch-meta-for.js';

/** Follows a dotted path of field names through nested metas. */
function at(meta: PatchMeta, path: string): FieldPatchMeta | undefined {
  let cur: PatchMeta | undefined = meta;
  let field: FieldPatchMeta | undefined;
  for (const name of path.split('.')) {
    field = cur?.lookup(name);
    cur = field?.nested;
  }
  return field;
}

describe('patchMetaFor', () => {
  const deployment = patchMetaFor('apps', 'v1', 'Deployment');
  const pod = patchMetaFor('', 'v1', 'Pod');

  it.each([
    ['spec.template.spec.containers', ['merge'], 'name'],
    ['spec.template.spec.initContainers', ['merge'], 'name'],
    ['spec.template.spec.containers.ports', ['merge'], 'containerPort'],
    ['spec.template.spec.containers.env', ['merge'], 'name'],
    ['spec.template.spec.containers.volumeMounts', ['merge'], 'mountPath'],
    ['spec.template.spec.volumes', ['merge', 'retainKeys'], 'name'],
    ['spec.template.spec.imagePullSecrets', ['merge'], 'name'],
    ['spec.template.spec.tolerations', [], undefined],
    ['spec.template.spec.containers.command', [], undefined],
    ['spec.strategy', ['retainKeys'], undefined],
    ['metadata.finalizers', ['merge'], undefined],
    ['metadata.ownerReferences', ['merge'], 'uid'],
    ['status.conditions', ['merge'], 'type'],
    ['spec.template.metadata.labels', [], undefined],
  ])('Deployment %s: strategies %j, merge key %s', (path, strategies, mergeKey) => {
    const f = at(deployment, path);
    expect(f?.strategies).toEqual(strategies);
    expect(f?.mergeKey).toBe(mergeKey);
  });

  it.each([
    ['', 'v1', 'Service', 'spec.ports', 'port'],
    ['', 'v1', 'Pod', 'status.conditions', 'type'],
    ['', 'v1', 'Pod', 'status.podIPs', 'ip'],
    ['', 'v1', 'Node', 'status.addresses', 'type'],
    ['', 'v1', 'ServiceAccount', 'secrets', 'name'],
  ])('%s/%s %s %s merges by %s', (group, version, kind, path, mergeKey) => {
    expect(at(patchMetaFor(group, version, kind), path)).toMatchObject({ strategies: ['merge'], mergeKey });
  });

  it('reaches list items, map values and embedded objects through nested metas', () => {
    expect(at(pod, 'spec.containers.resources.limits')).toEqual({ strategies: [] });
    expect(at(pod, 'spec.volumes.configMap.items')?.strategies).toEqual([]);
    expect(at(pod, 'spec.containers.nope')).toBeUndefined();
    expect(pod.lookup('nope')).toBeUndefined();
  });

  it('lists of Istio kinds have no merge keys (CRDs are not strategic-merge patched)', () => {
    expect(at(patchMetaFor('networking.istio.io', 'v1', 'VirtualService'), 'spec.http')).toMatchObject({ strategies: [] });
    expect(at(patchMetaFor('networking.istio.io', 'v1', 'VirtualService'), 'spec.http')?.mergeKey).toBeUndefined();
  });

  it('knows nothing of unknown kinds', () => {
    expect(patchMetaFor('example.com', 'v1', 'Widget')).toBe(NO_PATCH_META);
  });
});
