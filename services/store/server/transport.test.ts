// The peer transport over loopback: Raft streams and the gRPC peer calls sharing one port.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { newMessage } from '../raft/message.js';
import type { Message } from '../raft/types.js';
import { MessageType } from '../raft/types.js';
import type { ClusterInfo, PeerHandler, PeerListener, StreamTiming } from './transport.js';
import { addPeerService, DEFAULT_STREAM_TIMING, fetchClusterInfo, listenPeer, PeerStreamTransport, peerChannelOptions } from './transport.js';

interface Recorder extends PeerHandler {
  got: Message[];
  unreachable: Array<[string, boolean]>;
}

function recorder(clusterId: string): Recorder {
  const info: ClusterInfo = { clusterId, members: [{ id: 'b', name: 'b', peerUrls: [], clientUrls: [], isLearner: false }] };
  const r: Recorder = {
    got: [],
    unreachable: [],
    clusterId: () => clusterId,
    receive: (msgs) => void r.got.push(...msgs),
    clusterInfo: () => info,
    leaseKeepAlive: () => Promise.reject(new Error('not here')),
    leaseTimeToLive: () => Promise.reject(new Error('not here')),
    memberPromote: () => Promise.resolve(),
    reportUnreachable: (id, snap) => void r.unreachable.push([id, snap]),
  };
  return r;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

async function member(clusterId: string, port = 0, timing: Pick<StreamTiming, 'pingMs'> = DEFAULT_STREAM_TIMING): Promise<{ handler: Recorder; listener: PeerListener; url: string }> {
  const handler = recorder(clusterId);
  const server = new grpc.Server(peerChannelOptions);
  addPeerService(server, handler);
  const listener = await listenPeer(server, `http://127.0.0.1:${port}`, handler, timing);
  cleanups.push(() => {
    listener.close();
    server.forceShutdown();
  });
  return { handler, listener, url: `http://127.0.0.1:${listener.port}` };
}

function transport(clusterId: string, timing: StreamTiming = DEFAULT_STREAM_TIMING): { t: PeerStreamTransport; handler: Recorder } {
  const t = new PeerStreamTransport(() => clusterId, timing);
  const handler = recorder(clusterId);
  t.attach(handler);
  cleanups.push(() => t.close());
  return { t, handler };
}

const app = (index: number, to = 'b'): Message => newMessage({ type: MessageType.App, to, from: 'a', term: 2, index, entries: [{ term: 2, index, type: 0, data: Buffer.from(`entry-${index}`) }] });

describe('PeerStreamTransport and listenPeer', () => {
  it('delivers batches in order on the stream, and answers gRPC peer calls on the same port', async () => {
    const b = await member('c1');
    const { t } = transport('c1');
    t.setPeers([{ id: 'b', peerUrls: [b.url] }]);
    for (let batch = 0; batch < 20; batch++) t.send(Array.from({ length: 5 }, (_, i) => app(batch * 5 + i + 1)));
    await waitFor('100 messages', () => b.handler.got.length === 100);
    expect(b.handler.got.map((m) => m.index)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(Buffer.from(b.handler.got[41]?.entries[0]?.data ?? []).toString()).toBe('entry-42');
    const info = await fetchClusterInfo([b.url]);
    expect(info.clusterId).toBe('c1');
  });

  it('closes a stream from another cluster, and the sender reports the peer unreachable', async () => {
    const b = await member('c2');
    const { t, handler } = transport('c1');
    t.setPeers([{ id: 'b', peerUrls: [b.url] }]);
    t.send([app(1)]);
    await waitFor('unreachable', () => handler.unreachable.length > 0);
    expect(handler.unreachable[0]).toEqual(['b', false]);
    expect(b.handler.got).toEqual([]);
  });

  it('dials again once the peer is back on its port', async () => {
    const b = await member('c1');
    const { t, handler } = transport('c1', { ...DEFAULT_STREAM_TIMING, backoffMs: { initial: 20, max: 50 } });
    t.setPeers([{ id: 'b', peerUrls: [b.url] }]);
    t.send([app(1)]);
    await waitFor('the first message', () => b.handler.got.length === 1);
    b.listener.close();
    await waitFor('the loss to be seen', () => handler.unreachable.length > 0);
    const again = await member('c1', b.listener.port);
    for (let i = 2; again.handler.got.length === 0; i++) {
      t.send([app(i)]);
      await new Promise((r) => setTimeout(r, 25));
      if (i > 400) throw new Error('never delivered after the restart');
    }
    expect(again.handler.got[0]?.type).toBe(MessageType.App);
  });

  it('drops a stream whose peer has gone silent and dials a new one', async () => {
    // Accepts and reads, never pings: what a partitioned peer looks like from this side.
    const accepted: net.Socket[] = [];
    const mute = net.createServer((s) => {
      accepted.push(s);
      s.resume();
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of accepted) s.destroy();
      mute.close();
    });
    const port = (mute.address() as net.AddressInfo).port;
    const { t, handler } = transport('c1', { pingMs: 50, silenceMs: 300, connectTimeoutMs: 1000, backoffMs: { initial: 10, max: 10 } });
    t.setPeers([{ id: 'b', peerUrls: [`http://127.0.0.1:${port}`] }]);
    t.send([app(1)]);
    await waitFor('the silent stream to be dropped', () => handler.unreachable.length > 0);
    expect(handler.unreachable[0]).toEqual(['b', false]);
    await new Promise((r) => setTimeout(r, 30));
    t.send([app(2)]);
    await waitFor('a second connection', () => accepted.length === 2);
  });

  it('keeps a quiet stream open while the peer pings', async () => {
    const b = await member('c1', 0, { pingMs: 50 });
    const { t, handler } = transport('c1', { pingMs: 50, silenceMs: 300, connectTimeoutMs: 1000, backoffMs: { initial: 10, max: 10 } });
    t.setPeers([{ id: 'b', peerUrls: [b.url] }]);
    t.send([app(1)]);
    await new Promise((r) => setTimeout(r, 1000));
    t.send([app(2)]);
    await waitFor('both messages', () => b.handler.got.length === 2);
    expect(handler.unreachable).toEqual([]);
  });

  it('reports an unreachable peer while it waits to dial again, flagging a lost snapshot', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { t, handler } = transport('c1', { ...DEFAULT_STREAM_TIMING, backoffMs: { initial: 60_000, max: 60_000 } });
    t.setPeers([{ id: 'b', peerUrls: [`http://127.0.0.1:${port}`] }]);
    t.send([app(1)]);
    await waitFor('the refused connection', () => handler.unreachable.length === 1);
    t.send([newMessage({ type: MessageType.Snap, to: 'b', from: 'a', snapshot: { metadata: { index: 9, term: 2, confState: { voters: ['a', 'b'], learners: [] } }, data: Buffer.from('state') } })]);
    expect(handler.unreachable).toEqual([
      ['b', false],
      ['b', true],
    ]);
  });
});
