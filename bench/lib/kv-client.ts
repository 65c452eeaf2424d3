// The two requests the bench sends (KV.Put, KV.Range of one key), over either of two clients:
//  - 'grpc-js': the project's typed grpc-js client (lib/grpc/etcd-proto.ts);
//  - 'h2': a minimal gRPC-over-HTTP/2 client on node:http2 with hand-encoded protobuf. It costs
//    the load generator far less CPU per request than grpc-js, which matters when the client
//    and the servers share a few cores. Both speak the same wire protocol to the servers.
import * as grpc from '@grpc/grpc-js';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import type { EtcdGrpcClient } from '../../lib/grpc/etcd-proto.js';
import { H2UnaryChannel } from '../../lib/grpc/h2-unary.js';
import { varintSize, writeVarint } from '../../lib/protobuf-wire.js';

export type ClientKind = 'grpc-js' | 'h2';
export const CLIENT_KINDS: readonly ClientKind[] = ['h2', 'grpc-js'];

export interface KvClient {
  /** Resolves to the revision in the reply's header (0 if the header is missing). */
  put(key: Buffer, value: Buffer, timeoutMs: number): Promise<number>;
  /** Resolves to the value length of every key returned. */
  range(key: Buffer, serializable: boolean, timeoutMs: number): Promise<number[]>;
  ready(timeoutMs: number): Promise<void>;
  close(): void;
}

export function createKvClient(kind: ClientKind, endpoint: string): KvClient {
  return kind === 'h2' ? new H2KvClient(endpoint) : new GrpcJsKvClient(endpoint);
}

// ---------------------------------------------------------------------------------------------
// grpc-js
// ---------------------------------------------------------------------------------------------

class GrpcJsKvClient implements KvClient {
  private readonly c: EtcdGrpcClient;

  constructor(endpoint: string) {
    // A local subchannel pool gives every client its own TCP connection; otherwise grpc-js
    // would share one connection among all clients of the same target.
    this.c = createEtcdClient(endpoint, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.max_receive_message_length': -1,
    });
  }

  async put(key: Buffer, value: Buffer, timeoutMs: number): Promise<number> {
    const res = await this.c.KV.Put({ key, value }, { deadline: Date.now() + timeoutMs });
    return res.header ? Number(res.header.revision) : 0;
  }

  async range(key: Buffer, serializable: boolean, timeoutMs: number): Promise<number[]> {
    const res = await this.c.KV.Range({ key, serializable }, { deadline: Date.now() + timeoutMs });
    return res.kvs.map((kv) => kv.value.length);
  }

  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.c.grpcClient.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): void {
    this.c.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Minimal protobuf
// ---------------------------------------------------------------------------------------------

/** A message of length-delimited fields (one-byte tags), then `tail`'s raw bytes. */
function message(fields: [tag: number, bytes: Buffer][], tail: number[] = []): Buffer {
  let len = tail.length;
  for (const [, b] of fields) len += 1 + varintSize(b.length) + b.length;
  const out = Buffer.allocUnsafe(len);
  let off = 0;
  for (const [tag, b] of fields) {
    out[off++] = tag;
    off = writeVarint(out, off, b.length);
    b.copy(out, off);
    off += b.length;
  }
  for (const t of tail) out[off++] = t;
  return out;
}

function readVarint(buf: Buffer, pos: number, end: number): [value: number, next: number] {
  let n = 0;
  let mul = 1;
  for (;;) {
    if (pos >= end) throw new Error('protobuf: truncated varint');
    const b = buf[pos++] as number;
    n += (b & 0x7f) * mul;
    if (b < 0x80) return [n, pos];
    mul *= 128;
  }
}

/**
 * Calls fn for every field of the message buf[start, end): for varints with the value, for
 * length-delimited fields with the payload's bounds.
 */
function scan(buf: Buffer, start: number, end: number, fn: (field: number, wire: number, value: number, from: number, to: number) => void): void {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = readVarint(buf, pos, end);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = afterTag;
    if (wire === 0) {
      const [v, next] = readVarint(buf, pos, end);
      fn(field, wire, v, pos, next);
      pos = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(buf, pos, end);
      if (next + len > end) throw new Error('protobuf: truncated field');
      fn(field, wire, len, next, next + len);
      pos = next + len;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
    } else {
      throw new Error(`protobuf: wire type ${wire}`);
    }
  }
  if (pos !== end) throw new Error('protobuf: truncated field');
}

/** Value of varint field `want` of buf[start, end), or 0. */
function varintField(buf: Buffer, start: number, end: number, want: number): number {
  let out = 0;
  scan(buf, start, end, (field, wire, value) => {
    if (field === want && wire === 0) out = value;
  });
  return out;
}

/** Bounds of the payload of every length-delimited field `want` of buf[start, end). */
function bytesFields(buf: Buffer, start: number, end: number, want: number): [number, number][] {
  const out: [number, number][] = [];
  scan(buf, start, end, (field, wire, _v, from, to) => {
    if (field === want && wire === 2) out.push([from, to]);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// gRPC over node:http2 (lib/grpc/h2-unary.ts)
// ---------------------------------------------------------------------------------------------

class H2KvClient implements KvClient {
  private readonly channel: H2UnaryChannel;

  constructor(readonly endpoint: string) {
    this.channel = new H2UnaryChannel([endpoint], { maxReceiveBytes: 64 * 1024 * 1024 });
  }

  ready(timeoutMs: number): Promise<void> {
    return this.channel.ready(timeoutMs);
  }

  close(): void {
    this.channel.close();
  }

  private call(path: string, body: Buffer, timeoutMs: number): Promise<Buffer> {
    return this.channel.call(path, body, Date.now() + timeoutMs);
  }

  async put(key: Buffer, value: Buffer, timeoutMs: number): Promise<number> {
    // PutRequest: key = 1, value = 2.
    const reply = await this.call('/etcdserverpb.KV/Put', message([[0x0a, key], [0x12, value]]), timeoutMs);
    // PutResponse: header = 1; ResponseHeader: revision = 3.
    const header = bytesFields(reply, 0, reply.length, 1)[0];
    return header ? varintField(reply, header[0], header[1], 3) : 0;
  }

  async range(key: Buffer, serializable: boolean, timeoutMs: number): Promise<number[]> {
    // RangeRequest: key = 1, serializable = 7 (varint, tag 0x38).
    const reply = await this.call('/etcdserverpb.KV/Range', message([[0x0a, key]], serializable ? [0x38, 1] : []), timeoutMs);
    // RangeResponse: kvs = 2; KeyValue: value = 5.
    return bytesFields(reply, 0, reply.length, 2).map(([s, e]) => {
      const v = bytesFields(reply, s, e, 5)[0];
      return v ? v[1] - v[0] : 0;
    });
  }
}
