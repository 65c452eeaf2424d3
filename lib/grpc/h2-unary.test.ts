// H2UnaryChannel against a real grpc-js server, with grpc-js' own client as the reference for
// what a caller sees (codes, details, messages).
import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcCallError, H2UnaryChannel } from './h2-unary.js';

const identity = (b: Buffer): Buffer => b;
const SERVICE: grpc.ServiceDefinition = {
  Echo: { path: '/h2.Test/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};

/** Echo answers its request; "fail:<code>:<details>" answers that status; "sleep:<ms>" waits first; "big:<n>" answers n bytes. */
function echoServer(): grpc.Server {
  const server = new grpc.Server();
  server.addService(SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const req = call.request.toString();
      const [verb, a, ...rest] = req.split(':');
      if (verb === 'fail') callback({ code: Number(a), details: rest.join(':') });
      else if (verb === 'sleep') setTimeout(() => callback(null, Buffer.from('slept')), Number(a));
      else if (verb === 'big') callback(null, Buffer.alloc(Number(a), 0x61));
      else callback(null, call.request);
    },
  });
  return server;
}

function bind(server: grpc.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function grpcJsCall(port: number, body: string): Promise<grpc.ServiceError> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest('/h2.Test/Echo', identity, identity, Buffer.from(body), (err) => {
      client.close();
      if (err) resolve(err);
      else reject(new Error('expected an error'));
    });
  });
}

async function failure(p: Promise<unknown>): Promise<GrpcCallError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GrpcCallError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('H2UnaryChannel', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  async function serve(port = 0): Promise<{ server: grpc.Server; port: number }> {
    const server = echoServer();
    const bound = await bind(server, port);
    cleanups.push(() => server.forceShutdown());
    return { server, port: bound };
  }

  function channel(endpoints: string[], opts = {}): H2UnaryChannel {
    const ch = new H2UnaryChannel(endpoints, opts);
    cleanups.push(() => ch.close());
    return ch;
  }

  it('answers calls, concurrently and with large replies', async () => {
    const { port } = await serve();
    const ch = channel([`127.0.0.1:${port}`]);
    expect((await ch.call('/h2.Test/Echo', Buffer.from('hello'))).toString()).toBe('hello');
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => ch.call('/h2.Test/Echo', Buffer.from(`n${i}`))));
    expect(replies.map((r) => r.toString())).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`));
    expect((await ch.call('/h2.Test/Echo', Buffer.from('big:300000'))).length).toBe(300_000);
    expect((await ch.call('/h2.Test/Echo', Buffer.alloc(0))).length).toBe(0);
  });

  it('reports a server status as grpc-js does (code, details, message)', async () => {
    const { port } = await serve();
    const ch = channel([`127.0.0.1:${port}`]);
    for (const body of ['fail:9:etcdserver: mvcc: required revision has been compacted', 'fail:14:etcdserver: leader changed', 'fail:3:100% wrong: ünïcode']) {
      const ours = await failure(ch.call('/h2.Test/Echo', Buffer.from(body)));
      const ref = await grpcJsCall(port, body);
      expect({ code: ours.code, details: ours.details, message: ours.message }).toEqual({ code: ref.code, details: ref.details, message: ref.message });
    }
    const unknownMethod = await failure(ch.call('/h2.Test/Nope', Buffer.from('x')));
    expect(unknownMethod.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('fails DEADLINE_EXCEEDED at the deadline and keeps working afterwards', async () => {
    const { port } = await serve();
    const ch = channel([`127.0.0.1:${port}`]);
    const late = await failure(ch.call('/h2.Test/Echo', Buffer.from('sleep:2000'), new Date(Date.now() + 100)));
    expect(late.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect((await ch.call('/h2.Test/Echo', Buffer.from('sleep:10'), Date.now() + 5000)).toString()).toBe('slept');
  });

  it('refuses replies over maxReceiveBytes', async () => {
    const { port } = await serve();
    const ch = channel([`127.0.0.1:${port}`], { maxReceiveBytes: 1000 });
    expect((await failure(ch.call('/h2.Test/Echo', Buffer.from('big:5000')))).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await ch.call('/h2.Test/Echo', Buffer.from('big:900'))).length).toBe(900);
  });

  it('moves on to the next endpoint when one cannot be reached', async () => {
    const dead = await deadPort();
    const { port } = await serve();
    const ch = channel([`127.0.0.1:${dead}`, `127.0.0.1:${port}`]);
    const first = await failure(ch.call('/h2.Test/Echo', Buffer.from('a')));
    expect(first.code).toBe(grpc.status.UNAVAILABLE);
    expect(ch.endpoint).toBe(`127.0.0.1:${port}`);
    expect((await ch.call('/h2.Test/Echo', Buffer.from('b'))).toString()).toBe('b');
  });

  it('reconnects after the server goes away and comes back', async () => {
    const first = await serve();
    const ch = channel([`127.0.0.1:${first.port}`]);
    expect((await ch.call('/h2.Test/Echo', Buffer.from('1'))).toString()).toBe('1');
    first.server.forceShutdown();
    // Until something listens again, calls fail UNAVAILABLE (never hang).
    let down: GrpcCallError | undefined;
    for (let i = 0; i < 20 && !down; i++) {
      down = await ch.call('/h2.Test/Echo', Buffer.from('2')).then(
        () => undefined,
        (err: unknown) => (err instanceof GrpcCallError ? err : undefined),
      );
      if (!down) await new Promise((r) => setTimeout(r, 20));
    }
    expect(down?.code).toBe(grpc.status.UNAVAILABLE);
    await serve(first.port);
    expect((await ch.call('/h2.Test/Echo', Buffer.from('3'))).toString()).toBe('3');
  });

  it('ready() waits for a connection, and fails for an endpoint that cannot be reached', async () => {
    const { port } = await serve();
    await expect(channel([`127.0.0.1:${port}`]).ready(2000)).resolves.toBeUndefined();
    const dead = await deadPort();
    await expect(channel([`127.0.0.1:${dead}`]).ready(2000)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails calls on a closed channel', async () => {
    const { port } = await serve();
    const ch = channel([`127.0.0.1:${port}`]);
    ch.close();
    expect((await failure(ch.call('/h2.Test/Echo', Buffer.from('x')))).code).toBe(grpc.status.UNAVAILABLE);
    expect(() => new H2UnaryChannel([])).toThrow(/no endpoints/);
  });
});
