import { describe, expect, it } from 'vitest';
import { quantityMilliValue, quantityValue } from './quantity.js';

describe('quantities', () => {
  const cases: { text: unknown; milli: number | undefined; value: number | undefined }[] = [
    { text: '100m', milli: 100, value: 1 },
    { text: '1', milli: 1000, value: 1 },
    { text: '1.5', milli: 1500, value: 2 },
    { text: '0.1', milli: 100, value: 1 },
    { text: '250m', milli: 250, value: 1 },
    { text: '0.0001', milli: 1, value: 1 },
    { text: '128Mi', milli: 128 * 1024 * 1024 * 1000, value: 128 * 1024 * 1024 },
    { text: '32Gi', milli: 32 * 1024 ** 3 * 1000, value: 32 * 1024 ** 3 },
    { text: '1Ki', milli: 1024000, value: 1024 },
    { text: '1G', milli: 1e12, value: 1e9 },
    { text: '1.1G', milli: 1.1e12, value: 1.1e9 },
    { text: '500k', milli: 5e8, value: 5e5 },
    { text: '1e3', milli: 1e6, value: 1000 },
    { text: '1E3', milli: 1e6, value: 1000 },
    { text: '2e-3', milli: 2, value: 1 },
    { text: '+2', milli: 2000, value: 2 },
    { text: ' 2 ', milli: 2000, value: 2 },
    { text: '.5', milli: 500, value: 1 },
    { text: 4, milli: 4000, value: 4 },
    { text: '100n', milli: 1, value: 1 },
    { text: '0', milli: 0, value: 0 },
    { text: '1Gb', milli: undefined, value: undefined },
    { text: 'abc', milli: undefined, value: undefined },
    { text: '', milli: undefined, value: undefined },
    { text: '.', milli: undefined, value: undefined },
    { text: null, milli: undefined, value: undefined },
  ];
  it.each(cases)('$text', ({ text, milli, value }) => {
    expect(quantityMilliValue(text)).toBe(milli);
    expect(quantityValue(text)).toBe(value);
  });
});
