import { describe, expect, it } from 'vitest';
import { PluginConfigError } from '../../errors.js';
import type { ContainerSpec } from '../../testing/fixtures.js';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { filterResults, scoreResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { NodeResourcesFit, newNodeResourcesFit } from './node-resources-fit.js';

describe('NodeResourcesFit filter', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.NodeResourcesFit)).toBe(newNodeResourcesFit);
  });

  // One node: 2 cpu, 2Gi, 3 pods, 10Gi ephemeral storage, 1 example.com/gpu; already
  // holding a pod of 1 cpu and 1Gi.
  const cases: { name: string; containers?: ContainerSpec[]; init?: ContainerSpec[]; overhead?: Record<string, string>; extraPods?: number; want: string }[] = [
    { name: 'fits', containers: [{ requests: { cpu: '1', memory: '1Gi' } }], want: 'Success' },
    { name: 'cpu exactly used up', containers: [{ requests: { cpu: '1000m' } }], want: 'Success' },
    { name: 'one millicore too many', containers: [{ requests: { cpu: '1001m' } }], want: 'Unschedulable: Insufficient cpu' },
    { name: 'memory', containers: [{ requests: { memory: '1025Mi' } }], want: 'Unschedulable: Insufficient memory' },
    { name: 'decimal suffixes parse exactly', containers: [{ requests: { memory: '1.1G' } }], want: 'Unschedulable: Insufficient memory' },
    { name: 'both, in cpu-memory order', containers: [{ requests: { cpu: '1.5', memory: '2Gi' } }], want: 'Unschedulable: Insufficient cpu, Insufficient memory' },
    { name: 'containers add up', containers: [{ requests: { cpu: '600m' } }, { requests: { cpu: '600m' } }], want: 'Unschedulable: Insufficient cpu' },
    {
      name: 'an init container counts when it is the largest',
      containers: [{ requests: { cpu: '100m' } }],
      init: [{ requests: { cpu: '1200m' } }],
      want: 'Unschedulable: Insufficient cpu',
    },
    {
      name: 'init containers do not add up with the app containers',
      containers: [{ requests: { cpu: '900m' } }],
      init: [{ requests: { cpu: '1' } }],
      want: 'Success',
    },
    {
      name: 'a sidecar init container adds to the app containers',
      containers: [{ requests: { cpu: '900m' } }],
      init: [{ requests: { cpu: '200m' }, restartPolicy: 'Always' }],
      want: 'Unschedulable: Insufficient cpu',
    },
    { name: 'pod overhead counts', containers: [{ requests: { cpu: '900m' } }], overhead: { cpu: '200m' }, want: 'Unschedulable: Insufficient cpu' },
    { name: 'ephemeral storage', containers: [{ requests: { 'ephemeral-storage': '11Gi' } }], want: 'Unschedulable: Insufficient ephemeral-storage' },
    { name: 'extended resource fits', containers: [{ requests: { 'example.com/gpu': '1' } }], want: 'Success' },
    { name: 'extended resource', containers: [{ requests: { 'example.com/gpu': '2' } }], want: 'Unschedulable: Insufficient example.com/gpu' },
    { name: 'extended resource the node lacks', containers: [{ requests: { 'example.com/fpga': '1' } }], want: 'Unschedulable: Insufficient example.com/fpga' },
    { name: 'too many pods, even for a pod requesting nothing', containers: [{}], extraPods: 2, want: 'Unschedulable: Too many pods' },
    {
      name: 'too many pods comes first',
      containers: [{ requests: { cpu: '2' } }],
      extraPods: 2,
      want: 'Unschedulable: Too many pods, Insufficient cpu',
    },
  ];
  it.each(cases)('$name', ({ containers, init, overhead, extraPods, want }) => {
    const node = makeNode('n1', { cpu: '2', memory: '2Gi', pods: '3', extra: { 'ephemeral-storage': '10Gi', 'example.com/gpu': '1' } });
    const bound = [makePod('existing', { cpu: '1', memory: '1Gi', nodeName: 'n1' })];
    for (let i = 0; i < (extraPods ?? 0); i++) bound.push(makePod(`idle-${i}`, { nodeName: 'n1' }));
    const pod = makePod('p', { ...(containers ? { containers } : {}), ...(init ? { initContainers: init } : {}), ...(overhead ? { overhead } : {}) });
    expect(filterResults(new NodeResourcesFit(), pod, snapshotOf([node], bound))).toEqual({ n1: want });
  });
});

describe('NodeResourcesFit score', () => {
  // a: 4 cpu / 4Gi holding 1 cpu / 1Gi; b: 4 cpu / 4Gi empty; c: 8 cpu / 4Gi empty.
  const snapshot = () =>
    snapshotOf(
      [makeNode('a', { cpu: '4', memory: '4Gi' }), makeNode('b', { cpu: '4', memory: '4Gi' }), makeNode('c', { cpu: '8', memory: '4Gi' })],
      [makePod('existing', { cpu: '1', memory: '1Gi', nodeName: 'a' })],
    );
  const cases = [
    { name: 'LeastAllocated: free share after placing the pod', args: undefined, pod: { cpu: '1', memory: '1Gi' }, want: { a: 50, b: 75, c: 81 } },
    { name: 'a pod without requests counts as 100m and 200Mi', args: undefined, pod: {}, want: { a: 71, b: 96, c: 96 } },
    {
      name: 'MostAllocated prefers the fuller node',
      args: { scoringStrategy: { type: 'MostAllocated' } },
      pod: { cpu: '1', memory: '1Gi' },
      want: { a: 50, b: 25, c: 18 },
    },
    {
      name: 'resource weights',
      args: { scoringStrategy: { resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } },
      pod: { cpu: '1', memory: '1Gi' },
      want: { a: 50, b: 75, c: 84 },
    },
  ];
  it.each(cases)('$name', ({ args, pod, want }) => {
    expect(scoreResults(newNodeResourcesFit(args, { snapshot: snapshot() }), makePod('p', pod), snapshot())).toEqual(want);
  });

  it('leaves out a resource the node has none of', () => {
    const s = snapshotOf([makeNode('nocpu', { cpu: '0', memory: '4Gi' }), makeNode('none', { cpu: '0', memory: '0' })]);
    // memory only: (4Gi - 1Gi) / 4Gi; nothing to score on "none".
    expect(scoreResults(new NodeResourcesFit(), makePod('p', { cpu: '1', memory: '1Gi' }), s)).toEqual({ nocpu: 75, none: 0 });
  });

  it('scores cpu and memory alone the same as through the general per-resource path', () => {
    // A third scored resource that the pod does not ask for takes the general path and adds
    // nothing, so both must agree on every node; a resource listed twice counts its weights.
    const nodes = [];
    const bound = [];
    for (let i = 0; i < 40; i++) {
      nodes.push(makeNode(`n${i}`, { cpu: `${(i % 7) * 500}m`, memory: `${(i % 5) * 3}Gi`, extra: { 'example.com/gpu': '2' } }));
      if (i % 3 === 0) bound.push(makePod(`b${i}`, { cpu: `${(i % 4) * 300}m`, memory: `${i % 6}Gi`, nodeName: `n${i}` }));
    }
    const s = snapshotOf(nodes, bound);
    for (const type of ['LeastAllocated', 'MostAllocated']) {
      for (const pod of [makePod('p', { cpu: '700m', memory: '5Gi' }), makePod('q', {})]) {
        const unrolled = { scoringStrategy: { type, resources: [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 5 }, { name: 'memory', weight: 1 }] } };
        const general = { scoringStrategy: { type, resources: [{ name: 'cpu', weight: 5 }, { name: 'memory', weight: 3 }, { name: 'example.com/gpu', weight: 4 }] } };
        const want = scoreResults(newNodeResourcesFit(general, { snapshot: s }), pod, s);
        expect(Object.values(want ?? {}).some((v) => v > 0)).toBe(true);
        expect(scoreResults(newNodeResourcesFit(unrolled, { snapshot: s }), pod, s)).toEqual(want);
      }
    }
  });

  it('rejects scoring strategies it does not implement', () => {
    expect(() => newNodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio' } }, { snapshot: snapshot() })).toThrow(PluginConfigError);
  });
});
