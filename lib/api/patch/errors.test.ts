import { describe, expect, it } from 'vitest';
import { StatusError } from '../status-error.js';
import { JSON_PATCH_REJECTED_MESSAGE, PatchError, isPatchError } from './errors.js';
import type { PatchErrorReason } from './errors.js';

describe('PatchError', () => {
  it('is an Error named PatchError carrying its reason', () => {
    const e = new PatchError('conflict', 'testing value /a failed: test failed');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('PatchError');
    expect(e.reason).toBe('conflict');
    expect(isPatchError(e)).toBe(true);
    expect(isPatchError(new Error('x'))).toBe(false);
  });

  it.each<[PatchErrorReason, string, Record<string, unknown>]>([
    ['bad-request', 'invalid patch format of retainKeys', { code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys' }],
    ['invalid', 'add operation does not apply: doc is missing path: "/x": missing value', { code: 422, reason: 'Invalid', message: JSON_PATCH_REJECTED_MESSAGE, details: {} }],
    ['conflict', 'testing value /a failed: test failed', { code: 422, reason: 'Invalid', message: JSON_PATCH_REJECTED_MESSAGE, details: {} }],
    ['too-large', 'The allowed maximum operations in a JSON patch is 10000, got 10001', {
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    }],
    ['unclassified', 'map: map[a:1] does not contain declared merge key: name', { code: 400, reason: 'BadRequest', message: 'map: map[a:1] does not contain declared merge key: name' }],
  ])('%s becomes the apiserver response', (reason, message, expected) => {
    const statusError = new PatchError(reason, message).toStatusError();
    expect(statusError).toBeInstanceOf(StatusError);
    const status = statusError.toStatus();
    expect(status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...expected });
  });
});
