import { describe, expect, it } from 'vitest';
import { decodeRequest, encodeRequest } from './codec.js';

describe('replicated request codec', () => {
  it('decodes bytes fields as Buffers whatever the input type (WAL replay gives Uint8Array)', () => {
    const encoded = encodeRequest({ id: 'x-1', put: { key: Buffer.from('lin/a'), value: Buffer.from('v') } as never });
    const fromWal = new Uint8Array(encoded);
    const req = decodeRequest(fromWal);
    expect(Buffer.isBuffer(req.put?.key)).toBe(true);
    expect(req.put?.key.toString()).toBe('lin/a');
    expect(decodeRequest(Buffer.from(encoded)).put?.value.toString()).toBe('v');
  });
});
