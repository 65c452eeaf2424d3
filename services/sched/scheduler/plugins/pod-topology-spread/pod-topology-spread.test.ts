import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../../lib/api/object.js';
import type { PodSpecInput } from '../../testing/fixtures.js';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { filterResults, scoreResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { newPodTopologySpread } from './pod-topology-spread.js';

const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const NO_LABEL = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

// zone1: n1 (2 web pods), n2 (1); zone2: n3 (1), n4 (0).
function cluster(extraNodes: KubeObject[] = [], extraPods: KubeObject[] = [], taintZone2 = false) {
  const taints = taintZone2 ? [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] : undefined;
  const nodes = [
    makeNode('n1', { labels: { [ZONE]: 'zone1' } }),
    makeNode('n2', { labels: { [ZONE]: 'zone1' } }),
    makeNode('n3', { labels: { [ZONE]: 'zone2' }, ...(taints ? { taints } : {}) }),
    makeNode('n4', { labels: { [ZONE]: 'zone2' }, ...(taints ? { taints } : {}) }),
    ...extraNodes,
  ];
  const web = (name: string, nodeName: string, more: Partial<PodSpecInput> = {}) =>
    makePod(name, { nodeName, labels: { app: 'web', version: 'v1' }, ...more });
  const pods = [web('w1', 'n1'), web('w2', 'n1'), web('w3', 'n2'), web('w4', 'n3'), ...extraPods];
  return snapshotOf(nodes, pods);
}

function constraint(topologyKey: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { maxSkew: 1, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...more };
}

function incoming(constraints: Record<string, unknown>[], more: Partial<PodSpecInput> = {}): KubeObject {
  return makePod('incoming', { labels: { app: 'web', version: 'v2' }, topologySpreadConstraints: constraints, ...more });
}

const plugin = (snapshot: ReturnType<typeof cluster>) => newPodTopologySpread(undefined, { snapshot });

describe('PodTopologySpread filter (DoNotSchedule)', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.PodTopologySpread)).toBe(newPodTopologySpread);
  });

  const cases: { name: string; pod: KubeObject; snapshot?: () => ReturnType<typeof cluster>; want: Record<string, string> }[] = [
    { name: 'no constraints: skipped', pod: makePod('p'), want: { n1: 'Skip', n2: 'Skip', n3: 'Skip', n4: 'Skip' } },
    { name: 'zone: only the emptier zone keeps the skew', pod: incoming([constraint(ZONE)]), want: { n1: SKEW, n2: SKEW, n3: 'Success', n4: 'Success' } },
    { name: 'zone with maxSkew 2', pod: incoming([constraint(ZONE, { maxSkew: 2 })]), want: { n1: SKEW, n2: SKEW, n3: 'Success', n4: 'Success' } },
    { name: 'zone with maxSkew 3', pod: incoming([constraint(ZONE, { maxSkew: 3 })]), want: { n1: 'Success', n2: 'Success', n3: 'Success', n4: 'Success' } },
    { name: 'hostname', pod: incoming([constraint(HOST)]), want: { n1: SKEW, n2: SKEW, n3: SKEW, n4: 'Success' } },
    {
      name: 'a pod outside its own selector does not add itself',
      pod: incoming([constraint(ZONE)], { labels: { app: 'db' } }),
      want: { n1: SKEW, n2: SKEW, n3: 'Success', n4: 'Success' },
    },
    {
      name: 'hostname, pod outside its selector: skew 1 allowed',
      pod: incoming([constraint(HOST)], { labels: { app: 'db' } }),
      want: { n1: SKEW, n2: 'Success', n3: 'Success', n4: 'Success' },
    },
    {
      name: 'minDomains above the domain count makes the minimum 0',
      pod: incoming([constraint(ZONE, { minDomains: 3 })]),
      want: { n1: SKEW, n2: SKEW, n3: SKEW, n4: SKEW },
    },
    {
      name: 'a node without the topology key cannot take the pod',
      pod: incoming([constraint(ZONE)]),
      snapshot: () => cluster([makeNode('bare')]),
      want: { n1: SKEW, n2: SKEW, n3: 'Success', n4: 'Success', bare: NO_LABEL },
    },
    {
      name: 'nodeAffinityPolicy Honor: only nodes matching the pod count',
      pod: incoming([constraint(ZONE)], { nodeSelector: { [ZONE]: 'zone1' } }),
      want: { n1: 'Success', n2: 'Success', n3: 'Success', n4: 'Success' },
    },
    {
      name: 'nodeAffinityPolicy Ignore: every node counts',
      pod: incoming([constraint(ZONE, { nodeAffinityPolicy: 'Ignore' })], { nodeSelector: { [ZONE]: 'zone1' } }),
      want: { n1: SKEW, n2: SKEW, n3: 'Success', n4: 'Success' },
    },
    {
      name: 'nodeTaintsPolicy Ignore (default): tainted nodes count',
      pod: incoming([constraint(ZONE)]),
      snapshot: () => cluster([], [], true),
      want: { n1: SKEW, n2: SKEW, n3: 'Success', n4: 'Success' },
    },
    {
      name: 'nodeTaintsPolicy Honor: untolerated tainted nodes do not count',
      pod: incoming([constraint(ZONE, { nodeTaintsPolicy: 'Honor' })]),
      snapshot: () => cluster([], [], true),
      want: { n1: 'Success', n2: 'Success', n3: 'Success', n4: 'Success' },
    },
    {
      name: 'terminating pods and other namespaces do not count',
      pod: incoming([constraint(HOST)]),
      snapshot: () =>
        cluster([], [
          makePod('gone', { nodeName: 'n4', labels: { app: 'web' }, deletionTimestamp: '2026-01-01T00:00:00Z' }),
          makePod('elsewhere', { nodeName: 'n4', namespace: 'other', labels: { app: 'web' } }),
        ]),
      want: { n1: SKEW, n2: SKEW, n3: SKEW, n4: 'Success' },
    },
    {
      name: 'matchLabelKeys narrows the selector to pods of the same version',
      pod: incoming([constraint(HOST, { matchLabelKeys: ['version'] })]),
      snapshot: () => cluster([], [makePod('v2', { nodeName: 'n1', labels: { app: 'web', version: 'v2' } })]),
      want: { n1: SKEW, n2: 'Success', n3: 'Success', n4: 'Success' },
    },
    {
      name: 'every constraint must hold',
      pod: incoming([constraint(ZONE), constraint(HOST)]),
      want: { n1: SKEW, n2: SKEW, n3: SKEW, n4: 'Success' },
    },
    {
      name: 'ScheduleAnyway constraints do not filter',
      pod: incoming([constraint(ZONE, { whenUnsatisfiable: 'ScheduleAnyway' })]),
      want: { n1: 'Skip', n2: 'Skip', n3: 'Skip', n4: 'Skip' },
    },
  ];
  it.each(cases)('$name', ({ pod, snapshot, want }) => {
    const s = snapshot ? snapshot() : cluster();
    expect(filterResults(plugin(s), pod, s)).toEqual(want);
  });
});

describe('PodTopologySpread score (ScheduleAnyway)', () => {
  const soft = (key: string, more: Record<string, unknown> = {}) => constraint(key, { whenUnsatisfiable: 'ScheduleAnyway', ...more });
  const cases: { name: string; pod: KubeObject; snapshot?: () => ReturnType<typeof cluster>; want: Record<string, number> | undefined }[] = [
    { name: 'no constraints and no owner: skipped', pod: makePod('p'), want: undefined },
    { name: 'only DoNotSchedule constraints: skipped', pod: incoming([constraint(ZONE)]), want: undefined },
    // weight ln(4 nodes + 2); raw 2×w, w, w, 0 → rounded 4, 2, 2, 0.
    { name: 'hostname: fewer matching pods score higher', pod: incoming([soft(HOST)]), want: { n1: 0, n2: 50, n3: 50, n4: 100 } },
    // weight ln(2 zones + 2); zone1 has 3, zone2 1 → rounded 4 and 1.
    { name: 'zone', pod: incoming([soft(ZONE)]), want: { n1: 25, n2: 25, n3: 100, n4: 100 } },
    {
      name: 'nodes without the key are ignored (scored 0)',
      pod: incoming([soft(ZONE)]),
      snapshot: () => cluster([makeNode('bare')]),
      want: { n1: 25, n2: 25, n3: 100, n4: 100, bare: 0 },
    },
    {
      name: 'system defaults spread the pods of one ReplicaSet over hosts and zones',
      pod: makePod('rs-pod', { owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs1' } }),
      snapshot: () =>
        cluster([], [
          makePod('r1', { nodeName: 'n1', owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs1' } }),
          makePod('r2', { nodeName: 'n1', owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs1' } }),
          makePod('r3', { nodeName: 'n3', owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs1' } }),
          makePod('other', { nodeName: 'n4', owner: { kind: 'ReplicaSet', name: 'api', uid: 'rs2' } }),
        ]),
      want: { n1: 58, n2: 83, n3: 83, n4: 100 },
    },
    {
      name: 'system defaults ignore owners that are not spread (a Job)',
      pod: makePod('job-pod', { owner: { kind: 'Job', name: 'j', uid: 'job1' } }),
      want: undefined,
    },
  ];
  it.each(cases)('$name', ({ pod, snapshot, want }) => {
    const s = snapshot ? snapshot() : cluster();
    expect(scoreResults(plugin(s), pod, s)).toEqual(want);
  });
});
