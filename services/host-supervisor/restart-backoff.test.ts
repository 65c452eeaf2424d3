import { describe, expect, it } from 'vitest';
import { RestartBackoff, restartDelayMs } from './restart-backoff.js';

describe('restart back-off', () => {
  it('doubles from the initial delay up to the maximum', () => {
    const p = { initialMs: 500, maxMs: 10_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((n) => restartDelayMs(p, n))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(restartDelayMs({ initialMs: 3000, maxMs: 5000 }, 1)).toBe(5000);
  });

  it('starts over after a run as long as resetAfterMs', () => {
    const b = new RestartBackoff({ initialMs: 100, maxMs: 1000, resetAfterMs: 10_000 });
    expect([b.next(0), b.next(50), b.next(9_999), b.next(10_000), b.next(1)]).toEqual([100, 200, 400, 100, 200]);
  });
});
