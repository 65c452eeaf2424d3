import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { FakeClock } from '../../../lib/controller/clock.js';
import { FakeRecorder } from '../../../lib/controller/event-recorder.js';
import type { SchedulerOptions } from './scheduler.js';
import { Scheduler, truncateEventMessage } from './scheduler.js';
import type { PodScheduledReason } from './scheduler-outputs.js';
import { DEFAULT_PROFILE } from './framework/profile.js';
import { SUCCESS } from './framework/status.js';
import { inTreeRegistry } from './plugins/registry.js';
import { boundTo, makeNode, makePod } from './testing/fixtures.js';

class FakeBinder {
  readonly binds: string[] = [];
  /** Errors to throw, in order, before binds succeed. */
  failures: Error[] = [];

  bind(pod: KubeObject, nodeName: string): Promise<void> {
    this.binds.push(`${pod.metadata.namespace}/${pod.metadata.name} -> ${nodeName}`);
    const err = this.failures.shift();
    return err ? Promise.reject(err) : Promise.resolve();
  }
}

class FakeConditions {
  readonly writes: string[] = [];

  setUnschedulable(pod: KubeObject, reason: PodScheduledReason, message: string): Promise<void> {
    this.writes.push(`${pod.metadata.name} ${reason}: ${message}`);
    return Promise.resolve();
  }
}

function setup(opts: Partial<SchedulerOptions> = {}) {
  const clock = new FakeClock();
  const binder = new FakeBinder();
  const conditions = new FakeConditions();
  const events = new FakeRecorder();
  const sched = new Scheduler({ binder, conditions, events, clock, random: () => 0, ...opts });
  return { clock, binder, conditions, events, sched };
}

/** The pod with a PodScheduled=False condition, as the API would show it after the write. */
function withCondition(pod: KubeObject, reason: string, message: string, resourceVersion: string): KubeObject {
  return {
    ...pod,
    metadata: { ...pod.metadata, resourceVersion },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason, message }] },
  };
}

describe('Scheduler', () => {
  it('binds a pending pod and reports it', async () => {
    const { sched, binder, events } = setup();
    sched.onNodeAdd(makeNode('n1'));
    const pod = makePod('web-1', { cpu: '100m' });
    sched.onPodAdd(pod);
    expect(await sched.scheduleOne()).toBe(true);
    expect(binder.binds).toEqual(['default/web-1 -> n1']);
    expect(events.events).toEqual(['Normal Scheduled Successfully assigned default/web-1 to n1']);
    expect(sched.cache.isAssumed('uid-default-web-1')).toBe(true);
    // The watch shows it bound: confirmed, and nothing left to do.
    sched.onPodUpdate(pod, boundTo(pod, 'n1'));
    expect([sched.cache.isAssumed('uid-default-web-1'), sched.cache.podCount, sched.queue.location('default/web-1')]).toEqual([false, 1, undefined]);
    expect(await sched.scheduleOne()).toBe(false);
    expect([sched.metrics.attempts, sched.metrics.scheduled, sched.metrics.attemptDurationsMs.count, sched.metrics.e2eDurationsMs.count]).toEqual([1, 1, 1, 1]);
  });

  it('reports an unschedulable pod and retries it when a node that fits arrives', async () => {
    const { sched, binder, events, conditions, clock } = setup();
    sched.onNodeAdd(makeNode('small', { cpu: '1' }));
    const pod = makePod('big', { cpu: '2' });
    sched.onPodAdd(pod);
    await sched.scheduleOne();
    await sched.waitForPending();
    const message = '0/1 nodes are available: 1 Insufficient cpu.';
    expect(events.events).toEqual([`Warning FailedScheduling ${message}`]);
    expect(conditions.writes).toEqual([`big Unschedulable: ${message}`]);
    expect(sched.queue.location('default/big')).toBe('unschedulable');
    expect(sched.metrics.unschedulable).toBe(1);

    // The condition write comes back through the watch: the pod stays where it is.
    sched.onPodUpdate(pod, withCondition(pod, 'Unschedulable', message, '2'));
    expect(sched.queue.location('default/big')).toBe('unschedulable');

    clock.advance(1000);
    sched.onNodeAdd(makeNode('large', { cpu: '4' }));
    expect(sched.queue.location('default/big')).toBe('active');
    await sched.scheduleOne();
    expect(binder.binds).toEqual(['default/big -> large']);
  });

  it('does not rewrite an identical condition', async () => {
    const { sched, conditions, events, clock } = setup();
    sched.onNodeAdd(makeNode('small', { cpu: '1' }));
    const pod = makePod('big', { cpu: '2' });
    sched.onPodAdd(pod);
    await sched.scheduleOne();
    const message = '0/1 nodes are available: 1 Insufficient cpu.';
    sched.onPodUpdate(pod, withCondition(pod, 'Unschedulable', message, '2'));
    clock.advance(5 * 60_000);
    await sched.scheduleOne();
    await sched.waitForPending();
    expect(events.events).toHaveLength(2);
    expect(conditions.writes).toHaveLength(1);
  });

  it('says so when there are no nodes, and backs off', async () => {
    const { sched, events, conditions } = setup();
    sched.onPodAdd(makePod('p'));
    await sched.scheduleOne();
    await sched.waitForPending();
    expect(events.events).toEqual(['Warning FailedScheduling no nodes available to schedule pods']);
    expect(conditions.writes).toEqual(['p Unschedulable: no nodes available to schedule pods']);
    expect(sched.queue.location('default/p')).toBe('backoff');
  });

  it('forgets a failed binding and retries the pod after backoff', async () => {
    const { sched, binder, events, conditions, clock } = setup();
    binder.failures.push(new Error('Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "x"'));
    sched.onNodeAdd(makeNode('n1', { cpu: '1' }));
    sched.onPodAdd(makePod('p', { cpu: '600m' }));
    await sched.scheduleOne();
    await sched.waitForPending();
    const message = 'running Bind plugin "DefaultBinder": Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "x"';
    expect(events.events).toEqual([`Warning FailedScheduling ${message}`]);
    expect(conditions.writes).toEqual([`p SchedulerError: ${message}`]);
    expect([sched.cache.podCount, sched.cache.getNodeInfo('n1')?.requestedMilliCPU, sched.metrics.errors]).toEqual([0, 0, 1]);
    expect(sched.queue.location('default/p')).toBe('backoff');
    clock.advance(1000);
    await sched.scheduleOne();
    expect(binder.binds).toEqual(['default/p -> n1', 'default/p -> n1']);
    expect(events.events.at(-1)).toBe('Normal Scheduled Successfully assigned default/p to n1');
  });

  it('a failed binding frees room for pods waiting on it', async () => {
    const { sched, binder, clock } = setup();
    sched.onNodeAdd(makeNode('n1', { cpu: '1' }));
    sched.onPodAdd(makePod('first', { cpu: '600m' }));
    clock.advance(1);
    sched.onPodAdd(makePod('second', { cpu: '600m' }));
    // first is assumed on n1 (its binding still pending), so second does not fit.
    let release: (err?: Error) => void = () => {};
    binder.bind = () => new Promise<void>((resolve, reject) => (release = (err) => (err ? reject(err) : resolve())));
    const firstAttempt = sched.scheduleOne();
    await sched.scheduleOne();
    expect(sched.queue.location('default/second')).toBe('unschedulable');
    clock.advance(1000);
    release(new Error('etcd timeout'));
    await firstAttempt;
    expect(sched.queue.location('default/second')).toBe('active');
  });

  it('ignores pods of other schedulers, and keeps bound pods in the cache', async () => {
    const { sched } = setup();
    sched.onNodeAdd(makeNode('n1', { cpu: '1' }));
    sched.onPodAdd(makePod('theirs', { schedulerName: 'my-scheduler' }));
    sched.onPodAdd(makePod('done', { phase: 'Succeeded' }));
    sched.onPodAdd(makePod('leaving', { deletionTimestamp: '2026-01-01T00:00:00Z' }));
    sched.onPodAdd(makePod('running', { nodeName: 'n1', cpu: '500m', schedulerName: 'my-scheduler' }));
    expect(sched.queue.activeCount).toBe(0);
    expect(sched.cache.getNodeInfo('n1')?.requestedMilliCPU).toBe(500);
  });

  it('frees a node when a bound pod is deleted or finishes, waking pods that need the room', async () => {
    const { sched, clock } = setup();
    sched.onNodeAdd(makeNode('n1', { cpu: '1' }));
    const a = makePod('a', { nodeName: 'n1', cpu: '600m' });
    const b = makePod('b', { nodeName: 'n1', cpu: '300m' });
    sched.onPodAdd(a);
    sched.onPodAdd(b);
    sched.onPodAdd(makePod('p', { cpu: '600m' }));
    await sched.scheduleOne();
    expect(sched.queue.location('default/p')).toBe('unschedulable');
    clock.advance(1000);
    sched.onPodDelete(a);
    expect([sched.queue.location('default/p'), sched.cache.getNodeInfo('n1')?.requestedMilliCPU]).toEqual(['active', 300]);
    const finished = { ...b, metadata: { ...b.metadata, resourceVersion: '5' }, status: { phase: 'Succeeded' } };
    sched.onPodUpdate(b, finished);
    expect(sched.cache.getNodeInfo('n1')?.requestedMilliCPU).toBe(0);
  });

  it('a pending pod deleted while it waits leaves the queue; one bound by someone else too', async () => {
    const { sched } = setup();
    const p = makePod('p');
    const q = makePod('q');
    sched.onPodAdd(p);
    sched.onPodAdd(q);
    sched.onPodDelete(p);
    sched.onPodUpdate(q, boundTo(q, 'n9'));
    expect([sched.queue.activeCount, sched.cache.nodeOf('uid-default-q')]).toEqual([0, 'n9']);
  });

  it('wakes pods when a node gains room or loses a taint', async () => {
    const { sched, clock } = setup();
    const tainted = makeNode('n1', { cpu: '1', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    sched.onNodeAdd(tainted);
    sched.onPodAdd(makePod('p', { cpu: '500m' }));
    await sched.scheduleOne();
    expect(sched.queue.location('default/p')).toBe('unschedulable');
    clock.advance(1000);
    // A label change does not help a pod turned down for a taint...
    const relabeled = makeNode('n1', { cpu: '1', labels: { x: 'y' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    sched.onNodeUpdate(tainted, relabeled);
    expect(sched.queue.location('default/p')).toBe('unschedulable');
    // ...removing the taint does.
    sched.onNodeUpdate(relabeled, makeNode('n1', { cpu: '1', labels: { x: 'y' } }));
    expect(sched.queue.location('default/p')).toBe('active');
  });

  it('does not queue again a pod that is bound but not yet seen bound', async () => {
    const { sched } = setup();
    sched.onNodeAdd(makeNode('n1'));
    const pod = makePod('p');
    sched.onPodAdd(pod);
    await sched.scheduleOne();
    sched.onPodUpdate(pod, { ...pod, metadata: { ...pod.metadata, resourceVersion: '2', labels: { late: 'change' } } });
    expect(sched.queue.location('default/p')).toBeUndefined();
  });

  it('run() schedules pods as they come, bindings overlapping, until aborted', async () => {
    const { sched, binder } = setup();
    for (let i = 0; i < 3; i++) sched.onNodeAdd(makeNode(`n${i}`, { cpu: '1' }));
    const ac = new AbortController();
    const running = sched.run(ac.signal);
    for (let i = 0; i < 3; i++) sched.onPodAdd(makePod(`p${i}`, { cpu: '600m' }));
    while (sched.metrics.attempts < 3) await new Promise((r) => setImmediate(r));
    ac.abort();
    await running;
    await sched.waitForPending();
    const nodes = binder.binds.map((b) => b.split(' -> ')[1]).sort();
    expect(nodes).toEqual(['n0', 'n1', 'n2']);
    sched.close();
  });

  it('runs Reserve plugins after assuming, and Unreserve when the binding fails', async () => {
    const calls: string[] = [];
    const registry = new Map(inTreeRegistry());
    registry.set('Recorder', () => ({
      name: 'Recorder',
      reserve: (_s, pod, node) => {
        calls.push(`reserve ${pod.name} ${node}`);
        return SUCCESS;
      },
      unreserve: (_s, pod, node) => void calls.push(`unreserve ${pod.name} ${node}`),
    }));
    const profile = { ...DEFAULT_PROFILE, plugins: [...DEFAULT_PROFILE.plugins, { name: 'Recorder' }] };
    const { sched, binder } = setup({ registry, profile });
    binder.failures.push(new Error('gone'));
    sched.onNodeAdd(makeNode('n1'));
    sched.onPodAdd(makePod('p'));
    await sched.scheduleOne();
    expect(calls).toEqual(['reserve p n1', 'unreserve p n1']);
  });

  it('cuts long event messages as Kubernetes does', () => {
    expect(truncateEventMessage('x'.repeat(1024))).toHaveLength(1024);
    const cut = truncateEventMessage('y'.repeat(2000));
    expect([cut.length, cut.endsWith('y ...')]).toEqual([1024, true]);
  });
});
