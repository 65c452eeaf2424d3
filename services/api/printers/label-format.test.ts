import { describe, expect, it } from 'vitest';
import { formatLabelSelector, formatLabels, labelSelectorString } from './label-format.js';

describe('formatLabels', () => {
  it('sorts keys and prints <none> for no labels', () => {
    expect(formatLabels({ tier: 'web', app: 'shop' })).toBe('app=shop,tier=web');
    expect(formatLabels({})).toBe('<none>');
  });
});

describe('labelSelectorString', () => {
  it.each<[unknown, string | undefined]>([
    [undefined, ''],
    [{}, ''],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, 'env in (dev,prod)'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['qa'] }] }, 'env notin (qa)'],
    [{ matchLabels: { z: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'm', operator: 'DoesNotExist' }] }, 'a,!m,z=1'],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, undefined],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, undefined],
  ])('%j -> %s', (selector, want) => {
    expect(labelSelectorString(selector)).toBe(want);
  });

  it('formats for printing', () => {
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toBe('<error>');
  });
});
