import { describe, expect, it } from 'vitest';
import { EntryType } from '../raft/types.js';
import type { PayloadCodec } from './encoding.js';
import { entryCodec, hardStateCodec, segmentHeaderCodec, snapshotMarkCodec } from './encoding.js';
import { WalDecodeError, WalInvalidValueError } from './errors.js';

function roundTrip<T>(codec: PayloadCodec<T>, value: T): T {
  const buf = Buffer.alloc(codec.size(value) + 6);
  codec.write(buf, 3, value);
  return codec.read(buf, 3, 3 + codec.size(value));
}

describe('encoding', () => {
  it('round-trips entries with arbitrary binary data and large indexes', () => {
    const data = new Uint8Array([0, 255, 0xc3, 0x28, 10, 0]);
    const e = { term: 2 ** 40 + 3, index: Number.MAX_SAFE_INTEGER, type: EntryType.ConfChange, data };
    expect(roundTrip(entryCodec, e)).toEqual(e);
    const empty = { term: 0, index: 1, type: EntryType.Normal, data: new Uint8Array() };
    expect(roundTrip(entryCodec, empty)).toEqual(empty);
  });

  it('copies entry data out of the source buffer', () => {
    const e = { term: 1, index: 1, type: EntryType.Normal, data: new Uint8Array([1, 2, 3]) };
    const buf = Buffer.alloc(entryCodec.size(e));
    entryCodec.write(buf, 0, e);
    const out = entryCodec.read(buf, 0, buf.length);
    buf.fill(9);
    expect(Array.from(out.data)).toEqual([1, 2, 3]);
  });

  it('round-trips hard states, snapshot marks and segment headers', () => {
    const hs = { term: 9, vote: 'nöde-ä', commit: 2 ** 33 };
    expect(roundTrip(hardStateCodec, hs)).toEqual(hs);
    const mark = { index: 70, term: 4, confState: { voters: ['a', 'bb', ''], learners: ['ç'] } };
    expect(roundTrip(snapshotMarkCodec, mark)).toEqual(mark);
    const h = { prevCrc: 0xffffffff, seq: 2 ** 45, headerBytes: 123 };
    expect(roundTrip(segmentHeaderCodec, h)).toEqual(h);
  });

  it('rejects values that cannot be stored exactly', () => {
    const buf = Buffer.alloc(64);
    const bad = [-1, 1.5, 2 ** 53, Number.NaN];
    for (const index of bad) {
      expect(() => entryCodec.write(buf, 0, { term: 1, index, type: EntryType.Normal, data: new Uint8Array() })).toThrow(
        WalInvalidValueError,
      );
    }
  });

  it('rejects payloads that are too short or carry unknown entry types', () => {
    const e = { term: 1, index: 1, type: EntryType.Normal, data: new Uint8Array() };
    const buf = Buffer.alloc(entryCodec.size(e));
    entryCodec.write(buf, 0, e);
    expect(() => entryCodec.read(buf, 0, buf.length - 1)).toThrow(WalDecodeError);
    buf[16] = 7;
    expect(() => entryCodec.read(buf, 0, buf.length)).toThrow(WalDecodeError);
    const mark = { index: 1, term: 1, confState: { voters: ['x'], learners: [] } };
    const mb = Buffer.alloc(snapshotMarkCodec.size(mark));
    snapshotMarkCodec.write(mb, 0, mark);
    expect(() => snapshotMarkCodec.read(mb, 0, mb.length - 1)).toThrow(WalDecodeError);
  });
});
