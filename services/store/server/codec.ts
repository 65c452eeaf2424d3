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
  const t = storeProtoTypes().request;
  return t.encode(t.fromObject(req)).finish();
}

export function decodeRequest(data: Uint8Array): InternalRequest {
  const t = storeProtoTypes().request;
  // Must be a Buffer: protobufjs hands out bytes fields as the input's type, and entries read
  // back from the WAL are plain Uint8Arrays, whose keys the key-value store would not
  // recognise (found as members diverging after restarts).
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return t.toObject(t.decode(buf), requestObjectOptions) as InternalRequest;
}
