import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from './taints.js';
import { matchingTolerations, toleratesTaint } from './taints.js';

const taint: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const valued: Taint = { key: 'team', value: 'a', effect: 'NoSchedule' };

describe('toleratesTaint', () => {
  it.each<[string, Toleration, Taint, boolean]>([
    ['Exists with the key and effect', { key: taint.key, operator: 'Exists', effect: 'NoExecute' }, taint, true],
    ['Exists without effect', { key: taint.key, operator: 'Exists' }, taint, true],
    ['Exists without key (tolerates everything)', { operator: 'Exists' }, valued, true],
    ['another effect', { key: taint.key, operator: 'Exists', effect: 'NoSchedule' }, taint, false],
    ['another key', { key: 'other', operator: 'Exists' }, taint, false],
    ['Equal with the value', { key: 'team', operator: 'Equal', value: 'a' }, valued, true],
    ['no operator means Equal', { key: 'team', value: 'a' }, valued, true],
    ['Equal with another value', { key: 'team', operator: 'Equal', value: 'b' }, valued, false],
    ['Equal with no value against a valueless taint', { key: taint.key, operator: 'Equal' }, taint, true],
    ['an unknown operator', { key: 'team', operator: 'Lt', value: 'a' }, valued, false],
  ])('%s', (_, toleration, t, want) => {
    expect(toleratesTaint(toleration, t)).toBe(want);
  });
});

describe('matchingTolerations', () => {
  it('takes the first toleration that matches each taint', () => {
    const a: Toleration = { key: taint.key, operator: 'Exists', tolerationSeconds: 10 };
    const b: Toleration = { operator: 'Exists' };
    expect(matchingTolerations([taint, valued], [a, b])).toEqual({ allTolerated: true, used: [a, b] });
  });

  it('fails when one taint is not tolerated', () => {
    expect(matchingTolerations([taint, valued], [{ key: taint.key, operator: 'Exists' }])).toEqual({ allTolerated: false });
  });
});
