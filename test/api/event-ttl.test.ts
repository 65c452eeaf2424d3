// Events expire (kube-apiserver's --event-ttl, default 1h): the API server writes them with a
// store lease, so the store deletes them that long after their last write; other objects keep
// no lease. A short TTL here (4s) lets the test see one go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCluster } from '../support/api-cluster.js';
import { KubeHttpsClient, readAdminTls } from '../support/kube-https.js';
import { openWatch } from '../support/watch-stream.js';
import { waitFor } from '../support/wait-for.js';

let c: ApiCluster;
let api: KubeHttpsClient;

beforeAll(async () => {
  c = await ApiCluster.start({ extraApiArgs: ['--event-ttl', '4s'] });
  api = new KubeHttpsClient(c.url(0), c.certDir, 4);
}, 120_000);

afterAll(async () => {
  api?.close();
  await c?.destroy();
}, 60_000);

function event(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-0 to w1',
    type: 'Normal',
    source: { component: 'default-scheduler' },
    count: 1,
  };
}

/** The store lease a key is attached to ('0' for none), read with etcdctl (as text: IDs overflow a double). */
async function leaseOf(key: string): Promise<string> {
  const r = await c.store.etcdctl(['get', key, '-w', 'json']);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/"kvs":\[\{/);
  return /"lease":(\d+)/.exec(r.stdout)?.[1] ?? '0';
}

/** The TTL a lease was granted with (etcdctl lease timetolive). */
async function grantedTtl(lease: string): Promise<number> {
  const r = await c.store.etcdctl(['lease', 'timetolive', BigInt(lease).toString(16), '-w', 'json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return Number(/"granted-ttl":(\d+)/.exec(r.stdout)?.[1]);
}

describe('Event TTL (--event-ttl)', () => {
  it('attaches Events to a lease of the TTL, renews it on update, and the store deletes them when it runs out', async () => {
    expect((await api.post('/api/v1/namespaces/default/events', event('web-0.1'))).status).toBe(201);
    expect((await api.post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keeps' }, data: { a: '1' } })).status).toBe(201);

    const first = await leaseOf('/registry/events/default/web-0.1');
    expect(first).not.toBe('0');
    expect(await grantedTtl(first)).toBe(4);
    expect(await leaseOf('/registry/configmaps/default/keeps')).toBe('0');

    // An update (the recorder bumping count) attaches the event to a lease again, so its time
    // starts over; with a 4 s TTL there is no reuse window, so it is a new lease.
    const got = await api.get('/api/v1/namespaces/default/events/web-0.1');
    expect(got.status).toBe(200);
    const updated = { ...(got.json as Record<string, unknown>), count: 2 };
    expect((await api.put('/api/v1/namespaces/default/events/web-0.1', updated)).status).toBe(200);
    const second = await leaseOf('/registry/events/default/web-0.1');
    expect(second).not.toBe('0');
    expect(second).not.toBe(first);
    expect(await grantedTtl(second)).toBe(4);

    // The store revokes the lease once it runs out and deletes the key; the API server's cache follows.
    await waitFor('the event to expire', async () => (await api.get('/api/v1/namespaces/default/events/web-0.1')).status === 404, 30_000, 250);
    const list = await api.get('/api/v1/namespaces/default/events');
    expect((list.json as { items: unknown[] }).items).toEqual([]);
    expect((await api.get('/api/v1/namespaces/default/configmaps/keeps')).status).toBe(200);
  });

  it('ends an expired event with a DELETED watch event', async () => {
    const created = await api.post('/api/v1/namespaces/default/events', event('web-0.2'));
    expect(created.status).toBe(201);
    const rv = String((created.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    const opened = await openWatch(c.url(0), readAdminTls(c.certDir), `/api/v1/namespaces/default/events?watch=true&resourceVersion=${rv}`, { signal: AbortSignal.timeout(60_000) });
    if (!opened.ok) throw new Error(`watch refused: ${opened.response.status} ${opened.response.text}`);
    try {
      const nameOf = (o: Record<string, unknown>): string | undefined => (o.metadata as { name?: string } | undefined)?.name;
      const got = await opened.stream.collect((e) => e.type === 'DELETED' && nameOf(e.object) === 'web-0.2', 30_000);
      expect(got.outcome).toBe('matched');
    } finally {
      opened.stream.close();
    }
  });
});
