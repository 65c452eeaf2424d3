import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/controller/clock.js';
import { CRASH_LOOP_INITIAL_MS, CRASH_LOOP_MAX_MS, goDuration, RestartBackoff } from './backoff.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('RestartBackoff', () => {
  it('uses the kubelet constants: 10 s doubling to 5 min', () => {
    expect(CRASH_LOOP_INITIAL_MS).toBe(10_000);
    expect(CRASH_LOOP_MAX_MS).toBe(300_000);
  });

  it('goes 10 s, 20 s, 40 s, ... and stays at 5 min', () => {
    const clock = new FakeClock(T0);
    const b = new RestartBackoff(clock);
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.next('u/app', clock.now());
      seen.push(b.current('u/app'));
      clock.advance(b.current('u/app'));
    }
    expect(seen).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('is in back-off from the exit until the back-off has passed', () => {
    const clock = new FakeClock(T0);
    const b = new RestartBackoff(clock);
    expect(b.isInBackoffSince('u/app', T0)).toBe(false);
    expect(b.current('u/app')).toBe(0);
    b.next('u/app', T0);
    expect(b.isInBackoffSince('u/app', T0)).toBe(true);
    expect(b.readyAt('u/app', T0)).toBe(T0 + 10_000);
    clock.advance(9_999);
    expect(b.isInBackoffSince('u/app', T0)).toBe(true);
    clock.advance(1);
    expect(b.isInBackoffSince('u/app', T0)).toBe(false);
    // Keys are independent.
    expect(b.isInBackoffSince('u/side', T0)).toBe(false);
  });

  it('starts again from the initial back-off once an entry is older than twice the maximum', () => {
    const clock = new FakeClock(T0);
    const b = new RestartBackoff(clock);
    b.next('k', T0);
    b.next('k', T0);
    expect(b.current('k')).toBe(20_000);
    clock.advance(605_000);
    // An exit exactly 2×max after the last update still counts; one later starts over.
    expect(b.isInBackoffSince('k', T0 + 600_000)).toBe(true);
    expect(b.isInBackoffSince('k', T0 + 600_001)).toBe(false);
    b.next('k', T0 + 600_000); // the restart, recorded at the clock's time (T0 + 605 s)
    expect(b.current('k')).toBe(40_000);
    b.next('k', T0 + 605_000 + 600_001);
    expect(b.current('k')).toBe(10_000);
  });

  it('takes custom initial and maximum values', () => {
    const clock = new FakeClock(T0);
    const b = new RestartBackoff(clock, 1000, 3000);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      b.next('k', clock.now());
      seen.push(b.current('k'));
    }
    expect(seen).toEqual([1000, 2000, 3000, 3000]);
    b.next('k', clock.now() + 6001);
    expect(b.current('k')).toBe(1000);
  });

  it('forgetPrefix drops the entries of one pod only', () => {
    const clock = new FakeClock(T0);
    const b = new RestartBackoff(clock);
    b.next('uid-1/app', T0);
    b.next('uid-1/side', T0);
    b.next('uid-2/app', T0);
    b.forgetPrefix('uid-1/');
    expect(b.current('uid-1/app')).toBe(0);
    expect(b.current('uid-1/side')).toBe(0);
    expect(b.current('uid-2/app')).toBe(10_000);
  });

  // BUG: client-go's Backoff.Next records lastUpdate = clock.Now() (the restart), so the reset
  // after 2×max is measured from the last restart to the next exit: the container must have run
  // 10 minutes. RestartBackoff records the exit time instead, so a container in a 5 min back-off
  // that then runs only 5m10s (610 s after its previous exit) starts over at 10 s.
  it('measures the reset from the last restart, not from the previous exit', () => {
    const clock = new FakeClock(T0);
    const b = new RestartBackoff(clock);
    let exit = T0;
    for (let i = 0; i < 6; i++) {
      clock.advance(b.current('k'));
      b.next('k', exit); // restarted once the back-off since `exit` passed
      exit = clock.now() + 1000; // ran 1 s
      clock.advance(1000);
    }
    expect(b.current('k')).toBe(300_000);
    // Now the container waits its 5 min, is restarted, and runs 310 s before it exits again.
    const previousExit = exit;
    clock.advance(300_000);
    expect(b.isInBackoffSince('k', previousExit)).toBe(false);
    b.next('k', previousExit);
    clock.advance(310_000);
    const nextExit = clock.now();
    clock.advance(60_000);
    // In the kubelet the last update was 370 s ago, under 2×max: still a 5 min back-off.
    expect(b.isInBackoffSince('k', nextExit)).toBe(true);
  });
});

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [10_000, '10s'],
    [59_000, '59s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [3_725_000, '1h2m5s'],
    [1_400, '1s'],
  ])('%d ms is %s', (ms, want) => {
    expect(goDuration(ms)).toBe(want);
  });
});
