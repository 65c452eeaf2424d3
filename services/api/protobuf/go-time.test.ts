import { describe, expect, it } from 'vitest';
import { formatGoDuration, formatRfc3339, formatRfc3339Micro, parseGoDuration, parseRfc3339 } from './go-time.js';

const at = (y: number, mo: number, d: number, h: number, mi: number, s: number): number => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

describe('formatRfc3339 (metav1.Time JSON)', () => {
  it.each([
    { seconds: at(2026, 1, 2, 3, 4, 5), nanos: 0, text: '2026-01-02T03:04:05Z' },
    { seconds: at(2026, 1, 2, 3, 4, 5), nanos: 999_999_999, text: '2026-01-02T03:04:05Z' },
    { seconds: 0, nanos: 0, text: '1970-01-01T00:00:00Z' },
    { seconds: -62135596800, nanos: 0, text: '0001-01-01T00:00:00Z' },
    { seconds: at(2026, 1, 2, 3, 4, 5), nanos: 1_500_000_000, text: '2026-01-02T03:04:06Z' },
  ])('$seconds s + $nanos ns → $text', ({ seconds, nanos, text }) => {
    expect(formatRfc3339({ seconds, nanos })).toBe(text);
  });
});

describe('formatRfc3339Micro (metav1.MicroTime JSON)', () => {
  it.each([
    { nanos: 0, text: '2026-01-02T03:04:05.000000Z' },
    { nanos: 123_456_789, text: '2026-01-02T03:04:05.123456Z' },
    { nanos: 1_000, text: '2026-01-02T03:04:05.000001Z' },
    { nanos: 999, text: '2026-01-02T03:04:05.000000Z' },
  ])('$nanos ns → $text', ({ nanos, text }) => {
    expect(formatRfc3339Micro({ seconds: at(2026, 1, 2, 3, 4, 5), nanos })).toBe(text);
  });
});

describe('parseRfc3339', () => {
  it.each([
    { text: '2026-01-02T03:04:05Z', seconds: at(2026, 1, 2, 3, 4, 5), nanos: 0 },
    { text: '2026-01-02T03:04:05.5Z', seconds: at(2026, 1, 2, 3, 4, 5), nanos: 500_000_000 },
    { text: '2026-01-02T03:04:05.123456789Z', seconds: at(2026, 1, 2, 3, 4, 5), nanos: 123_456_789 },
    { text: '2026-01-02T05:04:05+02:00', seconds: at(2026, 1, 2, 3, 4, 5), nanos: 0 },
    { text: '2026-01-01T22:34:05-04:30', seconds: at(2026, 1, 2, 3, 4, 5), nanos: 0 },
    { text: '2024-02-29T00:00:00Z', seconds: at(2024, 2, 29, 0, 0, 0), nanos: 0 },
    { text: '0001-01-01T00:00:00Z', seconds: -62135596800, nanos: 0 },
  ])('$text', ({ text, seconds, nanos }) => {
    expect(parseRfc3339(text)).toEqual({ seconds, nanos });
  });

  it.each(['', 'now', '2026-01-02', '2026-01-02 03:04:05Z', '2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2026-01-02T24:00:00Z', '2026-01-02T03:04:05', '2026-01-02T03:04:05+2:00'])(
    'rejects %j',
    (text) => {
      expect(parseRfc3339(text)).toBeUndefined();
    },
  );

  it('round-trips with formatRfc3339', () => {
    const text = '2031-07-15T23:59:59Z';
    const parsed = parseRfc3339(text);
    expect(parsed && formatRfc3339(parsed)).toBe(text);
  });
});

describe('formatGoDuration (time.Duration.String)', () => {
  const S = 1_000_000_000n;
  const INT64_MAX = (1n << 63n) - 1n;
  it.each([
    { ns: 0n, text: '0s' },
    { ns: 1n, text: '1ns' },
    { ns: 1_100n, text: '1.1µs' },
    { ns: 2_200_000n, text: '2.2ms' },
    { ns: 3_300_000_000n, text: '3.3s' },
    { ns: 4n * 60n * S + 5n * S, text: '4m5s' },
    { ns: 4n * 60n * S + 5_001_000_000n, text: '4m5.001s' },
    { ns: 5n * 3600n * S + 6n * 60n * S + 7_001_000_000n, text: '5h6m7.001s' },
    { ns: 8n * 60n * S + 1n, text: '8m0.000000001s' },
    { ns: 3600n * S, text: '1h0m0s' },
    { ns: -1n, text: '-1ns' },
    { ns: -90n * S, text: '-1m30s' },
    { ns: INT64_MAX, text: '2562047h47m16.854775807s' },
    { ns: -INT64_MAX - 1n, text: '-2562047h47m16.854775808s' },
  ])('$ns ns → $text', ({ ns, text }) => {
    expect(formatGoDuration(ns)).toBe(text);
  });
});

describe('parseGoDuration (time.ParseDuration)', () => {
  it.each([
    { text: '0', ns: 0n },
    { text: '0s', ns: 0n },
    { text: '1h0m0s', ns: 3_600_000_000_000n },
    { text: '1.5h', ns: 5_400_000_000_000n },
    { text: '300ms', ns: 300_000_000n },
    { text: '-1.5s', ns: -1_500_000_000n },
    { text: '+2m', ns: 120_000_000_000n },
    { text: '1us', ns: 1_000n },
    { text: '1µs', ns: 1_000n },
    { text: '1μs', ns: 1_000n },
    { text: '.5s', ns: 500_000_000n },
    { text: '1h2m3.004005006s', ns: 3_723_004_005_006n },
  ])('$text → $ns', ({ text, ns }) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each(['', '1', '1x', '.s', 's', '1h-2m', '-', '9999999999999h'])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  it('round-trips with formatGoDuration', () => {
    for (const ns of [1n, 1_500n, 2_000_000n, 61_000_000_000n, 90_061_000_000_001n]) {
      expect(parseGoDuration(formatGoDuration(ns))).toBe(ns);
    }
  });
});
