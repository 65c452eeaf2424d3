// Replicated requests (Raft entry payloads), protobuf (proto/store/store.proto). The peer
// stream's Raft messages have their own hand-written codec (peer-codec.ts).
import protobuf from 'protobufjs';
import type {
  CompactionRequest,
  DeleteRangeRequest,
  LeaseGrantRequest,
  LeaseRevokeRequest,
  PutRequest,
  TxnRequest,
} from '../../../lib/grpc/etcd-proto.js';
import { protoRoot } from '../../../lib/grpc/etcd-proto.js';
import type { EtcdKvCodec } from '../../../lib/grpc/etcd-kv-codec.js';
import { etcdKvCodec } from '../../../lib/grpc/etcd-kv-codec.js';
import { ProtoDecodeError, ProtoReader, varintSize, writeVarint } from '../../../lib/protobuf-wire.js';
import path from 'node:path';

export interface InternalRequest {
  id: string;
  put?: PutRequest;
  delete_range?: DeleteRangeRequest;
  txn?: TxnRequest;
  compaction?: CompactionRequest;
  lease_grant?: LeaseGrantRequest;
  lease_revoke?: LeaseRevokeRequest;
  member_attributes?: { member_id: string; name: string; client_urls: string[] };
  member_peer_update?: { member_id: string; peer_urls: string[] };
  lease_checkpoint?: { id: string; remaining_ttl: string };
  request?: string;
}

let cached: { request: protobuf.Type; batch: protobuf.Type } | undefined;

/** The protobufjs types of store.proto's InternalRequest and (for tests of peer-codec.ts) MessageBatch. */
export function storeProtoTypes(): { request: protobuf.Type; batch: protobuf.Type } {
  if (!cached) {
    const root = new protobuf.Root();
    const includeDirs = [path.join(protoRoot(), 'etcd'), protoRoot()];
    root.resolvePath = (_origin, target) => {
      for (const dir of includeDirs) {
        const candidate = path.join(dir, target);
        if (protobuf.util.fs && (protobuf.util.fs as { existsSync(p: string): boolean }).existsSync(candidate)) return candidate;
      }
      return target;
    };
    root.loadSync('store/store.proto', { keepCase: true });
    root.resolveAll();
    cached = { request: root.lookupType('storepb.InternalRequest'), batch: root.lookupType('storepb.MessageBatch') };
  }
  return cached;
}

// The same shapes @grpc/proto-loader produces, so apply code sees one form whichever path a request took.
const requestObjectOptions: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  arrays: true,
};

export function encodeRequest(req: InternalRequest): Uint8Array {
  const fast = encodeKvRequest(req);
  if (fast) return fast;
  const t = storeProtoTypes().request;
  return t.encode(t.fromObject(req)).finish();
}

export function decodeRequest(data: Uint8Array): InternalRequest {
  // Must be a Buffer: protobufjs hands out bytes fields as the input's type, and entries read
  // back from the WAL are plain Uint8Arrays, whose keys the key-value store would not
  // recognise (found as members diverging after restarts).
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const fast = decodeKvRequest(buf);
  if (fast) return fast;
  const t = storeProtoTypes().request;
  return t.toObject(t.decode(buf), requestObjectOptions) as InternalRequest;
}

// Puts, deletes and transactions are nearly everything replicated under load, and protobufjs
// spends more on them (reflective fromObject/toObject, a Long per int64) than the store spends
// applying them. Their bodies go through lib/grpc/etcd-kv-codec.ts (the same bytes and objects
// as protobufjs), and the InternalRequest around them, an ID and the oneof, is written and read
// here. A put without a lease, the commonest of all, has its body written and read here too
// (about twice as fast as the general codec). Anything else, or anything these decline, goes
// through protobufjs. codec.test.ts checks both directions against protobufjs.

const ID_TAG = 0x0a; // field 1, length-delimited

interface KvMember {
  readonly tag: number;
  readonly codec: EtcdKvCodec;
}

const PUT: KvMember = { tag: 0x12, codec: kvCodec('etcdserverpb.PutRequest') };
const DELETE_RANGE: KvMember = { tag: 0x1a, codec: kvCodec('etcdserverpb.DeleteRangeRequest') };
const TXN: KvMember = { tag: 0x22, codec: kvCodec('etcdserverpb.TxnRequest') };

/** The oneof members with a hand-written codec, by field number (2: put, 3: delete_range, 4: txn). */
const KV_MEMBERS: readonly KvMember[] = [PUT, DELETE_RANGE, TXN];

function kvCodec(name: string): EtcdKvCodec {
  const c = etcdKvCodec(name);
  if (!c) throw new Error(`no hand-written codec for ${name}`);
  return c;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function encodeKvRequest(req: InternalRequest): Uint8Array | undefined {
  // Our IDs are ASCII; anything else is left to protobufjs' UTF-8 writing.
  if (typeof req.id !== 'string' || !isAscii(req.id)) return undefined;
  // Exactly one member of the oneof, and one of ours (named, not looked up by a varying key:
  // this runs for every proposal).
  const others = isSet(req.compaction) || isSet(req.lease_grant) || isSet(req.lease_revoke) || isSet(req.member_attributes) || isSet(req.member_peer_update) || isSet(req.lease_checkpoint);
  const members = (isSet(req.put) ? 1 : 0) + (isSet(req.delete_range) ? 1 : 0) + (isSet(req.txn) ? 1 : 0);
  if (others || members !== 1) return undefined;
  const member = isSet(req.put) ? PUT : isSet(req.delete_range) ? DELETE_RANGE : TXN;
  const plain = req.put ? plainPut(req.put) : undefined;
  const bytes = plain ? undefined : member.codec.encode(req.put ?? req.delete_range ?? req.txn);
  const size = plain?.size ?? bytes?.length;
  if (size === undefined) return undefined;
  const idLen = req.id.length;
  const out = Buffer.allocUnsafe(1 + varintSize(idLen) + idLen + 1 + varintSize(size) + size);
  let off = 0;
  out[off++] = ID_TAG;
  off = writeVarint(out, off, idLen);
  off += out.write(req.id, off, 'latin1');
  out[off++] = member.tag;
  off = writeVarint(out, off, size);
  if (plain) {
    off = writePlainPut(out, off, plain);
  } else if (bytes) {
    out.set(bytes, off);
    off += bytes.length;
  }
  if (off !== out.length) throw new Error(`request encoding: wrote ${off} of ${out.length} bytes`);
  return out;
}

function decodeKvRequest(buf: Buffer): InternalRequest | undefined {
  try {
    return readKvRequest(new ProtoReader(buf, 0, buf.length));
  } catch (err) {
    // Truncated or malformed: protobufjs decides how that reads (or fails).
    if (err instanceof ProtoDecodeError) return undefined;
    throw err;
  }
}

function readKvRequest(r: ProtoReader): InternalRequest | undefined {
  let id = '';
  let member: KvMember | undefined;
  let body: unknown;
  while (!r.done) {
    const tag = r.varint();
    const { start, end } = r.len();
    if (tag === ID_TAG) {
      // Our IDs are ASCII; anything else is left to protobufjs' UTF-8 reading.
      for (let i = start; i < end; i++) if ((r.buf[i] as number) >= 0x80) return undefined;
      id = r.buf.toString('latin1', start, end);
      continue;
    }
    const m = KV_MEMBERS.find((k) => k.tag === tag);
    // Another member, an unknown field, or a member given twice (protobufjs' rules for those).
    if (!m || member) return undefined;
    member = m;
    // Views: bytes fields in the body are views of the entry, as protobufjs hands them out.
    body = (m === PUT ? readPlainPutBody(new ProtoReader(r.buf, start, end)) : undefined) ?? m.codec.decode(r.buf.subarray(start, end));
    if (body === undefined) return undefined;
  }
  // One literal per member, not a computed key: each gets a stable object shape.
  if (member === PUT) return { id, put: body, request: 'put' } as InternalRequest;
  if (member === DELETE_RANGE) return { id, delete_range: body, request: 'delete_range' } as InternalRequest;
  if (member === TXN) return { id, txn: body, request: 'txn' } as InternalRequest;
  return undefined;
}

// A put without a lease, most of what is replicated under a plain write load, in store.proto's
// wire format. Anything else (or any field this does not expect) goes to the general codec.

const PUT_KEY_TAG = 0x0a;
const PUT_VALUE_TAG = 0x12;
const PUT_LEASE_TAG = 0x18; // field 3, varint
const PUT_PREV_KV_TAG = 0x20;
const PUT_IGNORE_VALUE_TAG = 0x28;
const PUT_IGNORE_LEASE_TAG = 0x30;

function isZeroLease(lease: unknown): boolean {
  return lease === undefined || lease === null || lease === '0' || lease === 0 || lease === '';
}

function bytesOrEmpty(v: unknown): Uint8Array | undefined {
  if (v === undefined || v === null) return EMPTY;
  return v instanceof Uint8Array ? v : undefined;
}

const EMPTY = Buffer.alloc(0);

/** A put's body for writePlainPut, with its encoded size, or undefined when it has a lease or unexpected field types. */
interface PlainPut {
  readonly put: PutRequest;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly size: number;
}

function plainPut(put: PutRequest): PlainPut | undefined {
  if (!isZeroLease(put.lease)) return undefined;
  const key = bytesOrEmpty(put.key);
  const value = bytesOrEmpty(put.value);
  if (!key || !value) return undefined;
  const flags = (put.prev_kv ? 2 : 0) + (put.ignore_value ? 2 : 0) + (put.ignore_lease ? 2 : 0);
  const size = (key.length > 0 ? 1 + varintSize(key.length) + key.length : 0) + (value.length > 0 ? 1 + varintSize(value.length) + value.length : 0) + flags;
  return { put, key, value, size };
}

function writePlainPut(out: Buffer, off: number, p: PlainPut): number {
  off = writeBytes(out, off, p.key, PUT_KEY_TAG);
  off = writeBytes(out, off, p.value, PUT_VALUE_TAG);
  off = writeTrue(out, off, p.put.prev_kv, PUT_PREV_KV_TAG);
  off = writeTrue(out, off, p.put.ignore_value, PUT_IGNORE_VALUE_TAG);
  return writeTrue(out, off, p.put.ignore_lease, PUT_IGNORE_LEASE_TAG);
}

/** A bytes field that is not empty; proto3 leaves empty ones out. */
function writeBytes(out: Buffer, off: number, b: Uint8Array, tag: number): number {
  if (b.length === 0) return off;
  out[off++] = tag;
  off = writeVarint(out, off, b.length);
  out.set(b, off);
  return off + b.length;
}

/** A bool field that is set; proto3 leaves false ones out. */
function writeTrue(out: Buffer, off: number, set: boolean | undefined, tag: number): number {
  if (!set) return off;
  out[off] = tag;
  out[off + 1] = 1;
  return off + 2;
}

function readPlainPutBody(r: ProtoReader): PutRequest | undefined {
  const put: { key: Buffer; value: Buffer; lease: string; prev_kv: boolean; ignore_value: boolean; ignore_lease: boolean } = {
    key: EMPTY,
    value: EMPTY,
    lease: '0',
    prev_kv: false,
    ignore_value: false,
    ignore_lease: false,
  };
  while (!r.done) {
    const tag = r.varint();
    if (tag === PUT_KEY_TAG || tag === PUT_VALUE_TAG) {
      const { start, end } = r.len();
      if (tag === PUT_KEY_TAG) put.key = r.buf.subarray(start, end);
      else put.value = r.buf.subarray(start, end);
    } else if (tag === PUT_LEASE_TAG) {
      if (r.varint() !== 0) return undefined; // a lease ID is an int64: the general codec's
    } else if (tag === PUT_PREV_KV_TAG) put.prev_kv = r.varint() !== 0;
    else if (tag === PUT_IGNORE_VALUE_TAG) put.ignore_value = r.varint() !== 0;
    else if (tag === PUT_IGNORE_LEASE_TAG) put.ignore_lease = r.varint() !== 0;
    else return undefined;
  }
  return put as unknown as PutRequest;
}
