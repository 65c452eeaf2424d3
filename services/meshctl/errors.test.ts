import { describe, expect, it } from 'vitest';
import { ApiError, ConnectionError } from '../../lib/api/kube-client/index.js';
import { CliError, MultipleErrors, finalErrorText, withPrefix } from './errors.js';

const status = (code: number, reason: string, message: string, details?: object): ApiError =>
  new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, ...(details ? { details } : {}) });

describe('finalErrorText', () => {
  it('prints API errors with their reason', () => {
    expect(finalErrorText(status(404, 'NotFound', 'pods "x" not found'))).toBe('Error from server (NotFound): pods "x" not found');
    expect(finalErrorText(status(500, '', 'boom'))).toBe('Error from server: boom');
    expect(finalErrorText(status(401, 'Unauthorized', 'Unauthorized'))).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('rebuilds Invalid errors from their causes, as kubectl does', () => {
    const one = status(422, 'Invalid', 'ignored', { kind: 'Deployment', name: 'Bad_Name', causes: [{ field: 'metadata.name', message: 'Invalid value: "Bad_Name": bad' }] });
    expect(finalErrorText(one)).toBe('The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": bad');
    const two = status(422, 'Invalid', 'ignored', { kind: 'Service', name: 's', causes: [{ field: 'a', message: 'Required value' }, { field: 'b', message: 'Invalid value' }] });
    expect(finalErrorText(two)).toBe('The Service "s" is invalid: \n* a: Required value\n* b: Invalid value');
    expect(finalErrorText(new MultipleErrors([one]))).toBe(finalErrorText(one));
  });

  it('prints aggregates one per line, plain errors without "error: "', () => {
    const agg = new MultipleErrors([status(404, 'NotFound', 'a'), new CliError('b'), status(422, 'Invalid', 'c')]);
    expect(finalErrorText(agg)).toBe('Error from server (NotFound): a\nb\nError from server (Invalid): c');
  });

  it('prefixes messages and leaves connection errors alone', () => {
    expect(finalErrorText(withPrefix(status(409, 'AlreadyExists', 'x exists'), 'error when creating "f": '))).toBe('Error from server (AlreadyExists): error when creating "f": x exists');
    expect(finalErrorText(new ConnectionError('The connection to the server localhost:8080 was refused - did you specify the right host or port?'))).toBe(
      'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
    );
    expect(finalErrorText(new CliError('nope'))).toBe('error: nope');
  });
});
