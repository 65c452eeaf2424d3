import { describe, expect, it } from 'vitest';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { scoreResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { NodeResourcesBalancedAllocation, balancedScore, newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.js';

describe('NodeResourcesBalancedAllocation', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.NodeResourcesBalancedAllocation)).toBe(newNodeResourcesBalancedAllocation);
  });

  const cases = [
    { name: 'equal shares are perfectly balanced', fractions: [0.5, 0.5], want: 100 },
    { name: 'two resources: std is half the difference', fractions: [0.5, 0.125], want: 81 },
    { name: 'one resource: nothing to balance', fractions: [0.9], want: 100 },
    { name: 'three resources: population std', fractions: [0, 0.5, 1], want: 59 },
  ];
  it.each(cases)('balancedScore: $name', ({ fractions, want }) => {
    expect(balancedScore(fractions)).toBe(want);
  });

  it('scores nodes by how evenly cpu and memory would be used, with real requests', () => {
    // a: 4 cpu / 4Gi holding 2 cpu; b: 4 cpu / 4Gi empty; c: 4 cpu / 4Gi holding 1Gi.
    const snapshot = snapshotOf(
      [makeNode('a', { cpu: '4', memory: '4Gi' }), makeNode('b', { cpu: '4', memory: '4Gi' }), makeNode('c', { cpu: '4', memory: '4Gi' })],
      [makePod('x', { cpu: '2', nodeName: 'a' }), makePod('y', { memory: '1Gi', nodeName: 'c' })],
    );
    // The pod asks for 1 cpu and 1Gi: a = (0.75, 0.25), b = (0.25, 0.25), c = (0.25, 0.5).
    expect(scoreResults(new NodeResourcesBalancedAllocation(), makePod('p', { cpu: '1', memory: '1Gi' }), snapshot)).toEqual({ a: 75, b: 100, c: 87 });
  });

  it('leaves out a resource the node has none of: one fraction or none is balanced', () => {
    const snapshot = snapshotOf([makeNode('nocpu', { cpu: '0', memory: '4Gi' }), makeNode('nomem', { cpu: '4', memory: '0' }), makeNode('none', { cpu: '0', memory: '0' })]);
    expect(scoreResults(new NodeResourcesBalancedAllocation(), makePod('p', { cpu: '3', memory: '1Gi' }), snapshot)).toEqual({ nocpu: 100, nomem: 100, none: 100 });
  });

  it('caps a fraction at 1 when requests exceed allocatable', () => {
    const snapshot = snapshotOf([makeNode('a', { cpu: '1', memory: '4Gi' })]);
    // cpu 3/1 → 1, memory 1/4 → 0.25: std 0.375.
    expect(scoreResults(new NodeResourcesBalancedAllocation(), makePod('p', { cpu: '3', memory: '1Gi' }), snapshot)).toEqual({ a: 62 });
  });
});
