import { describe, expect, it } from 'vitest';
import { ApiError, isApiError } from '../api/kube-client/api-error.js';
import type { KubeObject, Status, WatchEvent } from '../api/object.js';
import { FakeClient, statusError } from './fake-client.js';
import { Resources } from './resources.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function client(): FakeClient {
  const c = new FakeClient();
  c.now = () => T0;
  return c;
}

function pod(name: string, extra: Partial<KubeObject> = {}, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, ...extra };
}

function deployment(name: string, replicas = 1): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' }, spec: { replicas } };
}

/** The ApiError a call rejects with (fails the test if it resolves or throws something else). */
async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Reads watch events until `n` have arrived (bounded: fails after 50 idle turns). */
async function take(it: AsyncIterator<WatchEvent<KubeObject | Status>>, n: number): Promise<Array<WatchEvent<KubeObject | Status>>> {
  const out: Array<WatchEvent<KubeObject | Status>> = [];
  while (out.length < n) {
    const next = it.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 200)));
    const r = await Promise.race([next, timeout]);
    clearTimeout(timer);
    if (r === 'timeout') throw new Error(`watch: got ${out.length} of ${n} events`);
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

function summary(evs: Array<WatchEvent<KubeObject | Status>>): string[] {
  return evs.map((e) => `${e.type} ${(e.object as KubeObject).metadata.name ?? ''}`);
}

describe('FakeClient create', () => {
  it('fills apiVersion, kind, namespace, uid, creationTimestamp, generation and resourceVersion', async () => {
    const c = client();
    const created = await c.create(Resources.pods, { metadata: { name: 'a' } }, { namespace: 'ns1' });
    expect(created.apiVersion).toBe('v1');
    expect(created.kind).toBe('Pod');
    expect(created.metadata.namespace).toBe('ns1');
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(c.stored(Resources.pods, 'ns1', 'a')).toEqual(created);
  });

  it('puts namespaced objects without a namespace in "default" and drops it from cluster-scoped ones', async () => {
    const c = client();
    expect((await c.create(Resources.pods, { metadata: { name: 'a' } })).metadata.namespace).toBe('default');
    const n = await c.create(Resources.nodes, { metadata: { name: 'n1', namespace: 'x' } });
    expect(n.metadata.namespace).toBeUndefined();
    expect(c.stored(Resources.nodes, '', 'n1')?.metadata.name).toBe('n1');
  });

  it('generates a name from generateName and distinct uids', async () => {
    const c = client();
    const a = await c.create(Resources.pods, { metadata: { generateName: 'web-' } });
    const b = await c.create(Resources.pods, { metadata: { generateName: 'web-' } });
    expect(a.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(b.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(a.metadata.uid).not.toBe(b.metadata.uid);
    expect(c.actions[0]?.name).toBe(a.metadata.name);
  });

  it('increments resourceVersion on every write', async () => {
    const c = client();
    const a = await c.create(Resources.pods, pod('a'));
    const b = await c.create(Resources.pods, pod('b'));
    const a2 = await c.update(Resources.pods, { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    const rvs = [a, b, a2].map((o) => Number(o.metadata.resourceVersion));
    expect(rvs[1]).toBeGreaterThan(rvs[0] ?? Infinity);
    expect(rvs[2]).toBeGreaterThan(rvs[1] ?? Infinity);
  });

  it('refuses a second object of the same name with 409 AlreadyExists', async () => {
    const c = client();
    await c.create(Resources.deployments, deployment('web'));
    const err = await apiError(c.create(Resources.deployments, deployment('web')));
    expect([err.code, err.reason, err.message]).toEqual([409, 'AlreadyExists', 'deployments.apps "web" already exists']);
    expect(c.objects(Resources.deployments)).toHaveLength(1);
  });

  it('does not store a dry run', async () => {
    const c = client();
    const r = await c.create(Resources.pods, pod('a'), { dryRun: true });
    expect(r.metadata.name).toBe('a');
    expect(c.objects(Resources.pods)).toEqual([]);
  });

  it('refuses a body without metadata with 400', async () => {
    const err = await apiError(client().create(Resources.pods, { kind: 'Pod' }));
    expect(err.code).toBe(400);
  });
});

describe('FakeClient get and list', () => {
  it('gets a copy, and 404 NotFound for a missing object', async () => {
    const c = client();
    const [seeded] = c.seed(Resources.pods, pod('a'));
    const got = await c.get(Resources.pods, 'a', { namespace: 'default' });
    expect(got).toEqual(seeded);
    (got.metadata.labels ??= {}).changed = 'yes';
    expect(c.stored(Resources.pods, 'default', 'a')?.metadata.labels).toBeUndefined();
    const err = await apiError(c.get(Resources.pods, 'b', { namespace: 'default' }));
    expect([err.code, err.reason, err.message]).toEqual([404, 'NotFound', 'pods "b" not found']);
  });

  it('lists by namespace, label selector and field selector', async () => {
    const c = client();
    c.seed(
      Resources.pods,
      pod('a', { metadata: { name: 'a', namespace: 'ns1', labels: { app: 'web', tier: 'fe' } }, spec: { nodeName: 'n1' } }),
      pod('b', { metadata: { name: 'b', namespace: 'ns1', labels: { app: 'web' } }, spec: { nodeName: '' }, status: { phase: 'Running' } }),
      pod('c', { metadata: { name: 'c', namespace: 'ns2', labels: { app: 'db' } }, spec: { nodeName: 'n1' }, status: { phase: 'Succeeded' } }),
    );
    const names = async (o: Parameters<FakeClient['list']>[1]): Promise<string[]> =>
      (await c.list(Resources.pods, o)).items.map((i) => `${i.metadata.namespace ?? ''}/${i.metadata.name ?? ''}`).sort();
    expect(await names({})).toEqual(['ns1/a', 'ns1/b', 'ns2/c']);
    expect(await names({ namespace: 'ns1' })).toEqual(['ns1/a', 'ns1/b']);
    expect(await names({ labelSelector: 'app=web' })).toEqual(['ns1/a', 'ns1/b']);
    expect(await names({ labelSelector: 'app in (web,db),tier!=fe' })).toEqual(['ns1/b', 'ns2/c']);
    expect(await names({ labelSelector: '!tier' })).toEqual(['ns1/b', 'ns2/c']);
    expect(await names({ fieldSelector: 'spec.nodeName=n1' })).toEqual(['ns1/a', 'ns2/c']);
    expect(await names({ fieldSelector: 'spec.nodeName=' })).toEqual(['ns1/b']);
    expect(await names({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' })).toEqual(['ns1/a', 'ns1/b']);
    expect(await names({ fieldSelector: 'metadata.name=c' })).toEqual(['ns2/c']);
    expect(await names({ fieldSelector: 'metadata.namespace=ns1', labelSelector: 'tier=fe' })).toEqual(['ns1/a']);
  });

  it('returns a List with the kind and current resourceVersion', async () => {
    const c = client();
    const [a] = c.seed(Resources.deployments, deployment('a'));
    const l = await c.list(Resources.deployments, { namespace: 'default' });
    expect(l.apiVersion).toBe('apps/v1');
    expect(l.kind).toBe('DeploymentList');
    expect(l.metadata.resourceVersion).toBe(a?.metadata.resourceVersion);
  });
});

describe('FakeClient update', () => {
  it('refuses a stale resourceVersion with 409 Conflict', async () => {
    const c = client();
    const a = await c.create(Resources.deployments, deployment('web'));
    await c.update(Resources.deployments, { ...a, spec: { replicas: 2 } });
    const err = await apiError(c.update(Resources.deployments, { ...a, spec: { replicas: 3 } }));
    expect([err.code, err.reason]).toEqual([409, 'Conflict']);
    expect(err.message).toBe('Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
    expect((c.stored(Resources.deployments, 'default', 'web')?.spec as { replicas: number }).replicas).toBe(2);
  });

  it('updates unconditionally without a resourceVersion', async () => {
    const c = client();
    const a = await c.create(Resources.configMaps, { metadata: { name: 'cm' }, data: { k: '1' } });
    const { resourceVersion: _rv, ...meta } = a.metadata;
    const u = await c.update(Resources.configMaps, { ...a, metadata: meta, data: { k: '2' } });
    expect(u.data).toEqual({ k: '2' });
  });

  it('404s an update of a missing object', async () => {
    const err = await apiError(client().update(Resources.pods, pod('nope')));
    expect(err.code).toBe(404);
  });

  it('keeps uid and creationTimestamp', async () => {
    const c = client();
    const a = await c.create(Resources.configMaps, { metadata: { name: 'cm' } });
    const u = await c.update(Resources.configMaps, { ...a, metadata: { ...a.metadata, uid: 'forged', creationTimestamp: '2000-01-01T00:00:00Z' } });
    expect(u.metadata.uid).toBe(a.metadata.uid);
    expect(u.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp);
  });

  it('changes status only through /status for resources that have it', async () => {
    const c = client();
    const a = await c.create(Resources.deployments, deployment('web'));
    const main = await c.update(Resources.deployments, { ...a, spec: { replicas: 2 }, status: { replicas: 5 } });
    expect(main.status).toBeUndefined();
    expect(main.spec).toEqual({ replicas: 2 });
    const st = await c.update(Resources.deployments, { ...main, spec: { replicas: 9 }, status: { replicas: 2 } }, { subresource: 'status' });
    expect(st.status).toEqual({ replicas: 2 });
    expect(st.spec).toEqual({ replicas: 2 });
    expect(c.actions.at(-1)).toMatchObject({ verb: 'update', resource: 'deployments', subresource: 'status', name: 'web' });
  });

  it('stores status through the main resource where there is no /status', async () => {
    const c = client();
    const l = await c.create(Resources.leases, { metadata: { name: 'l' }, spec: {} });
    const u = await c.update(Resources.leases, { ...l, status: { x: 1 } });
    expect(u.status).toEqual({ x: 1 });
  });

  it.each([
    { what: 'a spec change', change: (o: KubeObject): KubeObject => ({ ...o, spec: { replicas: 3 } }), generation: 2 },
    { what: 'a label change', change: (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, labels: { a: 'b' } } }), generation: 1 },
    { what: 'the same spec', change: (o: KubeObject): KubeObject => ({ ...o }), generation: 1 },
  ])('bumps generation on $what: $generation', async ({ change, generation }) => {
    const c = client();
    const a = await c.create(Resources.deployments, deployment('web'));
    const u = await c.update(Resources.deployments, change(a));
    expect(u.metadata.generation).toBe(generation);
  });

  it('does not bump generation on a status update', async () => {
    const c = client();
    const a = await c.create(Resources.deployments, deployment('web'));
    const u = await c.update(Resources.deployments, { ...a, status: { observedGeneration: 1 } }, { subresource: 'status' });
    expect(u.metadata.generation).toBe(1);
  });
});

describe('FakeClient patch', () => {
  it('applies a merge patch (null deletes)', async () => {
    const c = client();
    c.seed(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', labels: { a: '1', b: '2' } }, data: { k: 'v' } });
    const p = await c.patch(Resources.configMaps, 'cm', { metadata: { labels: { a: null, c: '3' } }, data: { k2: 'v2' } }, 'merge', { namespace: 'default' });
    expect(p.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(p.data).toEqual({ k: 'v', k2: 'v2' });
    expect(c.actions.at(-1)).toMatchObject({ verb: 'patch', patchType: 'merge', name: 'cm', namespace: 'default' });
  });

  it('applies a JSON patch, given as an object or a string', async () => {
    const c = client();
    c.seed(Resources.deployments, deployment('web'));
    const p = await c.patch(Resources.deployments, 'web', [{ op: 'replace', path: '/spec/replicas', value: 4 }], 'json', { namespace: 'default' });
    expect(p.spec).toEqual({ replicas: 4 });
    expect(p.metadata.generation).toBe(2);
    const q = await c.patch(Resources.deployments, 'web', JSON.stringify([{ op: 'add', path: '/metadata/annotations', value: { x: 'y' } }]), 'json', { namespace: 'default' });
    expect(q.metadata.annotations).toEqual({ x: 'y' });
  });

  it('applies a strategic merge patch', async () => {
    const c = client();
    c.seed(Resources.deployments, deployment('web'));
    const p = await c.patch(Resources.deployments, 'web', { spec: { paused: true } }, 'strategic', { namespace: 'default' });
    expect(p.spec).toEqual({ replicas: 1, paused: true });
  });

  it('patches status only through /status where it exists', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'));
    const main = await c.patch(Resources.pods, 'a', { status: { phase: 'Running' } }, 'merge', { namespace: 'default' });
    expect(main.status).toBeUndefined();
    const st = await c.patch(Resources.pods, 'a', { status: { phase: 'Running' }, spec: { nodeName: 'x' } }, 'merge', { namespace: 'default', subresource: 'status' });
    expect(st.status).toEqual({ phase: 'Running' });
    expect((st.spec as { nodeName?: string }).nodeName).toBeUndefined();
  });

  it('refuses a patch carrying a stale resourceVersion with 409 and changes nothing', async () => {
    const c = client();
    const [a] = c.seed(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { k: '1' } });
    await c.patch(Resources.configMaps, 'cm', { data: { k: '2' } }, 'merge', { namespace: 'default' });
    const err = await apiError(c.patch(Resources.configMaps, 'cm', { metadata: { resourceVersion: a?.metadata.resourceVersion }, data: { k: '3' } }, 'merge', { namespace: 'default' }));
    expect([err.code, err.reason]).toEqual([409, 'Conflict']);
    expect(c.stored(Resources.configMaps, 'default', 'cm')?.data).toEqual({ k: '2' });
  });

  it('answers a JSON patch that cannot be applied as the API server does: 422 Invalid', async () => {
    const c = client();
    c.seed(Resources.deployments, deployment('web'));
    const failedTest = await apiError(c.patch(Resources.deployments, 'web', [{ op: 'test', path: '/spec/replicas', value: 7 }, { op: 'replace', path: '/spec/replicas', value: 8 }], 'json', { namespace: 'default' }));
    expect([failedTest.code, failedTest.reason]).toEqual([422, 'Invalid']);
    const missing = await apiError(c.patch(Resources.deployments, 'web', [{ op: 'remove', path: '/spec/nope' }], 'json', { namespace: 'default' }));
    expect(missing.code).toBe(422);
    expect((c.stored(Resources.deployments, 'default', 'web')?.spec as { replicas: number }).replicas).toBe(1);
  });

  it('404s a patch of a missing object', async () => {
    const err = await apiError(client().patch(Resources.pods, 'nope', {}, 'merge', { namespace: 'default' }));
    expect(err.code).toBe(404);
  });
});

describe('FakeClient delete', () => {
  it('removes an object without finalizers', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'));
    const gone = await c.delete(Resources.pods, 'a', { namespace: 'default' });
    expect((gone as KubeObject).metadata.name).toBe('a');
    expect(c.stored(Resources.pods, 'default', 'a')).toBeUndefined();
    expect((await apiError(c.delete(Resources.pods, 'a', { namespace: 'default' }))).code).toBe(404);
  });

  it.each([
    { policy: undefined, finalizers: ['example.com/cleanup'], want: ['example.com/cleanup'] },
    { policy: 'Orphan' as const, finalizers: [], want: ['orphan'] },
    { policy: 'Foreground' as const, finalizers: [], want: ['foregroundDeletion'] },
    { policy: 'Foreground' as const, finalizers: ['example.com/cleanup'], want: ['example.com/cleanup', 'foregroundDeletion'] },
  ])('keeps the object with deletionTimestamp and finalizers $want (policy $policy)', async ({ policy, finalizers, want }) => {
    const c = client();
    c.seed(Resources.replicaSets, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default', finalizers }, spec: {} });
    const r = (await c.delete(Resources.replicaSets, 'rs', { namespace: 'default', ...(policy ? { propagationPolicy: policy } : {}) })) as KubeObject;
    expect(r.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    const stored = c.stored(Resources.replicaSets, 'default', 'rs');
    expect(stored?.metadata.finalizers).toEqual(want);
    expect(stored?.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
  });

  it('deletes the object when an update removes its last finalizer', async () => {
    const c = client();
    c.seed(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', finalizers: ['a/x', 'a/y'] } });
    await c.delete(Resources.configMaps, 'cm', { namespace: 'default' });
    const cur = c.stored(Resources.configMaps, 'default', 'cm');
    if (!cur) throw new Error('deleted too early');
    const one = await c.update(Resources.configMaps, { ...cur, metadata: { ...cur.metadata, finalizers: ['a/y'] } });
    expect(one.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(c.stored(Resources.configMaps, 'default', 'cm')).toBeDefined();
    await c.update(Resources.configMaps, { ...one, metadata: { ...one.metadata, finalizers: [] } });
    expect(c.stored(Resources.configMaps, 'default', 'cm')).toBeUndefined();
  });

  it('deletes the object when a patch removes its last finalizer', async () => {
    const c = client();
    c.seed(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', finalizers: ['a/x'] } });
    await c.delete(Resources.configMaps, 'cm', { namespace: 'default' });
    await c.patch(Resources.configMaps, 'cm', { metadata: { finalizers: null } }, 'merge', { namespace: 'default' });
    expect(c.stored(Resources.configMaps, 'default', 'cm')).toBeUndefined();
  });

  it('keeps deletionTimestamp when an update tries to clear it', async () => {
    const c = client();
    c.seed(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', finalizers: ['a/x'] } });
    await c.delete(Resources.configMaps, 'cm', { namespace: 'default' });
    const cur = c.stored(Resources.configMaps, 'default', 'cm');
    if (!cur) throw new Error('deleted too early');
    const { deletionTimestamp: _d, ...meta } = cur.metadata;
    const u = await c.update(Resources.configMaps, { ...cur, metadata: meta });
    expect(u.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
  });

  it('checks the uid and resourceVersion preconditions', async () => {
    const c = client();
    const [a] = c.seed(Resources.pods, pod('a'));
    const uid = await apiError(c.delete(Resources.pods, 'a', { namespace: 'default', preconditions: { uid: 'other' } }));
    expect([uid.code, uid.reason]).toEqual([409, 'Conflict']);
    expect(uid.message).toBe(`Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: other, UID in object meta: ${a?.metadata.uid ?? ''}`);
    const rv = await apiError(c.delete(Resources.pods, 'a', { namespace: 'default', preconditions: { resourceVersion: '1' } }));
    expect([rv.code, rv.reason]).toEqual([409, 'Conflict']);
    expect(rv.message).toBe(`Operation cannot be fulfilled on pods "a": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${a?.metadata.resourceVersion ?? ''}`);
    expect(c.stored(Resources.pods, 'default', 'a')).toBeDefined();
    await c.delete(Resources.pods, 'a', { namespace: 'default', preconditions: { uid: a?.metadata.uid, resourceVersion: a?.metadata.resourceVersion } });
    expect(c.stored(Resources.pods, 'default', 'a')).toBeUndefined();
  });

  it('records the delete options', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'));
    await c.delete(Resources.pods, 'a', { namespace: 'default', propagationPolicy: 'Background', gracePeriodSeconds: 0 });
    expect(c.writes('delete')).toEqual([
      { verb: 'delete', resource: 'pods', group: '', namespace: 'default', name: 'a', subresource: '', deleteOptions: { namespace: 'default', propagationPolicy: 'Background', gracePeriodSeconds: 0, signal: undefined } },
    ]);
  });
});

describe('FakeClient pods/binding and pods/eviction', () => {
  const binding = (name: string, node: string): unknown => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: node } });

  it('binds a pod once: spec.nodeName and PodScheduled=True, then 409', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'));
    const r = await c.create(Resources.pods, binding('a', 'node-1'), { namespace: 'default', subresource: 'binding' });
    expect(r).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    const bound = c.stored(Resources.pods, 'default', 'a');
    expect((bound?.spec as { nodeName?: string }).nodeName).toBe('node-1');
    expect((bound?.status as { conditions?: unknown[] } | undefined)?.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' }]);
    const err = await apiError(c.create(Resources.pods, binding('a', 'node-2'), { namespace: 'default', subresource: 'binding' }));
    expect([err.code, err.reason, err.message]).toEqual([409, 'Conflict', 'Operation cannot be fulfilled on pods/binding "a": pod a is already assigned to node "node-1"']);
    expect(c.writes('create').map((a) => `${a.resource}/${a.subresource} ${a.name}`)).toEqual(['pods/binding a', 'pods/binding a']);
  });

  it('refuses to bind a pod that is being deleted', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a', { metadata: { name: 'a', namespace: 'default', finalizers: ['x/y'] } }));
    await c.delete(Resources.pods, 'a', { namespace: 'default' });
    const err = await apiError(c.create(Resources.pods, binding('a', 'node-1'), { namespace: 'default', subresource: 'binding' }));
    expect([err.code, err.reason, err.message]).toEqual([409, 'Conflict', 'Operation cannot be fulfilled on pods "a": pod is being deleted, cannot be assigned to a host']);
  });

  it('404s binding a missing pod', async () => {
    const err = await apiError(client().create(Resources.pods, binding('nope', 'n'), { namespace: 'default', subresource: 'binding' }));
    expect(err.code).toBe(404);
  });

  it('evicts (deletes) a pod', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'));
    const r = await c.create(Resources.pods, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'a', namespace: 'default' } }, { namespace: 'default', subresource: 'eviction' });
    expect(r).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(c.stored(Resources.pods, 'default', 'a')).toBeUndefined();
    expect(c.writes()).toMatchObject([{ verb: 'create', resource: 'pods', subresource: 'eviction', name: 'a' }]);
  });
});

describe('FakeClient actions and reactors', () => {
  it('records every call; writes() leaves out reads, optionally by verb; clearActions() empties', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'));
    expect(c.actions).toEqual([]); // seeding is not an action
    await c.get(Resources.pods, 'a', { namespace: 'default' });
    await c.list(Resources.pods, { namespace: 'default' });
    await c.create(Resources.pods, pod('b'));
    await c.patch(Resources.pods, 'b', { metadata: { labels: { x: 'y' } } }, 'merge', { namespace: 'default' });
    await c.delete(Resources.pods, 'a', { namespace: 'default' });
    expect(c.actions.map((a) => a.verb)).toEqual(['get', 'list', 'create', 'patch', 'delete']);
    expect(c.writes().map((a) => `${a.verb} ${a.name}`)).toEqual(['create b', 'patch b', 'delete a']);
    expect(c.writes('patch')).toEqual([
      { verb: 'patch', resource: 'pods', group: '', namespace: 'default', name: 'b', subresource: '', patch: { metadata: { labels: { x: 'y' } } }, patchType: 'merge' },
    ]);
    expect(c.writes('create')[0]?.object).toEqual(pod('b'));
    c.clearActions();
    expect(c.actions).toEqual([]);
  });

  it('react() makes matching calls fail with the given error, and the call is still recorded', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'));
    let calls = 0;
    c.react('update', 'pods', (a) => {
      calls++;
      return a.name === 'a' ? statusError(500, 'InternalError', 'boom') : undefined;
    });
    const cur = c.stored(Resources.pods, 'default', 'a');
    if (!cur) throw new Error('not seeded');
    const err = await apiError(c.update(Resources.pods, { ...cur, metadata: { ...cur.metadata, labels: { x: 'y' } } }));
    expect([err.code, err.reason, err.message]).toEqual([500, 'InternalError', 'boom']);
    expect(isApiError(err, 500)).toBe(true);
    expect(c.stored(Resources.pods, 'default', 'a')?.metadata.labels).toBeUndefined();
    expect(c.writes('update')).toHaveLength(1);
    // Other verbs and resources are untouched.
    await c.patch(Resources.pods, 'a', { metadata: { labels: { x: 'y' } } }, 'merge', { namespace: 'default' });
    expect(calls).toBe(1);
  });

  it('react() matches "*" and "resource/subresource"', async () => {
    const c = client();
    c.seed(Resources.pods, pod('a'), pod('b'));
    c.react('create', 'pods/binding', () => statusError(409, 'Conflict', 'taken'));
    const bind = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { name: 'n' } };
    expect((await apiError(c.create(Resources.pods, bind, { namespace: 'default', subresource: 'binding' }))).message).toBe('taken');
    await c.create(Resources.pods, pod('c'));
    c.react('*', '*', () => statusError(503, 'ServiceUnavailable', 'down'));
    expect((await apiError(c.get(Resources.nodes, 'x'))).code).toBe(503);
    expect((await apiError(c.list(Resources.pods))).code).toBe(503);
  });
});

describe('FakeClient watch', () => {
  it('delivers later writes in order, with namespace and label filters', async () => {
    const c = client();
    const all = c.watch(Resources.pods, { namespace: '' });
    const ns1 = c.watch(Resources.pods, { namespace: 'ns1' });
    const web = c.watch(Resources.pods, { namespace: '', labelSelector: 'app=web' });
    // Start the generators so they subscribe before the writes.
    const pAll = take(all, 4);
    const pNs1 = take(ns1, 3);
    const pWeb = take(web, 1);
    await c.create(Resources.pods, pod('a', {}, 'ns1'));
    await c.create(Resources.pods, pod('b', { metadata: { name: 'b', labels: { app: 'web' } } }, 'ns2'));
    const a = c.stored(Resources.pods, 'ns1', 'a');
    if (!a) throw new Error('missing');
    await c.update(Resources.pods, { ...a, metadata: { ...a.metadata, annotations: { x: 'y' } } });
    await c.delete(Resources.pods, 'a', { namespace: 'ns1' });
    expect(summary(await pAll)).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED a']);
    expect(summary(await pNs1)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
    expect(summary(await pWeb)).toEqual(['ADDED b']);
    await all.return(undefined);
    await ns1.return(undefined);
    await web.return(undefined);
  });

  it('replays the events after a given resourceVersion', async () => {
    const c = client();
    const a = await c.create(Resources.pods, pod('a'));
    const b = await c.create(Resources.pods, pod('b'));
    await c.delete(Resources.pods, 'a', { namespace: 'default' });
    const w = c.watch(Resources.pods, { namespace: 'default', resourceVersion: a.metadata.resourceVersion });
    const evs = await take(w, 2);
    expect(summary(evs)).toEqual(['ADDED b', 'DELETED a']);
    expect((evs[0]?.object as KubeObject).metadata.resourceVersion).toBe(b.metadata.resourceVersion);
    await w.return(undefined);
  });

  it('answers a watch from a resourceVersion whose events are gone with a 410 Expired ERROR', async () => {
    const c = client();
    const [first] = c.seed(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-0', namespace: 'default' } });
    for (let i = 1; i <= 10_000; i++) c.seed(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default' } });
    const from = Number(first?.metadata.resourceVersion) - 1;
    const w = c.watch(Resources.configMaps, { namespace: 'default', resourceVersion: String(from) });
    const evs = await take(w, 2);
    expect(evs).toHaveLength(1);
    expect(evs[0]?.type).toBe('ERROR');
    expect(evs[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    // One newer is still served.
    const ok = c.watch(Resources.configMaps, { namespace: 'default', resourceVersion: String(Number(first?.metadata.resourceVersion) + 9_999) });
    expect(summary(await take(ok, 1))).toEqual(['ADDED cm-10000']);
    await ok.return(undefined);
  });

  it('turns selector transitions into ADDED and DELETED, and filters by field selector', async () => {
    const c = client();
    const w = c.watch(Resources.pods, { namespace: '', labelSelector: 'app=web', fieldSelector: 'spec.nodeName=' });
    const got = take(w, 4);
    const a = await c.create(Resources.pods, pod('a', { metadata: { name: 'a', labels: { app: 'db' } } }));
    const a2 = await c.update(Resources.pods, { ...a, metadata: { ...a.metadata, labels: { app: 'web' } } });
    const a3 = await c.update(Resources.pods, { ...a2, metadata: { ...a2.metadata, annotations: { n: '1' } } });
    const a4 = await c.update(Resources.pods, { ...a3, spec: { nodeName: 'n1' } });
    await c.create(Resources.pods, pod('b', { metadata: { name: 'b', labels: { app: 'web' } }, spec: { nodeName: 'n2' } }));
    await c.create(Resources.pods, pod('c', { metadata: { name: 'c', labels: { app: 'web' } } }));
    const evs = await got;
    expect(summary(evs)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a', 'ADDED c']);
    // The DELETED for an object leaving the selection carries its last matching state at the new resourceVersion.
    const del = evs[2]?.object as KubeObject;
    expect(del.metadata.resourceVersion).toBe(a4.metadata.resourceVersion);
    expect((del.spec as { nodeName?: string }).nodeName).toBeUndefined();
    await w.return(undefined);
  });

  it('ends when its signal aborts', async () => {
    const c = client();
    const ac = new AbortController();
    const w = c.watch(Resources.pods, { signal: ac.signal });
    const next = w.next();
    ac.abort();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
