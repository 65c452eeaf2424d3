import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../node-info.js';
import { PodInfo } from '../../pod-info.js';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { filterResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { NodeUnschedulable, newNodeUnschedulable } from './node-unschedulable.js';

describe('NodeUnschedulable', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.NodeUnschedulable)).toBe(newNodeUnschedulable);
    expect(new NodeUnschedulable().name).toBe('NodeUnschedulable');
  });

  const cases = [
    { name: 'schedulable node', unschedulable: false, tolerations: undefined, want: 'Success' },
    { name: 'cordoned node', unschedulable: true, tolerations: undefined, want: "UnschedulableAndUnresolvable: node(s) were unschedulable" },
    {
      name: 'cordoned node, pod tolerates the unschedulable taint',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      want: 'Success',
    },
    { name: 'cordoned node, pod tolerates everything', unschedulable: true, tolerations: [{ operator: 'Exists' }], want: 'Success' },
    {
      name: 'cordoned node, toleration for another effect',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
      want: 'UnschedulableAndUnresolvable: node(s) were unschedulable',
    },
  ];
  it.each(cases)('$name', ({ unschedulable, tolerations, want }) => {
    const snapshot = snapshotOf([makeNode('n1', { unschedulable })]);
    const pod = makePod('p', tolerations ? { tolerations } : {});
    expect(filterResults(new NodeUnschedulable(), pod, snapshot)).toEqual({ n1: want });
  });

  it('queues a rejected pod only when a node becomes schedulable', () => {
    const [reg] = new NodeUnschedulable().eventsToRegister();
    const pod = new PodInfo(makePod('p'));
    const node = (unschedulable: boolean): NodeInfo => {
      const n = new NodeInfo('n1');
      n.setNode(makeNode('n1', { unschedulable }));
      return n;
    };
    const hint = reg!.hint!;
    expect(hint(pod, { resource: 'Node', actions: 1, label: 'NodeAdd', newNode: node(false) })).toBe('Queue');
    expect(hint(pod, { resource: 'Node', actions: 1, label: 'NodeAdd', newNode: node(true) })).toBe('QueueSkip');
    expect(hint(pod, { resource: 'Node', actions: 32, label: 'NodeUpdate', oldNode: node(true), newNode: node(false) })).toBe('Queue');
  });
});
