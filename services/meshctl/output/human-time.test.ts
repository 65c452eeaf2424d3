import { describe, expect, it } from 'vitest';
import { humanDuration } from './human-time.js';

describe('humanDuration', () => {
  it.each([
    [-5000, '<invalid>'],
    [-500, '0s'],
    [59_000, '59s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3600_000 + 60_000, '3h1m'],
    [8 * 3600_000, '8h'],
    [50 * 3600_000, '2d2h'],
    [10 * 86400_000, '10d'],
    [(365 * 3 + 5) * 86400_000, '3y5d'],
    [365 * 9 * 86400_000, '9y'],
  ])('%i ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});
