import { describe, expect, it } from 'vitest';
import { parseMicroTime } from './time.js';

describe('parseMicroTime', () => {
  it('keeps microseconds', () => {
    const base = Date.parse('2026-01-01T00:00:00Z') * 1000;
    expect(parseMicroTime('2026-01-01T00:00:00.000001Z')).toBe(base + 1);
    expect(parseMicroTime('2026-01-01T00:00:01Z')).toBe(base + 1_000_000);
    expect(parseMicroTime('not a time')).toBeUndefined();
  });
});
