// The peer transport (the 2380 port): Raft messages on one gRPC client stream per peer, plus
// the few unary calls a member makes to another. This is the I/O edge around EtcdServer.
import * as grpc from '@grpc/grpc-js';
import type {
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from '../../../lib/grpc/etcd-proto.js';
import type { Message } from '../raft/types.js';
import { MessageType } from '../raft/types.js';
import { decodeMessageBatch, encodeMessageBatch } from './peer-codec.js';
import { EtcdError, Errors } from './errors.js';
import type { MemberId } from './member-id.js';
import type { PeerTransport } from './etcd-server.js';

export interface ClusterInfo {
  clusterId: MemberId;
  members: { id: MemberId; name: string; peerUrls: string[]; clientUrls: string[]; isLearner: boolean }[];
}

/** What the peer server needs from the member it fronts. */
export interface PeerHandler {
  clusterId(): MemberId;
  receive(messages: Message[]): void;
  clusterInfo(): ClusterInfo;
  leaseKeepAlive(req: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse>;
  leaseTimeToLive(req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse>;
  memberPromote(id: MemberId): Promise<void>;
  reportUnreachable(id: MemberId, snapshotFailed: boolean): void;
}

const identity = (b: Buffer): Buffer => b;
const jsonOut = (v: unknown): Buffer =>
  Buffer.from(JSON.stringify(v, (_k, val: unknown) => (typeof val === 'bigint' ? val.toString() : val)));
const jsonIn = <T>(b: Buffer): T =>
  JSON.parse(b.toString('utf8'), (_k, val: unknown) =>
    val !== null && typeof val === 'object' && (val as { type?: string }).type === 'Buffer' && Array.isArray((val as { data?: unknown }).data)
      ? Buffer.from((val as { data: number[] }).data)
      : val,
  ) as T;

function unary(name: string): grpc.MethodDefinition<unknown, unknown> {
  return {
    path: `/storepb.Peer/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: jsonOut,
    requestDeserialize: jsonIn,
    responseSerialize: jsonOut,
    responseDeserialize: jsonIn,
  };
}

export const peerServiceDefinition = {
  Stream: {
    path: '/storepb.Peer/Stream',
    requestStream: true,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: () => ({}),
  } as grpc.MethodDefinition<Buffer, object>,
  ClusterInfo: unary('ClusterInfo'),
  LeaseKeepAlive: unary('LeaseKeepAlive'),
  LeaseTimeToLive: unary('LeaseTimeToLive'),
  MemberPromote: unary('MemberPromote'),
} satisfies grpc.ServiceDefinition;

const PeerClient = grpc.makeGenericClientConstructor(peerServiceDefinition, 'Peer');
type PeerClientT = InstanceType<typeof PeerClient>;

export const peerChannelOptions: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

export function urlToTarget(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port}`;
}

function toGrpcError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof EtcdError) return { code: err.code, details: err.message };
  return { code: grpc.status.UNKNOWN, details: err instanceof Error ? err.message : String(err) };
}

/** A unary peer call served by an async function; its error goes back as a gRPC status. */
function forwarded(
  fn: (req: unknown) => Promise<unknown>,
): (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => void {
  return (call, callback) => {
    fn(call.request).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toGrpcError(err)),
    );
  };
}

export function addPeerService(server: grpc.Server, handler: PeerHandler): void {
  server.addService(peerServiceDefinition, {
    Stream: (call: grpc.ServerReadableStream<Buffer, object>, callback: grpc.sendUnaryData<object>) => {
      call.on('data', (chunk: Buffer) => {
        let batch: ReturnType<typeof decodeMessageBatch>;
        try {
          batch = decodeMessageBatch(chunk);
        } catch {
          return;
        }
        if (batch.clusterId !== handler.clusterId()) {
          callback({ code: grpc.status.FAILED_PRECONDITION, details: 'cluster ID mismatch' });
          call.destroy();
          return;
        }
        handler.receive(batch.messages);
      });
      call.on('end', () => callback(null, {}));
      call.on('error', () => undefined);
    },
    ClusterInfo: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, handler.clusterInfo());
    },
    LeaseKeepAlive: forwarded((req) => handler.leaseKeepAlive(req as LeaseKeepAliveRequest)),
    LeaseTimeToLive: forwarded((req) => handler.leaseTimeToLive(req as LeaseTimeToLiveRequest)),
    MemberPromote: forwarded(async (req) => {
      await handler.memberPromote((req as { id: MemberId }).id);
      return {};
    }),
  });
}

interface Peer {
  id: MemberId;
  urls: string[];
  client: PeerClientT;
  stream: grpc.ClientWritableStream<Buffer> | undefined;
  /** Batches written but not yet flushed to the socket; beyond a bound we drop (Raft retries). */
  backlog: number;
}

const MAX_BACKLOG = 4096;

/** Client side: one connection and one message stream per peer. */
export class GrpcPeerTransport implements PeerTransport {
  private readonly peers = new Map<MemberId, Peer>();
  private handler: PeerHandler | undefined;
  private closed = false;

  constructor(private readonly clusterId: () => MemberId) {}

  attach(handler: PeerHandler): void {
    this.handler = handler;
  }

  setPeers(peers: { id: MemberId; peerUrls: string[] }[]): void {
    const wanted = new Map(peers.map((p) => [p.id, p.peerUrls]));
    for (const [id, peer] of this.peers) {
      const urls = wanted.get(id);
      if (!urls || urls.join(',') !== peer.urls.join(',')) {
        this.closePeer(peer);
        this.peers.delete(id);
      }
    }
    for (const [id, urls] of wanted) {
      if (this.peers.has(id) || urls.length === 0 || this.closed) continue;
      const client = new PeerClient(urlToTarget(urls[0] as string), grpc.credentials.createInsecure(), peerChannelOptions);
      this.peers.set(id, { id, urls, client, stream: undefined, backlog: 0 });
    }
  }

  send(messages: Message[]): void {
    if (this.closed) return;
    const byPeer = new Map<MemberId, Message[]>();
    for (const m of messages) {
      const list = byPeer.get(m.to);
      if (list) list.push(m);
      else byPeer.set(m.to, [m]);
    }
    for (const [to, msgs] of byPeer) {
      const peer = this.peers.get(to);
      if (!peer) continue;
      if (peer.backlog > MAX_BACKLOG) {
        this.unreachable(peer, msgs);
        continue;
      }
      const stream = this.streamOf(peer);
      peer.backlog++;
      stream.write(encodeMessageBatch(this.clusterId(), msgs), () => {
        peer.backlog = Math.max(0, peer.backlog - 1);
      });
    }
  }

  private streamOf(peer: Peer): grpc.ClientWritableStream<Buffer> {
    if (peer.stream) return peer.stream;
    const stream = peer.client.makeClientStreamRequest<Buffer, object>(
      peerServiceDefinition.Stream.path,
      identity,
      () => ({}),
      (err) => {
        if (peer.stream === stream) {
          peer.stream = undefined;
          peer.backlog = 0;
        }
        if (err) this.handler?.reportUnreachable(peer.id, false);
      },
    );
    stream.on('error', () => undefined);
    peer.stream = stream;
    return stream;
  }

  private unreachable(peer: Peer, msgs: Message[]): void {
    const snapshotFailed = msgs.some((m) => m.type === MessageType.Snap);
    this.handler?.reportUnreachable(peer.id, snapshotFailed);
  }

  private closePeer(peer: Peer): void {
    peer.stream?.end();
    peer.stream = undefined;
    peer.client.close();
  }

  private unaryCall<Req, Res>(
    leader: MemberId,
    method: 'LeaseKeepAlive' | 'LeaseTimeToLive' | 'MemberPromote',
    req: Req,
  ): Promise<Res> {
    const peer = this.peers.get(leader);
    if (!peer) return Promise.reject(Errors.noLeader());
    return new Promise((resolve, reject) => {
      peer.client.makeUnaryRequest<Req, Res>(
        peerServiceDefinition[method].path,
        jsonOut,
        jsonIn,
        req,
        { deadline: Date.now() + 5000 },
        (err, res) => {
          if (err || !res) reject(err && err.code !== grpc.status.UNKNOWN ? new EtcdError(err.code, err.details) : Errors.leaderChanged());
          else resolve(res);
        },
      );
    });
  }

  leaseKeepAlive(leader: MemberId, req: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse> {
    return this.unaryCall(leader, 'LeaseKeepAlive', req);
  }

  leaseTimeToLive(leader: MemberId, req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse> {
    return this.unaryCall(leader, 'LeaseTimeToLive', req);
  }

  async memberPromote(leader: MemberId, id: MemberId): Promise<void> {
    await this.unaryCall<{ id: MemberId }, object>(leader, 'MemberPromote', { id });
  }

  close(): void {
    this.closed = true;
    for (const peer of this.peers.values()) this.closePeer(peer);
    this.peers.clear();
  }
}

/** A joining member asks existing members who is in the cluster (etcd's GetClusterFromRemotePeers). */
export async function fetchClusterInfo(peerUrls: string[], timeoutMs = 5000): Promise<ClusterInfo> {
  let lastErr: unknown;
  for (const url of peerUrls) {
    const client = new PeerClient(urlToTarget(url), grpc.credentials.createInsecure(), peerChannelOptions);
    try {
      return await new Promise<ClusterInfo>((resolve, reject) => {
        client.makeUnaryRequest<object, ClusterInfo>(
          peerServiceDefinition.ClusterInfo.path,
          jsonOut,
          jsonIn,
          {},
          { deadline: Date.now() + timeoutMs },
          (err, res) => (err || !res ? reject(err ?? new Error('empty answer')) : resolve(res)),
        );
      });
    } catch (err) {
      lastErr = err;
    } finally {
      client.close();
    }
  }
  throw new Error(`could not retrieve cluster information from the given URLs (${peerUrls.join(',')}): ${String(lastErr)}`);
}
