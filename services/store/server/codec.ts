// Wire encodings between members: replicated requests (Raft entry payloads) and Raft
// messages on the peer stream, both protobuf (proto/store/store.proto).
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
import type { Entry, Message, MessageType, EntryType } from '../raft/types.js';
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

function types(): { request: protobuf.Type; batch: protobuf.Type } {
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
  const t = types().request;
  return t.encode(t.fromObject(req)).finish();
}

export function decodeRequest(data: Uint8Array): InternalRequest {
  const t = types().request;
  // Must be a Buffer: protobufjs hands out bytes fields as the input's type, and entries read
  // back from the WAL are plain Uint8Arrays, whose keys the key-value store would not
  // recognise (found as members diverging after restarts).
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return t.toObject(t.decode(buf), requestObjectOptions) as InternalRequest;
}

interface PbEntry {
  term: number;
  index: number;
  type: number;
  data: Uint8Array;
}

interface PbMessage {
  type: number;
  to: string;
  from: string;
  term: number;
  log_term: number;
  index: number;
  entries: PbEntry[];
  commit: number;
  snapshot?: {
    metadata?: { index: number; term: number; conf_state?: { voters: string[]; learners: string[] } };
    data: Uint8Array;
  };
  reject: boolean;
  reject_hint: number;
  context: Uint8Array;
}

const messageObjectOptions: protobuf.IConversionOptions = { longs: Number, bytes: Buffer, defaults: true, arrays: true };

export function encodeMessageBatch(clusterId: string, messages: Message[]): Uint8Array {
  const t = types().batch;
  const pb = {
    cluster_id: clusterId,
    messages: messages.map(
      (m): PbMessage => ({
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
              metadata: {
                index: m.snapshot.metadata.index,
                term: m.snapshot.metadata.term,
                conf_state: m.snapshot.metadata.confState,
              },
              data: m.snapshot.data,
            }
          : undefined,
        reject: m.reject,
        reject_hint: m.rejectHint,
        context: m.context,
      }),
    ),
  };
  return t.encode(t.fromObject(pb)).finish();
}

export function decodeMessageBatch(data: Uint8Array): { clusterId: string; messages: Message[] } {
  const t = types().batch;
  const obj = t.toObject(t.decode(data), messageObjectOptions) as { cluster_id: string; messages: PbMessage[] };
  return {
    clusterId: obj.cluster_id,
    messages: obj.messages.map(
      (m): Message => ({
        type: m.type as MessageType,
        to: m.to,
        from: m.from,
        term: m.term,
        logTerm: m.log_term,
        index: m.index,
        // Copies: decoded bytes are views into the received chunk, whose memory the transport
        // may reuse, while entries live on in the Raft log until applied (seen as entries
        // silently failing to apply on followers).
        entries: m.entries.map(
          (e): Entry => ({ term: e.term, index: e.index, type: e.type as EntryType, data: Buffer.from(e.data) }),
        ),
        commit: m.commit,
        ...(m.snapshot?.metadata
          ? {
              snapshot: {
                metadata: {
                  index: m.snapshot.metadata.index,
                  term: m.snapshot.metadata.term,
                  confState: {
                    voters: m.snapshot.metadata.conf_state?.voters ?? [],
                    learners: m.snapshot.metadata.conf_state?.learners ?? [],
                  },
                },
                data: Buffer.from(m.snapshot.data),
              },
            }
          : {}),
        reject: m.reject,
        rejectHint: m.reject_hint,
        context: Buffer.from(m.context),
      }),
    ),
  };
}
