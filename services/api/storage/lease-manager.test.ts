import { describe, expect, it } from 'vitest';
import { LeaseManager } from './lease-manager.js';

function setup(opts: { maxObjects?: number } = {}): { m: LeaseManager; grants: number[]; clock: { t: number } } {
  const grants: number[] = [];
  const clock = { t: 1_000_000 };
  const m = new LeaseManager({
    grant: (ttl) => {
      grants.push(ttl);
      return Promise.resolve(String(grants.length));
    },
    now: () => clock.t,
    ...opts,
  });
  return { m, grants, clock };
}

describe('LeaseManager (kube-apiserver etcd3 leaseManager)', () => {
  it('grants an hour-long TTL plus a 60 s reuse window and shares the lease within that window', async () => {
    const { m, grants, clock } = setup();
    expect(await m.lease(3600)).toBe('1');
    expect(grants).toEqual([3660]);
    clock.t += 59_000;
    expect(await m.lease(3600)).toBe('1');
    // 60 s on, the lease would no longer outlive a new object's hour.
    clock.t += 1_000;
    expect(await m.lease(3600)).toBe('2');
    expect(grants).toEqual([3660, 3660]);
  });

  it('uses 5% of a short TTL as the window, and none below 20 s', async () => {
    const { m, grants } = setup();
    await m.lease(600);
    expect(grants).toEqual([630]);
    await m.lease(600);
    expect(grants).toHaveLength(1);
    const short = setup();
    expect(await short.m.lease(4)).toBe('1');
    expect(await short.m.lease(4)).toBe('2');
    expect(short.grants).toEqual([4, 4]);
  });

  it('does not reuse a lease for a longer TTL than it has left', async () => {
    const { m, grants } = setup();
    await m.lease(600);
    await m.lease(3600);
    expect(grants).toEqual([630, 3660]);
  });

  it('attaches at most maxObjects objects to one lease', async () => {
    const { m, grants } = setup({ maxObjects: 3 });
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await m.lease(3600));
    expect(ids).toEqual(['1', '1', '1', '2', '2', '2', '3']);
    expect(grants).toHaveLength(3);
  });

  it('makes concurrent requests share one grant', async () => {
    const { m, grants } = setup();
    const ids = await Promise.all(Array.from({ length: 20 }, () => m.lease(3600)));
    expect(new Set(ids)).toEqual(new Set(['1']));
    expect(grants).toHaveLength(1);
  });

  it('grants again after forgetting a lease the store no longer has', async () => {
    const { m, grants } = setup();
    expect(await m.lease(3600)).toBe('1');
    m.forget('2');
    expect(await m.lease(3600)).toBe('1');
    m.forget('1');
    expect(await m.lease(3600)).toBe('2');
    expect(grants).toHaveLength(2);
  });
});
