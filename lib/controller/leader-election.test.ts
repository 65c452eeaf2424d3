import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { FakeClock } from './clock.js';
import { FakeClient, statusError } from './fake-client.js';
import type { LeaderCallbacks } from './leader-election.js';
import { LeaderElector } from './leader-election.js';
import { Resources } from './resources.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Lets promise chains and the fake client's awaits run. */
async function yieldLoop(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Moves virtual time forward in small steps, letting the electors react between steps. */
async function runFor(clock: FakeClock, ms: number, step = 100): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await yieldLoop();
  }
}

/** Steps virtual time until `cond` holds; fails after `limitMs`. Returns the time it took. */
async function runUntil(clock: FakeClock, cond: () => boolean, limitMs: number, what: string): Promise<number> {
  const start = clock.now();
  await yieldLoop();
  while (!cond()) {
    if (clock.now() - start >= limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await runFor(clock, 100);
  }
  return clock.now() - start;
}

interface Candidate {
  elector: LeaderElector;
  stop: AbortController;
  events: string[];
  leadingSignals: AbortSignal[];
  done: Promise<void>;
}

interface Lease {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

function micro(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

describe('LeaderElector', () => {
  let client: FakeClient;
  let clock: FakeClock;
  const running: Candidate[] = [];

  afterEach(async () => {
    for (const c of running.splice(0)) {
      c.stop.abort();
      await c.done;
    }
  });

  function setup(): void {
    clock = new FakeClock(T0);
    client = new FakeClient();
    client.now = () => clock.now();
  }

  function elector(identity: string): LeaderElector {
    return new LeaderElector({ client, name: 'kube-scheduler', identity, clock, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
  }

  function candidate(identity: string): Candidate {
    const elector1 = elector(identity);
    const events: string[] = [];
    const leadingSignals: AbortSignal[] = [];
    const cb: LeaderCallbacks = {
      onStartedLeading: (signal) => {
        events.push(`started@${clock.now() - T0}`);
        leadingSignals.push(signal);
      },
      onStoppedLeading: () => void events.push(`stopped@${clock.now() - T0}`),
      onNewLeader: (id) => void events.push(`new leader ${id}`),
    };
    const stop = new AbortController();
    const c: Candidate = { elector: elector1, stop, events, leadingSignals, done: elector1.run(stop.signal, cb) };
    running.push(c);
    return c;
  }

  function lease(): { obj: KubeObject | undefined; spec: Lease } {
    const obj = client.stored(Resources.leases, 'kube-system', 'kube-scheduler');
    return { obj, spec: (obj?.spec ?? {}) as Lease };
  }

  it('the first candidate creates the Lease and leads', async () => {
    setup();
    const a = candidate('a');
    await runUntil(clock, () => a.elector.isLeader(), 100, 'a leads');
    expect(a.events).toEqual(['started@0']);
    const { obj, spec } = lease();
    expect(obj).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-scheduler', namespace: 'kube-system' } });
    expect(spec).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: micro(T0), renewTime: micro(T0), leaseTransitions: 0 });
    expect(a.elector.holder).toBe('a');
    expect(client.writes().map((w) => `${w.verb} ${w.resource} ${w.namespace}/${w.name}`)).toEqual(['create leases kube-system/kube-scheduler']);
  });

  it('the leader renews every retryPeriod; a second candidate does not acquire meanwhile', async () => {
    setup();
    const a = candidate('a');
    await runUntil(clock, () => a.elector.isLeader(), 100, 'a leads');
    const b = candidate('b');
    await runFor(clock, 60_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.holder).toBe('a');
    expect(b.events).toEqual(['new leader a']);
    const { spec } = lease();
    expect(spec.holderIdentity).toBe('a');
    expect(spec.acquireTime).toBe(micro(T0));
    expect(spec.leaseTransitions).toBe(0);
    // Renewed within the last retry period.
    expect(Date.parse(spec.renewTime ?? '')).toBeGreaterThan(clock.now() - 2_500);
    expect(client.writes('update').length).toBeGreaterThanOrEqual(25);
  });

  it('a candidate takes a lease that stopped being renewed leaseDuration after it last saw it change', async () => {
    setup();
    // "a" takes the lease once and then never renews (as if its process hung).
    expect(await elector('a').tryAcquireOrRenew()).toBe(true);
    // Time passes before "b" first looks: its wait starts when it observes the lease, not at renewTime.
    await runFor(clock, 10_000);
    const b = candidate('b');
    await runFor(clock, 14_900);
    expect(b.elector.isLeader()).toBe(false);
    const waited = await runUntil(clock, () => b.elector.isLeader(), 3_000, 'b leads');
    expect(14_900 + waited).toBeGreaterThanOrEqual(15_000);
    const { spec } = lease();
    expect(spec.holderIdentity).toBe('b');
    expect(spec.leaseTransitions).toBe(1);
    expect(Date.parse(spec.acquireTime ?? '')).toBeGreaterThanOrEqual(T0 + 25_000);
    expect(spec.renewTime).toBe(spec.acquireTime);
  });

  it('a renewal by the holder restarts the wait', async () => {
    setup();
    const a = elector('a');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const b = candidate('b');
    await runFor(clock, 10_000);
    expect(await a.tryAcquireOrRenew()).toBe(true); // renewed at T0+10s
    await runFor(clock, 14_000);
    expect(b.elector.isLeader()).toBe(false);
    await runUntil(clock, () => b.elector.isLeader(), 4_000, 'b leads');
    expect(clock.now() - T0).toBeGreaterThanOrEqual(25_000);
  });

  it('a stopped leader releases the lease and another candidate takes it on its next try', async () => {
    setup();
    const a = candidate('a');
    await runUntil(clock, () => a.elector.isLeader(), 100, 'a leads');
    const b = candidate('b');
    await runFor(clock, 5_000);
    a.stop.abort();
    await a.done;
    expect(a.events).toEqual(['started@0', 'stopped@5000']);
    expect(a.leadingSignals[0]?.aborted).toBe(true);
    const released = lease().spec;
    expect(released.holderIdentity).toBe('');
    expect(released.leaseDurationSeconds).toBe(1);
    expect(released.acquireTime).toBe(micro(T0 + 5_000));
    expect(released.renewTime).toBe(micro(T0 + 5_000));
    expect(released.leaseTransitions).toBe(0);
    const waited = await runUntil(clock, () => b.elector.isLeader(), 2_500, 'b leads after the release');
    expect(waited).toBeLessThanOrEqual(2_400);
    expect(lease().spec).toMatchObject({ holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 1 });
    expect(b.events.at(-1)).toMatch(/^started@/);
  });

  it('a leader that cannot renew for renewDeadline stops leading', async () => {
    setup();
    const a = candidate('a');
    await runUntil(clock, () => a.elector.isLeader(), 100, 'a leads');
    await runFor(clock, 4_000);
    let failing = true;
    client.react('update', 'leases', () => (failing ? statusError(500, 'InternalError', 'etcdserver: request timed out') : undefined));
    const lastRenew = Date.parse(lease().spec.renewTime ?? '') - T0;
    await runFor(clock, lastRenew + 9_900 - (clock.now() - T0));
    expect(a.elector.isLeader()).toBe(true);
    expect(a.events).toEqual(['started@0']);
    await runUntil(clock, () => !a.elector.isLeader(), 2_500, 'a steps down');
    expect(a.events).toEqual(['started@0', `stopped@${clock.now() - T0}`]);
    expect(clock.now() - T0 - lastRenew).toBeGreaterThanOrEqual(10_000);
    expect(a.leadingSignals[0]?.aborted).toBe(true);
    // It campaigns again and leads once the API answers.
    failing = false;
    await runUntil(clock, () => a.elector.isLeader(), 3_000, 'a leads again');
    expect(a.events.filter((e) => e.startsWith('started'))).toHaveLength(2);
    expect(lease().spec.holderIdentity).toBe('a');
  });

  it('steps down when another candidate holds the lease', async () => {
    setup();
    const a = candidate('a');
    await runUntil(clock, () => a.elector.isLeader(), 100, 'a leads');
    // Someone else writes the lease (say, after a's clock stalled).
    const cur = lease().obj;
    if (!cur) throw new Error('no lease');
    await client.update(Resources.leases, { ...cur, spec: { ...(cur.spec as Lease), holderIdentity: 'z', renewTime: micro(clock.now()) } });
    await runUntil(clock, () => !a.elector.isLeader(), 2_500, 'a steps down');
    expect(a.events.at(-1)).toMatch(/^stopped@/);
    expect(a.elector.holder).toBe('z');
  });

  it('run() ends at once when its signal is already aborted', async () => {
    setup();
    const e = elector('a');
    const ac = new AbortController();
    ac.abort();
    const events: string[] = [];
    await e.run(ac.signal, { onStartedLeading: () => events.push('started'), onStoppedLeading: () => events.push('stopped') });
    expect(events).toEqual([]);
    expect(client.writes()).toEqual([]);
  });
});
