import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { statusError } from '../../../../lib/controller/fake-client.js';
import { eventually } from '../endpointslice/test-objects.js';
import type { NodeIpamControllerOptions } from './node-ipam-controller.js';
import { NodeIpamController, nodePodCIDRs } from './node-ipam-controller.js';

function node(name: string, podCIDR?: string): KubeObject {
  const n: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` }, spec: {} };
  if (podCIDR !== undefined) n.spec = { podCIDR, podCIDRs: [podCIDR] };
  return n;
}

function setup(nodes: KubeObject[], options?: NodeIpamControllerOptions): { fx: ControllerFixture; ctrl: NodeIpamController } {
  const fx = new ControllerFixture();
  fx.seed(Resources.nodes, ...nodes);
  const ctrl = new NodeIpamController({ client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log }, options);
  return { fx, ctrl };
}

/** The podCIDR each patch set, in order. */
function patched(fx: ControllerFixture): string[] {
  return fx.client.writes('patch').map((a) => `${a.name}=${String((a.patch as { spec: { podCIDR: string } }).spec.podCIDR)}`);
}

describe('NodeIpamController.sync', () => {
  it('gives Nodes the /24s of 10.244.0.0/16 in order, by a strategic patch of podCIDR and podCIDRs', async () => {
    const { fx, ctrl } = setup([node('a'), node('b'), node('c')]);
    for (const n of ['a', 'b', 'c']) await ctrl.sync(n);
    expect(patched(fx)).toEqual(['a=10.244.0.0/24', 'b=10.244.1.0/24', 'c=10.244.2.0/24']);
    const first = fx.client.writes()[0];
    expect(first).toMatchObject({ verb: 'patch', resource: 'nodes', name: 'a', subresource: '', patchType: 'strategic', patch: { spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } } });
    expect(nodePodCIDRs(fx.client.stored(Resources.nodes, '', 'c') as KubeObject)).toEqual(['10.244.2.0/24']);
  });

  it('never changes a Node that has a podCIDR, and after a restart hands out only blocks no Node holds', async () => {
    const { fx, ctrl } = setup([node('old-1', '10.244.0.0/24'), node('old-2', '10.244.2.0/24'), node('new-1'), node('new-2')]);
    await ctrl.sync('old-1');
    await ctrl.sync('new-1');
    await ctrl.sync('new-2');
    expect(patched(fx)).toEqual(['new-1=10.244.1.0/24', 'new-2=10.244.3.0/24']);
  });

  it('does not allocate twice while the cache has not caught up with its patch', async () => {
    const { fx, ctrl } = setup([node('a')]);
    await ctrl.sync('a');
    await ctrl.sync('a');
    expect(patched(fx)).toEqual(['a=10.244.0.0/24']);
    fx.syncCache(Resources.nodes);
    await ctrl.sync('a');
    expect(patched(fx)).toEqual(['a=10.244.0.0/24']);
  });

  it('records CIDRNotAvailable when the range is full, and retries', async () => {
    const { fx, ctrl } = setup([node('a', '10.244.0.0/24'), node('b'), node('c')], { clusterCIDR: '10.244.0.0/23' });
    await ctrl.sync('b');
    await expect(ctrl.sync('c')).rejects.toThrow('failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
    expect(patched(fx)).toEqual(['b=10.244.1.0/24']);
    expect(fx.recorder.events).toEqual(['Warning CIDRNotAvailable Node c status is now: CIDRNotAvailable']);
    expect(fx.recorder.records[0]?.obj).toEqual({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'c', uid: 'c' } });
  });

  it('gives a block back when its Node is being deleted', async () => {
    const { fx, ctrl } = setup([node('a', '10.244.0.0/24'), node('b'), node('c')], { clusterCIDR: '10.244.0.0/23' });
    await ctrl.sync('b');
    const deleting = { ...node('a', '10.244.0.0/24'), metadata: { name: 'a', uid: 'uid-a', deletionTimestamp: '2026-01-01T00:00:00Z' } };
    fx.cacheOnly(Resources.nodes, deleting);
    await ctrl.sync('a');
    await ctrl.sync('a');
    await ctrl.sync('c');
    expect(patched(fx)).toEqual(['b=10.244.1.0/24', 'c=10.244.0.0/24']);
    expect(fx.recorder.events).toEqual([]);
  });

  it('after three failed patches records CIDRAssignmentFailed and frees the block', async () => {
    const { fx, ctrl } = setup([node('a'), node('b')]);
    let failures = 3;
    fx.client.react('patch', 'nodes', () => (failures-- > 0 ? statusError(500, 'InternalError', 'etcd unavailable') : undefined));
    await expect(ctrl.sync('a')).rejects.toThrow('failed to patch node CIDR: etcd unavailable');
    expect(fx.client.writes('patch')).toHaveLength(3);
    expect(fx.recorder.events).toEqual(['Warning CIDRAssignmentFailed Node a status is now: CIDRAssignmentFailed']);
    // 10.244.0.0/24 is free again, but allocation moves on round the range.
    await ctrl.sync('a');
    await ctrl.sync('b');
    expect(patched(fx).slice(3)).toEqual(['a=10.244.1.0/24', 'b=10.244.2.0/24']);
  });

  it('honours clusterCIDR, nodeCIDRMaskSize and the service range', async () => {
    const { fx, ctrl } = setup([node('a'), node('b'), node('c')], { clusterCIDR: '10.100.0.0/24', nodeCIDRMaskSize: 26, serviceCIDR: '10.100.0.64/26' });
    for (const n of ['a', 'b', 'c']) await ctrl.sync(n);
    expect(patched(fx)).toEqual(['a=10.100.0.0/26', 'b=10.100.0.128/26', 'c=10.100.0.192/26']);
  });

  it('gives dual-stack Nodes one block of each family', async () => {
    const { fx, ctrl } = setup([node('a')], { clusterCIDR: '10.244.0.0/16,fd00:10:244::/56' });
    await ctrl.sync('a');
    expect(fx.client.writes('patch')[0]?.patch).toEqual({ spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24', 'fd00:10:244::/64'] } });
  });

  it('ignores Nodes that are gone and keeps retrying one whose podCIDR is outside the range', async () => {
    const { fx, ctrl } = setup([node('odd', '192.168.5.0/24')]);
    await ctrl.sync('gone');
    await expect(ctrl.sync('odd')).rejects.toThrow('out the range of cluster cidr 10.244.0.0/16');
    expect(fx.client.writes()).toEqual([]);
  });
});

describe('NodeIpamController.run', () => {
  it('assigns registering Nodes, skips blocks held before start, and reuses a deleted Node\'s block', async () => {
    const fx = new ControllerFixture();
    fx.client.seed(Resources.nodes, node('n1', '10.244.0.0/24'));
    const ctrl = new NodeIpamController({ client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log }, { clusterCIDR: '10.244.0.0/23' });
    const ac = new AbortController();
    const informersDone = fx.informers.start(ac.signal);
    const running = ctrl.run(2, ac.signal);
    const cidrOf = (name: string): string | undefined => {
      const n = fx.client.stored(Resources.nodes, '', name);
      return n ? nodePodCIDRs(n)[0] : undefined;
    };
    try {
      await fx.client.create(Resources.nodes, node('n2'));
      await eventually(() => cidrOf('n2'), 'n2 podCIDR');
      expect(cidrOf('n2')).toBe('10.244.1.0/24');

      await fx.client.create(Resources.nodes, node('n3'));
      await eventually(() => fx.recorder.events.includes('Warning CIDRNotAvailable Node n3 status is now: CIDRNotAvailable'), 'range full');

      await fx.client.delete(Resources.nodes, 'n1');
      await eventually(() => fx.informers.for(Resources.nodes).cache.getByName('', 'n1') === undefined, 'n1 gone from the cache');
      // n3's retry comes after its backoff.
      for (let i = 0; i < 20 && cidrOf('n3') === undefined; i++) {
        fx.clock.advance(1000);
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(cidrOf('n3')).toBe('10.244.0.0/24');
      expect(cidrOf('n2')).toBe('10.244.1.0/24');
    } finally {
      ac.abort();
      await running;
      await informersDone;
    }
  });
});
