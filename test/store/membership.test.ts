// Membership: a new member joins as a learner, catches up, is promoted and serves; a removed
// member stops; leadership moves on request (etcdctl move-leader) and on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreCluster, sleep } from '../support/store-cluster.js';

let cluster: StoreCluster;

beforeAll(async () => {
  cluster = await StoreCluster.start({ size: 3, snapshotCount: 200 });
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
});

/** The member's line in `etcdctl member list`, found by peer URL (its name appears only once it has published it). */
async function memberLine(peerUrl: string): Promise<string | undefined> {
  const r = await cluster.etcdctl(['member', 'list'], { endpoints: cluster.endpoint(0) });
  return r.stdout.split('\n').find((l) => l.includes(peerUrl));
}

describe('membership', () => {
  it('adds a learner that catches up (by snapshot), is promoted, serves reads, and is removed', async () => {
    // Enough history that the log is compacted and the newcomer needs a snapshot.
    for (let i = 0; i < 500; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_v, j) => cluster.etcdctl(['put', `hist/${i + j}`, `v${i + j}`], { endpoints: cluster.endpoint((i + j) % 3) })),
      );
    }
    const idx = await cluster.addMemberSpec();
    const add = await cluster.etcdctl(['member', 'add', cluster.member(idx).name, `--peer-urls=${cluster.peerUrl(idx)}`, '--learner'], {
      endpoints: cluster.endpoint(0),
    });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^Member +[0-9a-f]+ added to cluster +[0-9a-f]+/);
    const id = /Member +([0-9a-f]+) added/.exec(add.stdout)?.[1] as string;
    expect(add.stdout).toContain('ETCD_INITIAL_CLUSTER_STATE="existing"');
    const initialCluster = /ETCD_INITIAL_CLUSTER="([^"]+)"/.exec(add.stdout)?.[1] as string;

    // A learner cannot be promoted before it has caught up (it has not even started).
    const early = await cluster.etcdctl(['member', 'promote', id]);
    expect(early.exitCode).not.toBe(0);
    expect(early.stderr).toContain('can only promote a learner member which is in sync with leader');

    cluster.startMember(idx, { state: 'existing', initialCluster });
    // Serializable reads are served by a learner; wait until it has the whole history.
    const deadline = Date.now() + 20_000;
    let count = '';
    while (Date.now() < deadline) {
      // --limit 1 keeps the output small; the JSON still carries the full count.
      const r = await cluster.etcdctl(['get', 'hist/', '--prefix', '--limit', '1', '--consistency=s', '-w', 'json'], {
        endpoints: cluster.endpoint(idx),
      });
      count = /"count":(\d+)/.exec(r.stdout)?.[1] ?? '';
      if (count === '500') break;
      await sleep(200);
    }
    expect(count).toBe('500');
    // A learner refuses linearizable requests, as etcd's do.
    const lin = await cluster.etcdctl(['get', 'hist/1'], { endpoints: cluster.endpoint(idx) });
    expect(lin.stderr).toContain('rpc not supported for learner');
    expect(await memberLine(cluster.peerUrl(idx))).toMatch(/, true$/);

    let promoted = { exitCode: -1, stdout: '', stderr: '' };
    for (let i = 0; i < 20 && promoted.exitCode !== 0; i++) {
      promoted = await cluster.etcdctl(['member', 'promote', id]);
      if (promoted.exitCode !== 0) await sleep(250);
    }
    expect(promoted.stdout).toMatch(/^Member +[0-9a-f]+ promoted in cluster +[0-9a-f]+$/);
    expect(await memberLine(cluster.peerUrl(idx))).toMatch(/, false$/);
    const read = await cluster.etcdctl(['get', 'hist/499'], { endpoints: cluster.endpoint(idx) });
    expect(read.stdout).toBe('hist/499\nv499');
    const write = await cluster.etcdctl(['put', 'from-new', 'yes'], { endpoints: cluster.endpoint(idx) });
    expect(write.stdout).toBe('OK');

    const removed = await cluster.etcdctl(['member', 'remove', id], { endpoints: cluster.endpoint(0) });
    expect(removed.stdout).toMatch(/^Member +[0-9a-f]+ removed from cluster +[0-9a-f]+$/);
    // The removed member learns it was removed and exits.
    expect(await cluster.exitOf(idx)).toBe(0);
    expect(await memberLine(cluster.peerUrl(idx))).toBeUndefined();
    const after = await cluster.etcdctl(['put', 'after-remove', 'ok'], { endpoints: cluster.endpoint(0) });
    expect(after.stdout).toBe('OK');
  });
});

describe('leadership', () => {
  it('etcdctl move-leader hands leadership to the named member', async () => {
    const leader = (await cluster.leaderIndex()) as number;
    expect(leader).toBeDefined();
    const target = (leader + 1) % 3;
    const st = await cluster.statuses();
    const targetId = st.find((s) => s.index === target)?.memberId as string;
    const r = await cluster.etcdctl(['move-leader', targetId], { endpoints: cluster.endpoints() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Leadership transferred from [0-9a-f]+ to [0-9a-f]+$/);
    expect(await cluster.leaderIndex()).toBe(target);
  });

  it('SIGTERM on the leader hands leadership over and exits cleanly', async () => {
    const leader = (await cluster.leaderIndex()) as number;
    const before = await cluster.statuses();
    const code = await cluster.kill(leader, 'SIGTERM');
    expect(code).toBe(0);
    // A transfer, not an election timeout: the others have a new leader at once.
    const others = [0, 1, 2].filter((i) => i !== leader);
    const r = await cluster.etcdctl(['put', 'after-sigterm', 'ok'], { endpoints: others.map((i) => cluster.endpoint(i)).join(',') });
    expect(r.stdout).toBe('OK');
    const after = await cluster.statuses();
    const newLeader = after.find((s) => s.memberId === s.leader);
    expect(newLeader).toBeDefined();
    expect(newLeader?.raftTerm).toBe((before[0]?.raftTerm ?? 0) + 1);
    cluster.startMember(leader);
    await cluster.waitReady();
  });

  it('a lease survives a leader change and still expires afterwards', async () => {
    const grant = await cluster.etcdctl(['lease', 'grant', '6']);
    const id = /lease ([0-9a-f]+) granted/.exec(grant.stdout)?.[1] as string;
    expect(id).toBeDefined();
    await cluster.etcdctl(['put', 'leased-across', 'v', `--lease=${id}`]);
    const leader = (await cluster.leaderIndex()) as number;
    await cluster.kill(leader, 'SIGKILL');
    const others = [0, 1, 2].filter((i) => i !== leader).map((i) => cluster.endpoint(i)).join(',');
    // The new leader restarts the lease's clock: the lease is still there right after.
    const ttl = await cluster.etcdctl(['lease', 'timetolive', id], { endpoints: others, timeoutMs: 15_000 });
    expect(ttl.stdout).toMatch(new RegExp(`^lease ${id} granted with TTL\\(6s\\), remaining\\(\\d+s\\)$`));
    const still = await cluster.etcdctl(['get', 'leased-across'], { endpoints: others });
    expect(still.stdout, still.stderr).toBe('leased-across\nv');
    // Not kept alive, it expires under the new leader and takes its key along.
    const deadline = Date.now() + 15_000;
    let value = 'leased-across\nv';
    while (Date.now() < deadline && value !== '') {
      await sleep(300);
      value = (await cluster.etcdctl(['get', 'leased-across'], { endpoints: others })).stdout;
    }
    expect(value).toBe('');
    const gone = await cluster.etcdctl(['lease', 'timetolive', id], { endpoints: others });
    expect(gone.stdout).toBe(`lease ${id} already expired`);
    cluster.startMember(leader);
    await cluster.waitReady();
  });
});

describe('operations endpoints', () => {
  it('serves /health and Prometheus /metrics', async () => {
    // Member 0 may just have been restarted by the test before: give it a moment to listen.
    let health: Response | undefined;
    for (let i = 0; i < 50 && health?.status !== 200; i++) {
      health = await fetch(`${cluster.metricsUrl(0)}/health`).catch(() => undefined);
      if (health?.status !== 200) await sleep(200);
    }
    if (!health) throw new Error('no answer from /health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ health: 'true' });
    const metrics = await (await fetch(`${cluster.metricsUrl(0)}/metrics`)).text();
    expect(metrics).toMatch(/^etcd_server_has_leader 1$/m);
    expect(metrics).toMatch(/^etcd_debugging_mvcc_current_revision \d+$/m);
    // A member that has started has synced its WAL and written its backend at least once (it
    // publishes its own attributes through the log).
    const count = (name: string): number => Number(new RegExp(`^${name}_count (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('etcd_disk_wal_fsync_duration_seconds')).toBeGreaterThan(0);
    expect(count('etcd_disk_backend_commit_duration_seconds')).toBeGreaterThan(0);
    expect(metrics).toMatch(/^etcd_disk_wal_fsync_duration_seconds_bucket\{le="0.001"\} \d+$/m);
  });
});
