import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { NAMESPACE_INDEX, ObjectCache } from './object-cache.js';

function pod(namespace: string, name: string, nodeName = '', rv = '1'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, resourceVersion: rv }, spec: { nodeName } };
}

function node(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name } };
}

const byNode = (o: KubeObject): string[] => {
  const spec = o.spec as { nodeName?: string } | undefined;
  return spec?.nodeName ? [spec.nodeName] : [];
};

function names(objs: KubeObject[]): string[] {
  return objs.map((o) => o.metadata.name ?? '').sort();
}

describe('ObjectCache', () => {
  it.each([
    { obj: pod('ns1', 'a'), key: 'ns1/a', namespace: 'ns1', name: 'a' },
    { obj: node('n1'), key: 'n1', namespace: '', name: 'n1' },
    { obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', namespace: '' } }, key: 'kube-system', namespace: '', name: 'kube-system' },
  ])('keys $key by namespace/name, or name when cluster-scoped', ({ obj, key, namespace, name }) => {
    const c = new ObjectCache();
    expect(c.upsert(obj)).toBeUndefined();
    expect(c.keys()).toEqual([key]);
    expect(c.get(key)).toBe(obj);
    expect(c.getByName(namespace, name)).toBe(obj);
    expect(c.size).toBe(1);
  });

  it('replaces on upsert and returns the previous object; remove returns the removed one', () => {
    const c = new ObjectCache();
    const v1 = pod('ns', 'a', '', '1');
    const v2 = pod('ns', 'a', '', '2');
    c.upsert(v1);
    expect(c.upsert(v2)).toBe(v1);
    expect(c.size).toBe(1);
    expect(c.get('ns/a')).toBe(v2);
    expect(c.remove('ns/a')).toBe(v2);
    expect(c.remove('ns/a')).toBeUndefined();
    expect(c.get('ns/a')).toBeUndefined();
    expect(c.list()).toEqual([]);
  });

  it('keeps the namespace index', () => {
    const c = new ObjectCache();
    c.upsert(pod('a', 'p1'));
    c.upsert(pod('a', 'p2'));
    c.upsert(pod('b', 'p1'));
    c.upsert(node('n1'));
    expect(names(c.listNamespace('a'))).toEqual(['p1', 'p2']);
    expect(names(c.listNamespace('b'))).toEqual(['p1']);
    expect(names(c.byIndex(NAMESPACE_INDEX, ''))).toEqual(['n1']);
    expect(c.listNamespace('c')).toEqual([]);
    c.remove('a/p1');
    expect(names(c.listNamespace('a'))).toEqual(['p2']);
  });

  it('moves an object between index values on upsert and drops it on remove', () => {
    const c = new ObjectCache();
    c.addIndex('node', byNode);
    c.upsert(pod('ns', 'a', 'node-1', '1'));
    c.upsert(pod('ns', 'b', 'node-1', '1'));
    expect(names(c.byIndex('node', 'node-1'))).toEqual(['a', 'b']);
    c.upsert(pod('ns', 'a', 'node-2', '2'));
    expect(names(c.byIndex('node', 'node-1'))).toEqual(['b']);
    expect(names(c.byIndex('node', 'node-2'))).toEqual(['a']);
    expect(c.byIndex('node', 'node-2')[0]?.metadata.resourceVersion).toBe('2');
    c.upsert(pod('ns', 'a', '', '3'));
    expect(c.byIndex('node', 'node-2')).toEqual([]);
    c.remove('ns/b');
    expect(c.byIndex('node', 'node-1')).toEqual([]);
  });

  it('indexes objects already cached when an index is added', () => {
    const c = new ObjectCache();
    c.upsert(pod('ns', 'a', 'node-1'));
    c.upsert(pod('ns', 'b', 'node-2'));
    c.addIndex('node', byNode);
    expect(names(c.byIndex('node', 'node-1'))).toEqual(['a']);
    expect(names(c.byIndex('node', 'node-2'))).toEqual(['b']);
  });

  it('indexes an object under every value its index function returns', () => {
    const c = new ObjectCache();
    c.addIndex('owner', (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
    const o: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: 'ns',
        name: 'a',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' },
          { apiVersion: 'v1', kind: 'Thing', name: 't', uid: 'u2' },
        ],
      },
    };
    c.upsert(o);
    expect(c.byIndex('owner', 'u1')).toEqual([o]);
    expect(c.byIndex('owner', 'u2')).toEqual([o]);
    expect(c.byIndex('owner', 'u3')).toEqual([]);
  });

  it('throws for an index that does not exist', () => {
    const c = new ObjectCache();
    expect(() => c.byIndex('nope', 'x')).toThrow('no index named nope');
  });
});
