// The Watch service over one bidirectional stream: many watches per stream, cancel, prev_kv,
// filters, progress requests and notifications, and cancellation at a compacted revision
// with etcd's reason. Plus HashKV agreeing across members and `etcdctl snapshot save`.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdGrpcClient, WatchResponse } from '../../lib/grpc/etcd-proto.js';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import { StoreCluster, sleep } from '../support/store-cluster.js';

let cluster: StoreCluster;
let client: EtcdGrpcClient;

beforeAll(async () => {
  cluster = await StoreCluster.start({ size: 3, extraArgs: ['--experimental-watch-progress-notify-interval', '500ms'] });
  client = createEtcdClient(cluster.endpoint(1));
}, 60_000);

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

const put = (k: string, v: string) => client.KV.Put({ key: Buffer.from(k), value: Buffer.from(v) });

/** One Watch stream with a queue of responses to await. */
function openStream() {
  const stream = client.Watch.Watch();
  const queue: WatchResponse[] = [];
  const waiters: (() => void)[] = [];
  stream.on('data', (r: WatchResponse) => {
    queue.push(r);
    for (const w of waiters.splice(0)) w();
  });
  stream.on('error', () => undefined);
  return {
    stream,
    async next(pred: (r: WatchResponse) => boolean = () => true, timeoutMs = 5000): Promise<WatchResponse> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex(pred);
        if (i >= 0) return queue.splice(i, 1)[0] as WatchResponse;
        if (Date.now() > deadline) throw new Error('no matching watch response');
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => stream.end(),
  };
}

describe('watch service', () => {
  it('runs many watches on one stream, with prev_kv, filters and cancel', async () => {
    const s = openStream();
    s.stream.write({ create_request: { key: Buffer.from('w/a'), prev_kv: true } });
    const createdA = await s.next((r) => r.created);
    s.stream.write({ create_request: { key: Buffer.from('w/'), range_end: Buffer.from('w0'), filters: ['NOPUT'] } });
    const createdB = await s.next((r) => r.created);
    expect(createdA.watch_id).not.toBe(createdB.watch_id);

    await put('w/a', '1');
    await put('w/a', '2');
    await client.KV.DeleteRange({ key: Buffer.from('w/a') });

    const a1 = await s.next((r) => r.watch_id === createdA.watch_id && r.events.length > 0);
    expect(a1.events[0]?.type).toBe('PUT');
    expect(a1.events[0]?.kv?.value.toString()).toBe('1');
    const a2 = await s.next((r) => r.watch_id === createdA.watch_id && r.events.length > 0);
    expect(a2.events[0]?.prev_kv?.value.toString()).toBe('1');
    const a3 = await s.next((r) => r.watch_id === createdA.watch_id && r.events.length > 0);
    expect(a3.events[0]?.type).toBe('DELETE');
    expect(a3.events[0]?.prev_kv?.value.toString()).toBe('2');
    // The NOPUT watch sees only the delete.
    const b = await s.next((r) => r.watch_id === createdB.watch_id && r.events.length > 0);
    expect(b.events.map((e) => e.type)).toEqual(['DELETE']);
    expect(Number(b.header?.revision)).toBe(Number(a3.header?.revision));

    s.stream.write({ cancel_request: { watch_id: createdA.watch_id } });
    const canceled = await s.next((r) => r.canceled);
    expect(canceled.watch_id).toBe(createdA.watch_id);
    await put('w/a', '3');
    await sleep(300);
    await expect(s.next((r) => r.watch_id === createdA.watch_id && r.events.length > 0, 300)).rejects.toThrow();
    s.close();
  });

  it('answers progress requests and sends progress notifications when idle', async () => {
    const s = openStream();
    s.stream.write({ create_request: { key: Buffer.from('quiet'), progress_notify: true } });
    const created = await s.next((r) => r.created);
    const rev = Number((await put('elsewhere', 'x')).header?.revision);
    const notify = await s.next((r) => r.watch_id === created.watch_id && !r.created && r.events.length === 0, 5000);
    expect(Number(notify.header?.revision)).toBeGreaterThanOrEqual(rev);
    s.stream.write({ progress_request: {} });
    const progress = await s.next((r) => r.watch_id === '-1');
    expect(Number(progress.header?.revision)).toBeGreaterThanOrEqual(rev);
    s.close();
  });

  it('cancels a watch from a compacted revision with the compact revision and etcd reason', async () => {
    for (let i = 0; i < 5; i++) await put('comp', String(i));
    const rev = Number((await put('comp', 'last')).header?.revision);
    await client.KV.Compact({ revision: rev - 1 });
    const s = openStream();
    s.stream.write({ create_request: { key: Buffer.from('comp'), start_revision: 2 } });
    const r = await s.next((x) => x.canceled);
    expect(r.compact_revision).toBe(String(rev - 1));
    expect(r.cancel_reason).toBe('etcdserver: mvcc: required revision has been compacted');
    // From after the compaction point the history is still there.
    s.stream.write({ create_request: { key: Buffer.from('comp'), start_revision: rev } });
    const ev = await s.next((x) => x.events.length > 0);
    expect(ev.events[0]?.kv?.value.toString()).toBe('last');
    s.close();
  });
});

describe('maintenance', () => {
  it('HashKV agrees across members at the same revision', async () => {
    const rev = Number((await put('hash/k', 'v')).header?.revision);
    await sleep(300);
    const hashes = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const c = createEtcdClient(cluster.endpoint(i));
        try {
          return (await c.Maintenance.HashKV({ revision: rev })).hash;
        } finally {
          c.close();
        }
      }),
    );
    expect(new Set(hashes).size).toBe(1);
    const r = await cluster.etcdctl(['endpoint', 'hashkv', `--rev=${rev}`, '-w', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('etcdctl snapshot save writes the state to a file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'snap-'));
    try {
      const file = path.join(dir, 'backup.db');
      const r = await cluster.etcdctl(['snapshot', 'save', file], { endpoints: cluster.endpoint(0) });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Snapshot saved at ${file}`);
      expect(existsSync(file) && statSync(file).size > 0).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
