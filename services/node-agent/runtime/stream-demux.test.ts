import { describe, expect, it } from 'vitest';
import { StreamDemuxer, StreamFormatError, demuxAll } from './stream-demux.js';

function frame(type: number, text: string): Buffer {
  const data = Buffer.from(text);
  const h = Buffer.alloc(8);
  h.writeUInt8(type, 0);
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

describe('StreamDemuxer', () => {
  it('splits frames in order', () => {
    const buf = Buffer.concat([frame(1, 'out1\n'), frame(2, 'err\n'), frame(1, 'out2\n')]);
    expect(new StreamDemuxer().push(buf).map((f) => [f.stream, f.data.toString()])).toEqual([
      ['stdout', 'out1\n'],
      ['stderr', 'err\n'],
      ['stdout', 'out2\n'],
    ]);
    expect(demuxAll(buf)).toEqual({ stdout: 'out1\nout2\n', stderr: 'err\n' });
  });

  it('holds partial frames across chunks, even a split header', () => {
    const buf = Buffer.concat([frame(1, 'hello'), frame(2, 'world')]);
    const d = new StreamDemuxer();
    const got: string[] = [];
    for (let i = 0; i < buf.length; i += 3) got.push(...d.push(buf.subarray(i, i + 3)).map((f) => f.data.toString()));
    expect(got).toEqual(['hello', 'world']);
    expect(d.pending).toBe(0);
  });

  it('handles empty frames and reports unknown stream types', () => {
    expect(new StreamDemuxer().push(frame(1, '')).map((f) => f.data.length)).toEqual([0]);
    expect(() => new StreamDemuxer().push(Buffer.from('plain text, not framed'))).toThrow(StreamFormatError);
  });
});
