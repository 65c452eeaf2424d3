import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { aggregateClusterRoles, selectorMatches } from './cluster-role-aggregation.js';

const role = (name: string, labels: Record<string, string>, rules: unknown[], aggregateLabel?: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...(aggregateLabel ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateLabel]: 'true' } }] } } : {}),
});

describe('selectorMatches', () => {
  it.each<[string, Parameters<typeof selectorMatches>[0], Record<string, string>, boolean]>([
    ['matchLabels', { matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    ['matchLabels mismatch', { matchLabels: { a: '1' } }, { a: '2' }, false],
    ['In', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    ['NotIn on a missing key', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    ['Exists', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: 'x' }, false],
    ['empty selector matches nothing', {}, { a: '1' }, false],
  ])('%s', (_name, selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});

describe('aggregateClusterRoles', () => {
  it('fills aggregated roles transitively, in name order, without duplicates, leaving the input alone', () => {
    const read = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
    const write = { verbs: ['create'], apiGroups: [''], resources: ['pods'] };
    const input = [
      role('top', {}, [], 'to-top'),
      role('middle', { 'to-top': 'true' }, [], 'to-middle'),
      role('z-part', { 'to-middle': 'true' }, [write, read]),
      role('a-part', { 'to-middle': 'true' }, [read]),
      role('unrelated', {}, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
    ];
    const out = aggregateClusterRoles(input);
    expect(out.find((r) => r.metadata.name === 'middle')?.['rules']).toEqual([read, write]);
    expect(out.find((r) => r.metadata.name === 'top')?.['rules']).toEqual([read, write]);
    expect(input[0]?.['rules']).toEqual([]);
  });
});
