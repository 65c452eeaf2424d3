// After the leader is killed (SIGKILL), writes succeed again within 3 s: one election timeout
// (1 s, randomized up to 2 s) plus the new leader's first commit. The measured gap is printed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EtcdGrpcClient } from '../../lib/grpc/etcd-proto.js';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import { StoreCluster, sleep } from '../support/store-cluster.js';

let cluster: StoreCluster;
const clients: EtcdGrpcClient[] = [];

beforeAll(async () => {
  cluster = await StoreCluster.start({ size: 3 });
  for (let i = 0; i < 3; i++) clients.push(createEtcdClient(cluster.endpoint(i)));
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.destroy();
});

it('writes resume within 3 s of the leader being killed', async () => {
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    const leader = await cluster.leaderIndex();
    expect(leader).toBeDefined();
    const survivors = [0, 1, 2].filter((i) => i !== leader);
    // Keep writing to the survivors; the gap is from the kill to the first acknowledged write.
    let stop = false;
    let firstOkAfterKill: number | undefined;
    let killedAt = 0;
    const writers = survivors.map(async (i, w) => {
      let n = 0;
      while (!stop) {
        const started = performance.now();
        try {
          await clients[i]?.KV.Put(
            { key: Buffer.from(`failover/${round}/${w}/${n++}`), value: Buffer.from('v') },
            { deadline: Date.now() + 1000 },
          );
          if (killedAt > 0 && started >= killedAt && firstOkAfterKill === undefined) firstOkAfterKill = performance.now();
        } catch {
          await sleep(10);
        }
      }
    });
    await sleep(300);
    killedAt = performance.now();
    await cluster.kill(leader as number, 'SIGKILL');
    const deadline = performance.now() + 10_000;
    while (firstOkAfterKill === undefined && performance.now() < deadline) await sleep(10);
    stop = true;
    await Promise.all(writers);
    expect(firstOkAfterKill, 'writes never resumed').toBeDefined();
    const gap = (firstOkAfterKill as number) - killedAt;
    rounds.push(gap);
    console.log(`leader failover round ${round + 1}: writes resumed ${gap.toFixed(0)} ms after SIGKILL of the leader`);
    expect(gap).toBeLessThan(3000);
    cluster.startMember(leader as number);
    await cluster.waitReady();
  }
  console.log(`leader failover gaps (ms): ${rounds.map((g) => g.toFixed(0)).join(', ')}`);
});
