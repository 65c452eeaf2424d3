import { describe, expect, it } from 'vitest';
import { classifyPreface, FrameError, FrameReader, PING_FRAME, STREAM_MAGIC } from './peer-stream.js';

function frame(payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(payload.length, 0);
  return Buffer.concat([h, payload]);
}

describe('classifyPreface', () => {
  it('tells a Raft stream from an HTTP/2 client, and waits on a proper prefix of the magic', () => {
    expect(classifyPreface(STREAM_MAGIC)).toBe('stream');
    expect(classifyPreface(Buffer.concat([STREAM_MAGIC, Buffer.from([0, 0, 0, 0])]))).toBe('stream');
    expect(classifyPreface(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'))).toBe('other');
    expect(classifyPreface(STREAM_MAGIC.subarray(0, 5))).toBe('more');
    expect(classifyPreface(Buffer.alloc(0))).toBe('more');
    const wrongLastByte = Buffer.from(STREAM_MAGIC);
    wrongLastByte[wrongLastByte.length - 1] = 0x41;
    expect(classifyPreface(wrongLastByte)).toBe('other');
  });
});

describe('FrameReader', () => {
  const payloads = [Buffer.from('first'), Buffer.alloc(0), Buffer.from('x'.repeat(1000)), Buffer.from([0, 1, 2, 255])];
  const wire = Buffer.concat(payloads.map(frame));

  it('returns every frame, empty ones included, however the bytes are cut', () => {
    for (let cut = 1; cut <= wire.length; cut++) {
      const reader = new FrameReader();
      const got: Buffer[] = [];
      for (let at = 0; at < wire.length; at += cut) got.push(...reader.push(wire.subarray(at, at + cut)));
      expect(got.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
      expect(reader.pending).toBe(0);
    }
  });

  it('cuts at every byte boundary between two reads', () => {
    for (let split = 0; split <= wire.length; split++) {
      const reader = new FrameReader();
      const got = [...reader.push(wire.subarray(0, split)), ...reader.push(wire.subarray(split))];
      expect(got.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
    }
  });

  it('holds an incomplete frame until its last byte is in', () => {
    const reader = new FrameReader();
    const big = Buffer.alloc(200_000, 7);
    const bytes = frame(big);
    let frames: Buffer[] = [];
    for (let at = 0; at < bytes.length - 1; at += 65_536) frames = reader.push(bytes.subarray(at, Math.min(at + 65_536, bytes.length - 1)));
    expect(frames).toEqual([]);
    expect(reader.pending).toBe(big.length - 1);
    frames = reader.push(bytes.subarray(bytes.length - 1));
    expect(frames).toHaveLength(1);
    expect(frames[0]?.equals(big)).toBe(true);
  });

  it('gives views of the chunk when a frame lies whole in it', () => {
    const reader = new FrameReader();
    const chunk = frame(Buffer.from('view'));
    const [f] = reader.push(chunk);
    expect(f?.buffer).toBe(chunk.buffer);
  });

  it('refuses a length over its limit', () => {
    const reader = new FrameReader(100);
    expect(reader.push(frame(Buffer.alloc(100)))).toHaveLength(1);
    expect(() => reader.push(frame(Buffer.alloc(101)))).toThrow(FrameError);
  });

  it('reads the ping as an empty frame', () => {
    expect(new FrameReader().push(PING_FRAME).map((b) => b.length)).toEqual([0]);
  });
});
