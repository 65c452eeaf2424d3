import { describe, expect, it } from 'vitest';
import { apiErrorFromResponse } from './api-error.js';
import { warningTexts } from './kube-client.js';
import { WatchDecodeError, decodeWatchEvents } from './watch-stream.js';

async function collect(chunks: string[]): Promise<unknown[]> {
  async function* gen(): AsyncGenerator<Buffer> {
    for (const c of chunks) yield Buffer.from(c);
  }
  const out: unknown[] = [];
  for await (const ev of decodeWatchEvents(gen())) out.push(ev);
  return out;
}

describe('decodeWatchEvents', () => {
  it('splits events across and within chunks', async () => {
    const a = JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'a' } } });
    const b = JSON.stringify({ type: 'DELETED', object: { kind: 'Pod', metadata: { name: 'b' } } });
    const events = await collect([a.slice(0, 10), `${a.slice(10)}\n${b.slice(0, 5)}`, `${b.slice(5)}\n`, '\n']);
    expect(events).toEqual([
      { type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'a' } } },
      { type: 'DELETED', object: { kind: 'Pod', metadata: { name: 'b' } } },
    ]);
  });

  it('decodes a final event without a newline and rejects garbage', async () => {
    expect(await collect(['{"type":"BOOKMARK","object":{}}'])).toEqual([{ type: 'BOOKMARK', object: {} }]);
    await expect(collect(['{"type":"NOPE","object":{}}\n'])).rejects.toThrow(WatchDecodeError);
    await expect(collect(['not json\n'])).rejects.toThrow(/unable to decode watch event/);
  });
});

describe('apiErrorFromResponse', () => {
  it('keeps the server Status', () => {
    const e = apiErrorFromResponse(404, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404 }));
    expect([e.code, e.reason, e.message, e.details?.name]).toEqual([404, 'NotFound', 'pods "x" not found', 'x']);
  });

  it.each([
    [404, 'page not found', 'NotFound', 'the server could not find the requested resource'],
    [503, 'down', 'ServiceUnavailable', 'the server is currently unable to handle the request'],
    [403, 'nope', 'Forbidden', 'nope'],
    [500, 'boom', 'InternalError', 'an error on the server (boom) has prevented the request from succeeding'],
  ])('%i with a non-Status body', (code, body, reason, message) => {
    const e = apiErrorFromResponse(code, body);
    expect([e.code, e.reason, e.message]).toEqual([code, reason, message]);
  });
});

describe('warningTexts', () => {
  it('reads the quoted text of each Warning header', () => {
    expect(warningTexts(['299 - "unknown field \\"spec.x\\""', '299 - "second"'])).toEqual(['unknown field "spec.x"', 'second']);
    expect(warningTexts(undefined)).toEqual([]);
  });
});
