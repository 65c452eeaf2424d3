import { describe, it, expect } from 'vitest';
import { canonicalQuantity, compareQuantities, parseQuantity, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR } from './quantity.js';

describe('quantities', () => {
  it.each([
    ['0', '0'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['1', '1'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1500m', '1500m'],
    ['2000m', '2'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['512', '512'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1E6', '1e6'],
    ['100u', '1m'],
    ['-1', '-1'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['123Mi', '123Mi'],
    [2, '2'],
    [0.25, '250m'],
  ])('%j prints as %j', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1.2.3', QUANTITY_FORMAT_ERROR],
    ['1K', QUANTITY_SUFFIX_ERROR],
    ['1Kii', QUANTITY_SUFFIX_ERROR],
    ['1Kib', QUANTITY_FORMAT_ERROR],
    [true, QUANTITY_FORMAT_ERROR],
  ])('%j does not parse', (input, error) => {
    expect(parseQuantity(input)).toEqual({ ok: false, error });
  });

  it('compares values across formats', () => {
    const q = (s: string) => {
      const p = parseQuantity(s);
      if (!p.ok) throw new Error(p.error);
      return p.quantity;
    };
    expect(compareQuantities(q('1Gi'), q('1073741824'))).toBe(0);
    expect(compareQuantities(q('500m'), q('0.6'))).toBe(-1);
    expect(compareQuantities(q('1k'), q('999'))).toBe(1);
  });
});
