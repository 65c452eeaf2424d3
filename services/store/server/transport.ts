// The peer transport (the 2380 port): Raft messages on one TCP stream per peer
// (server/peer-stream.ts), plus the few unary gRPC calls a member makes to another, on the same
// port. This is the I/O edge around EtcdServer.
import net from 'node:net';
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
import { classifyPreface, FRAME_HEADER_BYTES, FrameReader, PING_FRAME, STREAM_MAGIC } from './peer-stream.js';
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

/** host and port of a peer URL, for node:net (which wants an IPv6 host without brackets). */
function netAddress(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port) };
}

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

/** Stream timing; tests shorten it. */
export interface StreamTiming {
  /** How often the receiving side of a Raft stream says it is still there. */
  pingMs: number;
  /** A sender that has heard nothing for this long drops the connection and dials again. */
  silenceMs: number;
  connectTimeoutMs: number;
  backoffMs: { initial: number; max: number };
}

export const DEFAULT_STREAM_TIMING: StreamTiming = { pingMs: 1000, silenceMs: 5000, connectTimeoutMs: 3000, backoffMs: { initial: 100, max: 1000 } };

/** How long an accepted peer connection may take to send enough bytes to tell what it is. */
const PREFACE_TIMEOUT_MS = 10_000;

/** Bytes queued on a connection past which messages are dropped (Raft sends again). */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

/** Receives one member's Raft stream: frames of message batches, handed to the member. */
function serveRaftStream(socket: net.Socket, handler: PeerHandler, first: Buffer, pingMs: number): void {
  const reader = new FrameReader();
  const ping = setInterval(() => socket.write(PING_FRAME), pingMs);
  ping.unref();
  socket.once('close', () => clearInterval(ping));
  socket.on('end', () => socket.end());
  const onData = (chunk: Buffer): void => {
    let frames: Buffer[];
    try {
      frames = reader.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    let received: Message[] | undefined;
    for (const frame of frames) {
      if (frame.length === 0) continue;
      let batch: ReturnType<typeof decodeMessageBatch>;
      try {
        batch = decodeMessageBatch(frame);
      } catch {
        continue;
      }
      if (batch.clusterId !== handler.clusterId()) {
        socket.destroy();
        return;
      }
      if (received) received.push(...batch.messages);
      else received = batch.messages;
    }
    // One hand-over per read: the member then makes one Ready of everything that arrived.
    if (received) handler.receive(received);
  };
  socket.on('data', onData);
  if (first.length > 0) onData(first);
}

export interface PeerListener {
  port: number;
  close(): void;
}

/**
 * Listens on a peer URL: connections that open with STREAM_MAGIC carry Raft messages, the rest
 * (gRPC: ClusterInfo, forwarded lease calls, promotion) go to `grpcServer` as they are.
 */
export async function listenPeer(grpcServer: grpc.Server, url: string, handler: PeerHandler, timing: Pick<StreamTiming, 'pingMs'> = DEFAULT_STREAM_TIMING): Promise<PeerListener> {
  const { host, port } = netAddress(url);
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // A connection that never says what it is does not stay open.
    socket.setTimeout(PREFACE_TIMEOUT_MS, () => socket.destroy());
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const kind = classifyPreface(head);
      if (kind === 'more') return;
      socket.setTimeout(0);
      socket.off('data', onData);
      if (kind === 'stream') {
        serveRaftStream(socket, handler, head.subarray(STREAM_MAGIC.length), timing.pingMs);
        return;
      }
      socket.pause();
      socket.unshift(head);
      try {
        injector.injectConnection(socket);
      } catch {
        socket.destroy();
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Accept errors (e.g. EMFILE) must not stop the member.
  server.on('error', () => undefined);
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close(): void {
      server.close();
      injector.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}

interface Peer {
  id: MemberId;
  urls: string[];
  /** For the unary calls. */
  client: PeerClientT;
  /** The Raft stream, once dialled; undefined while waiting to dial again. */
  conn: net.Socket | undefined;
  /** When the stream last heard from the peer (a ping) or connected. */
  heardAt: number;
  /** No dialling before this time (after a failed or lost connection). */
  retryAt: number;
  backoffMs: number;
}

/** Client side: one Raft stream per peer, dialled when first needed and again after a loss. */
export class PeerStreamTransport implements PeerTransport {
  private readonly peers = new Map<MemberId, Peer>();
  private handler: PeerHandler | undefined;
  private closed = false;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly clusterId: () => MemberId,
    private readonly timing: StreamTiming = DEFAULT_STREAM_TIMING,
  ) {
    this.watchdog = setInterval(() => this.dropSilent(), timing.pingMs);
    this.watchdog.unref();
  }

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
      this.peers.set(id, { id, urls, client, conn: undefined, heardAt: 0, retryAt: 0, backoffMs: this.timing.backoffMs.initial });
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
      const conn = this.connectionOf(peer);
      if (!conn || conn.writableLength > MAX_QUEUED_BYTES) {
        this.unreachable(peer, msgs);
        continue;
      }
      const frame = encodeMessageBatch(this.clusterId(), msgs, FRAME_HEADER_BYTES);
      frame.writeUInt32BE(frame.length - FRAME_HEADER_BYTES, 0);
      conn.write(frame);
    }
  }

  /** The peer's stream, dialling it if none is open and the backoff allows. */
  private connectionOf(peer: Peer): net.Socket | undefined {
    // A destroyed stream is forgotten on its 'close'; until then, nothing is sent on it.
    if (peer.conn) return peer.conn.destroyed ? undefined : peer.conn;
    const now = Date.now();
    if (now < peer.retryAt) return undefined;
    const conn = net.connect({ ...netAddress(peer.urls[0] as string), noDelay: true });
    peer.conn = conn;
    peer.heardAt = now;
    conn.setTimeout(this.timing.connectTimeoutMs, () => conn.destroy());
    conn.once('connect', () => {
      conn.setTimeout(0);
      peer.heardAt = Date.now();
      peer.backoffMs = this.timing.backoffMs.initial;
    });
    // The peer only pings; reading keeps its pings (and its FIN) flowing.
    conn.on('data', () => (peer.heardAt = Date.now()));
    conn.on('end', () => conn.destroy());
    conn.on('error', () => undefined);
    conn.once('close', () => {
      if (peer.conn !== conn) return;
      peer.conn = undefined;
      peer.retryAt = Date.now() + peer.backoffMs;
      peer.backoffMs = Math.min(2 * peer.backoffMs, this.timing.backoffMs.max);
      if (!this.closed) this.handler?.reportUnreachable(peer.id, false);
    });
    conn.write(STREAM_MAGIC);
    return conn;
  }

  /** Ends streams whose peer has been silent too long (a partition leaves TCP waiting for minutes). */
  private dropSilent(): void {
    const now = Date.now();
    for (const peer of this.peers.values()) {
      if (peer.conn && now - peer.heardAt > this.timing.silenceMs) peer.conn.destroy();
    }
  }

  private unreachable(peer: Peer, msgs: Message[]): void {
    const snapshotFailed = msgs.some((m) => m.type === MessageType.Snap);
    this.handler?.reportUnreachable(peer.id, snapshotFailed);
  }

  private closePeer(peer: Peer): void {
    const conn = peer.conn;
    peer.conn = undefined;
    conn?.destroy();
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
    clearInterval(this.watchdog);
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
