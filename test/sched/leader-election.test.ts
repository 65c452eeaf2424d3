// Acceptance 5: two sched processes; killing the active one (SIGKILL, so it cannot release its
// leases) hands both roles to the standby within the lease duration, and no duplicate pods are
// created across the handover. A copy stopped with SIGTERM releases its leases instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Informer } from '../../lib/controller/informer.js';
import { Resources } from '../../lib/controller/resources.js';
import { SchedCluster } from '../support/sched-cluster.js';
import type { SchedProcesses } from '../support/sched-processes.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'handover';
const LEASE_MS = 4000;
const RETRY_MS = 500;

describe('leader election between two sched processes', () => {
  let c: SchedCluster;
  let client: KubeClient;
  let sched: SchedProcesses;
  const watching = new AbortController();
  let pods: Informer;
  let maxPods = 0;

  beforeAll(async () => {
    c = await SchedCluster.start({
      nodes: [{ name: 'node-a' }, { name: 'node-b' }, { name: 'node-c' }],
      schedArgs: ['--leader-elect-lease-duration', `${LEASE_MS}ms`, '--leader-elect-renew-deadline', '3s', '--leader-elect-retry-period', `${RETRY_MS}ms`],
      copies: 1,
      namespace: NS,
    });
    client = c.client;
    sched = c.sched;
    // The standby starts once the first copy leads both roles: two copies started together may
    // each win one lease, which is allowed but leaves no single leader to kill.
    await waitFor('copy 0 to lead both roles', async () => (await sched.leading(0)).length === 2, 30_000);
    await sched.addCopy();
    pods = new Informer(client, Resources.pods, { namespace: NS });
    const count = (): void => void (maxPods = Math.max(maxPods, pods.cache.list().filter((p) => p.metadata.deletionTimestamp === undefined).length));
    pods.addEventHandler({ onAdd: count, onUpdate: count });
    void pods.run(watching.signal);
    await pods.waitForSync(AbortSignal.timeout(10_000));
  }, 120_000);

  afterAll(async () => {
    watching.abort();
    await c?.destroy();
  }, 60_000);

  async function leader(): Promise<number> {
    return waitFor('one copy to lead both roles', async () => {
      const l = [await sched.leading(0), await sched.leading(1)];
      const i = l.findIndex((roles) => roles.includes('scheduler') && roles.includes('controllers'));
      return i >= 0 && l[1 - i]?.length === 0 ? i : undefined;
    }, 30_000);
  }

  const leaseHolder = async (name: string): Promise<string> => {
    const lease = await client.get(Resources.leases, name, { namespace: 'kube-system' });
    return isRecord(lease.spec) && typeof lease.spec.holderIdentity === 'string' ? lease.spec.holderIdentity : '';
  };

  it('hands over within the lease duration after SIGKILL, creating no duplicate pods', async () => {
    const first = await leader();
    const heldBy = await leaseHolder('kube-controller-manager');
    expect(heldBy).not.toBe('');
    expect(await leaseHolder('kube-scheduler')).toBe(heldBy);

    const r = await c.kubectl(['-n', NS, 'create', 'deployment', 'web', '--image=mesh/demo:a', '--replicas=12']);
    expect(r.stdout).toBe('deployment.apps/web created');
    // Kill the leader while it is creating pods.
    await waitFor('the first pods', () => pods.cache.size > 0, 30_000, 10);
    const killedAt = Date.now();
    await sched.stop(first, 'SIGKILL');
    const second = 1 - first;
    const tookOverAt = await waitFor('the standby to lead', async () => ((await sched.leading(second)).length === 2 ? Date.now() : undefined), 30_000, 50);
    // The standby may only take a lease LEASE_MS after it last saw it renewed, then retries every RETRY_MS (+20 % jitter).
    expect(tookOverAt - killedAt).toBeLessThanOrEqual(LEASE_MS + RETRY_MS * 1.2 + 500);
    expect(await leaseHolder('kube-controller-manager')).not.toBe(heldBy);

    await waitFor('12 running pods', () => {
      const live = pods.cache.list().filter((p: KubeObject) => p.metadata.deletionTimestamp === undefined);
      return live.length === 12 && live.every((p) => isRecord(p.status) && p.status.phase === 'Running');
    }, 60_000);
    expect(maxPods).toBe(12);
    const all = (await client.list(Resources.pods, { namespace: NS })).items;
    expect(all).toHaveLength(12);
  });

  it('a leader stopped with SIGTERM releases its leases to the standby at once', async () => {
    for (const i of [0, 1]) if (!sched.isRunning(i)) sched.startOne(i);
    await sched.waitReady(0);
    await sched.waitReady(1);
    const current = await leader();
    const holder = await leaseHolder('kube-scheduler');
    expect(await sched.stop(current, 'SIGTERM')).toBe(0);
    // Released: the standby need not wait out the lease; its next retry takes it.
    await waitFor('the standby to lead', async () => (await sched.leading(1 - current)).length === 2, LEASE_MS, 50);
    expect(await leaseHolder('kube-scheduler')).not.toBe(holder);
  });
});
