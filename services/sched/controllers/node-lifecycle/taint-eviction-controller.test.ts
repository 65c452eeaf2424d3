import { describe, expect, it } from 'vitest';
import { Resources } from '../../../../lib/controller/resources.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import type { ControllerDeps } from '../controller-deps.js';
import { formatTime } from '../../../../lib/api/time.js';
import { TaintEvictionController } from './taint-eviction-controller.js';
import { T0, condition, conditionsOf, defaultTolerations, makeNode, makePod } from './test-objects.js';

const SEC = 1000;

function setup(): { fx: ControllerFixture; ctrl: TaintEvictionController } {
  const fx = new ControllerFixture();
  const deps: ControllerDeps = { client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log };
  return { fx, ctrl: new TaintEvictionController(deps) };
}

const unreachable = (addedMs = T0): Record<string, unknown> => ({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: formatTime(addedMs) });

function taintedNode(name: string, taints: unknown[]): ReturnType<typeof makeNode> {
  return makeNode(name, { conditions: [condition('Ready', 'Unknown')], taints });
}

function summary(fx: ControllerFixture): string[] {
  return fx.client.writes().map((a) => `${a.verb} ${a.resource}/${a.subresource} ${a.name}`);
}

describe('TaintEvictionController', () => {
  it('deletes at once a pod that does not tolerate a NoExecute taint', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable()]));
    fx.seed(Resources.pods, makePod('p1', 'n1'));
    await ctrl.sync('default/p1');
    expect(summary(fx)).toEqual(['patch pods/status p1', 'delete pods/ p1']);
    const [patch, del] = fx.client.writes();
    expect(conditionsOf(patch?.patch).find((c) => c.type === 'DisruptionTarget')).toEqual({
      type: 'DisruptionTarget',
      status: 'True',
      lastTransitionTime: formatTime(T0),
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
    });
    // The other conditions travel with it: a merge patch replaces the list.
    expect(conditionsOf(patch?.patch).map((c) => c.type)).toEqual(['Ready', 'PodScheduled', 'DisruptionTarget']);
    // A normal delete (no propagation or grace override), only of this very pod.
    expect(del?.deleteOptions).toMatchObject({ namespace: 'default', preconditions: { uid: 'uid-p1' } });
    expect(del?.deleteOptions?.propagationPolicy).toBeUndefined();
    expect(del?.deleteOptions?.gracePeriodSeconds).toBeUndefined();
    expect(fx.recorder.events).toEqual(['Normal TaintManagerEviction Marking for deletion Pod default/p1']);
    expect(fx.recorder.records[0]?.obj.metadata.name).toBe('p1');
  });

  it('deletes a tolerating pod once tolerationSeconds have passed since the taint was added', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable(T0 - 100 * SEC)]));
    fx.seed(Resources.pods, makePod('p1', 'n1', { tolerations: defaultTolerations(300) }));
    await ctrl.sync('default/p1');
    expect(fx.client.writes()).toEqual([]);
    expect(ctrl.pendingEvictions().get('default/p1')).toBe(T0 + 200 * SEC);

    fx.clock.advance(199 * SEC);
    expect(ctrl.queue.length).toBe(0);
    fx.clock.advance(1 * SEC);
    expect(ctrl.queue.tryGet()).toBe('default/p1');
    await ctrl.sync('default/p1');
    expect(summary(fx)).toEqual(['patch pods/status p1', 'delete pods/ p1']);
    expect(fx.recorder.events).toEqual(['Normal TaintManagerEviction Marking for deletion Pod default/p1']);
    expect(ctrl.pendingEvictions().size).toBe(0);
  });

  it('re-arms an eviction whose timer went off a moment before its deadline', async () => {
    const fx = new ControllerFixture();
    // A timer that fires 1 ms early by the controller's clock, as a real timer can against Date.now().
    const early = { now: () => fx.clock.now(), setTimeout: (fn: () => void, ms: number) => fx.clock.setTimeout(fn, Math.max(0, ms - 1)) };
    const ctrl = new TaintEvictionController({ client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: early, log: fx.log });
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable(T0)]));
    fx.seed(Resources.pods, makePod('p1', 'n1', { tolerations: defaultTolerations(4) }));
    await ctrl.sync('default/p1');
    fx.clock.advance(4 * SEC - 1);
    expect(ctrl.queue.tryGet()).toBe('default/p1');
    await ctrl.sync('default/p1'); // 1 ms early: not yet
    ctrl.queue.done('default/p1');
    expect(fx.client.writes()).toEqual([]);
    fx.clock.advance(1);
    expect(ctrl.queue.tryGet()).toBe('default/p1');
    await ctrl.sync('default/p1');
    expect(summary(fx)).toEqual(['patch pods/status p1', 'delete pods/ p1']);
  });

  it('uses the smallest tolerationSeconds among the matching tolerations', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable(), { key: 'maintenance', effect: 'NoExecute', timeAdded: formatTime(T0) }]));
    fx.seed(Resources.pods, makePod('p1', 'n1', { tolerations: [...defaultTolerations(300), { key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] }));
    await ctrl.sync('default/p1');
    expect(ctrl.pendingEvictions().get('default/p1')).toBe(T0 + 60 * SEC);
  });

  it('keeps forever a pod whose matching toleration has no tolerationSeconds', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable()]));
    fx.seed(Resources.pods, makePod('p1', 'n1', { tolerations: [{ operator: 'Exists' }] }));
    await ctrl.sync('default/p1');
    fx.clock.advance(3600 * SEC);
    await ctrl.sync('default/p1');
    expect(fx.client.writes()).toEqual([]);
    expect(ctrl.pendingEvictions().size).toBe(0);
  });

  it('cancels the pending eviction when the taint is removed before the deadline', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable()]));
    fx.seed(Resources.pods, makePod('p1', 'n1', { tolerations: defaultTolerations(300) }));
    await ctrl.sync('default/p1');
    expect(ctrl.pendingEvictions().size).toBe(1);

    fx.clock.advance(100 * SEC);
    fx.cacheOnly(Resources.nodes, makeNode('n1', { conditions: [condition('Ready', 'True')] }));
    await ctrl.sync('default/p1');
    expect(ctrl.pendingEvictions().size).toBe(0);
    expect(fx.recorder.events).toEqual(['Normal TaintManagerEviction Cancelling deletion of Pod default/p1']);

    fx.clock.advance(300 * SEC);
    expect(ctrl.queue.length).toBe(0);
    await ctrl.sync('default/p1');
    expect(fx.client.writes()).toEqual([]);
  });

  it('cancels the pending eviction of a pod that is deleted meanwhile', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable()]));
    fx.seed(Resources.pods, makePod('p1', 'n1', { tolerations: defaultTolerations(300) }));
    await ctrl.sync('default/p1');
    fx.informers.for(Resources.pods).cache.remove('default/p1');
    await ctrl.sync('default/p1');
    expect(ctrl.pendingEvictions().size).toBe(0);
    expect(fx.recorder.events).toEqual(['Normal TaintManagerEviction Cancelling deletion of Pod default/p1']);
  });

  it.each([
    ['a NoSchedule taint', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }], []],
    ['no taint', [], []],
    ['a tolerated taint with a zero tolerationSeconds', [unreachable()], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]],
    ['a toleration with another value', [{ key: 'team', value: 'a', effect: 'NoExecute' }], [{ key: 'team', operator: 'Equal', value: 'b', effect: 'NoExecute' }]],
    ['a toleration for another effect', [unreachable()], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }]],
  ])('with %s: evicts only when untolerated or due', async (_, taints, tolerations) => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', taints));
    fx.seed(Resources.pods, makePod('p1', 'n1', { tolerations }));
    await ctrl.sync('default/p1');
    const noExecute = taints.some((t) => t.effect === 'NoExecute');
    expect(summary(fx)).toEqual(noExecute ? ['patch pods/status p1', 'delete pods/ p1'] : []);
  });

  it('leaves alone pods that are already being deleted or not bound', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, taintedNode('n1', [unreachable()]));
    const terminating = makePod('t', 'n1');
    terminating.metadata.deletionTimestamp = formatTime(T0);
    terminating.metadata.finalizers = ['example.com/hold'];
    fx.seed(Resources.pods, terminating, makePod('u', ''));
    await ctrl.sync('default/t');
    await ctrl.sync('default/u');
    expect(fx.client.writes()).toEqual([]);
  });
});
