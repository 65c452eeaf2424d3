import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { seededRandom } from '../../../lib/prng.js';
import { newFramework } from './default-framework.js';
import { FitError, NoNodesAvailableError, PluginStatusError } from './errors.js';
import type { AnyPlugin, PluginFactory } from './framework/interfaces.js';
import type { Profile } from './framework/profile.js';
import { DEFAULT_PROFILE } from './framework/profile.js';
import { SUCCESS, SKIP, asStatus, unresolvable } from './framework/status.js';
import { PodInfo } from './pod-info.js';
import { inTreeRegistry } from './plugins/registry.js';
import type { ScheduleOutcome } from './schedule-pod.js';
import { numFeasibleNodesToFind, schedulePod } from './schedule-pod.js';
import { makeNode, makePod, snapshotOf } from './testing/fixtures.js';

function run(nodes: KubeObject[], pods: KubeObject[], pod: KubeObject, opts: Parameters<typeof schedulePod>[3] = {}): ScheduleOutcome {
  const snapshot = snapshotOf(nodes, pods);
  return schedulePod(newFramework(snapshot), new PodInfo(pod), snapshot, opts);
}

function failure(outcome: ScheduleOutcome): string {
  if (outcome.ok) throw new Error(`scheduled on ${outcome.result.suggestedHost}`);
  return outcome.error.message;
}

const gpuTaint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('FailedScheduling messages (FitError)', () => {
  const cases: { name: string; nodes: KubeObject[]; pods?: KubeObject[]; pod: KubeObject; want: string }[] = [
    {
      name: 'insufficient cpu everywhere',
      nodes: [makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' }), makeNode('c', { cpu: '1' })],
      pod: makePod('p', { cpu: '2' }),
      want: '0/3 nodes are available: 3 Insufficient cpu.',
    },
    {
      name: 'mixed reasons, sorted',
      nodes: [makeNode('a', { memory: '1Gi' }), makeNode('b', { taints: [gpuTaint] }), makeNode('c', { taints: [gpuTaint] })],
      pod: makePod('p', { memory: '2Gi' }),
      want: '0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {dedicated: gpu}.',
    },
    {
      name: 'node selector',
      nodes: [makeNode('a', { labels: { disk: 'hdd' } }), makeNode('b', { cpu: '1', labels: { disk: 'ssd' } }), makeNode('c', { cpu: '1', labels: { disk: 'ssd' } })],
      pod: makePod('p', { cpu: '2', nodeSelector: { disk: 'ssd' } }),
      want: "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.",
    },
    {
      name: 'every reason of a node counts',
      nodes: [makeNode('a', { cpu: '1', memory: '1Gi' }), makeNode('b', { cpu: '1', memory: '1Gi' })],
      pod: makePod('p', { cpu: '2', memory: '2Gi' }),
      want: '0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.',
    },
    {
      name: 'counts sort as strings: 10 before 2',
      nodes: [
        ...Array.from({ length: 10 }, (_, i) => makeNode(`small-${i}`, { cpu: '1' })),
        makeNode('cordoned-1', { unschedulable: true }),
        makeNode('cordoned-2', { unschedulable: true }),
      ],
      pod: makePod('p', { cpu: '2' }),
      want: '0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable.',
    },
    {
      name: 'too many pods',
      nodes: [makeNode('a', { pods: '1' })],
      pods: [makePod('x', { nodeName: 'a' })],
      pod: makePod('p'),
      want: '0/1 nodes are available: 1 Too many pods.',
    },
    {
      name: 'host ports',
      nodes: [makeNode('a')],
      pods: [makePod('x', { nodeName: 'a', containers: [{ hostPorts: [{ hostPort: 80 }] }] })],
      pod: makePod('p', { containers: [{ hostPorts: [{ hostPort: 80 }] }] }),
      want: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
    },
    {
      name: 'node name',
      nodes: [makeNode('a'), makeNode('b')],
      pod: makePod('p', { nodeName: 'c' }),
      want: "0/2 nodes are available: 2 node(s) didn't match the requested node name.",
    },
    {
      name: 'topology spread',
      nodes: [makeNode('a'), makeNode('b')],
      pods: [makePod('x', { nodeName: 'a', labels: { app: 'web' } }), makePod('y', { nodeName: 'b', labels: { app: 'web' } })],
      pod: makePod('p', {
        labels: { app: 'web' },
        topologySpreadConstraints: [
          { maxSkew: 1, minDomains: 3, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } },
        ],
      }),
      want: "0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints.",
    },
  ];
  it.each(cases)('$name', ({ nodes, pods, pod, want }) => {
    const outcome = run(nodes, pods ?? [], pod);
    expect(failure(outcome)).toBe(want);
    expect(!outcome.ok && outcome.error).toBeInstanceOf(FitError);
  });

  it('no nodes at all', () => {
    const outcome = run([], [], makePod('p'));
    expect(failure(outcome)).toBe('no nodes available to schedule pods');
    expect(!outcome.ok && outcome.error).toBeInstanceOf(NoNodesAvailableError);
  });

  it('records the rejecting plugins for the queue', () => {
    const outcome = run([makeNode('a', { cpu: '1' }), makeNode('b', { taints: [gpuTaint] })], [], makePod('p', { cpu: '2' }));
    expect(!outcome.ok && outcome.error instanceof FitError && [...outcome.error.diagnosis.unschedulablePlugins].sort()).toEqual(['NodeResourcesFit', 'TaintToleration']);
  });
});

describe('choosing a node', () => {
  it('picks the highest total and reports each plugin score', () => {
    const nodes = [makeNode('busy', { cpu: '4' }), makeNode('idle', { cpu: '4' })];
    const outcome = run(nodes, [makePod('x', { nodeName: 'busy', cpu: '3' })], makePod('p', { cpu: '100m', memory: '100Mi' }));
    expect(outcome.ok && outcome.result.suggestedHost).toBe('idle');
    const idle = outcome.ok ? outcome.result.scores?.find((s) => s.name === 'idle') : undefined;
    expect(idle?.plugins).toEqual({ TaintToleration: 100, NodeResourcesFit: 98, NodeResourcesBalancedAllocation: 98 });
    // cpu (4000-100)/4000 → 97 and memory 99 average to 98; the used shares 0.025 and 0.003
    // differ by 0.022, so balance is 98. Totals: 100×3 + 98 + 98 (NodeAffinity and spreading skipped).
    expect(idle?.total).toBe(496);
  });

  it('preferred node affinity outweighs a slightly emptier node', () => {
    const nodes = [makeNode('plain', { cpu: '8' }), makeNode('preferred', { cpu: '4', labels: { disk: 'ssd' } })];
    const affinity = {
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] },
    };
    const outcome = run(nodes, [], makePod('p', { cpu: '1', affinity }));
    expect(outcome.ok && outcome.result.suggestedHost).toBe('preferred');
  });

  it('spreads the pods of one ReplicaSet with the system default constraints', () => {
    const owner = { kind: 'ReplicaSet', name: 'web', uid: 'rs1' };
    const nodes = [makeNode('a', { labels: { 'topology.kubernetes.io/zone': 'z1' } }), makeNode('b', { labels: { 'topology.kubernetes.io/zone': 'z2' } })];
    // Without spreading, b (holding an unrelated pod) would lose on free resources.
    const pods = [makePod('x', { nodeName: 'a', owner }), makePod('unrelated', { nodeName: 'b', cpu: '100m' })];
    const outcome = run(nodes, pods, makePod('p', { owner }));
    expect(outcome.ok && outcome.result.suggestedHost).toBe('b');
  });

  it('breaks ties with the random source', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((n) => makeNode(n));
    const picks = new Set<string>();
    const random = seededRandom(42);
    for (let i = 0; i < 40; i++) {
      const outcome = run(nodes, [], makePod('p'), { random });
      if (outcome.ok) picks.add(outcome.result.suggestedHost);
    }
    expect([...picks].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a single feasible node is chosen without scoring', () => {
    const outcome = run([makeNode('a', { cpu: '1' }), makeNode('b')], [], makePod('p', { cpu: '2' }));
    expect(outcome.ok && outcome.result).toEqual({ suggestedHost: 'b', evaluatedNodes: 2, feasibleNodes: 1 });
  });
});

describe('how many nodes an attempt looks at', () => {
  const cases = [
    { percentage: undefined, nodes: 50, want: 50 },
    { percentage: undefined, nodes: 100, want: 100 },
    { percentage: undefined, nodes: 1000, want: 420 },
    { percentage: undefined, nodes: 5000, want: 500 },
    { percentage: undefined, nodes: 6000, want: 300 },
    { percentage: undefined, nodes: 100_000, want: 5000 },
    { percentage: 30, nodes: 1000, want: 300 },
    { percentage: 100, nodes: 1000, want: 1000 },
    { percentage: 1, nodes: 1000, want: 100 },
  ];
  it.each(cases)('$nodes nodes at $percentage%', ({ percentage, nodes, want }) => {
    expect(numFeasibleNodesToFind(percentage, nodes)).toBe(want);
  });

  it('stops filtering once enough nodes fit, and starts the next attempt where this one stopped', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => makeNode(`n${i}`));
    const snapshot = snapshotOf(nodes);
    const outcome = schedulePod(newFramework(snapshot), new PodInfo(makePod('p')), snapshot, { percentageOfNodesToScore: 10, startIndex: 250 });
    // 10% of 300 is under the floor of 100.
    expect(outcome.ok && [outcome.result.evaluatedNodes, outcome.result.feasibleNodes]).toEqual([100, 100]);
    const scored = outcome.ok ? (outcome.result.scores ?? []).map((s) => s.name) : [];
    expect(scored[0]).toBe('n250');
    expect(scored[50]).toBe('n0');
    expect(scored.at(-1)).toBe('n49');
  });

  it('walks every node when too few fit, reporting each one', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => makeNode(`n${i}`, { cpu: i < 290 ? '1' : '4' }));
    const outcome = run(nodes, [], makePod('p', { cpu: '2' }), { percentageOfNodesToScore: 10 });
    expect(outcome.ok && [outcome.result.evaluatedNodes, outcome.result.feasibleNodes]).toEqual([300, 10]);
  });
});

describe('the framework with custom plugins', () => {
  const registryWith = (plugins: Record<string, AnyPlugin>) => {
    const reg = new Map<string, PluginFactory>(inTreeRegistry());
    for (const [name, p] of Object.entries(plugins)) reg.set(name, () => p);
    return reg;
  };
  const profile = (...names: string[]): Profile => ({ ...DEFAULT_PROFILE, plugins: [...DEFAULT_PROFILE.plugins, ...names.map((name) => ({ name, weight: 5 }))] });
  const runWith = (plugins: Record<string, AnyPlugin>, nodes = [makeNode('a'), makeNode('b')]) => {
    const snapshot = snapshotOf(nodes);
    const fw = newFramework(snapshot, profile(...Object.keys(plugins)), registryWith(plugins));
    return schedulePod(fw, new PodInfo(makePod('p')), snapshot);
  };

  it('a PreFilter rejection fails every node with its message only', () => {
    const outcome = runWith({ Gate: { name: 'Gate', preFilter: () => unresolvable('pod is not admitted'), filter: () => SUCCESS } });
    expect(failure(outcome)).toBe('0/2 nodes are available: pod is not admitted.');
    expect(!outcome.ok && outcome.error instanceof FitError && [...outcome.error.diagnosis.unschedulablePlugins]).toEqual(['Gate']);
  });

  it('a PreFilter Skip leaves the plugin out of filtering', () => {
    const outcome = runWith({ Never: { name: 'Never', preFilter: () => SKIP, filter: () => unresolvable('never') } });
    expect(outcome.ok).toBe(true);
  });

  it('a filter error fails the attempt as an error', () => {
    const outcome = runWith({ Broken: { name: 'Broken', filter: () => asStatus(new Error('boom')) } });
    expect(!outcome.ok && outcome.error).toBeInstanceOf(PluginStatusError);
    expect(failure(outcome)).toBe('running "Broken" filter plugin: boom');
  });

  it('a throwing score plugin fails the attempt as an error', () => {
    const outcome = runWith({
      Thrower: {
        name: 'Thrower',
        score: () => {
          throw new Error('bad score');
        },
      },
    });
    expect(failure(outcome)).toBe('running Score plugin "Thrower": bad score');
  });

  it('weights multiply normalized scores', () => {
    const outcome = runWith({ LikesB: { name: 'LikesB', score: (_s, _p, n) => (n.name === 'b' ? 100 : 0) } });
    const b = outcome.ok ? outcome.result.scores?.find((s) => s.name === 'b') : undefined;
    const a = outcome.ok ? outcome.result.scores?.find((s) => s.name === 'a') : undefined;
    expect(outcome.ok && outcome.result.suggestedHost).toBe('b');
    expect((b?.total ?? 0) - (a?.total ?? 0)).toBe(500);
  });

  it('scores out of range are an error', () => {
    const outcome = runWith({ Wild: { name: 'Wild', score: () => 101 } });
    expect(failure(outcome)).toMatch(/^running Score plugin "Wild": plugin "Wild" returns an invalid score 101/);
  });
});
