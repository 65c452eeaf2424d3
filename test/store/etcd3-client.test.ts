// The etcd3 npm client (not written here) works against the store: KV, ranges, txns, leases
// with keep-alive, watches and elections' building blocks.
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreCluster, sleep } from '../support/store-cluster.js';

let cluster: StoreCluster;
let client: Etcd3;

beforeAll(async () => {
  cluster = await StoreCluster.start({ size: 3 });
  client = new Etcd3({ hosts: cluster.members.map((_m, i) => cluster.clientUrl(i)) });
}, 60_000);

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

describe('etcd3 npm client', () => {
  it('puts, gets, ranges and deletes', async () => {
    await client.put('app/one').value('1');
    await client.put('app/two').value('2');
    await client.put('other').value('x');
    expect(await client.get('app/one').string()).toBe('1');
    expect(await client.getAll().prefix('app/').strings()).toEqual({ 'app/one': '1', 'app/two': '2' });
    expect(await client.getAll().prefix('app/').count()).toBe(2);
    expect(await client.get('missing').string()).toBeNull();
    await client.delete().key('app/one');
    expect(await client.getAll().prefix('app/').keys()).toEqual(['app/two']);
  });

  it('transactions with compares', async () => {
    const res = await client
      .if('other', 'Value', '==', 'x')
      .then(client.put('other').value('y'))
      .else(client.put('other').value('z'))
      .commit();
    expect(res.succeeded).toBe(true);
    expect(await client.get('other').string()).toBe('y');
    const res2 = await client.if('other', 'Value', '==', 'x').then(client.put('other').value('w')).commit();
    expect(res2.succeeded).toBe(false);
    expect(await client.get('other').string()).toBe('y');
  });

  it('leases: attached keys live while kept alive and go when revoked', async () => {
    const lease = client.lease(5);
    await lease.put('leased/key').value('v');
    expect(await client.get('leased/key').string()).toBe('v');
    const alive = await lease.keepaliveOnce();
    expect(Number(alive.TTL)).toBe(5);
    await lease.revoke();
    expect(await client.get('leased/key').string()).toBeNull();
  });

  it('a lease that is not kept alive expires and its keys are deleted', async () => {
    const lease = client.lease(2, { autoKeepAlive: false });
    await lease.put('expiring').value('soon');
    expect(await client.get('expiring').string()).toBe('soon');
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && (await client.get('expiring').string()) !== null) await sleep(200);
    expect(await client.get('expiring').string()).toBeNull();
  });

  it('watches see puts and deletes in order', async () => {
    const watcher = await client.watch().prefix('watched/').create();
    const seen: string[] = [];
    watcher.on('put', (kv) => seen.push(`put ${kv.key.toString()}=${kv.value.toString()}`));
    watcher.on('delete', (kv) => seen.push(`delete ${kv.key.toString()}`));
    await client.put('watched/a').value('1');
    await client.put('watched/a').value('2');
    await client.delete().key('watched/a');
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await sleep(50);
    await watcher.cancel();
    expect(seen).toEqual(['put watched/a=1', 'put watched/a=2', 'delete watched/a']);
  });
});
