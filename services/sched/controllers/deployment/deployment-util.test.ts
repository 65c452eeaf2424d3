import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../workload/replica-set.js';
import { newDeployment, newReplicaSet, podTemplate } from '../workload/test-objects.js';
import type { Deployment } from './deployment-types.js';
import { asDeployment } from './deployment-types.js';
import { findActiveOrLatest, getProportion, maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, setNewReplicaSetAnnotations } from './deployment-util.js';
import { valueFromIntOrPercent } from './int-or-percent.js';
import { canonicalJson, computeHash, equalIgnoreHash, fnv32a, safeEncodeString } from './pod-template-hash.js';

function dep(replicas: number, maxSurgeV: number | string, maxUnavailableV: number | string, type = 'RollingUpdate'): Deployment {
  return asDeployment(newDeployment('web', { replicas, strategy: { type, rollingUpdate: { maxSurge: maxSurgeV, maxUnavailable: maxUnavailableV } } }));
}

describe('rolling update fenceposts', () => {
  const cases: Array<[replicas: number, surge: number | string, unavailable: number | string, wantSurge: number, wantUnavailable: number]> = [
    [10, '25%', '25%', 3, 2],
    [4, '25%', '25%', 1, 1],
    [3, '25%', '25%', 1, 0],
    [1, '25%', '25%', 1, 0],
    [10, 2, 1, 2, 1],
    [10, '0%', '5%', 0, 1], // both round to zero: unavailable becomes 1
    [2, 0, '1%', 0, 1],
    [10, '100%', 0, 10, 0],
  ];
  for (const [replicas, s, u, ws, wu] of cases) {
    it(`${replicas} replicas, maxSurge ${s}, maxUnavailable ${u} → surge ${ws}, unavailable ${wu}`, () => {
      const d = dep(replicas, s, u);
      expect(resolveFenceposts(d)).toEqual({ surge: ws, unavailable: wu });
      expect(maxSurge(d)).toBe(ws);
      expect(maxUnavailable(d)).toBe(Math.min(wu, replicas));
    });
  }

  it('has no surge or unavailability under Recreate', () => {
    const d = dep(10, '25%', '25%', 'Recreate');
    expect(maxSurge(d)).toBe(0);
    expect(maxUnavailable(d)).toBe(0);
  });

  it('rejects a string that is not a percentage', () => {
    expect(() => valueFromIntOrPercent('3', 10, true)).toThrow(/not a percentage/);
  });
});

describe('newRSNewReplicas', () => {
  it('grows the new ReplicaSet up to replicas + maxSurge pods in all', () => {
    const d = dep(10, 3, 2);
    const old = newReplicaSet('old', { replicas: 10 });
    const cur = newReplicaSet('new', { replicas: 0 });
    expect(newRSNewReplicas(d, [old, cur], cur)).toBe(3);
    old.spec = { ...old.spec, replicas: 8 };
    cur.spec = { ...cur.spec, replicas: 3 };
    expect(newRSNewReplicas(d, [old, cur], cur)).toBe(5);
    old.spec = { ...old.spec, replicas: 0 };
    cur.spec = { ...cur.spec, replicas: 9 };
    expect(newRSNewReplicas(d, [old, cur], cur)).toBe(10); // never above replicas
  });

  it('is the full size under Recreate', () => {
    const d = dep(4, 1, 1, 'Recreate');
    const cur = newReplicaSet('new', { replicas: 0 });
    expect(newRSNewReplicas(d, [cur], cur)).toBe(4);
  });
});

describe('getProportion', () => {
  it('takes the share the max-replicas annotation gives, within what is left', () => {
    const d = dep(15, 3, 2);
    const rs = newReplicaSet('a', { replicas: 8, annotations: { 'deployment.kubernetes.io/max-replicas': '13' } });
    expect(getProportion(rs, d, 5, 0)).toBe(3);
    expect(getProportion(rs, d, 5, 4)).toBe(1);
    expect(getProportion(rs, d, 0, 0)).toBe(0);
  });

  it('gives back everything when scaling to zero', () => {
    const d = dep(0, 3, 2);
    const rs = newReplicaSet('a', { replicas: 4, annotations: { 'deployment.kubernetes.io/max-replicas': '13' } });
    expect(getProportion(rs, d, -7, 0)).toBe(-4);
  });
});

describe('setNewReplicaSetAnnotations', () => {
  it('sets revision and replica annotations on a ReplicaSet about to be created, copying the Deployment\'s own', () => {
    const d = asDeployment(newDeployment('web', { replicas: 10, annotations: { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '7' } }));
    const rs: ReplicaSet = newReplicaSet('web-x');
    expect(setNewReplicaSetAnnotations(d, rs, 4, false)).toBe(true);
    expect(rs.metadata.annotations).toEqual({ team: 'a', 'deployment.kubernetes.io/revision': '4', 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' });
  });

  it('raises an old ReplicaSet\'s revision on rollback and keeps the old one in revision-history', () => {
    const d = asDeployment(newDeployment('web'));
    const rs = newReplicaSet('web-x', { annotations: { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' } });
    expect(setNewReplicaSetAnnotations(d, rs, 6, true)).toBe(true);
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '6', 'deployment.kubernetes.io/revision-history': '1,3' });
    expect(setNewReplicaSetAnnotations(d, rs, 6, true)).toBe(false);
  });

  it('never lowers a revision', () => {
    const d = asDeployment(newDeployment('web'));
    const rs = newReplicaSet('web-x', { annotations: { 'deployment.kubernetes.io/revision': '9' } });
    expect(setNewReplicaSetAnnotations(d, rs, 3, true)).toBe(false);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('9');
  });
});

describe('findActiveOrLatest', () => {
  it('returns the only active ReplicaSet, the newest when none is active, nothing when several are', () => {
    const a = newReplicaSet('a', { replicas: 0, created: 1000 });
    const b = newReplicaSet('b', { replicas: 0, created: 2000 });
    const c = newReplicaSet('c', { replicas: 2, created: 3000 });
    expect(findActiveOrLatest(undefined, [a, b])?.metadata.name).toBe('b');
    expect(findActiveOrLatest(c, [a, b])?.metadata.name).toBe('c');
    expect(findActiveOrLatest(c, [a, newReplicaSet('d', { replicas: 1 })])).toBeUndefined();
  });
});

describe('pod-template-hash', () => {
  it('is FNV-32a', () => {
    expect(fnv32a(new TextEncoder().encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv32a(new TextEncoder().encode('foobar'))).toBe(0xbf9cf968);
  });

  it('encodes into the safe alphabet', () => {
    // Each decimal digit maps to alphabet[charCode % 27].
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    expect(safeEncodeString('4294967295')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });

  it('is stable, at most 10 safe characters, and changes with the template and the collision count', () => {
    const t1 = podTemplate({ app: 'web' }, 'nginx:1');
    const h1 = computeHash(t1, undefined);
    expect(h1).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(structuredClone(t1), undefined)).toBe(h1);
    expect(computeHash(podTemplate({ app: 'web' }, 'nginx:2'), undefined)).not.toBe(h1);
    expect(computeHash(t1, 1)).not.toBe(h1);
    expect(computeHash(t1, 1)).not.toBe(computeHash(t1, 2));
    // Key order and empty fields do not matter.
    const reordered = { spec: t1.spec, metadata: { annotations: {}, labels: { app: 'web' }, creationTimestamp: null } };
    expect(computeHash(reordered, undefined)).toBe(h1);
  });

  it('compares templates ignoring the hash label', () => {
    const a = podTemplate({ app: 'web' }, 'nginx:1');
    const b = podTemplate({ app: 'web', 'pod-template-hash': 'abc' }, 'nginx:1');
    expect(equalIgnoreHash(a, b)).toBe(true);
    expect(equalIgnoreHash(a, podTemplate({ app: 'web' }, 'nginx:2'))).toBe(false);
    expect(canonicalJson({ b: 1, a: [] })).toBe('{"b":1}');
  });
});
