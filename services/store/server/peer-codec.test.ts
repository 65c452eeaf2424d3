// The hand-written peer codec against protobufjs reading store.proto: each reads the other's
// bytes as the same batch, so the two stay interchangeable on the wire.
import { describe, expect, it } from 'vitest';
import { newMessage } from '../raft/message.js';
import type { Message } from '../raft/types.js';
import { MessageType } from '../raft/types.js';
import { storeProtoTypes } from './codec.js';
import { ProtoDecodeError } from '../../../lib/protobuf-wire.js';
import { decodeMessageBatch, encodeMessageBatch } from './peer-codec.js';

function message(over: Partial<Message>): Message {
  return newMessage({ type: MessageType.App, to: '8e9e05c52164694d', from: 'fd422379fda50e48', context: Buffer.alloc(0), ...over });
}

const samples: Message[] = [
  message({ type: MessageType.Heartbeat, term: 3, commit: 17, context: Buffer.from('read-7') }),
  message({
    term: 2 ** 40 + 3,
    logTerm: 2 ** 33,
    index: Number.MAX_SAFE_INTEGER - 5,
    commit: 129,
    entries: [
      { term: 5, index: 300, type: 0, data: Buffer.from('a'.repeat(300)) },
      { term: 5, index: 301, type: 1, data: Buffer.alloc(0) },
      { term: 0, index: 0, type: 0, data: Buffer.from([0, 255, 128]) },
    ],
  }),
  message({ type: MessageType.AppResp, reject: true, rejectHint: 12345, term: 9, index: 40 }),
  message({
    type: MessageType.Snap,
    term: 4,
    snapshot: {
      metadata: { index: 1000, term: 3, confState: { voters: ['a1', 'b2', 'c3'], learners: ['d4'] } },
      data: Buffer.from('snapshot-bytes'),
    },
  }),
  message({
    type: MessageType.Snap,
    snapshot: { metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } }, data: Buffer.alloc(0) },
  }),
  message({ type: MessageType.Vote, to: '', from: 'ünïcode', term: 1 }),
];

/** What the protobufjs path used to put on the wire for the same batch. */
function protobufjsEncode(clusterId: string, messages: Message[]): Buffer {
  const t = storeProtoTypes().batch;
  const pb = {
    cluster_id: clusterId,
    messages: messages.map((m) => ({
      type: m.type,
      to: m.to,
      from: m.from,
      term: m.term,
      log_term: m.logTerm,
      index: m.index,
      entries: m.entries,
      commit: m.commit,
      snapshot: m.snapshot
        ? {
            metadata: { index: m.snapshot.metadata.index, term: m.snapshot.metadata.term, conf_state: m.snapshot.metadata.confState },
            data: m.snapshot.data,
          }
        : undefined,
      reject: m.reject,
      reject_hint: m.rejectHint,
      context: m.context,
    })),
  };
  return Buffer.from(t.encode(t.fromObject(pb)).finish());
}

describe('peer codec (MessageBatch)', () => {
  it('writes what protobufjs reads as the batch it would have written itself', () => {
    const t = storeProtoTypes().batch;
    const read = (b: Buffer): unknown => t.toObject(t.decode(b), { longs: String, bytes: String, defaults: true, arrays: true });
    expect(read(encodeMessageBatch('cafe01', samples))).toEqual(read(protobufjsEncode('cafe01', samples)));
    // protobufjs also writes zero fields it was given; skipping them (proto3 defaults) is shorter.
    expect(encodeMessageBatch('cafe01', samples).length).toBeLessThan(protobufjsEncode('cafe01', samples).length);
    expect(encodeMessageBatch('', []).length).toBe(0);
  });

  it('reads back every field, from its own bytes and from protobufjs bytes', () => {
    for (const bytes of [encodeMessageBatch('cafe01', samples), protobufjsEncode('cafe01', samples)]) {
      const got = decodeMessageBatch(bytes);
      expect(got.clusterId).toBe('cafe01');
      expect(got.messages).toEqual(samples);
    }
  });

  it('copies bytes out of the received chunk, which the transport may reuse', () => {
    const bytes = encodeMessageBatch('c', [samples[1] as Message]);
    const got = decodeMessageBatch(bytes);
    bytes.fill(0);
    expect(got.messages[0]?.entries[0]?.data.toString()).toBe('a'.repeat(300));
    expect(Buffer.isBuffer(got.messages[0]?.entries[0]?.data)).toBe(true);
  });

  it('accepts a Uint8Array view and skips fields it does not know', () => {
    const known = encodeMessageBatch('c', [samples[0] as Message]);
    // field 15, varint 7 and field 14, bytes "xy" inside the batch and inside the message
    const extraInner = Buffer.from([0x78, 7, 0x72, 2, 0x78, 0x79]);
    const inner = Buffer.concat([Buffer.from(known.subarray(5)), extraInner]); // known = 0a 01 63 12 <len> <message>
    expect(known[3]).toBe(0x12);
    const batch = Buffer.concat([Buffer.from([0x0a, 1, 0x63, 0x12, inner.length]), inner, Buffer.from([0x78, 1])]);
    const got = decodeMessageBatch(new Uint8Array(batch.buffer, batch.byteOffset, batch.byteLength));
    expect(got.messages).toEqual([samples[0]]);
  });

  it('rejects truncated and malformed input with a decode error', () => {
    const bytes = encodeMessageBatch('cafe01', samples);
    for (const cut of [1, 5, 20, bytes.length - 1]) {
      expect(() => decodeMessageBatch(bytes.subarray(0, cut))).toThrow(ProtoDecodeError);
    }
    expect(() => decodeMessageBatch(Buffer.from([0x12, 2, 0x0a, 0x05]))).toThrow(/wire type/); // message.type as bytes
    expect(() => decodeMessageBatch(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      ProtoDecodeError,
    );
    expect(() => decodeMessageBatch(Buffer.from([0x0b]))).toThrow(/wire type 3/);
  });

  it('refuses numbers it cannot carry exactly', () => {
    expect(() => encodeMessageBatch('c', [message({ term: -1 })])).toThrow(RangeError);
    expect(() => encodeMessageBatch('c', [message({ index: 2 ** 53 })])).toThrow(RangeError);
  });
});
