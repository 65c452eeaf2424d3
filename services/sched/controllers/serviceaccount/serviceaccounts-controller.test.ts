import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { ControllerFixture } from '../../../../lib/controller/test-fixture.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { statusError } from '../../../../lib/controller/fake-client.js';
import { eventually } from '../endpointslice/test-objects.js';
import { ServiceAccountsController } from './serviceaccounts-controller.js';

function namespace(name: string, phase: string | undefined = 'Active'): KubeObject {
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] } };
  if (phase !== undefined) ns.status = { phase };
  return ns;
}

function sa(ns: string, name = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } };
}

function setup(): { fx: ControllerFixture; ctrl: ServiceAccountsController } {
  const fx = new ControllerFixture();
  const ctrl = new ServiceAccountsController({ client: fx.client, informers: fx.informers, recorder: fx.recorder, clock: fx.clock, log: fx.log });
  return { fx, ctrl };
}

describe('ServiceAccountsController.sync', () => {
  it('creates the default ServiceAccount where it is missing, and only there', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.namespaces, namespace('team-a'), namespace('team-b'));
    fx.seed(Resources.serviceAccounts, sa('team-b'), sa('team-a', 'builder'));
    await ctrl.sync('team-a');
    await ctrl.sync('team-b');
    expect(fx.client.writes().map((a) => ({ verb: a.verb, resource: a.resource, namespace: a.namespace, object: a.object }))).toEqual([
      { verb: 'create', resource: 'serviceaccounts', namespace: 'team-a', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team-a' } } },
    ]);
  });

  it('creates nothing in a terminating or unknown namespace', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.namespaces, namespace('going', 'Terminating'));
    await ctrl.sync('going');
    await ctrl.sync('never-was');
    expect(fx.client.writes()).toEqual([]);
  });

  it('takes AlreadyExists (a cache behind the API) and a namespace turning terminating as success', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.namespaces, namespace('team-a'), namespace('team-b'));
    fx.client.seed(Resources.serviceAccounts, sa('team-a'));
    fx.client.react('create', 'serviceaccounts', (a) =>
      a.namespace === 'team-b' ? statusError(403, 'Forbidden', 'being terminated', { causes: [{ reason: 'NamespaceTerminating', message: 'namespace team-b is being terminated' }] }) : undefined,
    );
    await ctrl.sync('team-a');
    await ctrl.sync('team-b');
    expect(fx.client.writes().map((a) => `${a.verb} ${a.namespace}`)).toEqual(['create team-a', 'create team-b']);
  });

  it('throws other errors, for a retry', async () => {
    const { fx, ctrl } = setup();
    fx.seed(Resources.namespaces, namespace('team-a'));
    fx.client.react('create', 'serviceaccounts', () => statusError(500, 'InternalError', 'try later'));
    await expect(ctrl.sync('team-a')).rejects.toThrow('try later');
  });
});

describe('ServiceAccountsController.run', () => {
  it('gives new namespaces a default ServiceAccount and recreates a deleted one', async () => {
    const { fx, ctrl } = setup();
    fx.client.seed(Resources.namespaces, namespace('kube-system'));
    const ac = new AbortController();
    const informersDone = fx.informers.start(ac.signal);
    const running = ctrl.run(2, ac.signal);
    const has = (ns: string): boolean => fx.client.stored(Resources.serviceAccounts, ns, 'default') !== undefined;
    try {
      await eventually(() => has('kube-system'), 'default SA in kube-system');
      await fx.client.create(Resources.namespaces, namespace('shop'));
      await eventually(() => has('shop'), 'default SA in shop');

      await fx.client.delete(Resources.serviceAccounts, 'default', { namespace: 'shop' });
      await eventually(() => has('shop'), 'default SA recreated');
      expect(fx.client.writes('create').filter((a) => a.resource === 'serviceaccounts').map((a) => a.namespace)).toEqual(['kube-system', 'shop', 'shop']);
    } finally {
      ac.abort();
      await running;
      await informersDone;
    }
  });
});
