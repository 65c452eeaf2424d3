import { describe, expect, it } from 'vitest';
import { compareStrings, goJson, goQuote, valueToString, valuesEqual } from './json-value.js';

describe('json values', () => {
  it('compares strings by code point, as Go compares UTF-8 bytes', () => {
    expect(compareStrings('a', 'b')).toBe(-1);
    expect(compareStrings('ab', 'a')).toBe(1);
    // U+FF5E sorts below U+1F600 in code points, though not in UTF-16 units.
    expect(compareStrings('\uff5e', '\u{1f600}')).toBe(-1);
  });

  it('encodes as Go encoding/json does', () => {
    expect(goJson({ b: '<x>', a: [1, 1.5, true, null] })).toBe('{"a":[1,1.5,true,null],"b":"\\u003cx\\u003e"}');
  });

  it('quotes as Go %q does', () => {
    expect(goQuote('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\x01é"');
    expect(valueToString({ b: 'x', a: 1 })).toBe('a=1b="x"');
  });

  it('treats absent and undefined map entries alike', () => {
    expect(valuesEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(valuesEqual([1, { a: 'x' }], [1, { a: 'y' }])).toBe(false);
  });
});
