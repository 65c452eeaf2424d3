// The node lifecycle and taint eviction controllers running for real on the fake API.
import { describe, expect, it } from 'vitest';
import { Resources } from '../../../../lib/controller/resources.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import type { ControllerDeps } from '../controller-deps.js';
import { NodeLifecycleController } from './node-lifecycle-controller.js';
import { TaintEvictionController } from './taint-eviction-controller.js';
import { T0, conditionsOf, defaultTolerations, makeLease, makePod, microTime, readyNode, taintsOf, until } from './test-objects.js';

const SEC = 1000;

describe('node lifecycle, running', () => {
  it('taints a node that stops renewing its lease, evicts its pods when their toleration runs out, and cleans up when it returns', async () => {
    const fx = new ControllerFixture();
    const deps: ControllerDeps = { client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log };
    fx.client.seed(Resources.nodes, readyNode('n1'), readyNode('n2'));
    fx.client.seed(Resources.leases, makeLease('n1', T0), makeLease('n2', T0));
    fx.client.seed(Resources.pods, makePod('p1', 'n1', { tolerations: defaultTolerations(300) }), makePod('p2', 'n2', { tolerations: defaultTolerations(300) }));
    const lifecycle = new NodeLifecycleController(deps);
    const eviction = new TaintEvictionController(deps);
    const ac = new AbortController();
    const informers = fx.informers.start(ac.signal);
    const runs = Promise.all([lifecycle.run(2, ac.signal), eviction.run(2, ac.signal)]);

    const renew = async (name: string): Promise<void> => {
      await fx.client.patch(Resources.leases, name, { spec: { renewTime: microTime(fx.clock.now()) } }, 'merge', { namespace: 'kube-node-lease' });
    };
    /** Moves time on in steps; n2's agent renews its lease at each, n1's only if `alive`. */
    const elapse = async (ms: number, step: number, alive: string[]): Promise<void> => {
      for (let t = 0; t < ms; t += step) {
        fx.clock.advance(step);
        for (const name of alive) await renew(name);
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const node = (name: string): ReturnType<typeof fx.client.stored> => fx.client.stored(Resources.nodes, '', name);
    const ready = (obj: ReturnType<typeof fx.client.stored>): unknown => conditionsOf(obj).find((c) => c.type === 'Ready')?.status;

    try {
      await until(() => fx.recorder.events.filter((e) => e.includes('RegisteredNode')).length === 2, 'both nodes registered');

      // n1 goes silent; n2 keeps renewing.
      await elapse(45 * SEC, 5 * SEC, ['n2']);
      await until(() => taintsOf(node('n1')).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 'the unreachable taint on n1');
      expect(ready(node('n1'))).toBe('Unknown');
      expect(ready(node('n2'))).toBe('True');
      expect(taintsOf(node('n2'))).toEqual([]);
      await until(() => ready(fx.client.stored(Resources.pods, 'default', 'p1')) === 'False', 'p1 marked not ready');
      expect(fx.recorder.events).toContain('Normal NodeNotReady Node n1 status is now: NodeNotReady');
      expect(fx.client.stored(Resources.pods, 'default', 'p1')).toBeDefined();

      // 300 s after the taint, p1 is evicted; p2 on the healthy node stays.
      await elapse(300 * SEC, 20 * SEC, ['n2']);
      await until(() => fx.client.stored(Resources.pods, 'default', 'p1') === undefined, 'p1 evicted');
      expect(fx.recorder.events).toContain('Normal TaintManagerEviction Marking for deletion Pod default/p1');
      expect(fx.client.stored(Resources.pods, 'default', 'p2')).toBeDefined();

      // n1's agent returns and reports Ready: its taints go.
      const back = fx.client.stored(Resources.nodes, '', 'n1');
      if (!back) throw new Error('n1 is gone');
      back.status = readyNode('n1', fx.clock.now()).status;
      await fx.client.update(Resources.nodes, back, { subresource: 'status' });
      await renew('n1');
      await elapse(10 * SEC, 5 * SEC, ['n1', 'n2']);
      await until(() => taintsOf(node('n1')).length === 0, 'n1 untainted');
      expect(ready(node('n1'))).toBe('True');
    } finally {
      ac.abort();
      await runs;
      await informers;
    }
  });
});
