// Tests of the :authority-repairing HTTP/2 front (./lenient-authority.ts):
// HPACK against RFC 7541 Appendix C, the pure frame rewriter on buffers, and
// end to end with grpc-js clients and the real offender, etcdctl 3.4.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { addEtcdService } from './etcd-proto.js';
import type { ClusterHandlers, MaintenanceHandlers } from './etcd-proto.js';
import {
  AuthorityRewriter,
  ClientPrefaceSniffer,
  EMPTY_SETTINGS_FRAME,
  HTTP2_CLIENT_PREFACE,
  HpackDecoder,
  HpackEncoder,
  HpackError,
  Http2FrameError,
  formatAuthority,
  huffmanCode,
  huffmanDecode,
  huffmanEncode,
  isValidAuthority,
  listenWithLenientAuthority,
  repairAuthority,
} from './lenient-authority.js';
import type { HeaderField, LenientAuthorityServer, PrefaceVerdict } from './lenient-authority.js';

const execFileAsync = promisify(execFile);
const ETCDCTL_BIN = '/usr/bin/etcdctl';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const pairs = (fields: readonly HeaderField[]): [string, string][] => fields.map((f) => [f.name, f.value]);

interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

const SETTINGS = frame(0x4, 0, 0, hex('0003 00000064 0004 00010000'));
const WINDOW_UPDATE = frame(0x8, 0, 0, hex('00100000'));
const DATA = (streamId: number, body: string, flags = 0): Buffer => frame(0x0, flags, streamId, Buffer.from(body));

/** Splits a client byte stream (after the preface) into frames. */
function parseFrames(bytes: Buffer): Frame[] {
  expect(bytes.subarray(0, 24).equals(HTTP2_CLIENT_PREFACE)).toBe(true);
  const frames: Frame[] = [];
  for (let off = 24; off < bytes.length; ) {
    const length = bytes.readUIntBE(off, 3);
    frames.push({
      type: bytes[off + 3] ?? -1,
      flags: bytes[off + 4] ?? -1,
      streamId: bytes.readUInt32BE(off + 5),
      payload: bytes.subarray(off + 9, off + 9 + length),
    });
    off += 9 + length;
  }
  return frames;
}

/** Decodes every header block of a client stream produced by the rewriter (no padding/priority expected). */
function decodeBlocks(frames: readonly Frame[]): { streamId: number; flags: number; fields: HeaderField[] }[] {
  const decoder = new HpackDecoder();
  const blocks: { streamId: number; flags: number; fields: HeaderField[] }[] = [];
  let open: { streamId: number; flags: number; parts: Buffer[] } | undefined;
  for (const f of frames) {
    if (f.type === 0x1) open = { streamId: f.streamId, flags: f.flags, parts: [f.payload] };
    else if (f.type === 0x9) open?.parts.push(f.payload);
    else continue;
    if (open !== undefined && f.flags & 0x4) {
      blocks.push({ streamId: open.streamId, flags: open.flags, fields: decoder.decode(Buffer.concat(open.parts)) });
      open = undefined;
    }
  }
  return blocks;
}

/** Literal with incremental indexing, new name, raw strings (as a client encoder would emit). */
function literalIndexed(name: string, value: string): Buffer {
  expect(name.length).toBeLessThan(127);
  expect(value.length).toBeLessThan(127);
  return Buffer.concat([Buffer.from([0x40, name.length]), Buffer.from(name), Buffer.from([value.length]), Buffer.from(value)]);
}

/** Literal with incremental indexing of static name `index`, Huffman-coded value (like grpc-go/Node). */
function literalIndexedNameHuffman(index: number, value: string): Buffer {
  const coded = huffmanEncode(Buffer.from(value));
  expect(index).toBeLessThan(63);
  expect(coded.length).toBeLessThan(127);
  return Buffer.concat([Buffer.from([0x40 | index, 0x80 | coded.length]), coded]);
}

/** A gRPC request header block: static :method POST, :scheme http, then literals. */
function requestBlock(authority: string, path: string): Buffer {
  return Buffer.concat([
    hex('83 86'), // :method POST, :scheme http
    literalIndexedNameHuffman(4, path), // :path
    literalIndexedNameHuffman(1, authority), // :authority
    literalIndexed('content-type', 'application/grpc'),
    literalIndexed('te', 'trailers'),
    literalIndexed('user-agent', 'grpc-go/1.26.0'),
  ]);
}

function rewriteAll(input: Buffer, chunkSize = input.length, fallbackAuthority = '10.0.0.1:2379'): Buffer {
  const rewriter = new AuthorityRewriter({ fallbackAuthority });
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunkSize) out.push(rewriter.push(input.subarray(i, i + chunkSize)));
  return Buffer.concat(out);
}

// ---------------------------------------------------------------------------
// HPACK
// ---------------------------------------------------------------------------

describe('HPACK (RFC 7541)', () => {
  it('derives the canonical Huffman code of Appendix B', () => {
    expect(huffmanCode(0)).toEqual({ code: 0x1ff8, bits: 13 });
    expect(huffmanCode(10)).toEqual({ code: 0x3ffffffc, bits: 30 });
    expect(huffmanCode(' '.charCodeAt(0))).toEqual({ code: 0x14, bits: 6 });
    expect(huffmanCode('0'.charCodeAt(0))).toEqual({ code: 0x0, bits: 5 });
    expect(huffmanCode('W'.charCodeAt(0))).toEqual({ code: 0x72, bits: 7 });
    expect(huffmanCode('X'.charCodeAt(0))).toEqual({ code: 0xfc, bits: 8 });
    expect(huffmanCode('~'.charCodeAt(0))).toEqual({ code: 0x1ffd, bits: 13 });
    expect(huffmanCode(128)).toEqual({ code: 0xfffe6, bits: 20 });
    expect(huffmanCode(195)).toEqual({ code: 0x7fff1, bits: 19 });
    expect(huffmanCode(220)).toEqual({ code: 0xffffffd, bits: 28 });
    expect(huffmanCode(255)).toEqual({ code: 0x3ffffee, bits: 26 });
    expect(huffmanCode(256)).toEqual({ code: 0x3fffffff, bits: 30 });
  });

  it('Huffman round-trips every byte value and rejects bad padding / EOS', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(huffmanDecode(huffmanEncode(all)).equals(all)).toBe(true);
    for (let i = 0; i < 256; i++) {
      const one = Buffer.from([i, 255 - i, i]);
      expect(huffmanDecode(huffmanEncode(one)).equals(one)).toBe(true);
    }
    expect(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff')).toString()).toBe('www.example.com');
    // 'a' (00011) padded with zeros instead of ones.
    expect(() => huffmanDecode(hex('18'))).toThrow(HpackError);
    // A whole byte of padding (more than 7 bits).
    expect(() => huffmanDecode(hex('1fff'))).toThrow(HpackError);
    // The EOS symbol itself.
    expect(() => huffmanDecode(hex('ffff ffff'))).toThrow(HpackError);
  });

  it('decodes C.3 (requests without Huffman)', () => {
    const d = new HpackDecoder();
    expect(pairs(d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(d.tableSize).toBe(57);
    expect(pairs(d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(d.tableSize).toBe(110);
    expect(pairs(d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
    expect(d.dynamicEntries).toEqual([
      ['custom-key', 'custom-value'],
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ]);
    expect(d.tableSize).toBe(164);
  });

  it('decodes C.4 (requests with Huffman)', () => {
    const d = new HpackDecoder();
    expect(pairs(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(pairs(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(pairs(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
    expect(d.tableSize).toBe(164);
  });

  const response1 = [
    [':status', '302'],
    ['cache-control', 'private'],
    ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ['location', 'https://www.example.com'],
  ];
  const response2 = [[':status', '307'], ...response1.slice(1)];
  const response3 = [
    [':status', '200'],
    ['cache-control', 'private'],
    ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
    ['location', 'https://www.example.com'],
    ['content-encoding', 'gzip'],
    ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
  ];
  const table3 = [
    ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ['content-encoding', 'gzip'],
    ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
  ];

  it('decodes C.5 (responses without Huffman, 256-octet table with evictions)', () => {
    const d = new HpackDecoder({ maxTableSizeLimit: 256 });
    expect(
      pairs(
        d.decode(
          hex(`4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
               2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70
               6c65 2e63 6f6d`),
        ),
      ),
    ).toEqual(response1);
    expect(d.tableSize).toBe(222);
    expect(pairs(d.decode(hex('4803 3330 37c1 c0bf')))).toEqual(response2);
    expect(d.tableSize).toBe(222);
    expect(d.dynamicEntries[0]).toEqual([':status', '307']);
    expect(d.dynamicEntries[3]).toEqual(['cache-control', 'private']);
    expect(
      pairs(
        d.decode(
          hex(`88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
               54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
               5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e
               3d31`),
        ),
      ),
    ).toEqual(response3);
    expect(d.dynamicEntries).toEqual(table3);
    expect(d.tableSize).toBe(215);
  });

  it('decodes C.6 (responses with Huffman, 256-octet table with evictions)', () => {
    const d = new HpackDecoder({ maxTableSizeLimit: 256 });
    expect(
      pairs(
        d.decode(
          hex(`4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
               2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`),
        ),
      ),
    ).toEqual(response1);
    expect(d.tableSize).toBe(222);
    expect(pairs(d.decode(hex('4883 640e ffc1 c0bf')))).toEqual(response2);
    expect(d.tableSize).toBe(222);
    expect(
      pairs(
        d.decode(
          hex(`88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
               77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
               9587 3160 65c0 03ed 4ee5 b106 3d50 07`),
        ),
      ),
    ).toEqual(response3);
    expect(d.dynamicEntries).toEqual(table3);
    expect(d.tableSize).toBe(215);
  });

  it('handles size updates and rejects malformed blocks', () => {
    const d = new HpackDecoder();
    d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'));
    expect(d.tableSize).toBe(57);
    // Size update to 0 empties the table; then back to 4096 (3fe1 1f).
    expect(pairs(d.decode(hex('20 3fe1 1f 82')))).toEqual([[':method', 'GET']]);
    expect(d.tableSize).toBe(0);
    expect(() => d.decode(hex('be'))).toThrow(HpackError); // index 62: empty dynamic table
    expect(() => d.decode(hex('80'))).toThrow(HpackError); // index 0
    expect(() => d.decode(hex('82 20'))).toThrow(HpackError); // size update after a field
    expect(() => new HpackDecoder().decode(hex('3fe2 1f'))).toThrow(HpackError); // 4097 > limit
    expect(() => d.decode(hex('04 05 2f61'))).toThrow(HpackError); // truncated string
    expect(() => d.decode(hex('ff ff ff ff ff 0f'))).toThrow(HpackError); // integer overflow
    // Amplification guard: one big indexed entry referenced many times.
    const small = new HpackDecoder({ maxHeaderListSize: 10_000 });
    small.decode(literalIndexed('x', 'y'.repeat(100)));
    expect(() => small.decode(Buffer.alloc(200, 0xbe))).toThrow(HpackError);
  });

  it('encodes without touching the dynamic table and round-trips', () => {
    const fields: HeaderField[] = [
      { name: ':method', value: 'POST' },
      { name: ':scheme', value: 'http' },
      { name: ':path', value: '/etcdserverpb.Maintenance/Status' },
      { name: ':authority', value: '127.0.0.1:2379' },
      { name: 'content-type', value: 'application/grpc' },
      { name: 'authorization', value: 'secret-token', sensitive: true },
      { name: 'x-long', value: 'v'.repeat(5000) },
      { name: 'x-bin', value: Buffer.from([0, 1, 0x80, 0xff, 0x7f]).toString('latin1') },
      { name: 'n'.repeat(300), value: '' },
    ];
    for (const huffman of [false, true]) {
      const encoded = new HpackEncoder({ huffman }).encode(fields);
      const d = new HpackDecoder();
      expect(d.decode(encoded)).toEqual(fields);
      expect(d.tableSize).toBe(0);
    }
    // Exact static matches use the 1-byte indexed form; sensitive fields are "never indexed".
    expect(new HpackEncoder().encode([{ name: ':method', value: 'POST' }])).toEqual(hex('83'));
    expect(new HpackEncoder().encode([{ name: ':method', value: 'POST', sensitive: true }])).toEqual(hex('12 04 504f5354'));
    expect(new HpackEncoder().encode([])).toEqual(Buffer.alloc(0));
  });
});

// ---------------------------------------------------------------------------
// Authority validation
// ---------------------------------------------------------------------------

describe('isValidAuthority / repairAuthority', () => {
  it('accepts RFC 3986 authorities', () => {
    for (const ok of [
      '127.0.0.1:2379',
      'localhost',
      'localhost:',
      'etcd-0.etcd.svc.cluster.local:2379',
      'user:pw@host:1',
      '[::1]:2379',
      '[2001:db8::ff00:42:8329]',
      '[::ffff:192.0.2.128]:80',
      '[1:2:3:4:5:6:7:8]',
      '[v1.fe80::a+en1]',
      'a%20b',
      '',
    ]) {
      expect(isValidAuthority(ok), ok).toBe(true);
    }
  });

  it('rejects URLs and other garbage', () => {
    for (const bad of [
      'http://127.0.0.1:2379',
      'unix://sock',
      '127.0.0.1:2379/',
      'host:port',
      'a b',
      'a%zz',
      '[::1',
      '[1:2:3:4:5:6:7:8:9]',
      '[1::2::3]',
      '[::1]x',
      'a@b@c',
      'héllo',
      '[fe80::1%eth0]',
    ]) {
      expect(isValidAuthority(bad), bad).toBe(false);
    }
  });

  it('repairs to the URL authority, else the fallback', () => {
    expect(repairAuthority('http://127.0.0.1:2379', 'fb:1')).toBe('127.0.0.1:2379');
    expect(repairAuthority('https://[::1]:2379/some/path?q', 'fb:1')).toBe('[::1]:2379');
    expect(repairAuthority('unix:///tmp/sock', 'fb:1')).toBe('fb:1');
    expect(repairAuthority('http://bad host/', 'fb:1')).toBe('fb:1');
    expect(repairAuthority('not a url', 'fb:1')).toBe('fb:1');
    expect(formatAuthority('::1', 5)).toBe('[::1]:5');
    expect(formatAuthority('127.0.0.1', 5)).toBe('127.0.0.1:5');
  });
});

// ---------------------------------------------------------------------------
// Frame rewriter on buffers
// ---------------------------------------------------------------------------

describe('AuthorityRewriter', () => {
  const badFirst = requestBlock('http://127.0.0.1:2379', '/etcdserverpb.Maintenance/Status');
  // Second request on the same connection, as grpc-go would send it: everything indexed
  // from the dynamic table (newest first: 62 user-agent, 63 te, 64 content-type,
  // 65 :authority, 66 :path), so it only decodes with the client's HPACK state.
  const badSecond = hex('83 86 c2 c1 c0 bf be');
  const client = Buffer.concat([
    HTTP2_CLIENT_PREFACE,
    SETTINGS,
    WINDOW_UPDATE,
    frame(0x1, 0x4, 1, badFirst),
    DATA(1, 'first request body', 0x1),
    frame(0x1, 0x4 | 0x1, 3, badSecond),
    frame(0x6, 0, 0, Buffer.from('pingpong')),
  ]);

  it('rewrites an invalid :authority and every later block of the connection', () => {
    const rewriter = new AuthorityRewriter({ fallbackAuthority: '10.0.0.1:2379' });
    const out = rewriter.push(client);
    expect(rewriter.mode).toBe('rewriting');
    expect(rewriter.rewrites).toBe(2);
    const frames = parseFrames(out);
    expect(frames.map((f) => f.type)).toEqual([0x4, 0x8, 0x1, 0x0, 0x1, 0x6]);
    const expected = [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', '/etcdserverpb.Maintenance/Status'],
      [':authority', '127.0.0.1:2379'],
      ['content-type', 'application/grpc'],
      ['te', 'trailers'],
      ['user-agent', 'grpc-go/1.26.0'],
    ];
    const blocks = decodeBlocks(frames);
    expect(blocks.map((blk) => [blk.streamId, blk.flags])).toEqual([
      [1, 0x4],
      [3, 0x5], // END_STREAM kept
    ]);
    expect(pairs(blocks[0]?.fields ?? [])).toEqual(expected);
    expect(pairs(blocks[1]?.fields ?? [])).toEqual(expected);
    // Non-header frames are untouched.
    expect(frames[0]?.payload).toEqual(SETTINGS.subarray(9));
    expect(frames[3]?.payload.toString()).toBe('first request body');
    expect(frames[3]?.flags).toBe(0x1);
    expect(frames[5]?.payload.toString()).toBe('pingpong');
  });

  it('falls back to the listening address for a non-URL invalid authority', () => {
    const input = Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS, frame(0x1, 0x4, 1, requestBlock('a b', '/x'))]);
    const [blk] = decodeBlocks(parseFrames(rewriteAll(input, input.length, '10.0.0.1:2379')));
    expect(blk?.fields.find((f) => f.name === ':authority')?.value).toBe('10.0.0.1:2379');
  });

  it('forwards a connection with a valid :authority byte for byte and then stops parsing', () => {
    const good = Buffer.concat([
      HTTP2_CLIENT_PREFACE,
      SETTINGS,
      WINDOW_UPDATE,
      frame(0x1, 0x4 | 0x8 | 0x20, 1, Buffer.concat([Buffer.from([3]), hex('8000000110'), requestBlock('127.0.0.1:2379', '/a'), Buffer.alloc(3)])),
      DATA(1, 'x'.repeat(40_000), 0x1),
      frame(0x1, 0x5, 3, hex('83 86 c2 c1 c0 bf be')),
    ]);
    const rewriter = new AuthorityRewriter({ fallbackAuthority: 'x:1' });
    const out = rewriter.push(good);
    expect(out.equals(good)).toBe(true);
    expect(rewriter.mode).toBe('passthrough');
    // From now on even garbage is passed through as is (the same Buffer, no copy).
    const garbage = Buffer.from('not a frame at all');
    expect(rewriter.push(garbage)).toBe(garbage);
    for (const size of [1, 2, 7, 9, 100, 4096]) expect(rewriteAll(good, size).equals(good), `chunk ${size}`).toBe(true);
  });

  it('gives the same output when fed byte by byte or in odd chunks', () => {
    const whole = rewriteAll(client);
    for (const size of [1, 2, 3, 5, 8, 9, 10, 13, 64]) expect(rewriteAll(client, size).equals(whole), `chunk ${size}`).toBe(true);
  });

  it('merges CONTINUATION frames and drops PADDED / PRIORITY', () => {
    const block = requestBlock('http://127.0.0.1:2379', '/etcdserverpb.KV/Range');
    const a = block.subarray(0, 10);
    const bPart = block.subarray(10, 30);
    const c = block.subarray(30);
    const headersPayload = Buffer.concat([Buffer.from([4]), hex('00000000 0f'), a, Buffer.alloc(4)]);
    const input = Buffer.concat([
      HTTP2_CLIENT_PREFACE,
      SETTINGS,
      frame(0x1, 0x1 | 0x8 | 0x20, 5, headersPayload), // END_STREAM | PADDED | PRIORITY, no END_HEADERS
      frame(0x9, 0, 5, bPart),
      frame(0x9, 0x4, 5, c),
      DATA(7, 'after'),
    ]);
    for (const size of [input.length, 1, 11]) {
      const frames = parseFrames(rewriteAll(input, size));
      expect(frames.map((f) => [f.type, f.flags, f.streamId])).toEqual([
        [0x4, 0, 0],
        [0x1, 0x5, 5],
        [0x0, 0, 7],
      ]);
      const [blk] = decodeBlocks(frames);
      expect(blk?.fields.find((f) => f.name === ':authority')?.value).toBe('127.0.0.1:2379');
      expect(blk?.fields.find((f) => f.name === ':path')?.value).toBe('/etcdserverpb.KV/Range');
    }
  });

  it('splits a rewritten block over 16 KiB into HEADERS + CONTINUATION', () => {
    const big = Buffer.concat([requestBlock('http://h:1', '/p'), literalIndexed('x-a', 'a'.repeat(120))]);
    // Many never-indexed literals to exceed 16384 bytes after re-encoding.
    const filler: Buffer[] = [];
    for (let i = 0; i < 200; i++) filler.push(hex('10'), Buffer.from([5]), Buffer.from(`x-${String(i).padStart(3, '0')}`), Buffer.from([0x7f, 0x80, 0x01]), Buffer.alloc(255, 0x61));
    const input = Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS, frame(0x1, 0x4, 1, Buffer.concat([big, ...filler]))]);
    const frames = parseFrames(rewriteAll(input));
    expect(frames.map((f) => f.type)).toEqual([0x4, 0x1, 0x9, 0x9, 0x9]);
    expect(frames.slice(1).map((f) => f.flags)).toEqual([0, 0, 0, 0x4]);
    expect(frames.slice(1, -1).every((f) => f.payload.length === 16384)).toBe(true);
    const [blk] = decodeBlocks(frames);
    expect(blk?.fields).toHaveLength(7 + 1 + 200);
    expect(blk?.fields.find((f) => f.name === ':authority')?.value).toBe('h:1');
    expect(blk?.fields[8]).toEqual({ name: 'x-000', value: 'a'.repeat(255), sensitive: true });
  });

  it('passes a non-HTTP/2 stream through for the server to reject', () => {
    const rewriter = new AuthorityRewriter({ fallbackAuthority: 'x:1' });
    const http1 = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    expect(rewriter.push(http1).equals(http1)).toBe(true);
    expect(rewriter.mode).toBe('passthrough');
  });

  it('throws on protocol violations', () => {
    const start = Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS]);
    const feed = (...frames: Buffer[]): (() => Buffer) => () =>
      new AuthorityRewriter({ fallbackAuthority: 'x:1' }).push(Buffer.concat([start, ...frames]));
    const block = requestBlock('http://127.0.0.1:2379', '/p');
    expect(feed(frame(0x9, 0x4, 1, block))).toThrow(Http2FrameError); // CONTINUATION without HEADERS
    expect(feed(frame(0x1, 0, 1, block), DATA(1, 'x'))).toThrow(Http2FrameError); // interleaved frame
    expect(feed(frame(0x1, 0, 1, block), frame(0x9, 0x4, 3, hex('82')))).toThrow(Http2FrameError); // other stream
    expect(feed(frame(0x1, 0x4, 0, block))).toThrow(Http2FrameError); // stream 0
    expect(feed(frame(0x1, 0x4 | 0x8, 1, Buffer.from([200, 0x82])))).toThrow(Http2FrameError); // padding > frame
    expect(feed(frame(0x1, 0x4, 1, hex('41 85 ffffffffff')))).toThrow(HpackError); // bad Huffman
    // Oversized header frames are refused from their 9-byte header already.
    const huge = Buffer.alloc(9);
    huge.writeUIntBE(0xffffff, 0, 3);
    huge[3] = 0x1;
    huge.writeUInt32BE(1, 5);
    expect(feed(huge)).toThrow(Http2FrameError);
  });
});

describe('ClientPrefaceSniffer', () => {
  const SETTINGS_ACK = frame(0x4, 0x1, 0, Buffer.alloc(0));
  const PING = frame(0x6, 0, 0, Buffer.from('pingpong'));
  const HEADERS = frame(0x1, 0x4, 1, requestBlock('127.0.0.1:2379', '/a'));

  /** Feeds `input` in chunks; returns the replies sent and the final verdict. */
  function sniff(input: Buffer, chunkSize = input.length): { replies: Buffer; last: PrefaceVerdict } {
    const sniffer = new ClientPrefaceSniffer({ fallbackAuthority: 'x:1' });
    const replies: Buffer[] = [];
    let last: PrefaceVerdict = { kind: 'more' };
    for (let off = 0; off < input.length && last.kind === 'more'; off += chunkSize) {
      last = sniffer.push(input.subarray(off, off + chunkSize));
      if (last.reply) replies.push(last.reply);
    }
    return { replies: Buffer.concat(replies), last };
  }

  it('sends the server preface, keeps the ACK of it and PINGs from the server, and decides after the first header block', () => {
    const input = Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS, WINDOW_UPDATE, PING, SETTINGS_ACK, HEADERS, DATA(1, 'body', 0x1)]);
    const expectedForward = Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS, WINDOW_UPDATE, HEADERS, DATA(1, 'body', 0x1)]);
    const expectedReplies = Buffer.concat([EMPTY_SETTINGS_FRAME, frame(0x6, 0x1, 0, Buffer.from('pingpong'))]);
    for (const size of [input.length, 1, 7, 9, 24, 25]) {
      const { replies, last } = sniff(input, size);
      if (size === input.length) {
        expect(last.kind).toBe('ready');
        expect(last.kind === 'ready' && last.forward.equals(expectedForward)).toBe(true);
        expect(replies.equals(expectedReplies)).toBe(true);
      } else {
        // Decided as soon as the header block is complete; what follows is the caller's to forward.
        expect(last.kind, `chunk ${size}`).toBe('ready');
        const forward = last.kind === 'ready' ? last.forward : Buffer.alloc(0);
        expect(expectedForward.subarray(0, forward.length).equals(forward), `chunk ${size}`).toBe(true);
        expect(forward.length).toBeGreaterThanOrEqual(expectedForward.length - DATA(1, 'body', 0x1).length);
        expect(replies.equals(expectedReplies), `chunk ${size}`).toBe(true);
      }
    }
  });

  it('waits for the ACK of its SETTINGS even when the header block came first', () => {
    const sniffer = new ClientPrefaceSniffer({ fallbackAuthority: 'x:1' });
    expect(sniffer.push(Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS, HEADERS]))).toEqual({ kind: 'more', reply: EMPTY_SETTINGS_FRAME });
    expect(sniffer.awaitingSettingsAck).toBe(true);
    const last = sniffer.push(Buffer.concat([DATA(1, 'x'), SETTINGS_ACK]));
    expect(last.kind).toBe('ready');
    expect(last.kind === 'ready' && last.forward.equals(Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS, HEADERS, DATA(1, 'x')]))).toBe(true);
  });

  it('waits for CONTINUATIONs, and drops clients that break the header-block rules', () => {
    const block = requestBlock('127.0.0.1:2379', '/p');
    const sniffer = new ClientPrefaceSniffer({ fallbackAuthority: 'x:1' });
    sniffer.push(Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS_ACK, frame(0x1, 0, 3, block.subarray(0, 4))]));
    expect(sniffer.push(frame(0x9, 0x4, 3, block.subarray(4))).kind).toBe('ready');
    const start = Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS]);
    const feed = (...frames: Buffer[]) => () => new ClientPrefaceSniffer({ fallbackAuthority: 'x:1' }).push(Buffer.concat([start, ...frames]));
    expect(feed(frame(0x9, 0x4, 1, block))).toThrow(Http2FrameError); // CONTINUATION without HEADERS
    expect(feed(frame(0x1, 0, 1, block), DATA(1, 'x'))).toThrow(Http2FrameError); // interleaved frame
    expect(feed(frame(0x1, 0x4, 0, block))).toThrow(Http2FrameError); // stream 0
    expect(() => new ClientPrefaceSniffer({ fallbackAuthority: 'x:1' }, 100).push(Buffer.concat([start, DATA(1, 'y'.repeat(200))]))).toThrow(Http2FrameError);
  });

  it('hands a non-HTTP/2 stream over at once, untouched and unanswered', () => {
    const http1 = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    expect(new ClientPrefaceSniffer({ fallbackAuthority: 'x:1' }).push(http1)).toEqual({ kind: 'ready', forward: http1 });
  });
});

// ---------------------------------------------------------------------------
// End to end
// ---------------------------------------------------------------------------

const identity = (b: Buffer): Buffer => b;
const ECHO_SERVICE: grpc.ServiceDefinition = {
  Echo: {
    path: '/lenient.Test/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

const EchoClient = grpc.makeGenericClientConstructor(ECHO_SERVICE, 'Test');

function echo(client: grpc.Client, body: string): Promise<{ body: string; authority: string }> {
  return new Promise((resolvePromise, reject) => {
    const call = client.makeUnaryRequest(
      '/lenient.Test/Echo',
      identity,
      identity,
      Buffer.from(body),
      new grpc.Metadata(),
      {},
      (err, value) => {
        if (err) reject(err);
        else if (value === undefined) reject(new Error('no response'));
        else {
          const [authority, ...rest] = value.toString().split('\n');
          resolvePromise({ authority: authority ?? '', body: rest.join('\n') });
        }
      },
    );
    void call;
  });
}

/** Echo service answering "<:authority seen by the server>\n<request>". */
function echoServer(): grpc.Server {
  const server = new grpc.Server();
  server.addService(ECHO_SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      callback(null, Buffer.concat([Buffer.from(`${call.getHost()}\n`), call.request]));
    },
  });
  return server;
}

const TEST_VERSION = '3.4.99-lenient-test';

/**
 * etcd Maintenance.Status (fixed answer) and Cluster.MemberList (one member
 * whose client URL is `clientURL()`); every other method is UNIMPLEMENTED.
 */
function etcdServer(clientURL: () => string = () => ''): grpc.Server {
  const server = new grpc.Server();
  const unimplemented = (_call: unknown, callback: (err: Partial<grpc.ServiceError>) => void): void =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: 'not implemented in this test' });
  const header = { cluster_id: '17', member_id: '42', revision: '7', raft_term: '3' };
  const maintenance: MaintenanceHandlers = {
    Status: (_call, callback) =>
      callback(null, {
        header,
        version: TEST_VERSION,
        dbSize: 4096,
        leader: '42',
        raftIndex: 9,
        raftTerm: 3,
        raftAppliedIndex: 9,
        dbSizeInUse: 2048,
      }),
    Alarm: unimplemented,
    Defragment: unimplemented,
    Hash: unimplemented,
    HashKV: unimplemented,
    MoveLeader: unimplemented,
    Snapshot: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'not implemented' }),
  };
  const cluster: ClusterHandlers = {
    MemberList: (_call, callback) =>
      callback(null, { header, members: [{ ID: '42', name: 'm0', peerURLs: ['http://127.0.0.1:1'], clientURLs: [clientURL()] }] }),
    MemberAdd: unimplemented,
    MemberRemove: unimplemented,
    MemberUpdate: unimplemented,
    MemberPromote: unimplemented,
  };
  addEtcdService(server, 'Maintenance', maintenance);
  addEtcdService(server, 'Cluster', cluster);
  return server;
}

function bindDirect(server: grpc.Server): Promise<number> {
  return new Promise((resolvePromise, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolvePromise(port),
    ),
  );
}

async function etcdctlStatus(port: number, ...extraArgs: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      ETCDCTL_BIN,
      [
        `--endpoints=http://127.0.0.1:${port}`,
        '--dial-timeout=3s',
        '--command-timeout=5s',
        'endpoint',
        'status',
        '-w',
        'json',
        ...extraArgs,
      ],
      { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 20_000 },
    );
    return { ok: true, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('listenWithLenientAuthority (end to end)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function front(server: grpc.Server): Promise<LenientAuthorityServer> {
    const served = await listenWithLenientAuthority(server, '127.0.0.1', 0);
    cleanups.push(() => server.forceShutdown());
    cleanups.push(() => served.close());
    return served;
  }

  function client(target: string, options: grpc.ChannelOptions = {}): grpc.Client {
    const c = new EchoClient(target, grpc.credentials.createInsecure(), options);
    cleanups.push(() => c.close());
    return c;
  }

  it('serves a normal grpc-js client (valid authority: passthrough)', async () => {
    const served = await front(echoServer());
    expect(served.port).toBeGreaterThan(0);
    const c = client(`127.0.0.1:${served.port}`);
    for (let i = 0; i < 5; i++) {
      await expect(echo(c, `hello ${i}`)).resolves.toEqual({ authority: `127.0.0.1:${served.port}`, body: `hello ${i}` });
    }
    // Bigger payloads and concurrency over the same connection.
    const big = 'z'.repeat(300_000);
    const results = await Promise.all(Array.from({ length: 10 }, () => echo(c, big)));
    expect(results.every((r) => r.body === big)).toBe(true);
    // Handed to HTTP/2 as the raw socket: nothing of ours in its path.
    expect(served.connections()).toEqual({ direct: 1, rewritten: 0 });
  });

  it('repairs a URL :authority sent by a grpc-js client (rewriting mode)', async () => {
    // The same client setting fails against a directly bound grpc-js server.
    const direct = echoServer();
    cleanups.push(() => direct.forceShutdown());
    const directPort = await bindDirect(direct);
    const directClient = client(`127.0.0.1:${directPort}`, { 'grpc.default_authority': `http://127.0.0.1:${directPort}` });
    // RST_STREAM code 1 = PROTOCOL_ERROR.
    await expect(echo(directClient, 'x')).rejects.toMatchObject({
      code: grpc.status.INTERNAL,
      details: 'Received RST_STREAM with code 1',
    });

    const served = await front(echoServer());
    const url = `http://127.0.0.1:${served.port}`;
    const c = client(`127.0.0.1:${served.port}`, { 'grpc.default_authority': url });
    for (let i = 0; i < 5; i++) {
      await expect(echo(c, `req ${i}`)).resolves.toEqual({ authority: `127.0.0.1:${served.port}`, body: `req ${i}` });
    }
    const big = 'q'.repeat(200_000);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => echo(c, `${i}${big}`)));
    expect(results.map((r) => r.body)).toEqual(Array.from({ length: 10 }, (_, i) => `${i}${big}`));
    expect(served.connections()).toEqual({ direct: 0, rewritten: 1 });
  });

  it('drops a connection with a malformed header block without affecting others', async () => {
    const served = await front(echoServer());
    const socket = createConnection(served.port, '127.0.0.1');
    const closed = new Promise<void>((resolvePromise) => socket.on('close', () => resolvePromise()));
    socket.on('error', () => {});
    socket.resume(); // read, so that the server's close is noticed
    socket.write(Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS, frame(0x9, 0x4, 1, hex('82'))]));
    await closed;
    const c = client(`127.0.0.1:${served.port}`);
    await expect(echo(c, 'still alive')).resolves.toMatchObject({ body: 'still alive' });
  });

  it.skipIf(!existsSync(ETCDCTL_BIN))('makes `etcdctl --endpoints=http://…` work, which fails without the front', async () => {
    // Without the front: grpc-js (nghttp2) rejects etcdctl's URL :authority.
    const direct = etcdServer();
    cleanups.push(() => direct.forceShutdown());
    const directPort = await bindDirect(direct);
    const failed = await etcdctlStatus(directPort);
    expect(failed.ok).toBe(false);
    expect(failed.stdout + failed.stderr).toMatch(/PROTOCOL_ERROR/);

    // Through the front: the same command succeeds.
    const served = await front(etcdServer());
    const result = await etcdctlStatus(served.port);
    expect(result.stderr).not.toMatch(/PROTOCOL_ERROR/);
    expect(result.ok).toBe(true);
    const parsed = JSON.parse(result.stdout) as { Endpoint: string; Status: { version: string; header: { revision: number } } }[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]?.Endpoint).toBe(`http://127.0.0.1:${served.port}`);
    expect(parsed[0]?.Status.version).toBe(TEST_VERSION);
    expect(parsed[0]?.Status.header.revision).toBe(7);
  });

  it.skipIf(!existsSync(ETCDCTL_BIN))('makes `etcdctl endpoint status --cluster` work', async () => {
    let port = 0;
    const served = await front(etcdServer(() => `http://127.0.0.1:${port}`));
    port = served.port;
    const result = await etcdctlStatus(served.port, '--cluster');
    expect(result.stderr).not.toMatch(/PROTOCOL_ERROR/);
    expect(result.ok).toBe(true);
    const parsed = JSON.parse(result.stdout) as { Endpoint: string; Status: { version: string } }[];
    expect(parsed.map((p) => [p.Endpoint, p.Status.version])).toEqual([[`http://127.0.0.1:${port}`, TEST_VERSION]]);
  });

  it('close() stops accepting and ends open connections', async () => {
    const server = echoServer();
    cleanups.push(() => server.forceShutdown());
    const served = await listenWithLenientAuthority(server, '127.0.0.1', 0);
    const c = client(`127.0.0.1:${served.port}`);
    await echo(c, 'before close');
    // A raw connection that stays open (no requests in flight).
    const raw = createConnection(served.port, '127.0.0.1');
    raw.on('error', () => {});
    raw.resume(); // read, so that the server's close is noticed
    await new Promise<void>((resolvePromise) => raw.once('connect', () => resolvePromise()));
    raw.write(Buffer.concat([HTTP2_CLIENT_PREFACE, SETTINGS]));
    const rawClosed = new Promise<void>((resolvePromise) => raw.on('close', () => resolvePromise()));

    await served.close();
    await rawClosed;
    await served.close(); // idempotent
    // No longer accepting.
    await expect(
      new Promise<void>((resolvePromise, reject) => {
        const s = createConnection(served.port, '127.0.0.1');
        s.on('connect', () => {
          s.destroy();
          reject(new Error('still accepting'));
        });
        s.on('error', () => resolvePromise());
      }),
    ).resolves.toBeUndefined();
    await expect(echo(c, 'after close')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});
