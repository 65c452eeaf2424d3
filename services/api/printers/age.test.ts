import { describe, expect, it } from 'vitest';
import { formatRfc3339, humanDuration, parseTimestamp, translateTimestampSince } from './age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

describe('humanDuration', () => {
  it.each([
    [-3 * S, '<invalid>'],
    [-2 * S, '<invalid>'],
    [-1.5 * S, '0s'],
    [-1 * S, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1 * S, '1s'],
    [59.9 * S, '59s'],
    [70 * S, '70s'],
    [119 * S, '119s'],
    [120 * S, '2m'],
    [121 * S, '2m1s'],
    [5 * M + 30 * S, '5m30s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 59 * S, '10m'],
    [179 * M + 59 * S, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M + 59 * S, '7h59m'],
    [8 * H, '8h'],
    [47 * H + 59 * M, '47h'],
    [48 * H, '2d'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D + 23 * H + 59 * M, '7d23h'],
    [8 * D, '8d'],
    [729 * D + 23 * H, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 1 * D, '2y1d'],
    [7 * Y + 364 * D, '7y364d'],
    [8 * Y, '8y'],
    [8 * Y + 100 * D, '8y'],
    [20 * Y + 364 * D, '20y'],
  ])('%d ms -> %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('translateTimestampSince', () => {
  const now = new Date('2024-05-01T12:00:00Z');

  it.each([
    [undefined, '<unknown>'],
    [null, '<unknown>'],
    ['', '<unknown>'],
    ['not a time', '<unknown>'],
    ['0001-01-01T00:00:00Z', '<unknown>'],
    ['2024-05-01T12:00:00Z', '0s'],
    ['2024-05-01T12:00:01Z', '0s'],
    ['2024-05-01T12:00:02Z', '<invalid>'],
    ['2024-05-01T11:55:00Z', '5m'],
    ['2024-05-01T11:54:30Z', '5m30s'],
    ['2024-05-01T13:55:00+02:00', '5m'],
    ['2024-04-29T09:00:00Z', '2d3h'],
    // MicroTime: 1m59.9999s is still under two minutes.
    ['2024-05-01T11:58:00.000001Z', '119s'],
    ['2024-05-01T11:58:00.000000Z', '2m'],
  ])('%s -> %s', (ts, want) => {
    expect(translateTimestampSince(ts, now)).toBe(want);
  });
});

describe('parseTimestamp', () => {
  it('reads offsets and fractions to the microsecond', () => {
    expect(parseTimestamp('1970-01-01T00:00:01.5Z')).toBe(1_500_000);
    expect(parseTimestamp('1970-01-01T01:00:00+01:00')).toBe(0);
    expect(parseTimestamp('1970-01-01T00:00:00.123456789Z')).toBe(123_456);
  });

  it('rejects what time.Parse(time.RFC3339) rejects', () => {
    expect(parseTimestamp('2024-13-01T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('2024-05-01 12:00:00Z')).toBeUndefined();
    expect(parseTimestamp('2024-05-01T12:00:00')).toBeUndefined();
    expect(parseTimestamp(1714564800)).toBeUndefined();
  });
});

describe('formatRfc3339', () => {
  it('prints UTC with whole seconds, and Go zero time for a missing value', () => {
    expect(formatRfc3339('2024-05-01T14:00:00.750+02:00')).toBe('2024-05-01T12:00:00Z');
    expect(formatRfc3339(undefined)).toBe('0001-01-01T00:00:00Z');
    expect(formatRfc3339('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00Z');
  });
});
