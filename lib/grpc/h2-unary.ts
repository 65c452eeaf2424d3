// Unary gRPC calls on node:http2 directly, for the hot paths where grpc-js' per-call machinery
// (interceptors, load-balancing call, subchannel call, an AsyncResource.bind per HTTP/2
// request) costs more than the call itself: the API server's reads and compare-and-swaps
// against the store, and the store bench's client. Messages are serialized by the caller.
// Plaintext (h2c) only; streams (watches, lease keep-alives) stay on grpc-js.
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE, HTTP2_HEADER_STATUS } = http2.constants;

/** A failed call, shaped like grpc-js' ServiceError (code, details, message "<code> <NAME>: <details>"). */
export class GrpcCallError extends Error {
  override name = 'GrpcCallError';
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`${code} ${grpc.status[code] ?? 'UNKNOWN'}: ${details}`);
  }
}

export interface H2UnaryOptions {
  /** Largest reply accepted, in bytes (grpc-js' grpc.max_receive_message_length). Default 4 MiB. */
  maxReceiveBytes?: number;
  /** Deadline of calls that give none, in ms. Default 30 s. */
  defaultTimeoutMs?: number;
}

/** The gRPC length-prefixed message frame: flag byte 0 (not compressed), 4-byte length. */
export function grpcFrame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

function grpcMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * One HTTP/2 connection to the first reachable of `endpoints` ("host:port"); a connection that
 * fails or is closed by the server is replaced by one to the next endpoint on the next call, as
 * a grpc-js channel with pick_first would. Calls on a broken connection fail UNAVAILABLE.
 */
export class H2UnaryChannel {
  private session: http2.ClientHttp2Session | undefined;
  private endpointIndex = 0;
  private closed = false;
  private readonly maxReceiveBytes: number;
  private readonly defaultTimeoutMs: number;

  constructor(
    private readonly endpoints: readonly string[],
    opts: H2UnaryOptions = {},
  ) {
    if (endpoints.length === 0) throw new Error('h2 unary channel: no endpoints');
    this.maxReceiveBytes = opts.maxReceiveBytes ?? 4 * 1024 * 1024;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 30_000;
  }

  /** The endpoint calls currently go to. */
  get endpoint(): string {
    return this.endpoints[this.endpointIndex % this.endpoints.length] as string;
  }

  /** Resolves once a connection is up (connecting if needed); rejects after timeoutMs. */
  ready(timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new GrpcCallError(grpc.status.UNAVAILABLE, 'channel closed'));
    const session = this.connection();
    if (session.connecting === false && !session.destroyed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no connection to ${this.endpoint} in ${timeoutMs} ms`)), timeoutMs);
      const done = (err?: Error): void => {
        clearTimeout(timer);
        session.off('connect', onConnect);
        session.off('error', done);
        if (err) reject(err);
        else resolve();
      };
      const onConnect = (): void => done();
      session.once('connect', onConnect);
      session.once('error', done);
    });
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  private connection(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const endpoint = this.endpoint;
    const session = http2.connect(`http://${endpoint}`);
    this.session = session;
    const drop = (): void => {
      if (this.session !== session) return;
      this.session = undefined;
      // Never reached, or lost: the next call tries the next member.
      this.endpointIndex = (this.endpointIndex + 1) % this.endpoints.length;
    };
    // The streams in flight report a session error themselves; keep it from being uncaught.
    session.on('error', drop);
    session.on('close', drop);
    session.on('goaway', drop);
    return session;
  }

  /** One unary call of `path` ("/pkg.Service/Method"); resolves to the reply message. */
  call(path: string, message: Buffer, deadline?: Date | number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new GrpcCallError(grpc.status.UNAVAILABLE, 'channel closed'));
    const due = deadline === undefined ? Date.now() + this.defaultTimeoutMs : Number(deadline);
    const timeoutMs = Math.max(1, due - Date.now());
    return new Promise((resolve, reject) => {
      let settled = false;
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.connection().request({
          [HTTP2_HEADER_METHOD]: 'POST',
          [HTTP2_HEADER_PATH]: path,
          [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
          [HTTP2_HEADER_TE]: 'trailers',
          'grpc-timeout': `${Math.ceil(timeoutMs)}m`,
        });
      } catch (err) {
        // A session that went away between the check and the request.
        this.session?.destroy();
        this.session = undefined;
        reject(new GrpcCallError(grpc.status.UNAVAILABLE, err instanceof Error ? err.message : String(err)));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      let status: number | undefined;
      let details = '';
      const finish = (err: Error | undefined, value?: Buffer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value as Buffer);
      };
      const timer = setTimeout(() => {
        finish(new GrpcCallError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }, timeoutMs);
      const readStatus = (h: http2.IncomingHttpHeaders): void => {
        const s = h['grpc-status'];
        if (s !== undefined) status = Number(s);
        const m = h['grpc-message'];
        if (typeof m === 'string') details = grpcMessage(m);
      };
      stream.on('response', (h) => {
        const httpStatus = Number(h[HTTP2_HEADER_STATUS]);
        if (httpStatus !== 200) {
          finish(new GrpcCallError(grpc.status.UNKNOWN, `Received HTTP status code ${httpStatus}`));
          stream.close(http2.constants.NGHTTP2_CANCEL);
          return;
        }
        readStatus(h); // a trailers-only reply carries the status here
      });
      stream.on('trailers', readStatus);
      stream.on('data', (c: Buffer) => {
        received += c.length;
        if (received > this.maxReceiveBytes + 5) {
          finish(new GrpcCallError(grpc.status.RESOURCE_EXHAUSTED, `Received message larger than max (${received - 5} vs. ${this.maxReceiveBytes})`));
          stream.close(http2.constants.NGHTTP2_CANCEL);
          return;
        }
        chunks.push(c);
      });
      stream.on('error', (err: Error) => finish(new GrpcCallError(grpc.status.UNAVAILABLE, err.message)));
      stream.on('close', () => {
        if (status === undefined) {
          finish(new GrpcCallError(grpc.status.UNAVAILABLE, `stream closed without a status (RST_STREAM code ${stream.rstCode ?? '?'})`));
          return;
        }
        if (status !== grpc.status.OK) {
          finish(new GrpcCallError(status as grpc.status, details));
          return;
        }
        const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        if (data.length < 5 || data[0] !== 0 || data.readUInt32BE(1) !== data.length - 5) {
          finish(new GrpcCallError(grpc.status.INTERNAL, `malformed reply frame of ${data.length} bytes`));
          return;
        }
        finish(undefined, data.subarray(5));
      });
      stream.end(grpcFrame(message));
    });
  }
}
