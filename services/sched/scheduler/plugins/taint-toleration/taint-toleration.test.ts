import { describe, expect, it } from 'vitest';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { filterResults, scoreResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { TaintToleration, newTaintToleration } from './taint-toleration.js';

const gpu = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('TaintToleration filter', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.TaintToleration)).toBe(newTaintToleration);
  });

  const rejected = 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}';
  const cases = [
    { name: 'untainted node', taints: [], tolerations: [], want: 'Success' },
    { name: 'NoSchedule taint, no toleration', taints: [gpu], tolerations: [], want: rejected },
    {
      name: 'NoExecute taint must be tolerated too',
      taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }],
      tolerations: [],
      want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {k: v}',
    },
    { name: 'PreferNoSchedule taint does not filter', taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }], tolerations: [], want: 'Success' },
    { name: 'Equal toleration with the value', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], want: 'Success' },
    { name: 'empty operator means Equal', taints: [gpu], tolerations: [{ key: 'dedicated', value: 'gpu' }], want: 'Success' },
    { name: 'Equal toleration with another value', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }], want: rejected },
    { name: 'Exists toleration ignores the value', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Exists' }], want: 'Success' },
    { name: 'empty key with Exists tolerates everything', taints: [gpu, { key: 'x', value: '', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }], want: 'Success' },
    { name: 'toleration for another effect', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], want: rejected },
    {
      name: 'the first untolerated taint is reported',
      taints: [{ key: 'a', value: '1', effect: 'NoSchedule' }, gpu],
      tolerations: [{ key: 'a', operator: 'Exists' }],
      want: rejected,
    },
    { name: 'empty taint value prints empty', taints: [{ key: 'only-key', value: '', effect: 'NoSchedule' }], tolerations: [], want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {only-key: }' },
  ];
  it.each(cases)('$name', ({ taints, tolerations, want }) => {
    const snapshot = snapshotOf([makeNode('n1', { taints })]);
    expect(filterResults(new TaintToleration(), makePod('p', { tolerations }), snapshot)).toEqual({ n1: want });
  });
});

describe('TaintToleration score (PreferNoSchedule)', () => {
  const soft = (key: string) => ({ key, value: 'v', effect: 'PreferNoSchedule' });
  const cases = [
    {
      name: 'fewer intolerable PreferNoSchedule taints score higher',
      tolerations: [],
      want: { none: 100, one: 50, two: 0 },
    },
    {
      name: 'tolerated PreferNoSchedule taints do not count',
      tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }],
      want: { none: 100, one: 100, two: 0 },
    },
    {
      name: 'a toleration without effect covers PreferNoSchedule',
      tolerations: [{ operator: 'Exists' }],
      want: { none: 100, one: 100, two: 100 },
    },
    {
      name: 'a NoSchedule-only toleration does not',
      tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
      want: { none: 100, one: 50, two: 0 },
    },
  ];
  it.each(cases)('$name', ({ tolerations, want }) => {
    const snapshot = snapshotOf([
      makeNode('none'),
      makeNode('one', { taints: [soft('a')] }),
      makeNode('two', { taints: [soft('b'), soft('c'), { key: 'h', value: 'v', effect: 'NoSchedule' }] }),
    ]);
    expect(scoreResults(new TaintToleration(), makePod('p', { tolerations }), snapshot)).toEqual(want);
  });
});
