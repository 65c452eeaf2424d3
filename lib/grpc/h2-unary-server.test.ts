// UnaryRouter in front of a real grpc-js server: the same service is served once by grpc-js
// alone and once with its unary method routed around grpc-js, and a grpc-js client (the
// reference) must not be able to tell them apart: same replies, same status codes and details.
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { UnaryRoute } from './h2-unary-server.js';
import { lastInjectorHttp2Server, UnaryRouter } from './h2-unary-server.js';
import type { LenientAuthorityServer } from './lenient-authority.js';
import { listenWithLenientAuthority } from './lenient-authority.js';

const identity = (b: Buffer): Buffer => b;
/** Requests starting "bad" cannot be decoded, as a protobuf decoder rejects garbage. */
const strictDeserialize = (b: Buffer): Buffer => {
  if (b.subarray(0, 3).toString() === 'bad') throw new Error('invalid wire type');
  return b;
};
const SERVICE: grpc.ServiceDefinition = {
  Echo: { path: '/h2.Test/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: strictDeserialize, responseSerialize: identity, responseDeserialize: identity },
  Count: { path: '/h2.Test/Count', requestStream: false, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};
const MAX_REQUEST = 64 * 1024;

/** "fail:<code>:<details>" rejects with that status; "sleep:<ms>" waits first; "throw" throws a plain Error; anything else echoes. */
async function echo(req: Buffer): Promise<Buffer> {
  const [verb, a, ...rest] = req.toString().split(':');
  if (verb === 'fail') throw Object.assign(new Error(rest.join(':')), { code: Number(a), details: rest.join(':') });
  if (verb === 'throw') throw new Error('plain failure');
  if (verb === 'sleep') {
    await new Promise((resolve) => setTimeout(resolve, Number(a)));
    return Buffer.from('slept');
  }
  return req;
}

function testServer(): grpc.Server {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_REQUEST });
  server.addService(SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      echo(call.request).then(
        (res) => callback(null, res),
        (err: Error & { code?: number; details?: string }) => callback(err.code === undefined ? err : { code: err.code, details: err.details ?? err.message }),
      );
    },
    // "n" answers the messages "0".."n-1": a stream the router leaves to grpc-js.
    Count: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const n = Number(call.request.toString());
      for (let i = 0; i < n; i++) call.write(Buffer.from(String(i)));
      call.end();
    },
  });
  return server;
}

function echoRoute(): UnaryRoute {
  return { deserialize: strictDeserialize, serialize: (v) => v as Buffer, handle: (req) => echo(req as Buffer) };
}

interface Outcome {
  reply?: string;
  code?: number;
  details?: string;
}

function call(port: number, body: Buffer | string, opts: { deadlineMs?: number; compress?: boolean } = {}): Promise<Outcome> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), opts.compress ? { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip } : {});
  const options: grpc.CallOptions = opts.deadlineMs === undefined ? {} : { deadline: Date.now() + opts.deadlineMs };
  return new Promise((resolve) => {
    client.makeUnaryRequest('/h2.Test/Echo', identity, identity, Buffer.from(body), new grpc.Metadata(), options, (err, value) => {
      client.close();
      if (err) resolve({ code: err.code, details: err.details });
      else resolve({ reply: value?.toString() });
    });
  });
}

/** A raw HTTP/2 request, for what grpc-js' client never sends; returns the status it got. */
function rawCall(port: number, headers: http2.OutgoingHttpHeaders, body: Buffer): Promise<{ httpStatus: number; grpcStatus?: string; grpcMessage?: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': '/h2.Test/Echo', te: 'trailers', ...headers });
    let httpStatus = 0;
    let grpcStatus: string | undefined;
    let grpcMessage: string | undefined;
    const read = (h: http2.IncomingHttpHeaders): void => {
      if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) grpcMessage = decodeURI(String(h['grpc-message']));
    };
    stream.on('response', (h) => {
      httpStatus = Number(h[':status']);
      read(h);
    });
    stream.on('trailers', read);
    stream.on('data', () => undefined);
    stream.on('close', () => {
      session.close();
      resolve({ httpStatus, grpcStatus, grpcMessage });
    });
    stream.end(body);
  });
}

function framed(...messages: string[]): Buffer {
  return Buffer.concat(
    messages.map((m) => {
      const out = Buffer.alloc(5 + Buffer.byteLength(m));
      out.writeUInt32BE(Buffer.byteLength(m), 1);
      out.write(m, 5);
      return out;
    }),
  );
}

describe('UnaryRouter ahead of grpc-js', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function serve(router?: UnaryRouter): Promise<LenientAuthorityServer> {
    const server = testServer();
    const listener = await listenWithLenientAuthority(server, '127.0.0.1', 0, router ? { unaryRouter: router } : {});
    cleanup.push(async () => {
      await listener.close();
      server.forceShutdown();
    });
    return listener;
  }

  async function pair(): Promise<{ plain: number; routed: number; router: UnaryRouter }> {
    const router = new UnaryRouter(new Map([['/h2.Test/Echo', echoRoute()]]), { maxReceiveBytes: MAX_REQUEST });
    const plain = await serve();
    const routed = await serve(router);
    expect(routed.routed).toBe(true);
    expect(plain.routed).toBe(false);
    return { plain: plain.port, routed: routed.port, router };
  }

  it('finds the HTTP/2 server grpc-js made for the connection injector', () => {
    const server = testServer();
    expect(lastInjectorHttp2Server(server)).toBeUndefined();
    server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    const h2 = lastInjectorHttp2Server(server);
    expect(h2).toBeDefined();
    expect(h2?.listeners('stream').length).toBeGreaterThan(0);
    server.forceShutdown();
  });

  it('answers routed calls itself, exactly as grpc-js answers them', async () => {
    const { plain, routed, router } = await pair();
    const cases: [string, Buffer | string, { deadlineMs?: number }][] = [
      ['echo', 'hello', {}],
      ['empty message', '', {}],
      ['large message', Buffer.alloc(MAX_REQUEST, 0x62), {}],
      ['status with details that need escaping', 'fail:5:key "a/b" not found, 100% — ünïcode', {}],
      ['plain Error', 'throw', {}],
      ['undecodable request', 'bad request', {}],
      ['message over the limit', Buffer.alloc(MAX_REQUEST + 1, 0x62), {}],
      ['deadline far enough', 'sleep:50', { deadlineMs: 5_000 }],
    ];
    for (const [name, body, opts] of cases) {
      const expected = await call(plain, body, opts);
      const got = await call(routed, body, opts);
      expect({ name, ...got }).toEqual({ name, ...expected });
    }
    // The reference outcomes are what the cases mean to test.
    expect(await call(routed, 'hello')).toEqual({ reply: 'hello' });
    expect((await call(routed, 'fail:5:gone')).code).toBe(grpc.status.NOT_FOUND);
    expect((await call(routed, 'bad')).code).toBe(grpc.status.INTERNAL);
    expect((await call(routed, Buffer.alloc(MAX_REQUEST + 1))).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(router.served).toBe(cases.length + 4);
  });

  it('drops a call whose client gave up, and keeps serving', async () => {
    const { routed, router } = await pair();
    // The client's deadline passes first: it resets the stream while the handler still runs.
    expect((await call(routed, 'sleep:200', { deadlineMs: 50 })).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await call(routed, 'after')).toEqual({ reply: 'after' });
    expect(router.served).toBe(2);
  });

  it('leaves compressed requests, other content types and unrouted methods on the same connection to grpc-js', async () => {
    const { routed, router } = await pair();
    expect(await call(routed, 'squeezed', { compress: true })).toEqual({ reply: 'squeezed' });
    expect(await rawCall(routed, { 'content-type': 'text/plain' }, framed('x'))).toMatchObject({ httpStatus: 415 });
    expect(router.served).toBe(0);

    const client = new grpc.Client(`127.0.0.1:${routed}`, grpc.credentials.createInsecure());
    const unaryReply = await new Promise<string>((resolve, reject) =>
      client.makeUnaryRequest('/h2.Test/Echo', identity, identity, Buffer.from('one'), (err, v) => (err ? reject(err) : resolve(v?.toString() ?? ''))),
    );
    const streamed = await new Promise<string[]>((resolve, reject) => {
      const out: string[] = [];
      const s = client.makeServerStreamRequest('/h2.Test/Count', identity, identity, Buffer.from('3'));
      s.on('data', (b: Buffer) => out.push(b.toString()));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    client.close();
    expect(unaryReply).toBe('one');
    expect(streamed).toEqual(['0', '1', '2']);
    expect(router.served).toBe(1);
  });

  it('answers malformed unary requests with the status grpc-js gives them', async () => {
    const { plain, routed } = await pair();
    const grpcHeaders = { 'content-type': 'application/grpc' };
    const cases: [string, http2.OutgoingHttpHeaders, Buffer][] = [
      ['no message', grpcHeaders, Buffer.alloc(0)],
      ['two messages', grpcHeaders, framed('a', 'b')],
      ['bad grpc-timeout', { ...grpcHeaders, 'grpc-timeout': 'soon' }, framed('a')],
      // The server's own deadline (a grpc-js client would give up first, with its own message).
      ['deadline passed', { ...grpcHeaders, 'grpc-timeout': '100m' }, framed('sleep:400')],
    ];
    for (const [name, headers, body] of cases) {
      const expected = await rawCall(plain, headers, body);
      const got = await rawCall(routed, headers, body);
      expect({ name, ...got }).toEqual({ name, ...expected });
      expect(got.grpcStatus).not.toBe('0');
    }
    expect((await rawCall(routed, { ...grpcHeaders, 'grpc-timeout': '100m' }, framed('sleep:400'))).grpcStatus).toBe(String(grpc.status.DEADLINE_EXCEEDED));
  });
});
