// Linearizability under faults: three members, each in its own network-namespace host; nftables
// partitions cut them apart and members are SIGKILLed and restarted while concurrent clients
// read, write and compare-and-set a few keys. The recorded history must be linearizable.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EtcdGrpcClient } from '../../lib/grpc/etcd-proto.js';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import type { KvInput, KvOutput } from '../support/linearizability/index.js';
import { checkOperations, HistoryRecorder, kvModel } from '../support/linearizability/index.js';
import { HostNetwork, requireRoot } from '../support/netns/index.js';
import { StoreCluster, sleep } from '../support/store-cluster.js';

const HOSTS = [
  { name: 'h1', ip: '10.10.0.11' },
  { name: 'h2', ip: '10.10.0.12' },
  { name: 'h3', ip: '10.10.0.13' },
];
const KEYS = ['lin/a', 'lin/b', 'lin/c'];
const CLIENTS = 6;
const FAULT_ROUNDS = 8;

let net: HostNetwork;
let cluster: StoreCluster;
const clients: EtcdGrpcClient[] = [];

beforeAll(async () => {
  await requireRoot();
  net = await HostNetwork.create({ name: 'lin', subnet: '10.10.0.0/24', hosts: HOSTS });
  cluster = await StoreCluster.start({
    hosts: HOSTS.map((h) => ({ ip: h.ip, execPrefix: net.execPrefix(h.name) })),
  });
  for (let i = 0; i < 3; i++) clients.push(createEtcdClient(cluster.endpoint(i)));
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.destroy();
  await net?.destroy();
});

type Recorder = HistoryRecorder<KvInput, KvOutput>;

async function runClient(id: number, rec: Recorder, until: () => boolean): Promise<void> {
  let member = id % 3;
  let n = 0;
  let lastSeen = new Map<string, string | null>();
  const pick = (): number => (n * 7 + id * 13) % 100;
  /** A recorded get; false when it failed (the client then moves to another member). */
  const get = async (key: string, client: EtcdGrpcClient, deadline: { deadline: number }): Promise<boolean> => {
    const token = rec.begin(id, { kind: 'get', key });
    try {
      const res = await client.KV.Range({ key: Buffer.from(key) }, deadline);
      const value = res.kvs[0]?.value.toString() ?? null;
      lastSeen.set(key, value);
      rec.end(token, { value });
      return true;
    } catch {
      // A read that failed changed nothing; its outcome does not matter.
      rec.unknown(token);
      member = (member + 1) % 3;
      await sleep(50);
      return false;
    }
  };
  while (!until()) {
    const key = KEYS[(n + id) % KEYS.length] as string;
    const client = clients[member] as EtcdGrpcClient;
    const deadline = { deadline: Date.now() + 1500 };
    const roll = pick();
    n++;
    if (roll < 40) {
      await get(key, client, deadline);
    } else if (roll < 70) {
      const value = `c${id}-${n}`;
      const token = rec.begin(id, { kind: 'put', key, value });
      try {
        await client.KV.Put({ key: Buffer.from(key), value: Buffer.from(value) }, deadline);
        rec.end(token, {});
      } catch {
        rec.unknown(token);
        member = (member + 1) % 3;
        await sleep(50);
      }
    } else {
      // Read just before the compare-and-set, so that some of them succeed despite the other
      // writers (the read is part of the history too).
      if (!(await get(key, client, deadline))) continue;
      const expected = lastSeen.get(key) ?? null;
      const value = `c${id}-${n}`;
      const token = rec.begin(id, { kind: 'cas', key, expected, value });
      try {
        const res = await client.KV.Txn(
          {
            compare:
              expected === null
                ? [{ key: Buffer.from(key), target: 'VERSION', result: 'EQUAL', version: 0 }]
                : [{ key: Buffer.from(key), target: 'VALUE', result: 'EQUAL', value: Buffer.from(expected) }],
            success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value) } }],
          },
          deadline,
        );
        rec.end(token, { succeeded: res.succeeded });
        if (res.succeeded) lastSeen.set(key, value);
      } catch {
        rec.unknown(token);
        lastSeen = new Map();
        member = (member + 1) % 3;
        await sleep(50);
      }
    }
  }
}

it('a history of gets, puts and compare-and-sets under partitions and crashes is linearizable', async () => {
  const rec: Recorder = new HistoryRecorder<KvInput, KvOutput>({ unknownOutput: { unknown: true } });
  let done = false;
  const workers = Array.from({ length: CLIENTS }, (_v, id) => runClient(id, rec, () => done));
  const faults: string[] = [];
  const faultLog: { at: number; what: string }[] = [];
  const t0 = process.hrtime.bigint();
  const note = (what: string): void => {
    faultLog.push({ at: Number(process.hrtime.bigint() - t0), what });
  };
  for (let round = 0; round < FAULT_ROUNDS; round++) {
    await sleep(600);
    const leader = await cluster.leaderIndex();
    const victim = leader ?? round % 3;
    const host = HOSTS[victim]?.name as string;
    switch (round % 4) {
      case 0:
        await net.isolate(host);
        note(`isolate ${host}`);
        faults.push(`isolate ${host}${leader === victim ? ' (leader)' : ''}`);
        await sleep(2500);
        await net.heal();
        note('heal');
        break;
      case 1:
        await cluster.kill(victim, 'SIGKILL');
        note(`kill m${victim + 1}`);
        faults.push(`kill -9 m${victim + 1}${leader === victim ? ' (leader)' : ''}`);
        await sleep(1000);
        cluster.startMember(victim);
        note(`start m${victim + 1}`);
        break;
      case 2: {
        const other = HOSTS[(victim + 1) % 3]?.name as string;
        const third = HOSTS[(victim + 2) % 3]?.name as string;
        await net.partition([[host], [other, third]]);
        faults.push(`partition ${host} | ${other} ${third}`);
        await sleep(2000);
        await net.heal();
        break;
      }
      default: {
        // Minority partition plus a crash of the majority's leader-to-be.
        await net.isolate(host);
        const other = (victim + 1) % 3;
        await cluster.kill(other, 'SIGKILL');
        faults.push(`isolate ${host} and kill -9 m${other + 1}`);
        await sleep(1500);
        cluster.startMember(other);
        await sleep(500);
        await net.heal();
      }
    }
  }
  await sleep(1500);
  done = true;
  await Promise.all(workers);
  const ops = rec.operations();
  const completed = ops.filter((o) => o.return !== Infinity);
  console.log(`faults: ${faults.join('; ')}`);
  console.log(`history: ${ops.length} operations, ${completed.length} with a known outcome`);
  expect(completed.length).toBeGreaterThan(100);
  // The history must include writes that were acknowledged during and after faults.
  expect(completed.some((o) => o.input.kind === 'cas' && 'succeeded' in o.output && o.output.succeeded)).toBe(true);
  // Every member ends with the same state machine: after a linearizable read through each one
  // (so each has applied everything committed by then), their histories agree at a common
  // revision, key by key, mod revisions included.
  await cluster.waitReady();
  const span = { key: Buffer.from('lin/'), range_end: Buffer.from('lin0') };
  const revs = await Promise.all(
    [0, 1, 2].map(async (i) => Number((await (clients[i] as EtcdGrpcClient).KV.Range(span)).header?.revision)),
  );
  const common = Math.min(...revs);
  const views = await Promise.all(
    [0, 1, 2].map(async (i) => {
      const local = await (clients[i] as EtcdGrpcClient).KV.Range({ ...span, serializable: true, revision: common });
      return local.kvs.map((kv) => `${kv.key.toString()}=${kv.value.toString()}@${kv.mod_revision}`).join(' ');
    }),
  );
  console.log(`state at revision ${common} per member: ${JSON.stringify(views)}`);
  const result = checkOperations(kvModel, ops, { timeoutMs: 120_000 });
  if (result.ok === false) {
    const dump = path.join(os.tmpdir(), `lin-history-${Date.now()}.json`);
    writeFileSync(dump, JSON.stringify({ faults: faultLog, ops }, (_k, v: unknown) => (v === Infinity ? 'inf' : v)));
    console.log(`not linearizable (history in ${dump}): ${result.reason}`);
    console.log(`last of the longest linearizable prefix: ${JSON.stringify(result.longestPrefix.slice(-12))}`);
  } else if (result.ok !== true) {
    console.log(`check inconclusive: ${result.reason}`);
  }
  expect(result.ok).toBe(true);
  expect(views[1], 'members diverged').toBe(views[0]);
  expect(views[2], 'members diverged').toBe(views[0]);
}, 180_000);
