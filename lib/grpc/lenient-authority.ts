/**
 * A TCP front for a grpc-js server that repairs invalid HTTP/2 `:authority`
 * pseudo-headers sent by clients.
 *
 * Why: etcdctl 3.4 (grpc-go) sends `:authority` as the whole endpoint URL
 * (`http://127.0.0.1:2379`) when endpoints carry a scheme, and always with
 * `--cluster`. grpc-go servers (real etcd) accept that, but Node's HTTP/2
 * layer (nghttp2) validates `:authority` and answers RST_STREAM
 * PROTOCOL_ERROR, with no option to turn the check off. So we rewrite the
 * client→server byte stream before nghttp2 sees it.
 *
 * Layout:
 *  1. HPACK (RFC 7541): Huffman code, HpackDecoder (static + dynamic table),
 *     HpackEncoder (never touches the dynamic table).
 *  2. Authority validation/repair (RFC 3986 §3.2).
 *  3. AuthorityRewriter: a pure, incremental HTTP/2 client-stream rewriter
 *     (bytes in, bytes out; no sockets). 3b. ClientPrefaceSniffer: holds a
 *     connection's bytes until its first header block, so connections that
 *     need no repair go to Node's HTTP/2 as the raw socket.
 *  4. Thin net/grpc-js glue: listenWithLenientAuthority().
 *
 * Header names/values are handled as latin1 strings: latin1 maps bytes 1:1 to
 * code units, so arbitrary octets survive a decode/encode round trip exactly.
 */
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { UnaryRouter } from './h2-unary-server.js';
import { lastInjectorHttp2Server, routeAroundGrpc } from './h2-unary-server.js';

// ===========================================================================
// 1. HPACK
// ===========================================================================

/** A decoding/encoding failure; on a live connection it means "drop the connection". */
export class HpackError extends Error {
  override name = 'HpackError';
}

/** One header field. `sensitive` = was/should be sent "never indexed" (RFC 7541 §6.2.3). */
export interface HeaderField {
  name: string;
  value: string;
  sensitive?: boolean;
}

// ---------------------------------------------------------------------------
// Huffman code (RFC 7541 Appendix B)
// ---------------------------------------------------------------------------

/*
 * The HPACK Huffman code is canonical: codes are assigned in order of
 * (bit length, symbol). So the 257 bit lengths (symbols 0..255, then EOS)
 * fully determine it; the codes are derived below. (Checked in the tests
 * against code values listed in the RFC.)
 */
// prettier-ignore
const HUFFMAN_CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0-15
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16-31
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //          ' ' - '/'
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //               '0' - '?'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                 '@' - 'O'
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //              'P' - '_'
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                 '`' - 'o'
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //             'p' - 127
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
  30, //                                                             EOS
];

const HUFFMAN_EOS = 256;

interface HuffmanTables {
  /** codes[sym] = code value (MSB-first, `lengths[sym]` bits). */
  codes: Uint32Array;
  lengths: Uint8Array;
  /** Binary decoding tree: node i has children zero[i]/one[i]; leaves have symbol[i] >= 0. */
  zero: Int16Array;
  one: Int16Array;
  symbol: Int16Array;
}

function buildHuffmanTables(): HuffmanTables {
  const n = HUFFMAN_CODE_LENGTHS.length;
  const lengths = Uint8Array.from(HUFFMAN_CODE_LENGTHS);
  const codes = new Uint32Array(n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0) || a - b);
  let code = 0;
  let len = lengths[order[0] ?? 0] ?? 0;
  for (const sym of order) {
    const l = lengths[sym] ?? 0;
    code *= 2 ** (l - len); // multiply, not <<: 30-bit codes would go negative in int32 math
    len = l;
    codes[sym] = code;
    code += 1;
  }
  // A full binary tree with n leaves has 2n - 1 nodes.
  const zero = new Int16Array(2 * n).fill(-1);
  const one = new Int16Array(2 * n).fill(-1);
  const symbol = new Int16Array(2 * n).fill(-1);
  let nodes = 1;
  for (let sym = 0; sym < n; sym++) {
    const l = lengths[sym] ?? 0;
    const c = codes[sym] ?? 0;
    let node = 0;
    for (let bit = l - 1; bit >= 0; bit--) {
      const branch = Math.floor(c / 2 ** bit) % 2 === 1 ? one : zero;
      let next = branch[node] ?? -1;
      if (next < 0) {
        next = nodes++;
        branch[node] = next;
      }
      node = next;
    }
    symbol[node] = sym;
  }
  return { codes, lengths, zero, one, symbol };
}

const HUFFMAN = buildHuffmanTables();

/** The Huffman code of one symbol (0..255, 256 = EOS), for tests and diagnostics. */
export function huffmanCode(sym: number): { code: number; bits: number } {
  return { code: HUFFMAN.codes[sym] ?? 0, bits: HUFFMAN.lengths[sym] ?? 0 };
}

/** Decodes a Huffman-coded string literal (RFC 7541 §5.2), validating the EOS padding. */
export function huffmanDecode(input: Uint8Array): Buffer {
  const { zero, one, symbol } = HUFFMAN;
  // Every symbol is at least 5 bits, so 8/5 output bytes per input byte bounds the size.
  const out = Buffer.allocUnsafe(Math.ceil((input.length * 8) / 5));
  let outLen = 0;
  let node = 0;
  let depth = 0; // bits consumed since the last emitted symbol
  let allOnes = true; // those bits were all 1s (a valid EOS prefix as padding)
  for (const byte of input) {
    for (let bit = 7; bit >= 0; bit--) {
      const isOne = ((byte >> bit) & 1) === 1;
      node = (isOne ? one[node] : zero[node]) ?? -1;
      if (node < 0) throw new HpackError('invalid Huffman code');
      depth++;
      allOnes &&= isOne;
      const sym = symbol[node] ?? -1;
      if (sym >= 0) {
        if (sym === HUFFMAN_EOS) throw new HpackError('EOS symbol in Huffman string');
        out[outLen++] = sym;
        node = 0;
        depth = 0;
        allOnes = true;
      }
    }
  }
  // §5.2: padding must be < 8 bits and a prefix of EOS (all ones).
  if (depth > 7 || !allOnes) throw new HpackError('invalid Huffman padding');
  return out.subarray(0, outLen);
}

/** Huffman-encodes bytes (padding with EOS-prefix 1 bits). */
export function huffmanEncode(input: Uint8Array): Buffer {
  const { codes, lengths } = HUFFMAN;
  let totalBits = 0;
  for (const byte of input) totalBits += lengths[byte] ?? 0;
  const out = Buffer.alloc(Math.ceil(totalBits / 8));
  let acc = 0; // pending bits, always < 8 of them after each flush
  let accBits = 0;
  let pos = 0;
  for (const byte of input) {
    const len = lengths[byte] ?? 0;
    const code = codes[byte] ?? 0;
    // Feed the code in pieces of at most 8 bits to keep `acc` small (codes are up to 30 bits).
    for (let remaining = len; remaining > 0; ) {
      const take = Math.min(8, remaining);
      remaining -= take;
      const piece = Math.floor(code / 2 ** remaining) % 2 ** take;
      acc = acc * 2 ** take + piece;
      accBits += take;
      while (accBits >= 8) {
        accBits -= 8;
        out[pos++] = Math.floor(acc / 2 ** accBits) & 0xff;
        acc %= 2 ** accBits;
      }
    }
  }
  if (accBits > 0) out[pos] = ((acc << (8 - accBits)) | (0xff >> accBits)) & 0xff;
  return out;
}

// ---------------------------------------------------------------------------
// Static table (RFC 7541 Appendix A)
// ---------------------------------------------------------------------------

const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** 1-based static index of the first entry with this name. */
const STATIC_NAME_INDEX = new Map<string, number>();
/** 1-based static index of an exact (name, value) entry, keyed `name\0value`. */
const STATIC_PAIR_INDEX = new Map<string, number>();
STATIC_TABLE.forEach(([name, value], i) => {
  if (!STATIC_NAME_INDEX.has(name)) STATIC_NAME_INDEX.set(name, i + 1);
  STATIC_PAIR_INDEX.set(`${name}\0${value}`, i + 1);
});

/** RFC 7541 §4.1: an entry's size counts 32 octets of overhead. */
const ENTRY_OVERHEAD = 32;

// ---------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------

export interface HpackDecoderOptions {
  /**
   * Largest dynamic table size the peer may select with a size update: our
   * SETTINGS_HEADER_TABLE_SIZE. Default 4096, the HTTP/2 default (Node's
   * HTTP/2 server, hence grpc-js, advertises it).
   */
  maxTableSizeLimit?: number;
  /**
   * Cap on one decoded header list (sum of name + value + 32 per field), so
   * that a small block repeating a large indexed entry cannot blow up memory.
   */
  maxHeaderListSize?: number;
}

/** Stateful HPACK decoder for one direction of one connection. */
export class HpackDecoder {
  /** Dynamic table, newest entry first (dynamic index 62 = entries[0]). */
  private readonly entries: [string, string][] = [];
  private size = 0;
  private maxSize: number;
  private readonly maxTableSizeLimit: number;
  private readonly maxHeaderListSize: number;

  constructor(options: HpackDecoderOptions = {}) {
    this.maxTableSizeLimit = options.maxTableSizeLimit ?? 4096;
    this.maxHeaderListSize = options.maxHeaderListSize ?? 1024 * 1024;
    this.maxSize = this.maxTableSizeLimit;
  }

  /** Current dynamic table size in octets (RFC 7541 §4.1). */
  get tableSize(): number {
    return this.size;
  }

  /** Current dynamic table entries, newest first (for tests). */
  get dynamicEntries(): readonly (readonly [string, string])[] {
    return this.entries;
  }

  /** Decodes one complete header block, updating the dynamic table. */
  decode(block: Uint8Array): HeaderField[] {
    const fields: HeaderField[] = [];
    let listSize = 0;
    const cursor = { pos: 0 };
    let sawField = false;
    while (cursor.pos < block.length) {
      const first = block[cursor.pos] ?? 0;
      let field: HeaderField;
      if (first & 0x80) {
        // §6.1 indexed header field
        const index = readInteger(block, cursor, 7);
        const [name, value] = this.lookup(index);
        field = { name, value };
      } else if (first & 0x40) {
        // §6.2.1 literal with incremental indexing
        const index = readInteger(block, cursor, 6);
        const name = index === 0 ? readString(block, cursor) : this.lookup(index)[0];
        const value = readString(block, cursor);
        this.insert(name, value);
        field = { name, value };
      } else if (first & 0x20) {
        // §6.3 dynamic table size update: only allowed before the first field (§4.2)
        if (sawField) throw new HpackError('dynamic table size update after a header field');
        const newSize = readInteger(block, cursor, 5);
        if (newSize > this.maxTableSizeLimit) throw new HpackError(`table size update ${newSize} over limit`);
        this.maxSize = newSize;
        this.evict(0);
        continue;
      } else {
        // §6.2.2 without indexing (0000) / §6.2.3 never indexed (0001)
        const sensitive = (first & 0x10) !== 0;
        const index = readInteger(block, cursor, 4);
        const name = index === 0 ? readString(block, cursor) : this.lookup(index)[0];
        const value = readString(block, cursor);
        field = sensitive ? { name, value, sensitive } : { name, value };
      }
      sawField = true;
      listSize += field.name.length + field.value.length + ENTRY_OVERHEAD;
      if (listSize > this.maxHeaderListSize) throw new HpackError('header list too large');
      fields.push(field);
    }
    return fields;
  }

  private lookup(index: number): readonly [string, string] {
    if (index === 0) throw new HpackError('header index 0');
    const entry = index <= STATIC_TABLE.length ? STATIC_TABLE[index - 1] : this.entries[index - STATIC_TABLE.length - 1];
    if (entry === undefined) throw new HpackError(`header index ${index} out of range`);
    return entry;
  }

  private insert(name: string, value: string): void {
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    // §4.4: an entry larger than the table empties it and is not added.
    this.evict(entrySize);
    if (entrySize <= this.maxSize) {
      this.entries.unshift([name, value]);
      this.size += entrySize;
    }
  }

  /** Evicts oldest entries until `room` more octets fit (or the table is empty). */
  private evict(room: number): void {
    while (this.size + room > this.maxSize) {
      const oldest = this.entries.pop();
      if (oldest === undefined) break;
      this.size -= oldest[0].length + oldest[1].length + ENTRY_OVERHEAD;
    }
  }
}

/** §5.1 integer with an N-bit prefix; advances `cursor.pos`. */
function readInteger(buf: Uint8Array, cursor: { pos: number }, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  const first = buf[cursor.pos++];
  if (first === undefined) throw new HpackError('truncated integer');
  let value = first & max;
  if (value < max) return value;
  let factor = 1;
  for (;;) {
    const byte = buf[cursor.pos++];
    if (byte === undefined) throw new HpackError('truncated integer');
    value += (byte & 0x7f) * factor;
    factor *= 128;
    // Nothing legitimate (lengths, indexes, table sizes) comes near 2^31.
    if (value > 0x7fffffff) throw new HpackError('integer overflow');
    if ((byte & 0x80) === 0) return value;
  }
}

/** §5.2 string literal (raw or Huffman); advances `cursor.pos`. Returns latin1. */
function readString(buf: Uint8Array, cursor: { pos: number }): string {
  const huffman = ((buf[cursor.pos] ?? 0) & 0x80) !== 0;
  const length = readInteger(buf, cursor, 7);
  const end = cursor.pos + length;
  if (end > buf.length) throw new HpackError('truncated string');
  const raw = buf.subarray(cursor.pos, end);
  cursor.pos = end;
  const bytes = huffman ? huffmanDecode(raw) : raw;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

// ---------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------

export interface HpackEncoderOptions {
  /** Huffman-code strings when that is shorter. Off by default: cheaper, and the output is only local. */
  huffman?: boolean;
}

/**
 * HPACK encoder that never adds to the dynamic table (only static-table
 * references and literals "without indexing" / "never indexed"), so it needs
 * no table-size coordination with the peer's decoder and is stateless.
 */
export class HpackEncoder {
  private readonly huffman: boolean;

  constructor(options: HpackEncoderOptions = {}) {
    this.huffman = options.huffman ?? false;
  }

  encode(fields: readonly HeaderField[]): Buffer {
    const parts: number[] = [];
    const chunks: Buffer[] = [];
    const flush = (): void => {
      if (parts.length > 0) {
        chunks.push(Buffer.from(parts));
        parts.length = 0;
      }
    };
    const writeString = (s: string): void => {
      const raw = Buffer.from(s, 'latin1');
      const coded = this.huffman ? huffmanEncode(raw) : undefined;
      if (coded !== undefined && coded.length < raw.length) {
        writeInteger(parts, coded.length, 7, 0x80);
        flush();
        chunks.push(coded);
      } else {
        writeInteger(parts, raw.length, 7, 0x00);
        flush();
        chunks.push(raw);
      }
    };
    for (const { name, value, sensitive } of fields) {
      const pairIndex = sensitive ? undefined : STATIC_PAIR_INDEX.get(`${name}\0${value}`);
      if (pairIndex !== undefined) {
        writeInteger(parts, pairIndex, 7, 0x80);
        continue;
      }
      const nameIndex = STATIC_NAME_INDEX.get(name) ?? 0;
      writeInteger(parts, nameIndex, 4, sensitive ? 0x10 : 0x00);
      if (nameIndex === 0) writeString(name);
      writeString(value);
    }
    flush();
    return Buffer.concat(chunks);
  }
}

/** §5.1 integer with an N-bit prefix; `flags` fills the bits above the prefix. */
function writeInteger(out: number[], value: number, prefixBits: number, flags: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(flags | value);
    return;
  }
  out.push(flags | max);
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

// ===========================================================================
// 2. Authority validation and repair
// ===========================================================================

// RFC 3986 §3.2: unreserved / pct-encoded / sub-delims (+ ":" for userinfo).
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const USERINFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*$/;
const PORT = /^[0-9]*$/;
const IPV_FUTURE = /^v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;
const H16 = /^[0-9A-Fa-f]{1,4}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** RFC 3986 IPv6address (no zone id). */
function isIPv6Address(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  let count = all.length;
  // An embedded IPv4 address may only be the very last piece and counts as two groups.
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!IPV4.test(last)) return false;
    all.pop();
    count += 1;
  }
  if (!all.every((g) => H16.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * Whether `value` is a syntactically valid RFC 3986 authority
 * (`[userinfo "@"] host [":" port]`). Anything accepted here also passes
 * nghttp2's (character-based) `:authority` check.
 */
export function isValidAuthority(value: string): boolean {
  let hostPort = value;
  const at = value.indexOf('@');
  if (at >= 0) {
    if (!USERINFO.test(value.slice(0, at))) return false;
    hostPort = value.slice(at + 1);
  }
  let rest: string;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return false;
    const literal = hostPort.slice(1, close);
    if (!isIPv6Address(literal) && !IPV_FUTURE.test(literal)) return false;
    rest = hostPort.slice(close + 1);
  } else {
    // reg-name and IPv4address contain no ':', so the first ':' starts the port.
    const colon = hostPort.indexOf(':');
    const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    if (!REG_NAME.test(host)) return false;
    rest = colon < 0 ? '' : hostPort.slice(colon);
  }
  return rest === '' || (rest.startsWith(':') && PORT.test(rest.slice(1)));
}

const URL_WITH_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/**
 * Replacement for an invalid `:authority`: the authority part of a URL
 * (`http://127.0.0.1:2379` → `127.0.0.1:2379`, what grpc-go clients mean),
 * else `fallback` (the listening address).
 */
export function repairAuthority(value: string, fallback: string): string {
  const inner = URL_WITH_AUTHORITY.exec(value)?.[1];
  return inner !== undefined && inner !== '' && isValidAuthority(inner) ? inner : fallback;
}

/** `host:port` as an authority (IPv6 hosts bracketed). */
export function formatAuthority(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

// ===========================================================================
// 3. HTTP/2 client-stream rewriter (pure)
// ===========================================================================

/** Client connection preface (RFC 9113 §3.4). */
export const HTTP2_CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

const FRAME_HEADER_LENGTH = 9;
const FRAME_HEADERS = 0x1;
const FRAME_CONTINUATION = 0x9;
const FLAG_END_STREAM = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;
/** SETTINGS_MAX_FRAME_SIZE's minimum: every peer accepts frames this large. */
const MAX_OUT_FRAME_PAYLOAD = 16384;

/** A protocol violation in the client stream; on a live connection it means "drop the connection". */
export class Http2FrameError extends Error {
  override name = 'Http2FrameError';
}

export interface AuthorityRewriterOptions {
  /** `:authority` to use when an invalid one is not a URL with a valid authority (the listening address). */
  fallbackAuthority: string;
  /** Cap on one header block (HEADERS + CONTINUATION fragments). Default 1 MiB. */
  maxHeaderBlockSize?: number;
  /** Passed to the HpackDecoder. */
  decoder?: HpackDecoderOptions;
}

/**
 * - `preface`: waiting for the 24-byte client preface;
 * - `detecting`: parsing frames until the first header block is decoded;
 * - `passthrough`: the first block was fine, bytes are forwarded untouched;
 * - `rewriting`: the first block needed a fix, so every header block of the
 *   connection is decoded and re-encoded (HPACK state is per connection: once
 *   one block is re-encoded, the server's decoder only sees our encoding).
 */
export type AuthorityRewriterMode = 'preface' | 'detecting' | 'passthrough' | 'rewriting';

/**
 * Incremental rewriter of the client→server bytes of one HTTP/2 connection:
 * feed chunks with push(), forward what it returns. Only header blocks are
 * touched; other frames are copied byte for byte (streamed, never buffered
 * whole). Throws Http2FrameError/HpackError on malformed input.
 */
export class AuthorityRewriter {
  private modeValue: AuthorityRewriterMode = 'preface';
  private pending: Buffer = Buffer.alloc(0);
  /** Payload bytes of the current non-header frame still to copy through. */
  private passRemaining = 0;
  /** Header block being collected (HEADERS seen, END_HEADERS not yet). */
  private block: { streamId: number; endStream: boolean; fragments: Buffer[]; size: number; raw: Buffer[] } | undefined;
  private readonly decoder: HpackDecoder;
  private readonly encoder = new HpackEncoder();
  private readonly fallbackAuthority: string;
  private readonly maxHeaderBlockSize: number;
  private rewrittenCount = 0;

  constructor(options: AuthorityRewriterOptions) {
    this.fallbackAuthority = options.fallbackAuthority;
    this.maxHeaderBlockSize = options.maxHeaderBlockSize ?? 1024 * 1024;
    this.decoder = new HpackDecoder(options.decoder);
  }

  get mode(): AuthorityRewriterMode {
    return this.modeValue;
  }

  /** Number of `:authority` values replaced so far. */
  get rewrites(): number {
    return this.rewrittenCount;
  }

  /** Consumes client bytes; returns the bytes to forward to the server (possibly empty). */
  push(chunk: Buffer): Buffer {
    // Common case: no parsing, no copying.
    if (this.modeValue === 'passthrough') return chunk;
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    let off = 0;
    while (off < buf.length) {
      if (this.modeValue === 'passthrough') {
        out.push(buf.subarray(off));
        off = buf.length;
        break;
      }
      if (this.modeValue === 'preface') {
        const have = Math.min(buf.length - off, HTTP2_CLIENT_PREFACE.length);
        if (!buf.subarray(off, off + have).equals(HTTP2_CLIENT_PREFACE.subarray(0, have))) {
          // Not HTTP/2 prior knowledge: leave it to the server to reject properly.
          this.modeValue = 'passthrough';
          continue;
        }
        if (have < HTTP2_CLIENT_PREFACE.length) break;
        out.push(buf.subarray(off, off + have));
        off += have;
        this.modeValue = 'detecting';
        continue;
      }
      if (this.passRemaining > 0) {
        const n = Math.min(this.passRemaining, buf.length - off);
        out.push(buf.subarray(off, off + n));
        off += n;
        this.passRemaining -= n;
        continue;
      }
      if (buf.length - off < FRAME_HEADER_LENGTH) break;
      const length = buf.readUIntBE(off, 3);
      const type = buf[off + 3] ?? 0;
      const flags = buf[off + 4] ?? 0;
      const streamId = buf.readUInt32BE(off + 5) & 0x7fffffff;
      if (this.block !== undefined && (type !== FRAME_CONTINUATION || streamId !== this.block.streamId)) {
        throw new Http2FrameError('expected CONTINUATION of the open header block');
      }
      if (type !== FRAME_HEADERS && type !== FRAME_CONTINUATION) {
        out.push(buf.subarray(off, off + FRAME_HEADER_LENGTH));
        off += FRAME_HEADER_LENGTH;
        this.passRemaining = length;
        continue;
      }
      if (type === FRAME_CONTINUATION && this.block === undefined) {
        throw new Http2FrameError('CONTINUATION without an open header block');
      }
      if (streamId === 0) throw new Http2FrameError('header frame on stream 0');
      if (length + (this.block?.size ?? 0) > this.maxHeaderBlockSize) throw new Http2FrameError('header block too large');
      if (buf.length - off < FRAME_HEADER_LENGTH + length) break;
      const frame = buf.subarray(off, off + FRAME_HEADER_LENGTH + length);
      off += frame.length;
      this.onHeaderFrame(type, flags, streamId, frame, out);
    }
    // Copy the (small) unconsumed tail so the big input chunk is not retained.
    this.pending = off < buf.length ? Buffer.from(buf.subarray(off)) : Buffer.alloc(0);
    return out.length === 1 ? (out[0] ?? Buffer.alloc(0)) : Buffer.concat(out);
  }

  private onHeaderFrame(type: number, flags: number, streamId: number, frame: Buffer, out: Buffer[]): void {
    const payload = frame.subarray(FRAME_HEADER_LENGTH);
    let fragment = payload;
    if (type === FRAME_HEADERS) {
      let start = 0;
      let padLength = 0;
      if (flags & FLAG_PADDED) {
        padLength = payload[0] ?? 0;
        start = 1;
      }
      if (flags & FLAG_PRIORITY) start += 5;
      if (start + padLength > payload.length) throw new Http2FrameError('HEADERS padding/priority exceed the frame');
      fragment = payload.subarray(start, payload.length - padLength);
      this.block = { streamId, endStream: (flags & FLAG_END_STREAM) !== 0, fragments: [], size: 0, raw: [] };
    }
    const block = this.block;
    if (block === undefined) throw new Http2FrameError('CONTINUATION without an open header block');
    block.fragments.push(fragment);
    block.size += fragment.length;
    // Raw frames are only needed to forward the first block unchanged.
    if (this.modeValue === 'detecting') block.raw.push(frame);
    if ((flags & FLAG_END_HEADERS) === 0) return;
    this.block = undefined;

    const fields = this.decoder.decode(block.fragments.length === 1 ? fragment : Buffer.concat(block.fragments));
    if (this.modeValue === 'detecting') {
      if (fields.every((f) => f.name !== ':authority' || isValidAuthority(f.value))) {
        out.push(...block.raw);
        this.modeValue = 'passthrough';
        return;
      }
      this.modeValue = 'rewriting';
    }
    for (const field of fields) {
      if (field.name === ':authority' && !isValidAuthority(field.value)) {
        field.value = repairAuthority(field.value, this.fallbackAuthority);
        this.rewrittenCount++;
      }
    }
    out.push(...encodeHeaderFrames(streamId, block.endStream, this.encoder.encode(fields)));
  }
}

/** One HEADERS frame (no padding/priority) plus CONTINUATIONs for blocks over 16 KiB. */
export function encodeHeaderFrames(streamId: number, endStream: boolean, block: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let off = 0;
  do {
    const size = Math.min(MAX_OUT_FRAME_PAYLOAD, block.length - off);
    const last = off + size >= block.length;
    const header = Buffer.alloc(FRAME_HEADER_LENGTH);
    header.writeUIntBE(size, 0, 3);
    header[3] = off === 0 ? FRAME_HEADERS : FRAME_CONTINUATION;
    header[4] = (off === 0 && endStream ? FLAG_END_STREAM : 0) | (last ? FLAG_END_HEADERS : 0);
    header.writeUInt32BE(streamId, 5);
    frames.push(header, block.subarray(off, off + size));
    off += size;
  } while (off < block.length);
  return frames;
}

// ===========================================================================
// 3b. Looking at the first header block before Node's HTTP/2 sees the socket
// ===========================================================================

const FRAME_SETTINGS = 0x4;
const FRAME_PING = 0x6;
const FLAG_ACK = 0x1;
/** The server preface: a SETTINGS frame with no parameters (every setting at its default). */
export const EMPTY_SETTINGS_FRAME = Buffer.from([0, 0, 0, FRAME_SETTINGS, 0, 0, 0, 0, 0]);
const SETTINGS_ACK_TIMEOUT_MS = 10_000;

export type PrefaceVerdict =
  /** Not yet: send `reply` (if any) to the client and feed more bytes. */
  | { kind: 'more'; reply?: Buffer }
  /**
   * Decided (`rewriter.mode` says how): `forward` is what the rewriter made of every client byte
   * so far, minus what we answered ourselves; in passthrough mode, those bytes as they came.
   */
  | { kind: 'ready'; reply?: Buffer; forward: Buffer };

/**
 * Holds a new connection's client bytes until its first header block is complete, so the
 * front can decide whether the connection needs rewriting at all. Almost none do (only clients
 * sending a URL as :authority, like etcdctl 3.4), and those that do not are handed to Node's
 * HTTP/2 as the raw socket, which it then reads natively instead of through a JS stream. The
 * frames go through the connection's AuthorityRewriter as they come, which checks them and
 * makes the decision.
 *
 * gRPC clients send no request before the server's SETTINGS, and Node's HTTP/2 does not see the
 * socket yet, so the sniffer sends the server preface itself: an empty SETTINGS (the defaults;
 * Node's own SETTINGS follow once it has the socket). The client's ACK of it, and the answer to
 * any PING meanwhile, never reach Node, which would see them as unsolicited.
 */
export class ClientPrefaceSniffer {
  readonly rewriter: AuthorityRewriter;
  private pending: Buffer = Buffer.alloc(0);
  private readonly forwarded: Buffer[] = [];
  private seenBytes = 0;
  private prefaceSeen = false;
  private settingsAcked = false;

  constructor(
    rewriter: AuthorityRewriterOptions,
    private readonly maxBytes = 1024 * 1024,
  ) {
    this.rewriter = new AuthorityRewriter(rewriter);
  }

  private get decided(): boolean {
    return this.rewriter.mode === 'passthrough' || this.rewriter.mode === 'rewriting';
  }

  /** The header block is in but the client has not acknowledged our SETTINGS (RFC 9113 §6.5.3 says it must). */
  get awaitingSettingsAck(): boolean {
    return this.decided && !this.settingsAcked;
  }

  /** Throws Http2FrameError/HpackError on a malformed client stream, as AuthorityRewriter does. */
  push(chunk: Buffer): PrefaceVerdict {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const replies: Buffer[] = [];
    if (!this.prefaceSeen) {
      const have = Math.min(this.pending.length, HTTP2_CLIENT_PREFACE.length);
      if (!this.pending.subarray(0, have).equals(HTTP2_CLIENT_PREFACE.subarray(0, have))) {
        // Not HTTP/2 with prior knowledge: the rewriter passes it on and Node rejects it the way it always does.
        return { kind: 'ready', forward: this.rewriter.push(this.pending) };
      }
      if (have < HTTP2_CLIENT_PREFACE.length) return { kind: 'more' };
      this.forward(this.pending.subarray(0, have));
      this.pending = this.pending.subarray(have);
      this.prefaceSeen = true;
      replies.push(EMPTY_SETTINGS_FRAME);
    }
    let off = 0;
    while (this.pending.length - off >= FRAME_HEADER_LENGTH) {
      const length = this.pending.readUIntBE(off, 3);
      if (this.pending.length - off < FRAME_HEADER_LENGTH + length) break;
      const type = this.pending[off + 3] ?? 0;
      const flags = this.pending[off + 4] ?? 0;
      const streamId = this.pending.readUInt32BE(off + 5) & 0x7fffffff;
      const frame = this.pending.subarray(off, off + FRAME_HEADER_LENGTH + length);
      off += frame.length;
      if (type === FRAME_SETTINGS && flags & FLAG_ACK && !this.settingsAcked && streamId === 0 && length === 0) {
        this.settingsAcked = true; // our EMPTY_SETTINGS_FRAME's
      } else if (type === FRAME_PING && !(flags & FLAG_ACK) && streamId === 0 && length === 8) {
        const ack = Buffer.from(frame);
        ack[4] = FLAG_ACK;
        replies.push(ack);
      } else {
        this.forward(frame);
      }
    }
    this.pending = Buffer.from(this.pending.subarray(off));
    if (this.seenBytes + this.pending.length > this.maxBytes) throw new Http2FrameError('no complete header block in the first bytes');
    const reply = replies.length === 0 ? undefined : Buffer.concat(replies);
    if (!this.decided || !this.settingsAcked) return reply ? { kind: 'more', reply } : { kind: 'more' };
    this.forward(this.pending); // a partial frame: the rewriter keeps it for the bytes to come
    const forward = Buffer.concat(this.forwarded);
    return reply ? { kind: 'ready', reply, forward } : { kind: 'ready', forward };
  }

  private forward(bytes: Buffer): void {
    this.forwarded.push(this.rewriter.push(bytes));
    this.seenBytes += bytes.length;
  }
}

// ===========================================================================
// 4. net / grpc-js glue
// ===========================================================================

/**
 * The client socket as grpc-js sees it: server→client bytes go straight to
 * the socket, client→server bytes go through an AuthorityRewriter.
 */
class RewritingSocket extends Duplex {
  private pausedForBackpressure = false;

  /** `first`: what the rewriter already made of the bytes read before this socket existed. */
  constructor(
    private readonly socket: net.Socket,
    rewriter: AuthorityRewriter,
    first: Buffer,
  ) {
    super({ allowHalfOpen: false });
    if (first.length > 0) this.push(first);
    socket.on('data', (chunk: Buffer) => {
      let out: Buffer;
      try {
        out = rewriter.push(chunk);
      } catch (err) {
        // Malformed client stream: drop just this connection.
        this.destroy(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (out.length > 0 && !this.push(out)) {
        this.pausedForBackpressure = true;
        socket.pause();
      }
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    if (this.pausedForBackpressure) {
      this.pausedForBackpressure = false;
      this.socket.resume();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.socket.cork();
    let last: Buffer | undefined;
    for (const { chunk } of chunks) {
      if (last !== undefined) this.socket.write(last);
      last = chunk;
    }
    if (last === undefined) callback();
    else this.socket.write(last, callback);
    this.socket.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

export interface LenientAuthorityServer {
  /** The bound TCP port. */
  port: number;
  /** Connections handed to HTTP/2 as they are, and those whose header blocks are rewritten. */
  connections(): { direct: number; rewritten: number };
  /** Whether the unary router (if one was given) answers its methods ahead of grpc-js. */
  routed: boolean;
  /** Stops accepting, ends open connections, and resolves once the listener is closed. */
  close(): Promise<void>;
}

/**
 * Serves `grpcServer` on host:port through the authority-fixing front.
 * port 0 = pick one. The grpc server needs no bindAsync of its own for this
 * address (it may have other bindings). `unaryRouter` answers its methods ahead of grpc-js
 * (lib/grpc/h2-unary-server.ts).
 */
export async function listenWithLenientAuthority(
  grpcServer: grpc.Server,
  host: string,
  port: number,
  opts: { unaryRouter?: UnaryRouter } = {},
): Promise<LenientAuthorityServer> {
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  let routed = false;
  if (opts.unaryRouter) {
    const h2server = lastInjectorHttp2Server(grpcServer);
    if (h2server) {
      routeAroundGrpc(h2server, opts.unaryRouter);
      routed = true;
    }
  }
  const sockets = new Set<net.Socket>();
  let fallbackAuthority = formatAuthority(host, port);

  // Decided once the first header block is in (ClientPrefaceSniffer): a connection that needs
  // no repair goes to Node's HTTP/2 as the raw socket, the others through a RewritingSocket.
  const counts = { direct: 0, rewritten: 0 };
  const handOff = (socket: net.Socket, rewriter: AuthorityRewriter, forward: Buffer): void => {
    try {
      if (rewriter.mode === 'passthrough') {
        socket.unshift(forward);
        injector.injectConnection(socket);
        counts.direct++;
      } else {
        injector.injectConnection(new RewritingSocket(socket, rewriter, forward));
        socket.resume();
        counts.rewritten++;
      }
    } catch {
      socket.destroy();
    }
  };

  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Until HTTP/2 owns the socket's errors, never let one go unhandled.
    socket.on('error', () => socket.destroy());
    const sniffer = new ClientPrefaceSniffer({ fallbackAuthority });
    let ackTimer: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer): void => {
      let verdict: PrefaceVerdict;
      try {
        verdict = sniffer.push(chunk);
      } catch {
        // Malformed client stream: drop just this connection.
        socket.destroy();
        return;
      }
      if (verdict.reply) socket.write(verdict.reply);
      if (verdict.kind === 'more') {
        // A client that never acknowledges SETTINGS is broken (SETTINGS_TIMEOUT): drop it.
        if (sniffer.awaitingSettingsAck && !ackTimer) ackTimer = setTimeout(() => socket.destroy(), SETTINGS_ACK_TIMEOUT_MS).unref();
        return;
      }
      clearTimeout(ackTimer);
      socket.off('data', onData);
      socket.pause();
      handOff(socket, sniffer.rewriter, verdict.forward);
    };
    socket.on('data', onData);
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  // Accept errors (e.g. EMFILE) must not crash the process.
  server.on('error', () => {});

  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  fallbackAuthority = formatAuthority(typeof address === 'object' && address !== null ? address.address : host, boundPort);

  let closing: Promise<void> | undefined;
  return {
    port: boundPort,
    connections: () => ({ ...counts }),
    routed,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        // GOAWAY to the sessions and unregister the injector...
        injector.destroy();
        // ...but don't wait for long-lived streams (watches): a graceful
        // session close would wait for them forever. Let the GOAWAY flush first.
        setImmediate(() => {
          for (const socket of sockets) socket.destroy();
        });
      });
      return closing;
    },
  };
}
