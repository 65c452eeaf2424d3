import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { FakeClock } from '../../../../lib/controller/clock.js';
import { seededRandom } from '../../../../lib/prng.js';
import { newFramework } from '../default-framework.js';
import { ActionType } from '../framework/cluster-event.js';
import { NodeInfo } from '../node-info.js';
import { PodInfo } from '../pod-info.js';
import { makeNode, makePod, snapshotOf } from '../testing/fixtures.js';
import { KeyedHeap } from './keyed-heap.js';
import type { SchedulingQueueOptions } from './scheduling-queue.js';
import { SchedulingQueue } from './scheduling-queue.js';

function setup(opts: Partial<SchedulingQueueOptions> = {}) {
  const clock = new FakeClock();
  const queue = new SchedulingQueue({ clock, monotonicNow: () => clock.now(), ...opts });
  return { clock, queue };
}

const pi = (name: string, more: Parameters<typeof makePod>[1] = {}) => new PodInfo(makePod(name, more));

function drain(queue: SchedulingQueue): string[] {
  const out: string[] = [];
  for (let q = queue.pop(); q; q = queue.pop()) out.push(q.podInfo.name);
  return out;
}

function nodeAdd(node: KubeObject) {
  const ni = new NodeInfo(node.metadata.name ?? '');
  ni.setNode(node);
  return { resource: 'Node' as const, actions: ActionType.Add, label: 'NodeAdd', newNode: ni };
}

describe('active queue order', () => {
  it('pops higher priority first, then the pod queued earliest', () => {
    const { clock, queue } = setup();
    queue.add(pi('low-old'));
    clock.advance(1);
    queue.add(pi('high', { priority: 1000 }));
    clock.advance(1);
    queue.add(pi('mid', { priority: 5 }));
    clock.advance(1);
    queue.add(pi('low-new'));
    clock.advance(1);
    queue.add(pi('negative', { priority: -1 }));
    expect(drain(queue)).toEqual(['high', 'mid', 'low-old', 'low-new', 'negative']);
  });

  it('an update that raises the priority reorders the queued pod', () => {
    const { clock, queue } = setup();
    queue.add(pi('a'));
    clock.advance(1);
    queue.add(pi('b'));
    queue.update(undefined, pi('b', { priority: 10 }));
    expect(drain(queue)).toEqual(['b', 'a']);
  });
});

describe('backoff', () => {
  it('doubles from 1 s up to 10 s', () => {
    const { queue } = setup();
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((a) => queue.backoffDurationMs(a))).toEqual([0, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });

  it('a failed attempt waits out its backoff before it is active again', () => {
    const { clock, queue } = setup();
    queue.add(pi('p'));
    let q = queue.pop()!;
    expect(queue.requeueAfterFailure(q)).toBe('backoff');
    clock.advance(999);
    expect([queue.location('default/p'), queue.activeCount]).toEqual(['backoff', 0]);
    clock.advance(1);
    expect(queue.location('default/p')).toBe('active');
    // The second failure waits twice as long.
    q = queue.pop()!;
    queue.requeueAfterFailure(q);
    clock.advance(1999);
    expect(queue.location('default/p')).toBe('backoff');
    clock.advance(1);
    expect(queue.location('default/p')).toBe('active');
  });

  it('honours configured durations', () => {
    const { clock, queue } = setup({ podInitialBackoffMs: 100, podMaxBackoffMs: 300 });
    expect([1, 2, 3, 4].map((a) => queue.backoffDurationMs(a))).toEqual([100, 200, 300, 300]);
    queue.add(pi('p'));
    queue.requeueAfterFailure(queue.pop()!);
    clock.advance(100);
    expect(queue.location('default/p')).toBe('active');
  });
});

describe('unschedulable pods', () => {
  function withFramework() {
    const snapshot = snapshotOf([]);
    const fw = newFramework(snapshot);
    return setup({ isPodWorthRequeuing: (pod, rejectors, event) => fw.isPodWorthRequeuing(pod, rejectors, event) });
  }

  it('move to the active queue when a node that could fit them is added', () => {
    const { clock, queue } = withFramework();
    queue.add(pi('big', { cpu: '8' }));
    const q = queue.pop()!;
    q.unschedulablePlugins = new Set(['NodeResourcesFit']);
    expect(queue.requeueAfterFailure(q)).toBe('unschedulable');
    clock.advance(2000);
    // Too small a node does not help; a big enough one does.
    expect(queue.moveAllToActiveOrBackoffQueue(nodeAdd(makeNode('small', { cpu: '4' })))).toBe(0);
    expect(queue.location('default/big')).toBe('unschedulable');
    expect(queue.moveAllToActiveOrBackoffQueue(nodeAdd(makeNode('large', { cpu: '16' })))).toBe(1);
    expect(queue.location('default/big')).toBe('active');
  });

  it('go to backoff instead while their backoff runs', () => {
    const { clock, queue } = withFramework();
    queue.add(pi('big', { cpu: '8' }));
    const q = queue.pop()!;
    q.unschedulablePlugins = new Set(['NodeResourcesFit']);
    queue.requeueAfterFailure(q);
    queue.moveAllToActiveOrBackoffQueue(nodeAdd(makeNode('large', { cpu: '16' })));
    expect(queue.location('default/big')).toBe('backoff');
    clock.advance(1000);
    expect(queue.location('default/big')).toBe('active');
  });

  it('ignore events no rejecting plugin registered for', () => {
    const { clock, queue } = withFramework();
    queue.add(pi('tainted-out'));
    const q = queue.pop()!;
    q.unschedulablePlugins = new Set(['TaintToleration']);
    queue.requeueAfterFailure(q);
    clock.advance(2000);
    const podDeleted = { resource: 'AssignedPod' as const, actions: ActionType.Delete, label: 'AssignedPodDelete', oldPod: pi('x', { nodeName: 'n' }) };
    expect(queue.moveAllToActiveOrBackoffQueue(podDeleted)).toBe(0);
    expect(queue.moveAllToActiveOrBackoffQueue(nodeAdd(makeNode('clean')))).toBe(1);
  });

  it('are retried after five minutes regardless', () => {
    const { clock, queue } = setup({ isPodWorthRequeuing: () => false });
    queue.add(pi('p'));
    const q = queue.pop()!;
    q.unschedulablePlugins = new Set(['NodeResourcesFit']);
    queue.requeueAfterFailure(q);
    clock.advance(5 * 60_000 - 1);
    expect(queue.location('default/p')).toBe('unschedulable');
    clock.advance(1);
    expect(queue.location('default/p')).toBe('active');
  });

  it('move on a change to what they ask for, not on a status write', () => {
    const { clock, queue } = setup({ isPodWorthRequeuing: () => false });
    const original = makePod('p', { cpu: '8' });
    queue.add(new PodInfo(original));
    const q = queue.pop()!;
    q.unschedulablePlugins = new Set(['NodeResourcesFit']);
    queue.requeueAfterFailure(q);
    clock.advance(5000);
    const statusOnly = { ...original, metadata: { ...original.metadata, resourceVersion: '2' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } };
    queue.update(original, new PodInfo(statusOnly));
    expect(queue.location('default/p')).toBe('unschedulable');
    const smaller = makePod('p', { cpu: '1', resourceVersion: '3' });
    queue.update(statusOnly, new PodInfo(smaller));
    expect(queue.location('default/p')).toBe('active');
    expect(queue.get('default/p')?.podInfo.requests.milliCPU).toBe(1000);
  });
});

describe('one copy per pod', () => {
  it('adding a queued pod again replaces it', () => {
    const { queue } = setup();
    queue.add(pi('p', { cpu: '1' }));
    queue.add(pi('p', { cpu: '2' }));
    expect(queue.activeCount).toBe(1);
    expect(queue.pop()?.podInfo.requests.milliCPU).toBe(2000);
  });

  it('a pod in flight is not queued again; its newest version is kept for the retry', () => {
    const { clock, queue } = setup();
    queue.add(pi('p', { cpu: '1' }));
    const q = queue.pop()!;
    queue.add(pi('p', { cpu: '2' }));
    queue.update(undefined, pi('p', { cpu: '3' }));
    expect([queue.activeCount, queue.location('default/p')]).toEqual([0, 'inFlight']);
    expect(queue.requeueAfterFailure(q)).toBe('backoff');
    clock.advance(1000);
    expect(queue.pop()?.podInfo.requests.milliCPU).toBe(3000);
  });

  it('a deleted pod leaves whichever queue holds it', () => {
    const { queue } = setup();
    queue.add(pi('backoff'));
    queue.add(pi('parked'));
    for (const q of [queue.pop()!, queue.pop()!]) {
      if (q.podInfo.name === 'parked') q.unschedulablePlugins = new Set(['X']);
      queue.requeueAfterFailure(q);
    }
    queue.add(pi('active'));
    queue.add(pi('gated', { schedulingGates: [{ name: 'g' }] }));
    const names = ['active', 'backoff', 'parked', 'gated'];
    expect(names.map((n) => queue.location(`default/${n}`))).toEqual(['active', 'backoff', 'unschedulable', 'gated']);
    for (const n of names) queue.delete(`default/${n}`);
    expect([queue.activeCount, queue.backoffCount, queue.unschedulableCount, queue.gatedCount]).toEqual([0, 0, 0, 0]);
  });

  it('a pod deleted while in flight is not requeued', () => {
    const { queue } = setup();
    queue.add(pi('p'));
    const q = queue.pop()!;
    queue.delete('default/p');
    expect(queue.requeueAfterFailure(q)).toBeUndefined();
    expect(queue.location('default/p')).toBeUndefined();
  });

  it('a gated pod waits until its gates are removed', () => {
    const { queue } = setup();
    queue.add(pi('p', { schedulingGates: [{ name: 'example.com/wait' }] }));
    expect(queue.pop()).toBeUndefined();
    queue.update(undefined, pi('p'));
    expect(queue.pop()?.podInfo.name).toBe('p');
  });
});

describe('popWait', () => {
  it('waits for a pod to become active', async () => {
    const { queue } = setup();
    const waiting = queue.popWait();
    queue.add(pi('p'));
    expect((await waiting)?.podInfo.name).toBe('p');
  });

  it('returns undefined when aborted or closed', async () => {
    const { queue } = setup();
    const ac = new AbortController();
    const aborted = queue.popWait(ac.signal);
    ac.abort();
    expect(await aborted).toBeUndefined();
    const closed = queue.popWait();
    queue.close();
    expect(await closed).toBeUndefined();
  });
});

describe('KeyedHeap', () => {
  it('keeps heap order through random adds, updates and deletes', () => {
    const rand = seededRandom(7);
    const heap = new KeyedHeap<{ k: string; v: number }>(
      (x) => x.k,
      (a, b) => a.v < b.v,
    );
    const model = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const k = `k${Math.floor(rand() * 100)}`;
      const r = rand();
      if (r < 0.6) {
        const v = Math.floor(rand() * 1000);
        heap.addOrUpdate({ k, v });
        model.set(k, v);
      } else if (r < 0.8) {
        expect(heap.delete(k)?.v).toBe(model.get(k));
        model.delete(k);
      } else {
        const top = heap.pop();
        const min = Math.min(...model.values());
        expect(top?.v).toBe(model.size ? min : undefined);
        if (top) model.delete(top.k);
      }
      expect(heap.size).toBe(model.size);
    }
  });
});
