// The server half of lib/grpc/h2-unary.ts: unary gRPC methods answered straight from the
// node:http2 stream, for the store's hot KV calls. grpc-js' server spends more per call than
// the store's own work on a put (an intercepting call object, metadata parsing, a stream
// decoder, listener chains: about a fifth of a member's CPU under load), so routed methods skip
// it. Everything else (streams, compressed requests, unrouted methods) still goes to grpc-js
// on the same connection. Status codes and messages follow grpc-js' server, so a client cannot
// tell which path answered.
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { grpcFrame } from './h2-unary.js';

const { HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_STATUS } = http2.constants;

/** A status as a handler rejects with it (grpc-js' ServiceError shape). */
export interface GrpcStatusLike {
  code: grpc.status;
  details: string;
}

export interface UnaryRoute {
  /** The method's request deserializer and response serializer (as in its grpc-js definition). */
  deserialize(bytes: Buffer): unknown;
  serialize(value: unknown): Buffer;
  /** Answers one request; rejects with the status to send. */
  handle(request: unknown): Promise<unknown>;
}

export interface UnaryRouterOptions {
  /** Largest request message accepted (grpc-js' grpc.max_receive_message_length); -1 = any. */
  maxReceiveBytes: number;
  /** Maps a handler's rejection to the status sent (default: its code and details, else UNKNOWN). */
  toStatus?: (err: unknown) => GrpcStatusLike;
}

// grpc-js' grpc-timeout parsing: up to 8 digits and a unit.
const DEADLINE_REGEX = /(\d{1,8})\s*([HMSmun])/;
const DEADLINE_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

const RESPONSE_HEADERS = {
  [HTTP2_HEADER_STATUS]: 200,
  [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
  'grpc-accept-encoding': 'identity,deflate,gzip',
  'grpc-encoding': 'identity',
};
const OK_TRAILERS = { 'grpc-status': '0', 'grpc-message': 'OK' };

function defaultToStatus(err: unknown): GrpcStatusLike {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'number' && Number.isInteger(err.code)) {
    const details = 'details' in err && typeof err.details === 'string' ? err.details : err instanceof Error ? err.message : 'Unknown Error';
    return { code: err.code as grpc.status, details };
  }
  return { code: grpc.status.UNKNOWN, details: err instanceof Error ? err.message : 'Unknown Error' };
}

/** The unary methods served without grpc-js, keyed by path ("/pkg.Service/Method"). */
export class UnaryRouter {
  private readonly maxReceiveBytes: number;
  private readonly toStatus: (err: unknown) => GrpcStatusLike;
  /** Calls this router answered (not those it left to grpc-js). */
  served = 0;

  constructor(
    private readonly routes: ReadonlyMap<string, UnaryRoute>,
    opts: UnaryRouterOptions,
  ) {
    this.maxReceiveBytes = opts.maxReceiveBytes;
    this.toStatus = opts.toStatus ?? defaultToStatus;
  }

  /**
   * Takes the stream if it is a routed method in a form this path handles (gRPC content type,
   * no message compression); returns false, having touched nothing, otherwise.
   */
  tryServe(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): boolean {
    const path = headers[HTTP2_HEADER_PATH];
    const route = typeof path === 'string' ? this.routes.get(path) : undefined;
    if (!route) return false;
    const contentType = headers[HTTP2_HEADER_CONTENT_TYPE];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) return false;
    const encoding = headers['grpc-encoding'];
    if (encoding !== undefined && encoding !== 'identity') return false;
    this.served++;
    new UnaryCall(stream, path as string, route, this.maxReceiveBytes, this.toStatus).start(headers['grpc-timeout']);
    return true;
  }
}

class UnaryCall {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private lengthChecked = false;
  private finished = false;
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly path: string,
    private readonly route: UnaryRoute,
    private readonly maxReceiveBytes: number,
    private readonly toStatus: (err: unknown) => GrpcStatusLike,
  ) {}

  start(timeout: string | string[] | undefined): void {
    const stream = this.stream;
    // Errors are followed by 'close'; there is nothing to send on a broken stream.
    stream.on('error', () => undefined);
    stream.once('close', () => this.settle());
    if (timeout !== undefined) {
      const value = String(timeout);
      const match = DEADLINE_REGEX.exec(value);
      if (!match) {
        this.fail({ code: grpc.status.INTERNAL, details: `Invalid grpc-timeout value "${value}"` });
        return;
      }
      const ms = (Number(match[1]) * (DEADLINE_UNIT_MS[match[2] as string] as number)) | 0;
      this.deadlineTimer = setTimeout(() => this.fail({ code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }), ms);
    }
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.once('end', () => this.onEnd());
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    this.chunks.push(chunk);
    this.received += chunk.length;
    // Refuse an oversized message as soon as its length prefix is in, before buffering it.
    if (!this.lengthChecked && this.maxReceiveBytes !== -1 && this.received >= 5) {
      this.lengthChecked = true;
      const head = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
      const length = head.readUInt32BE(1);
      if (length > this.maxReceiveBytes) {
        this.fail({ code: grpc.status.RESOURCE_EXHAUSTED, details: `Received message larger than max (${length} vs ${this.maxReceiveBytes})` });
      }
    }
  }

  private onEnd(): void {
    if (this.finished) return;
    const data = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    if (data.length === 0) {
      this.fail({ code: grpc.status.UNIMPLEMENTED, details: `Received no request message for server streaming method ${this.path}` });
      return;
    }
    const length = data.length >= 5 ? data.readUInt32BE(1) : -1;
    if (length < 0 || 5 + length > data.length) {
      // A half-closed stream that ends inside a message: grpc-js never sees the message either.
      this.fail({ code: grpc.status.UNIMPLEMENTED, details: `Received no request message for server streaming method ${this.path}` });
      return;
    }
    if (5 + length < data.length) {
      this.fail({ code: grpc.status.UNIMPLEMENTED, details: `Received a second request message for server streaming method ${this.path}` });
      return;
    }
    let request: unknown;
    try {
      request = this.route.deserialize(data.subarray(5));
    } catch {
      this.fail({ code: grpc.status.INTERNAL, details: 'Error deserializing request' });
      return;
    }
    let pending: Promise<unknown>;
    try {
      pending = this.route.handle(request);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (response) => this.reply(response),
      (err: unknown) => this.fail(this.toStatus(err)),
    );
  }

  private reply(response: unknown): void {
    if (this.finished) return;
    let message: Buffer;
    try {
      message = this.route.serialize(response);
    } catch (err) {
      this.fail({ code: grpc.status.INTERNAL, details: `Error serializing response: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    this.settle();
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    this.write(() => {
      stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
      stream.once('wantTrailers', () => this.write(() => stream.sendTrailers(OK_TRAILERS)));
      stream.end(grpcFrame(message));
    });
  }

  /** A trailers-only response (the call never sent headers). */
  private fail(status: GrpcStatusLike): void {
    if (this.finished) return;
    this.settle();
    const stream = this.stream;
    if (stream.destroyed || stream.closed || stream.headersSent) return;
    this.write(() =>
      stream.respond(
        {
          [HTTP2_HEADER_STATUS]: 200,
          [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
          'grpc-status': String(status.code),
          'grpc-message': encodeURI(status.details),
        },
        { endStream: true },
      ),
    );
  }

  /**
   * Writes to the stream; a stream (or its session) that went away in the meantime throws, and
   * that must not escape into a timer or a promise callback: the client is gone, drop the call.
   */
  private write(fn: () => void): void {
    try {
      fn();
    } catch {
      this.stream.destroy();
    }
  }

  private settle(): void {
    this.finished = true;
    clearTimeout(this.deadlineTimer);
  }
}

/**
 * Puts `router` in front of the gRPC stream handling of `h2server`, an HTTP/2 server that
 * grpc-js owns (a connection injector's). Routed streams never reach grpc-js.
 */
export function routeAroundGrpc(h2server: http2.Http2Server, router: UnaryRouter): void {
  type StreamListener = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, ...rest: unknown[]) => void;
  const grpcListeners = h2server.listeners('stream') as StreamListener[];
  h2server.removeAllListeners('stream');
  h2server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, ...rest: unknown[]) => {
    if (router.tryServe(stream, headers)) return;
    for (const listener of grpcListeners) listener.call(h2server, stream, headers, ...rest);
  });
}

/**
 * The HTTP/2 server behind the connection injector grpc-js created last for `server`, or
 * undefined. grpc-js keeps it in a private map: a version that changes this makes the store
 * fall back to grpc-js for every call (and lib/grpc/h2-unary-server.test.ts fail).
 */
export function lastInjectorHttp2Server(server: grpc.Server): http2.Http2Server | undefined {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) return undefined;
  let last: unknown;
  for (const key of servers.keys()) last = key;
  if (last === undefined || last === null || typeof (last as http2.Http2Server).listeners !== 'function') return undefined;
  const h2 = last as http2.Http2Server;
  return h2.listeners('stream').length > 0 ? h2 : undefined;
}
