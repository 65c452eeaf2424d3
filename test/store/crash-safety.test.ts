// Crash safety: members, the leader among them, are SIGKILLed during a write load and restarted;
// no acknowledged write is lost, and a restarted member catches up by log or by snapshot.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdGrpcClient } from '../../lib/grpc/etcd-proto.js';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import { StoreCluster, sleep } from '../support/store-cluster.js';

let cluster: StoreCluster;
let clients: EtcdGrpcClient[] = [];

const SNAPSHOT_COUNT = 300;

beforeAll(async () => {
  cluster = await StoreCluster.start({ size: 3, snapshotCount: SNAPSHOT_COUNT });
  clients = [0, 1, 2].map((i) => createEtcdClient(cluster.endpoint(i)));
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.destroy();
});

/** Writers that put unique keys round-robin over the members, remembering what was acknowledged. */
function startLoad(prefix: string, writers: number) {
  const acked = new Map<string, string>();
  let stop = false;
  const loops = Array.from({ length: writers }, async (_v, w) => {
    let n = 0;
    let target = w % 3;
    while (!stop) {
      const key = `${prefix}/${w}/${n}`;
      const value = `v${n}`;
      try {
        await clients[target]?.KV.Put({ key: Buffer.from(key), value: Buffer.from(value) }, { deadline: Date.now() + 2000 });
        acked.set(key, value);
        n++;
      } catch {
        // Unknown outcome: not counted as acknowledged; move to another member and go on.
        target = (target + 1) % 3;
        n++;
        await sleep(20);
      }
    }
  });
  return {
    acked,
    async stop(): Promise<void> {
      stop = true;
      await Promise.all(loops);
    },
  };
}

async function readAll(i: number, prefix: string): Promise<Map<string, string>> {
  const res = await clients[i]?.KV.Range({
    key: Buffer.from(`${prefix}/`),
    range_end: Buffer.from(`${prefix}0`),
    serializable: true,
  });
  return new Map((res?.kvs ?? []).map((kv) => [kv.key.toString(), kv.value.toString()]));
}

async function waitConverged(prefix: string, expectMin: number): Promise<Map<string, string>[]> {
  const deadline = Date.now() + 30_000;
  let views: Map<string, string>[] = [];
  while (Date.now() < deadline) {
    try {
      // A linearizable read through every member: after it, each has applied everything acked.
      for (const c of clients) await c.KV.Range({ key: Buffer.from('sync') });
      views = await Promise.all([0, 1, 2].map((i) => readAll(i, prefix)));
      if (views.every((v) => v.size >= expectMin)) return views;
    } catch {
      // A member still restarting.
    }
    await sleep(200);
  }
  return views;
}

describe('crash safety', () => {
  it('no acknowledged write is lost when members and leaders are SIGKILLed under load', async () => {
    const load = startLoad('crash', 6);
    const killed: string[] = [];
    for (let round = 0; round < 6; round++) {
      await sleep(700);
      const leader = await cluster.leaderIndex();
      // Alternate: the leader, then a follower.
      const victim = round % 2 === 0 && leader !== undefined ? leader : ((leader ?? 0) + 1 + (round % 2)) % 3;
      await cluster.kill(victim, 'SIGKILL');
      killed.push(`${victim === leader ? 'leader' : 'follower'} m${victim + 1}`);
      await sleep(400);
      cluster.startMember(victim);
    }
    await sleep(500);
    await load.stop();
    console.log(`killed: ${killed.join(', ')}; acknowledged writes: ${load.acked.size}`);
    expect(load.acked.size).toBeGreaterThan(50);
    const views = await waitConverged('crash', load.acked.size);
    for (const [i, view] of views.entries()) {
      const missing = [...load.acked].filter(([k, v]) => view.get(k) !== v);
      expect(missing.slice(0, 5), `member m${i + 1} lost acknowledged writes`).toEqual([]);
    }
  });

  it('a member that was down while the log was compacted catches up by snapshot', async () => {
    const leader = (await cluster.leaderIndex()) ?? 0;
    const victim = (leader + 1) % 3;
    await cluster.kill(victim, 'SIGKILL');
    const snapDir = path.join(cluster.dataDir(victim), 'member', 'snap');
    const snapsBefore = readdirSync(snapDir).filter((f) => f.endsWith('.snap'));
    // Enough writes for the survivors to snapshot and compact past the victim's log.
    const survivors = [0, 1, 2].filter((i) => i !== victim);
    const writes = SNAPSHOT_COUNT * 4;
    for (let n = 0; n < writes; n += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_v, j) =>
          clients[survivors[j % 2] as number]?.KV.Put({ key: Buffer.from(`snap/${n + j}`), value: Buffer.from(`s${n + j}`) }),
        ),
      );
    }
    cluster.startMember(victim);
    const views = await waitConverged('snap', writes);
    expect(views[victim]?.size).toBe(writes);
    expect(views[victim]?.get('snap/1199')).toBe('s1199');
    const snapsAfter = readdirSync(snapDir).filter((f) => f.endsWith('.snap'));
    // The newest snapshot on the victim is one it received: newer than any it had.
    const newest = (l: string[]) => l.sort().at(-1) ?? '';
    expect(newest(snapsAfter) > newest(snapsBefore)).toBe(true);
  });
});
