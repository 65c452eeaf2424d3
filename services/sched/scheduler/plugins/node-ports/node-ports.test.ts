import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../pod-info.js';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { filterResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { NodePorts, newNodePorts } from './node-ports.js';

const BUSY = "Unschedulable: node(s) didn't have free ports for the requested pod ports";

type Port = { hostPort: number; protocol?: string; hostIP?: string };
const withPorts = (name: string, ports: Port[], nodeName?: string) =>
  makePod(name, { containers: [{ hostPorts: ports }], ...(nodeName ? { nodeName } : {}) });

describe('NodePorts', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.NodePorts)).toBe(newNodePorts);
  });

  const cases: { name: string; held: Port[]; wanted: Port[]; want: string }[] = [
    { name: 'no host ports: skipped', held: [{ hostPort: 80 }], wanted: [], want: 'Skip' },
    { name: 'free port', held: [{ hostPort: 80 }], wanted: [{ hostPort: 81 }], want: 'Success' },
    { name: 'same port, protocol and ip', held: [{ hostPort: 80 }], wanted: [{ hostPort: 80 }], want: BUSY },
    { name: 'same port, other protocol', held: [{ hostPort: 80, protocol: 'UDP' }], wanted: [{ hostPort: 80 }], want: 'Success' },
    { name: 'protocol defaults to TCP', held: [{ hostPort: 80, protocol: 'TCP' }], wanted: [{ hostPort: 80 }], want: BUSY },
    { name: 'different specific ips', held: [{ hostPort: 80, hostIP: '10.0.0.1' }], wanted: [{ hostPort: 80, hostIP: '10.0.0.2' }], want: 'Success' },
    { name: 'same specific ip', held: [{ hostPort: 80, hostIP: '10.0.0.1' }], wanted: [{ hostPort: 80, hostIP: '10.0.0.1' }], want: BUSY },
    { name: '0.0.0.0 wanted overlaps a specific ip', held: [{ hostPort: 80, hostIP: '10.0.0.1' }], wanted: [{ hostPort: 80, hostIP: '0.0.0.0' }], want: BUSY },
    { name: 'a specific ip overlaps a held 0.0.0.0', held: [{ hostPort: 80 }], wanted: [{ hostPort: 80, hostIP: '10.0.0.1' }], want: BUSY },
    { name: 'one of several ports busy', held: [{ hostPort: 443 }], wanted: [{ hostPort: 80 }, { hostPort: 443 }], want: BUSY },
  ];
  it.each(cases)('$name', ({ held, wanted, want }) => {
    const snapshot = snapshotOf([makeNode('n1')], [withPorts('holder', held, 'n1')]);
    expect(filterResults(new NodePorts(), withPorts('p', wanted), snapshot)).toEqual({ n1: want });
  });

  it('frees the ports when the holder leaves', () => {
    const holder = withPorts('holder', [{ hostPort: 80 }], 'n1');
    const snapshot = snapshotOf([makeNode('n1')], [holder]);
    snapshot.removePod(holder);
    expect(filterResults(new NodePorts(), withPorts('p', [{ hostPort: 80 }]), snapshot)).toEqual({ n1: 'Success' });
  });

  it('wakes a rejected pod only when a pod holding a wanted port is deleted', () => {
    const hint = new NodePorts().eventsToRegister().find((e) => e.resource === 'AssignedPod')!.hint!;
    const pod = new PodInfo(withPorts('p', [{ hostPort: 80 }]));
    const event = (ports: Port[]) => ({ resource: 'AssignedPod' as const, actions: 2, label: 'AssignedPodDelete', oldPod: new PodInfo(withPorts('x', ports, 'n1')) });
    expect(hint(pod, event([{ hostPort: 80 }]))).toBe('Queue');
    expect(hint(pod, event([{ hostPort: 8080 }]))).toBe('QueueSkip');
  });
});
