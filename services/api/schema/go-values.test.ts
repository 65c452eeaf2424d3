import { describe, expect, it } from 'vitest';
import { QUANTITY_FORMAT_ERROR, RFC3339, RFC3339_MICRO, base64Error, quantityError, timeError } from './go-values.js';

describe('quantityError', () => {
  it.each(['1', '500m', '1Gi', '0.5', '.5', '1.', '+2', '-3Ki', '1e3', '2E-2', ' 128Mi '])('accepts %j', (q) => {
    expect(quantityError(q)).toBeUndefined();
  });
  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['1 core', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1.2.3', QUANTITY_FORMAT_ERROR],
    ['1Gb', QUANTITY_FORMAT_ERROR],
    ['1Mk', "unable to parse quantity's suffix"],
    ['2ii', "unable to parse quantity's suffix"],
    ['Mi', 'unable to parse numeric part of quantity'],
  ])('rejects %j with %j', (q, msg) => {
    expect(quantityError(q)).toBe(msg);
  });
});

describe('base64Error', () => {
  it.each(['', 'YWJj', 'YWI=', 'YQ==', 'YWJj\nZGVm', 'cGFzc3dvcmQ='])('accepts %j', (s) => {
    expect(base64Error(s)).toBeUndefined();
  });
  it.each([
    ['not base64!', 3],
    ['YWJ', 0],
    ['YQ=', 3],
    ['Y===', 1],
    ['YWJj$', 4],
    ['YQ==YQ==', 4],
  ])('rejects %j at byte %i', (s, at) => {
    expect(base64Error(s)).toBe(`illegal base64 data at input byte ${at}`);
  });
});

describe('timeError', () => {
  it.each(['2024-05-01T10:20:30Z', '2024-05-01T10:20:30.123Z', '2024-02-29T00:00:00+02:00', '2024-05-01T9:20:30Z'])('accepts RFC 3339 %j', (t) => {
    expect(timeError(t, RFC3339)).toBeUndefined();
  });
  it.each([
    ['yesterday', 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    ['2024-05-01', 'parsing time "2024-05-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'],
    ['2024-05-01 10:20:30Z', 'parsing time "2024-05-01 10:20:30Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:20:30Z" as "T"'],
    ['2024-13-01T10:20:30Z', 'parsing time "2024-13-01T10:20:30Z": month out of range'],
    ['2023-02-29T10:20:30Z', 'parsing time "2023-02-29T10:20:30Z": day out of range'],
    ['2024-05-01T10:20:30', 'parsing time "2024-05-01T10:20:30" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ['2024-05-01T10:20:30Zjunk', 'parsing time "2024-05-01T10:20:30Zjunk": extra text: "junk"'],
  ])('rejects %j', (t, msg) => {
    expect(timeError(t, RFC3339)).toBe(msg);
  });
  it('requires six fractional digits for MicroTime', () => {
    expect(timeError('2024-05-01T10:20:30.123456Z', RFC3339_MICRO)).toBeUndefined();
    expect(timeError('2024-05-01T10:20:30Z', RFC3339_MICRO)).toBe(
      'parsing time "2024-05-01T10:20:30Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    );
  });
});
