import { describe, expect, it } from 'vitest';
import type { ApiResource } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { applyPatch, isBuiltInGroup } from './apply-patch.js';
import { LAST_APPLIED, lastAppliedOf, withLastApplied } from './last-applied.js';

const resource = (group: string, kind: string): ApiResource => ({ group, version: 'v1', kind, resource: `${kind.toLowerCase()}s`, singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [], verbs: [], subresources: [], preferred: true });

describe('last-applied-configuration', () => {
  it('records the object (sorted keys, empty annotations map, final newline) on itself', () => {
    const obj: KubeObject = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'demo' }, data: { b: '<2>', a: '1' } };
    const m = withLastApplied(obj);
    expect(m.metadata.annotations?.[LAST_APPLIED]).toBe('{"apiVersion":"v1","data":{"a":"1","b":"\\u003c2\\u003e"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"demo"}}\n');
    expect(lastAppliedOf(m)).toEqual({ apiVersion: 'v1', data: { a: '1', b: '<2>' }, kind: 'ConfigMap', metadata: { annotations: {}, name: 'c', namespace: 'demo' } });
    expect(obj.metadata.annotations).toBeUndefined();
  });
});

describe('applyPatch', () => {
  it('uses strategic merge patches for Kubernetes groups and merge patches for the rest', () => {
    expect(['', 'apps', 'rbac.authorization.k8s.io'].map(isBuiltInGroup)).toEqual([true, true, true]);
    expect(['networking.istio.io', 'example.com'].map(isBuiltInGroup)).toEqual([false, false]);
  });

  it('merges containers by name and deletes what the last apply had (three-way)', () => {
    const deploy = (env: { name: string; value: string }[], replicas: number): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'x', env }] } } },
    });
    const original = deploy([{ name: 'A', value: '1' }], 2);
    const modified = deploy([{ name: 'B', value: '2' }], 2);
    const current = deploy([{ name: 'A', value: '1' }], 5);
    const { type, patch } = applyPatch(resource('apps', 'Deployment'), original, modified, current);
    expect(type).toBe('strategic');
    // What kubectl apply sends for the same three documents.
    expect(patch).toEqual({
      spec: {
        replicas: 2,
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [{ '$setElementOrder/env': [{ name: 'B' }], env: [{ name: 'B', value: '2' }, { $patch: 'delete', name: 'A' }], name: 'web' }],
          },
        },
      },
    });
  });

  it('is empty when nothing changed', () => {
    const vs: KubeObject = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r' }, spec: { hosts: ['r'] } };
    const m = withLastApplied(vs);
    const { type, patch } = applyPatch(resource('networking.istio.io', 'VirtualService'), lastAppliedOf(m), m, structuredClone(m));
    expect(type).toBe('merge');
    expect(patch).toEqual({});
  });
});
