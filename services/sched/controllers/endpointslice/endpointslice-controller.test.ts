import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { statusError } from '../../../../lib/controller/fake-client.js';
import { EndpointSliceController, StaleInformerCacheError } from './endpointslice-controller.js';
import type { EndpointSliceControllerOptions } from './endpointslice-controller.js';
import type { Endpoint, EndpointSlice } from './endpoint-slice-types.js';
import { eventually, testNode, testPod, testService } from './test-objects.js';

function setup(options?: EndpointSliceControllerOptions): { fx: ControllerFixture; ctrl: EndpointSliceController } {
  const fx = new ControllerFixture();
  const ctrl = new EndpointSliceController({ client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log }, options);
  fx.seed(Resources.nodes, testNode('node-a', 'zone-1'), testNode('node-b', 'zone-2'));
  return { fx, ctrl };
}

function created(fx: ControllerFixture): EndpointSlice[] {
  return fx.client.writes('create').map((a) => a.object as EndpointSlice);
}

function storedSlices(fx: ControllerFixture): EndpointSlice[] {
  return fx.client.objects(Resources.endpointSlices) as EndpointSlice[];
}

/** Stores what the controller wrote in the cache too and forgets the actions: the next sync sees the new state. */
function settle(fx: ControllerFixture): void {
  fx.syncCache(Resources.endpointSlices);
  fx.client.clearActions();
}

function ips(slice: EndpointSlice): string[] {
  return slice.endpoints.map((e) => e.addresses[0] ?? '').sort();
}

const readyEndpoint = (name: string, ip: string, node = 'node-a', zone = 'zone-1'): Endpoint => ({
  addresses: [ip],
  conditions: { ready: true, serving: true, terminating: false },
  nodeName: node,
  zone,
  targetRef: { kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` },
});

describe('EndpointSliceController.sync', () => {
  it('creates one slice for a Service with ready pods, with the labels, owner, ports and endpoints Kubernetes writes', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web', { labels: { team: 'shop' } }));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }), testPod('web-2', { ip: '10.244.1.12', node: 'node-b' }), testPod('other', { labels: { app: 'db' } }));

    await ctrl.sync('default/web');

    expect(fx.client.writes().map((a) => `${a.verb} ${a.resource}`)).toEqual(['create endpointslices']);
    expect(created(fx)[0]).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: 'web-',
        namespace: 'default',
        labels: { team: 'shop', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: [readyEndpoint('web-1', '10.244.0.11'), readyEndpoint('web-2', '10.244.1.12', 'node-b', 'zone-2')],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(storedSlices(fx)[0]?.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(fx.recorder.events).toEqual([]);
  });

  it('writes nothing when the slices already say the same, whatever their endpoint order', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }), testPod('web-2', { ip: '10.244.0.12' }));
    await ctrl.sync('default/web');
    settle(fx);
    await ctrl.sync('default/web');
    expect(fx.client.writes()).toEqual([]);

    // Reversed order and a changed pod resourceVersion in the targetRef are no change either.
    const stored = storedSlices(fx)[0] as EndpointSlice;
    const reordered = structuredClone(stored);
    reordered.endpoints = [...reordered.endpoints].reverse().map((e) => ({ ...e, targetRef: { ...e.targetRef, resourceVersion: '42' } }));
    fx.cacheOnly(Resources.endpointSlices, reordered);
    await ctrl.sync('default/web');
    expect(fx.client.writes()).toEqual([]);
  });

  it('rewrites only the slice whose endpoints changed when a pod stops being ready', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    fx.seed(
      Resources.pods,
      testPod('web-1', { ip: '10.244.0.11', containerPorts: [{ name: 'http', containerPort: 8080 }] }),
      testPod('web-2', { ip: '10.244.0.12', containerPorts: [{ name: 'http', containerPort: 9090 }] }),
    );
    await ctrl.sync('default/web');
    settle(fx);

    fx.cacheOnly(Resources.pods, testPod('web-2', { ip: '10.244.0.12', ready: false, containerPorts: [{ name: 'http', containerPort: 9090 }] }));
    await ctrl.sync('default/web');

    const writes = fx.client.writes();
    expect(writes.map((a) => a.verb)).toEqual(['update']);
    const updated = writes[0]?.object as EndpointSlice;
    expect(updated.ports).toEqual([{ name: 'http', port: 9090, protocol: 'TCP' }]);
    expect(updated.endpoints).toEqual([{ ...readyEndpoint('web-2', '10.244.0.12'), conditions: { ready: false, serving: false, terminating: false } }]);
    expect(updated.metadata.resourceVersion).toBeDefined();
  });

  it('resolves a named targetPort per pod: pods whose named port differs land in separate slices', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web', { ports: [{ name: 'http', port: 80, targetPort: 'web' }] }));
    fx.seed(
      Resources.pods,
      testPod('web-1', { ip: '10.244.0.11', containerPorts: [{ name: 'web', containerPort: 8080 }] }),
      testPod('web-2', { ip: '10.244.0.12', containerPorts: [{ name: 'web', containerPort: 9090 }] }),
      testPod('web-3', { ip: '10.244.0.13', containerPorts: [{ name: 'web', containerPort: 8080 }] }),
      // The name exists only for UDP: no match for the TCP service port.
      testPod('web-4', { ip: '10.244.0.14', containerPorts: [{ name: 'web', containerPort: 8080, protocol: 'UDP' }] }),
    );

    await ctrl.sync('default/web');

    const slices = created(fx);
    expect(slices).toHaveLength(3);
    const byPort = new Map(slices.map((s) => [s.ports?.[0]?.port ?? 'none', ips(s)]));
    expect(byPort).toEqual(
      new Map<number | string, string[]>([
        [8080, ['10.244.0.11', '10.244.0.13']],
        [9090, ['10.244.0.12']],
        ['none', ['10.244.0.14']],
      ]),
    );
    expect(slices.find((s) => s.ports === undefined)?.metadata.generateName).toBe('web-');
  });

  it('lists headless Services the same way, labelled service.kubernetes.io/headless', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web', { clusterIP: 'None' }), testService('bare', { clusterIP: 'None', ports: [], selector: { app: 'web' } }));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }));

    await ctrl.sync('default/web');
    await ctrl.sync('default/bare');

    const [web, bare] = created(fx);
    expect(web?.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(web?.endpoints).toEqual([readyEndpoint('web-1', '10.244.0.11')]);
    expect(web?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    // A headless Service without ports still lists its pods, in a slice without ports.
    expect(bare?.ports).toBeUndefined();
    expect(bare?.endpoints).toEqual([readyEndpoint('web-1', '10.244.0.11')]);
  });

  it('computes ready, serving and terminating as Kubernetes does', async () => {
    const cases: Array<{ name: string; pod: Parameters<typeof testPod>[1]; publish?: boolean; want: Endpoint['conditions'] | 'absent' }> = [
      { name: 'ready pod', pod: {}, want: { ready: true, serving: true, terminating: false } },
      { name: 'not ready pod', pod: { ready: false }, want: { ready: false, serving: false, terminating: false } },
      { name: 'not ready, publishNotReadyAddresses', pod: { ready: false }, publish: true, want: { ready: true, serving: false, terminating: false } },
      { name: 'terminating, still ready', pod: { deleting: true }, want: { ready: false, serving: true, terminating: true } },
      { name: 'terminating, not ready', pod: { deleting: true, ready: false }, want: { ready: false, serving: false, terminating: true } },
      { name: 'terminating, publishNotReadyAddresses', pod: { deleting: true }, publish: true, want: { ready: true, serving: true, terminating: true } },
      { name: 'Succeeded pod', pod: { phase: 'Succeeded' }, want: 'absent' },
      { name: 'Failed pod', pod: { phase: 'Failed' }, want: 'absent' },
      { name: 'pod without an IP', pod: { ip: null }, want: 'absent' },
    ];
    for (const c of cases) {
      const { fx, ctrl } = setup();
      fx.seed(Resources.services, testService('web', { publishNotReadyAddresses: c.publish }));
      fx.seed(Resources.pods, testPod('web-1', c.pod));
      await ctrl.sync('default/web');
      const slice = created(fx)[0];
      if (c.want === 'absent') {
        // Only the placeholder: an empty slice with no ports.
        expect(slice?.endpoints, c.name).toEqual([]);
      } else {
        expect(slice?.endpoints[0]?.conditions, c.name).toEqual(c.want);
      }
    }
  });

  it('sets nodeName, zone (from the Node label), and hostname for pods in the Service subdomain', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.nodes, testNode('node-c'));
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11', node: 'node-b', hostname: 'w1', subdomain: 'web' }), testPod('web-2', { ip: '10.244.0.12', node: 'node-c' }));
    await ctrl.sync('default/web');
    const eps = created(fx)[0]?.endpoints ?? [];
    expect(eps[0]).toMatchObject({ nodeName: 'node-b', zone: 'zone-2', hostname: 'w1' });
    expect(eps[1]?.nodeName).toBe('node-c');
    expect(eps[1]).not.toHaveProperty('zone');
    expect(eps[1]).not.toHaveProperty('hostname');
  });

  it('packs at most 100 endpoints per slice, and honours --max-endpoints-per-slice', async () => {
    const pods = Array.from({ length: 250 }, (_, i) => testPod(`web-${String(i).padStart(3, '0')}`, { ip: `10.244.${Math.floor(i / 200)}.${i % 200}` }));
    {
      const { fx, ctrl } = setup();
      fx.seed(Resources.services, testService('web'));
      fx.seed(Resources.pods, ...pods);
      await ctrl.sync('default/web');
      expect(created(fx).map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
      const all = new Set(created(fx).flatMap((s) => s.endpoints.map((e) => e.targetRef?.name)));
      expect(all.size).toBe(250);
    }
    {
      const { fx, ctrl } = setup({ maxEndpointsPerSlice: 2 });
      fx.seed(Resources.services, testService('web'));
      fx.seed(Resources.pods, ...pods.slice(0, 5));
      await ctrl.sync('default/web');
      expect(created(fx).map((s) => s.endpoints.length)).toEqual([2, 2, 1]);
      settle(fx);

      // One more pod fits the slice that has room; the others stay as they are.
      fx.seed(Resources.pods, pods[5] as KubeObject);
      await ctrl.sync('default/web');
      const writes = fx.client.writes();
      expect(writes.map((a) => a.verb)).toEqual(['update']);
      expect((writes[0]?.object as EndpointSlice).endpoints.map((e) => e.targetRef?.name)).toEqual(['web-004', 'web-005']);
    }
  });

  it('deletes a slice whose endpoints are all gone, and keeps an empty placeholder when none remain', async () => {
    const { fx, ctrl } = setup({ maxEndpointsPerSlice: 1 });
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }), testPod('web-2', { ip: '10.244.0.12' }));
    await ctrl.sync('default/web');
    settle(fx);
    const [first, second] = storedSlices(fx);

    fx.informers.for(Resources.pods).cache.remove('default/web-2');
    await ctrl.sync('default/web');
    expect(fx.client.writes().map((a) => `${a.verb} ${a.name}`)).toEqual([`delete ${second?.metadata.name ?? ''}`]);
    settle(fx);

    // The last pod goes: its slice becomes the placeholder (an update, not a delete and a create).
    fx.informers.for(Resources.pods).cache.remove('default/web-1');
    await ctrl.sync('default/web');
    const writes = fx.client.writes();
    expect(writes.map((a) => `${a.verb} ${a.name}`)).toEqual([`update ${first?.metadata.name ?? ''}`]);
    expect((writes[0]?.object as EndpointSlice).endpoints).toEqual([]);
    expect((writes[0]?.object as EndpointSlice).ports).toBeUndefined();
    settle(fx);

    // The placeholder is left as is.
    await ctrl.sync('default/web');
    expect(fx.client.writes()).toEqual([]);
  });

  it('reuses the slice of a port set that is gone for the new one (an update of the same name)', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }));
    await ctrl.sync('default/web');
    settle(fx);
    const name = storedSlices(fx)[0]?.metadata.name ?? '';

    fx.cacheOnly(Resources.services, testService('web', { ports: [{ name: 'http', port: 80, targetPort: 9000 }] }));
    await ctrl.sync('default/web');
    const writes = fx.client.writes();
    expect(writes.map((a) => `${a.verb} ${a.name}`)).toEqual([`update ${name}`]);
    expect((writes[0]?.object as EndpointSlice).ports).toEqual([{ name: 'http', port: 9000, protocol: 'TCP' }]);
  });

  it('copies later Service label changes onto its slices', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1'));
    await ctrl.sync('default/web');
    settle(fx);
    fx.cacheOnly(Resources.services, testService('web', { labels: { tier: 'front', 'kubernetes.io/service-name': 'ignored' } }));
    await ctrl.sync('default/web');
    const writes = fx.client.writes();
    expect(writes.map((a) => a.verb)).toEqual(['update']);
    expect(writes[0]?.object?.metadata.labels).toEqual({ tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  });

  it('leaves Services without a selector, ExternalName Services and deleted Services alone', async () => {
    const { fx, ctrl } = setup();
    const userSlice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'manual-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'manual' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.168.0.1'] }],
    };
    fx.seed(Resources.endpointSlices, userSlice);
    fx.seed(Resources.services, testService('manual', { selector: null }), testService('ext', { type: 'ExternalName', selector: { app: 'web' } }), testService('empty', { selector: {} }));
    fx.seed(Resources.pods, testPod('web-1'));
    for (const key of ['default/manual', 'default/ext', 'default/empty', 'default/gone']) await ctrl.sync(key);
    expect(fx.client.writes()).toEqual([]);
  });

  it('does not delete the slices of a deleted Service (the garbage collector does) nor create any for one being deleted', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1'));
    await ctrl.sync('default/web');
    settle(fx);
    fx.informers.for(Resources.services).cache.remove('default/web');
    await ctrl.sync('default/web');
    expect(fx.client.writes()).toEqual([]);

    const fresh = setup();
    fresh.fx.seed(Resources.services, testService('web', { deleting: true }));
    fresh.fx.seed(Resources.pods, testPod('web-1'));
    await fresh.ctrl.sync('default/web');
    expect(fresh.fx.client.writes()).toEqual([]);
  });

  it('deletes slices that point at an older Service of the same name', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web', { uid: 'old-uid' }));
    fx.seed(Resources.pods, testPod('web-1'));
    await ctrl.sync('default/web');
    settle(fx);
    const old = storedSlices(fx)[0];

    const fresh = setup();
    fresh.fx.seed(Resources.services, testService('web', { uid: 'new-uid' }));
    fresh.fx.seed(Resources.pods, testPod('web-1'));
    fresh.fx.seed(Resources.endpointSlices, old as KubeObject);
    await fresh.ctrl.sync('default/web');
    expect(fresh.fx.client.writes().map((a) => a.verb)).toEqual(['create', 'delete']);
    expect(fresh.fx.client.writes('delete')[0]?.name).toBe(old?.metadata.name);
    expect(created(fresh.fx)[0]?.metadata.ownerReferences?.[0]?.uid).toBe('new-uid');
  });

  it('skips a pod whose Node is not known yet, records a Warning and retries', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }), testPod('web-2', { ip: '10.244.0.12', node: 'node-x' }));

    await expect(ctrl.sync('default/web')).rejects.toThrow('skipping Pod web-2 for Service default/web: Node node-x Not Found');

    expect(ips(created(fx)[0] as EndpointSlice)).toEqual(['10.244.0.11']);
    expect(fx.recorder.events).toEqual(['Warning FailedToUpdateEndpointSlices Error updating Endpoint Slices for Service default/web: skipping Pod web-2 for Service default/web: Node node-x Not Found']);
  });

  it('refuses to act on a cache that has not seen its own create yet', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1'));
    await ctrl.sync('default/web');
    fx.client.clearActions();

    await expect(ctrl.sync('default/web')).rejects.toBeInstanceOf(StaleInformerCacheError);
    expect(fx.client.writes()).toEqual([]);

    fx.syncCache(Resources.endpointSlices);
    await ctrl.sync('default/web');
    expect(fx.client.writes()).toEqual([]);
  });

  it('reports a failed write as a Warning and an error to retry', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1'));
    fx.client.react('create', 'endpointslices', () => statusError(500, 'InternalError', 'etcd is down'));
    await expect(ctrl.sync('default/web')).rejects.toThrow('failed to create EndpointSlice for Service default/web: etcd is down');
    expect(fx.recorder.events).toEqual(['Warning FailedToUpdateEndpointSlices Error updating Endpoint Slices for Service default/web: failed to create EndpointSlice for Service default/web: etcd is down']);
  });

  it('drops the work quietly when the namespace is terminating', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1'));
    fx.client.react('create', 'endpointslices', () =>
      statusError(403, 'Forbidden', 'unable to create new content in namespace default because it is being terminated', { causes: [{ reason: 'NamespaceTerminating', message: 'namespace default is being terminated', field: 'metadata.namespace' }] }),
    );
    await ctrl.sync('default/web');
    expect(fx.recorder.events).toEqual([]);
  });
});

describe('EndpointSliceController.run', () => {
  it('keeps slices in step with pods and Services on the fake API', async () => {
    const { fx, ctrl } = setup();
    const ac = new AbortController();
    const informersDone = fx.informers.start(ac.signal);
    const running = ctrl.run(2, ac.signal);
    const slicesOf = (svc: string): EndpointSlice[] => storedSlices(fx).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
    try {
      await fx.client.create(Resources.services, testService('web'), { namespace: 'default' });
      // No pods yet: the placeholder.
      await eventually(() => slicesOf('web').length === 1 && slicesOf('web')[0]?.endpoints.length === 0, 'placeholder slice');

      await fx.client.create(Resources.pods, testPod('web-1', { ip: '10.244.0.11', ready: false }), { namespace: 'default' });
      await eventually(() => slicesOf('web')[0]?.endpoints[0]?.conditions?.ready === false, 'not-ready endpoint');

      const pod = fx.client.stored(Resources.pods, 'default', 'web-1') as KubeObject;
      pod.status = { ...(pod.status as object), conditions: [{ type: 'Ready', status: 'True' }] };
      await fx.client.update(Resources.pods, pod, { subresource: 'status' });
      await eventually(() => slicesOf('web')[0]?.endpoints[0]?.conditions?.ready === true, 'ready endpoint');
      expect(slicesOf('web')).toHaveLength(1);

      // Someone deletes the managed slice: it comes back once the sync delay has passed.
      const name = slicesOf('web')[0]?.metadata.name ?? '';
      await fx.client.delete(Resources.endpointSlices, name, { namespace: 'default' });
      await eventually(() => fx.informers.for(Resources.endpointSlices).cache.size === 0, 'deletion seen');
      fx.clock.advance(1000);
      await eventually(() => slicesOf('web').length === 1 && slicesOf('web')[0]?.endpoints.length === 1, 'slice recreated');
    } finally {
      ac.abort();
      await running;
      await informersDone;
    }
  });
});
