import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../lib/controller/clock.js';
import { newFramework } from '../default-framework.js';
import { CacheStateError } from '../errors.js';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../pod-info.js';
import { SchedulingAlgorithm } from '../schedule-pod.js';
import { boundTo, makeNode, makePod } from '../testing/fixtures.js';
import { SchedulerCache } from './scheduler-cache.js';

function setup(ttl?: number) {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock, ...(ttl !== undefined ? { assumedPodTtlMs: ttl } : {}) });
  return { clock, cache };
}

const requestedCpu = (cache: SchedulerCache, node: string) => cache.getNodeInfo(node)?.requestedMilliCPU;

describe('assumed pods', () => {
  it('count on their node at once, so back-to-back decisions see them', () => {
    const { cache } = setup();
    cache.addNode(makeNode('n1', { cpu: '1' }));
    cache.addNode(makeNode('n2', { cpu: '1' }));
    const algo = new SchedulingAlgorithm(newFramework(cache), cache, { random: () => 0 });
    const placed: string[] = [];
    for (const name of ['a', 'b']) {
      const pod = new PodInfo(makePod(name, { cpu: '600m' }));
      const outcome = algo.schedule(new CycleState(), pod);
      if (!outcome.ok) throw outcome.error;
      cache.assumePod(pod, outcome.result.suggestedHost);
      placed.push(outcome.result.suggestedHost);
    }
    expect(placed.sort()).toEqual(['n1', 'n2']);
    // A third one no longer fits anywhere.
    const third = algo.schedule(new CycleState(), new PodInfo(makePod('c', { cpu: '600m' })));
    expect(!third.ok && third.error.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
  });

  it('are confirmed by the watch without being counted twice', () => {
    const { clock, cache } = setup();
    cache.addNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '600m' });
    cache.assumePod(new PodInfo(pod), 'n1');
    cache.finishBinding(new PodInfo(pod));
    cache.addPod(boundTo(pod, 'n1'));
    expect([cache.isAssumed('uid-default-p'), requestedCpu(cache, 'n1'), cache.podCount]).toEqual([false, 600, 1]);
    // Confirmed pods never expire.
    clock.advance(60_000);
    expect(requestedCpu(cache, 'n1')).toBe(600);
  });

  it('move when the watch shows them on another node', () => {
    const { cache } = setup();
    cache.addNode(makeNode('n1'));
    cache.addNode(makeNode('n2'));
    const pod = makePod('p', { cpu: '600m' });
    cache.assumePod(new PodInfo(pod), 'n1');
    cache.addPod(boundTo(pod, 'n2'));
    expect([requestedCpu(cache, 'n1'), requestedCpu(cache, 'n2'), cache.nodeOf('uid-default-p')]).toEqual([0, 600, 'n2']);
  });

  it('are forgotten when the binding fails', () => {
    const { cache } = setup();
    cache.addNode(makeNode('n1'));
    const pod = new PodInfo(makePod('p', { cpu: '600m' }));
    cache.assumePod(pod, 'n1');
    cache.forgetPod(pod);
    expect([cache.podCount, cache.assumedPodCount, requestedCpu(cache, 'n1')]).toEqual([0, 0, 0]);
  });

  it('expire when their binding finished but the watch never showed them', () => {
    const { clock, cache } = setup();
    cache.addNode(makeNode('n1'));
    const pod = new PodInfo(makePod('p', { cpu: '600m' }));
    cache.assumePod(pod, 'n1');
    // Not before the binding finished...
    clock.advance(60_000);
    expect(cache.isAssumed(pod.uid)).toBe(true);
    cache.finishBinding(pod);
    // ...and then only after the TTL.
    clock.advance(29_999);
    expect(cache.isAssumed(pod.uid)).toBe(true);
    clock.advance(1);
    expect([cache.isAssumed(pod.uid), cache.podCount, requestedCpu(cache, 'n1')]).toEqual([false, 0, 0]);
  });

  it('honour a configured TTL', () => {
    const { clock, cache } = setup(5_000);
    cache.addNode(makeNode('n1'));
    const pod = new PodInfo(makePod('p'));
    cache.assumePod(pod, 'n1');
    cache.finishBinding(pod);
    clock.advance(5_000);
    expect(cache.podCount).toBe(0);
  });

  it('cannot be assumed twice, and only assumed pods can be forgotten', () => {
    const { cache } = setup();
    cache.addNode(makeNode('n1'));
    const pod = new PodInfo(makePod('p'));
    cache.assumePod(pod, 'n1');
    expect(() => cache.assumePod(pod, 'n1')).toThrow(CacheStateError);
    const bound = new PodInfo(makePod('q', { nodeName: 'n1' }));
    cache.addPod(bound);
    expect(() => cache.forgetPod(bound)).toThrow("pod default/q wasn't assumed so cannot be forgotten");
  });
});

describe('nodes and bound pods', () => {
  it('keep the sums of the pods on each node', () => {
    const { cache } = setup();
    cache.addNode(makeNode('n1'));
    const a = makePod('a', { nodeName: 'n1', cpu: '100m', memory: '1Gi', containers: [{ requests: { cpu: '100m', memory: '1Gi' }, hostPorts: [{ hostPort: 80 }] }] });
    const b = makePod('b', { nodeName: 'n1', cpu: '250m' });
    cache.addPod(a);
    cache.addPod(b);
    const ni = cache.getNodeInfo('n1')!;
    expect([ni.requestedMilliCPU, ni.requestedMemory, ni.nonZeroMemory, ni.podCount]).toEqual([350, 1024 ** 3, 1024 ** 3 + 200 * 1024 * 1024, 2]);
    expect(ni.hostPortsConflict([{ ip: '0.0.0.0', protocol: 'TCP', port: 80 }])).toBe(true);
    cache.updatePod(b, makePod('b', { nodeName: 'n1', cpu: '50m', resourceVersion: '2' }));
    cache.removePod(a);
    expect([ni.requestedMilliCPU, ni.podCount, ni.hostPortsConflict([{ ip: '0.0.0.0', protocol: 'TCP', port: 80 }])]).toEqual([50, 1, false]);
  });

  it('keep pods that arrive before their node, and after it is gone', () => {
    const { cache } = setup();
    cache.addPod(makePod('early', { nodeName: 'n1', cpu: '1' }));
    expect([cache.getNodeInfo('n1'), cache.nodeInfoList().length]).toEqual([undefined, 0]);
    cache.addNode(makeNode('n1'));
    expect(requestedCpu(cache, 'n1')).toBe(1000);
    cache.removeNode(makeNode('n1'));
    expect(cache.nodeInfoList().length).toBe(0);
    cache.addNode(makeNode('n1'));
    expect(requestedCpu(cache, 'n1')).toBe(1000);
  });

  it('list nodes round-robin across zones', () => {
    const { cache } = setup();
    const zone = (z: string) => ({ labels: { 'topology.kubernetes.io/zone': z } });
    for (const [n, z] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c'], ['c2', 'c']] as const) cache.addNode(makeNode(n, zone(z)));
    expect(cache.nodeInfoList().map((n) => n.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    // A node whose zone changes moves with it.
    cache.updateNode(makeNode('a3', zone('a')), makeNode('a3', zone('b')));
    expect(cache.nodeInfoList().map((n) => n.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'a3', 'c2']);
  });

  it('index the pods of each spreading owner per node', () => {
    const { cache } = setup();
    const owner = { kind: 'ReplicaSet', name: 'web', uid: 'rs1' };
    cache.addPod(makePod('a', { nodeName: 'n1', owner }));
    cache.addPod(makePod('b', { nodeName: 'n1', owner }));
    const c = makePod('c', { nodeName: 'n2', owner });
    cache.addPod(c);
    expect(cache.spreadOwnerPodCounts('rs1')).toEqual(new Map([['n1', 2], ['n2', 1]]));
    cache.removePod(c);
    cache.updatePod(makePod('a', { nodeName: 'n1', owner }), makePod('a', { nodeName: 'n1', owner, deletionTimestamp: '2026-01-01T00:00:00Z' }));
    expect(cache.spreadOwnerPodCounts('rs1')).toEqual(new Map([['n1', 1]]));
  });
});
