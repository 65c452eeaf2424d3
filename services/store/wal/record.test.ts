import { describe, expect, it } from 'vitest';
import { bytesCodec } from './encoding.js';
import { FRAME_HEADER_BYTES, FrameBatch, RecordType, chainCrc, decodeFrame, scanFrames } from './record.js';

function batchOf(...payloads: number[][]): FrameBatch {
  const b = new FrameBatch();
  for (const p of payloads) b.add(RecordType.Metadata, bytesCodec, new Uint8Array(p));
  return b;
}

describe('record framing', () => {
  it('encodes frames that decode back with their type, synced offset and payload', () => {
    const { bytes } = batchOf([1, 2, 3], []).encode(77, 0);
    expect(bytes.length).toBe(2 * FRAME_HEADER_BYTES + 3);
    const a = decodeFrame(bytes, 0);
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.frame).toMatchObject({ type: RecordType.Metadata, synced: 77, start: 0, end: FRAME_HEADER_BYTES + 3 });
    expect(Array.from(bytes.subarray(a.frame.payloadStart, a.frame.end))).toEqual([1, 2, 3]);
    const b = decodeFrame(bytes, a.frame.end);
    expect(b.ok && b.frame.end === bytes.length).toBe(true);
  });

  it('detects a flipped bit anywhere in a frame, including the length', () => {
    const { bytes } = batchOf([5, 6, 7, 8]).encode(0, 0);
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const copy = Buffer.from(bytes);
        copy[i] = (copy[i] ?? 0) ^ bit;
        expect(decodeFrame(copy, 0).ok, `byte ${i} bit ${bit}`).toBe(false);
      }
    }
  });

  it('never decodes zero-filled space or a partial header as a frame', () => {
    expect(decodeFrame(Buffer.alloc(64), 0).ok).toBe(false);
    expect(decodeFrame(Buffer.alloc(5), 0).ok).toBe(false);
  });

  it('chains a running crc that depends on frame order', () => {
    const one = batchOf([1], [2]).encode(0, 0).runningCrc;
    const two = batchOf([2], [1]).encode(0, 0).runningCrc;
    const split = batchOf([2]).encode(0, batchOf([1]).encode(0, 0).runningCrc).runningCrc;
    expect(one).not.toBe(two);
    expect(split).toBe(one);
    expect(chainCrc(0, 1)).not.toBe(chainCrc(0, 2));
  });

  it('finds intact frames behind garbage', () => {
    const { bytes } = batchOf([9, 9], [8]).encode(3, 0);
    const buf = Buffer.concat([Buffer.from([1, 2, 3, 4, 5]), bytes]);
    const found = [...scanFrames(buf, 0)].map((f) => f.start);
    expect(found).toEqual([5, 5 + FRAME_HEADER_BYTES + 2]);
  });
});
