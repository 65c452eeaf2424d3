import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { statusError } from '../../../../lib/controller/fake-client.js';
import { eventually, testPod, testService } from '../endpointslice/test-objects.js';
import { EndpointsController, StaleEndpointsError } from './endpoints-controller.js';
import type { EndpointAddress, EndpointSubset } from './subsets.js';

function setup(): { fx: ControllerFixture; ctrl: EndpointsController } {
  const fx = new ControllerFixture();
  const ctrl = new EndpointsController({ client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log });
  return { fx, ctrl };
}

function settle(fx: ControllerFixture): void {
  fx.syncCache(Resources.endpoints);
  fx.client.clearActions();
}

const addr = (name: string, ip: string, node = 'node-a'): EndpointAddress => ({
  ip,
  nodeName: node,
  targetRef: { kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` },
});

function written(fx: ControllerFixture): KubeObject | undefined {
  return fx.client.writes()[0]?.object;
}

describe('EndpointsController.sync', () => {
  it('creates the Endpoints of a Service: ready and not-ready addresses of one port set in one subset', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web', { labels: { team: 'shop' } }));
    fx.seed(
      Resources.pods,
      testPod('web-2', { ip: '10.244.0.12', node: 'node-b' }),
      testPod('web-1', { ip: '10.244.0.11' }),
      testPod('web-3', { ip: '10.244.0.13', ready: false }),
      testPod('db', { labels: { app: 'db' }, ip: '10.244.0.20' }),
    );

    await ctrl.sync('default/web');

    expect(fx.client.writes().map((a) => `${a.verb} ${a.resource} ${a.name}`)).toEqual(['create endpoints web']);
    expect(written(fx)).toEqual({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', labels: { team: 'shop' } },
      subsets: [
        {
          addresses: [addr('web-1', '10.244.0.11'), addr('web-2', '10.244.0.12', 'node-b')],
          notReadyAddresses: [addr('web-3', '10.244.0.13')],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('writes nothing when the Endpoints already say the same', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }), testPod('web-2', { ip: '10.244.0.12', ready: false }));
    await ctrl.sync('default/web');
    settle(fx);
    await ctrl.sync('default/web');
    expect(fx.client.writes()).toEqual([]);
  });

  it('groups addresses by the port set their pods resolve a named targetPort to', async () => {
    const { fx, ctrl } = setup();
    fx.seed(
      Resources.services,
      testService('web', {
        ports: [
          { name: 'http', port: 80, targetPort: 'web' },
          { name: 'metrics', port: 9100, targetPort: 9100 },
        ],
      }),
    );
    fx.seed(
      Resources.pods,
      testPod('web-1', { ip: '10.244.0.11', containerPorts: [{ name: 'web', containerPort: 8080 }] }),
      testPod('web-2', { ip: '10.244.0.12', containerPorts: [{ name: 'web', containerPort: 9090 }] }),
    );

    await ctrl.sync('default/web');

    // Each port's address set is repacked on its own: 9100 is served by both pods, the http port differs.
    const subsets = written(fx)?.subsets as EndpointSubset[];
    expect(subsets).toEqual([
      { addresses: [addr('web-1', '10.244.0.11'), addr('web-2', '10.244.0.12')], ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }] },
      { addresses: [addr('web-1', '10.244.0.11')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr('web-2', '10.244.0.12')], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
    ]);
  });

  it('puts the ports that the same addresses serve into one subset', async () => {
    const { fx, ctrl } = setup();
    fx.seed(
      Resources.services,
      testService('web', {
        ports: [
          { name: 'http', port: 80, targetPort: 8080 },
          { name: 'metrics', port: 9100, targetPort: 9100 },
        ],
      }),
    );
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }), testPod('web-2', { ip: '10.244.0.12', ready: false }));
    await ctrl.sync('default/web');
    expect(written(fx)?.subsets).toEqual([
      {
        addresses: [addr('web-1', '10.244.0.11')],
        notReadyAddresses: [addr('web-2', '10.244.0.12')],
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9100, protocol: 'TCP' },
        ],
      },
    ]);
  });

  it('labels the Endpoints of a headless Service, and lists pods of one without ports', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web', { clusterIP: 'None', labels: { a: 'b' } }), testService('bare', { clusterIP: 'None', ports: [], selector: { app: 'web' } }));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11', hostname: 'w1', subdomain: 'web' }));

    await ctrl.sync('default/web');
    await ctrl.sync('default/bare');

    const [web, bare] = fx.client.writes().map((a) => a.object);
    expect(web?.metadata.labels).toEqual({ a: 'b', 'service.kubernetes.io/headless': '' });
    expect(web?.subsets).toEqual([{ addresses: [{ ...addr('web-1', '10.244.0.11'), hostname: 'w1' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
    expect(bare?.subsets).toEqual([{ addresses: [addr('web-1', '10.244.0.11')] }]);
  });

  it('leaves out terminating and finished pods, unless publishNotReadyAddresses keeps the terminating ones (as ready)', async () => {
    const pods = [
      testPod('web-1', { ip: '10.244.0.11' }),
      testPod('web-2', { ip: '10.244.0.12', deleting: true }),
      testPod('web-3', { ip: '10.244.0.13', ready: false }),
      testPod('web-4', { ip: '10.244.0.14', phase: 'Succeeded' }),
      testPod('web-5', { ip: null }),
    ];
    {
      const { fx, ctrl } = setup();
      fx.seed(Resources.services, testService('web'));
      fx.seed(Resources.pods, ...pods);
      await ctrl.sync('default/web');
      expect((written(fx)?.subsets as EndpointSubset[])[0]).toMatchObject({ addresses: [addr('web-1', '10.244.0.11')], notReadyAddresses: [addr('web-3', '10.244.0.13')] });
    }
    {
      const { fx, ctrl } = setup();
      fx.seed(Resources.services, testService('web', { publishNotReadyAddresses: true }));
      fx.seed(Resources.pods, ...pods);
      await ctrl.sync('default/web');
      const subset = (written(fx)?.subsets as EndpointSubset[])[0];
      expect(subset?.addresses?.map((a) => a.ip)).toEqual(['10.244.0.11', '10.244.0.12', '10.244.0.13']);
      expect(subset?.notReadyAddresses).toBeUndefined();
    }
  });

  it('creates Endpoints with no subsets when no pod matches', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    await ctrl.sync('default/web');
    expect(written(fx)).toMatchObject({ metadata: { name: 'web' }, subsets: [] });
  });

  it('keeps others\' annotations and follows Service label changes on update', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }));
    fx.seed(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', annotations: { note: 'kept' } }, subsets: [] });
    await ctrl.sync('default/web');
    const update = fx.client.writes()[0];
    expect(update?.verb).toBe('update');
    expect(update?.object?.metadata.annotations).toEqual({ note: 'kept' });
    expect(update?.object?.metadata.resourceVersion).toBeDefined();
    settle(fx);

    fx.cacheOnly(Resources.services, testService('web', { labels: { tier: 'front' } }));
    await ctrl.sync('default/web');
    expect(fx.client.writes().map((a) => a.verb)).toEqual(['update']);
    expect(written(fx)?.metadata.labels).toEqual({ tier: 'front' });
  });

  it('truncates Endpoints over 1000 addresses and marks them, then clears the mark when they fit again', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    const pods = Array.from({ length: 1100 }, (_, i) => testPod(`web-${i}`, { ip: `10.244.${Math.floor(i / 250)}.${i % 250}`, ready: i % 2 === 0 }));
    fx.seed(Resources.pods, ...pods);

    await ctrl.sync('default/web');
    const ep = written(fx);
    const subset = (ep?.subsets as EndpointSubset[])[0];
    // 550 ready addresses fit; the not-ready ones fill the remaining 450.
    expect(subset?.addresses).toHaveLength(550);
    expect(subset?.notReadyAddresses).toHaveLength(450);
    expect(ep?.metadata.annotations).toEqual({ 'endpoints.kubernetes.io/over-capacity': 'truncated' });
    settle(fx);
    await ctrl.sync('default/web');
    expect(fx.client.writes()).toEqual([]);

    const podCache = fx.informers.for(Resources.pods).cache;
    for (let i = 10; i < 1100; i++) podCache.remove(`default/web-${i}`);
    await ctrl.sync('default/web');
    expect(written(fx)?.metadata.annotations).toBeUndefined();
    expect(((written(fx)?.subsets as EndpointSubset[])[0]?.addresses ?? []).length).toBe(5);
  });

  it('deletes the Endpoints of a Service that is gone, but never default/kubernetes', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'old', namespace: 'default' }, subsets: [] });
    fx.seed(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
    await ctrl.sync('default/old');
    await ctrl.sync('default/kubernetes');
    await ctrl.sync('default/never-existed');
    expect(fx.client.writes().map((a) => `${a.verb} ${a.name}`)).toEqual(['delete old', 'delete never-existed']);
    expect(fx.client.stored(Resources.endpoints, 'default', 'kubernetes')).toBeDefined();
  });

  it('does not touch the Endpoints of Services without a selector', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('manual', { selector: null }), testService('ext', { type: 'ExternalName' }));
    fx.seed(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ port: 5432, protocol: 'TCP' }] }] });
    fx.seed(Resources.pods, testPod('manual-1', { labels: { app: 'manual' } }));
    await ctrl.sync('default/manual');
    await ctrl.sync('default/ext');
    expect(fx.client.writes()).toEqual([]);
  });

  it('refuses to act on a cached Endpoints it has already replaced', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.seed(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [] });
    fx.seed(Resources.pods, testPod('web-1'));
    await ctrl.sync('default/web');
    fx.client.clearActions();
    await expect(ctrl.sync('default/web')).rejects.toBeInstanceOf(StaleEndpointsError);
    expect(fx.client.writes()).toEqual([]);
  });

  it('records FailedToCreateEndpoint and retries when the create fails', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.services, testService('web'));
    fx.client.react('create', 'endpoints', () => statusError(500, 'InternalError', 'boom'));
    await expect(ctrl.sync('default/web')).rejects.toThrow('boom');
    expect(fx.recorder.events).toEqual(['Warning FailedToCreateEndpoint Failed to create endpoint for service default/web: boom']);
  });
});

describe('EndpointsController.run', () => {
  it('keeps Endpoints in step with pods, and deletes them with their Service', async () => {
    const { fx, ctrl } = setup();
    const ac = new AbortController();
    const informersDone = fx.informers.start(ac.signal);
    const running = ctrl.run(2, ac.signal);
    const stored = (): KubeObject | undefined => fx.client.stored(Resources.endpoints, 'default', 'web');
    const subset = (): EndpointSubset | undefined => (stored()?.subsets as EndpointSubset[] | undefined)?.[0];
    try {
      await fx.client.create(Resources.services, testService('web'), { namespace: 'default' });
      await fx.client.create(Resources.pods, testPod('web-1', { ip: '10.244.0.11' }), { namespace: 'default' });
      await eventually(() => subset()?.addresses?.[0]?.ip === '10.244.0.11', 'ready address');

      const pod = fx.client.stored(Resources.pods, 'default', 'web-1') as KubeObject;
      pod.status = { ...(pod.status as object), conditions: [{ type: 'Ready', status: 'False' }] };
      await fx.client.update(Resources.pods, pod, { subresource: 'status' });
      await eventually(() => subset()?.notReadyAddresses?.[0]?.ip === '10.244.0.11' && subset()?.addresses === undefined, 'not-ready address');

      await fx.client.delete(Resources.services, 'web', { namespace: 'default' });
      await eventually(() => stored() === undefined, 'Endpoints deleted');
    } finally {
      ac.abort();
      await running;
      await informersDone;
    }
  });
});
