import { describe, expect, it } from 'vitest';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { filterResults, scoreResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { NodeAffinity, newNodeAffinity } from './node-affinity.js';

const NO = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";

function required(...terms: unknown[]): Record<string, unknown> {
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
}

function expr(key: string, operator: string, values?: string[]): Record<string, unknown> {
  return { key, operator, ...(values ? { values } : {}) };
}

// Nodes: a (zone a, gen 3), b (zone b, gen 5), c (no zone, gen "x").
const nodes = () =>
  snapshotOf([
    makeNode('a', { labels: { zone: 'a', gen: '3', disk: 'ssd' } }),
    makeNode('b', { labels: { zone: 'b', gen: '5' } }),
    makeNode('c', { labels: { gen: 'x' } }),
  ]);

describe('NodeAffinity filter', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.NodeAffinity)).toBe(newNodeAffinity);
  });

  const cases: { name: string; pod: Parameters<typeof makePod>[1]; want: Record<string, string> }[] = [
    { name: 'no selector or affinity: skipped', pod: {}, want: { a: 'Skip', b: 'Skip', c: 'Skip' } },
    { name: 'nodeSelector', pod: { nodeSelector: { zone: 'a' } }, want: { a: 'Success', b: NO, c: NO } },
    { name: 'nodeSelector needs every label', pod: { nodeSelector: { zone: 'a', disk: 'hdd' } }, want: { a: NO, b: NO, c: NO } },
    { name: 'empty nodeSelector matches all', pod: { nodeSelector: {} }, want: { a: 'Success', b: 'Success', c: 'Success' } },
    { name: 'In', pod: { affinity: required({ matchExpressions: [expr('zone', 'In', ['a', 'b'])] }) }, want: { a: 'Success', b: 'Success', c: NO } },
    { name: 'NotIn matches a missing label', pod: { affinity: required({ matchExpressions: [expr('zone', 'NotIn', ['a'])] }) }, want: { a: NO, b: 'Success', c: 'Success' } },
    { name: 'Exists', pod: { affinity: required({ matchExpressions: [expr('zone', 'Exists')] }) }, want: { a: 'Success', b: 'Success', c: NO } },
    { name: 'DoesNotExist', pod: { affinity: required({ matchExpressions: [expr('zone', 'DoesNotExist')] }) }, want: { a: NO, b: NO, c: 'Success' } },
    { name: 'Gt compares integers', pod: { affinity: required({ matchExpressions: [expr('gen', 'Gt', ['4'])] }) }, want: { a: NO, b: 'Success', c: NO } },
    { name: 'Lt compares integers', pod: { affinity: required({ matchExpressions: [expr('gen', 'Lt', ['4'])] }) }, want: { a: 'Success', b: NO, c: NO } },
    { name: 'Gt with a non-integer value matches nothing', pod: { affinity: required({ matchExpressions: [expr('gen', 'Gt', ['four'])] }) }, want: { a: NO, b: NO, c: NO } },
    {
      name: 'expressions of a term are ANDed',
      pod: { affinity: required({ matchExpressions: [expr('zone', 'Exists'), expr('gen', 'Gt', ['4'])] }) },
      want: { a: NO, b: 'Success', c: NO },
    },
    {
      name: 'terms are ORed',
      pod: { affinity: required({ matchExpressions: [expr('zone', 'In', ['a'])] }, { matchExpressions: [expr('gen', 'In', ['x'])] }) },
      want: { a: 'Success', b: NO, c: 'Success' },
    },
    { name: 'matchFields metadata.name', pod: { affinity: required({ matchFields: [expr('metadata.name', 'In', ['b'])] }) }, want: { a: NO, b: 'Success', c: NO } },
    { name: 'matchFields NotIn', pod: { affinity: required({ matchFields: [expr('metadata.name', 'NotIn', ['b'])] }) }, want: { a: 'Success', b: NO, c: 'Success' } },
    {
      name: 'a bad term is skipped, the others still match',
      pod: { affinity: required({ matchExpressions: [expr('zone', 'In', [])] }, { matchExpressions: [expr('zone', 'In', ['b'])] }) },
      want: { a: NO, b: 'Success', c: NO },
    },
    { name: 'an empty term matches nothing', pod: { affinity: required({}) }, want: { a: NO, b: NO, c: NO } },
    { name: 'no terms match nothing', pod: { affinity: required() }, want: { a: NO, b: NO, c: NO } },
    {
      name: 'nodeSelector and affinity both apply',
      pod: { nodeSelector: { gen: '3' }, affinity: required({ matchExpressions: [expr('zone', 'Exists')] }) },
      want: { a: 'Success', b: NO, c: NO },
    },
  ];
  it.each(cases)('$name', ({ pod, want }) => {
    expect(filterResults(new NodeAffinity(), makePod('p', pod), nodes())).toEqual(want);
  });
});

describe('NodeAffinity score (preferred terms)', () => {
  const preferred = (...terms: { weight: number; preference: unknown }[]) => ({
    nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms },
  });
  const cases = [
    { name: 'no preferred terms: skipped', affinity: undefined, want: undefined },
    {
      name: 'weights of matching terms add up, normalized to the best',
      affinity: preferred(
        { weight: 2, preference: { matchExpressions: [expr('zone', 'Exists')] } },
        { weight: 6, preference: { matchExpressions: [expr('gen', 'In', ['5'])] } },
      ),
      want: { a: 25, b: 100, c: 0 },
    },
    {
      name: 'no node matches: all zero',
      affinity: preferred({ weight: 5, preference: { matchExpressions: [expr('zone', 'In', ['q'])] } }),
      want: { a: 0, b: 0, c: 0 },
    },
    {
      name: 'zero-weight terms are ignored',
      affinity: preferred({ weight: 0, preference: { matchExpressions: [expr('zone', 'Exists')] } }),
      want: undefined,
    },
  ];
  it.each(cases)('$name', ({ affinity, want }) => {
    expect(scoreResults(new NodeAffinity(), makePod('p', affinity ? { affinity } : {}), nodes())).toEqual(want);
  });
});
