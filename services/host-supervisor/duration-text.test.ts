import { describe, expect, it } from 'vitest';
import { durationText } from './duration-text.js';

describe('durationText', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [1000, '1s'],
    [3250, '3.2s'],
    [59_999, '59.9s'],
    [90_000, '1m30s'],
    [3_605_000, '1h0m5s'],
  ])('%d ms is %s', (ms, text) => expect(durationText(ms)).toBe(text));
});
