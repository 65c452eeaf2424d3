// HTTP(S) to one API server over a keep-alive agent, with the client certificate, CA and
// bearer token of a RestConfig. Whole responses for ordinary calls, streams for watch and logs.
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { RestConfig } from './rest-config.js';

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  method: string;
  /** Absolute path, e.g. /api/v1/namespaces/default/pods. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface StreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** The server could not be reached (refused, DNS, TLS); message as kubectl words it. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

function errno(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Connections per server. Bursts (a scheduler binding thousands of pods) queue here instead of
 * opening a TLS connection per request; long-lived watches hold one each, so the cap leaves room.
 */
const MAX_SOCKETS = 100;

export class HttpTransport {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly auth: Record<string, string> = {};

  constructor(
    readonly config: RestConfig,
    private readonly userAgent = 'meshctl/v1.32.0 (linux/amd64) kubernetes/meshkube',
  ) {
    this.url = new URL(config.server);
    if (this.url.protocol === 'https:') {
      // One secure context, built once: given as ca/cert/key instead, the PEM texts would be
      // concatenated into the agent's connection-pool key on every request (https.Agent#getName).
      const pems = {
        ...(config.caPem ? { ca: config.caPem } : {}),
        ...(config.clientCertPem ? { cert: config.clientCertPem } : {}),
        ...(config.clientKeyPem ? { key: config.clientKeyPem } : {}),
      };
      let tlsMaterial: https.AgentOptions;
      try {
        tlsMaterial = { secureContext: tls.createSecureContext(pems) };
      } catch {
        // Unusable PEMs: left to the connection, which reports them as a connection error.
        tlsMaterial = pems;
      }
      this.agent = new https.Agent({
        keepAlive: true,
        maxSockets: MAX_SOCKETS,
        ...tlsMaterial,
        ...(config.tlsServerName !== undefined ? { servername: config.tlsServerName } : {}),
        rejectUnauthorized: !config.insecureSkipTlsVerify,
      });
    } else {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
    }
    if (config.token !== undefined) this.auth.Authorization = `Bearer ${config.token}`;
    else if (config.username !== undefined) {
      this.auth.Authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;
    }
  }

  /** host:port as kubectl names the server in connection errors. */
  get hostPort(): string {
    return this.url.host;
  }

  private target(req: HttpRequest): string {
    const base = this.url.pathname.replace(/\/+$/, '');
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) qs.append(k, String(v));
    const q = qs.toString();
    return `${base}${req.path}${q === '' ? '' : `?${q}`}`;
  }

  private connectionError(err: unknown): Error {
    if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
      // A --request-timeout that expired, as client-go words it; a caller's abort stays as it is.
      const reason: unknown = (err as { cause?: unknown }).cause;
      if (reason instanceof Error && reason.name === 'TimeoutError') return new ConnectionError(`Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)`);
      return err;
    }
    const code = errno(err);
    if (code === 'ECONNREFUSED') return new ConnectionError(`The connection to the server ${this.hostPort} was refused - did you specify the right host or port?`);
    return new ConnectionError(`Unable to connect to the server: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Sends a request and resolves once the response headers are in. */
  stream(req: HttpRequest): Promise<StreamResponse> {
    const mod = this.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...this.auth, ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    return new Promise((resolve, reject) => {
      const r = mod.request(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          method: req.method,
          path: this.target(req),
          headers,
          agent: this.agent,
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      r.on('error', (err) => reject(this.connectionError(err)));
      r.end(req.body);
    });
  }

  /** Sends a request and reads the whole response body. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.stream(req);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
    } catch (err) {
      throw this.connectionError(err);
    }
    return { status: res.status, headers: res.headers, body: Buffer.concat(chunks) };
  }

  close(): void {
    this.agent.destroy();
  }
}
