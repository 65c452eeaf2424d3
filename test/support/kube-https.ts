// Plain HTTPS requests to an API server as kubernetes-admin (the client certificate an API
// server wrote into its cert dir: ca.crt, admin.crt, admin.key), for acceptance tests that look
// at status codes, headers and bodies exactly as the server sends them, with no client library
// in between. Bodies may be any bytes (invalid JSON, invalid UTF-8) or a value sent as JSON, and
// an answer the server sends before it has read the whole body (413) is still returned.
import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Status } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';

export interface KubeTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** The admin credentials and CA an API server wrote into its cert dir. */
export function readAdminTls(certDir: string): KubeTls {
  return {
    ca: readFileSync(path.join(certDir, 'ca.crt')),
    cert: readFileSync(path.join(certDir, 'admin.crt')),
    key: readFileSync(path.join(certDir, 'admin.key')),
  };
}

export interface KubeRequest {
  method: string;
  /** Path and query, e.g. "/api/v1/namespaces/default/configmaps?fieldValidation=Strict". */
  path: string;
  /** A string or Buffer is sent byte for byte; any other value is sent JSON-encoded. */
  body?: unknown;
  /** Content-Type of the body; default application/json when there is a body. */
  contentType?: string;
  /** Extra headers; they may replace the default Accept: application/json. */
  headers?: Record<string, string>;
  /** Default 30 s. */
  timeoutMs?: number;
}

export type KubeRequestOptions = Omit<KubeRequest, 'method' | 'path' | 'body'>;

export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body's bytes as sent. */
  body: Buffer;
  /** The body decoded as UTF-8, for assertions and messages. */
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

/** Whether a value is a metav1.Status as Kubernetes sends it for a failed request. */
export function isFailureStatus(v: unknown, httpStatus: number): v is Status {
  return (
    isRecord(v) &&
    v.kind === 'Status' &&
    v.apiVersion === 'v1' &&
    isRecord(v.metadata) &&
    v.status === 'Failure' &&
    v.code === httpStatus &&
    typeof v.message === 'string' &&
    v.message !== '' &&
    typeof v.reason === 'string' &&
    v.reason !== ''
  );
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a whole response. One larger than maxBytes rejects and ends the request, so a server
 * that never stops sending cannot exhaust the test's memory.
 */
export function readResponse(req: ClientRequest, res: IncomingMessage, maxBytes = MAX_RESPONSE_BYTES): Promise<KubeResponse> {
  return new Promise<KubeResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error(`response to ${req.method} ${req.path} exceeds ${maxBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error(`connection closed before the response to ${req.method} ${req.path} ended`));
    });
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
    });
  });
}

function encodeBody(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/**
 * Requests to one API server over a keep-alive connection pool of its own, so separate
 * instances behave as separate clients.
 */
export class KubeHttpsClient {
  readonly tls: KubeTls;
  private readonly agent: https.Agent;

  /** maxSockets bounds the connections (and so the requests in flight); default unbounded. */
  constructor(
    readonly baseUrl: string,
    certDir: string,
    maxSockets = Number.POSITIVE_INFINITY,
  ) {
    this.tls = readAdminTls(certDir);
    this.agent = new https.Agent({ ...this.tls, keepAlive: true, maxSockets });
  }

  /** Resolves with any HTTP status; rejects on transport errors (refused, reset, timeout). */
  request(r: KubeRequest): Promise<KubeResponse> {
    const payload = encodeBody(r.body);
    const headers: Record<string, string> = { Accept: 'application/json', ...(r.headers ?? {}) };
    if (payload) {
      headers['Content-Type'] = r.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise<KubeResponse>((resolve, reject) => {
      let answered = false;
      const req = https.request(
        new URL(r.path, this.baseUrl),
        { method: r.method, agent: this.agent, headers, signal: AbortSignal.timeout(r.timeoutMs ?? 30_000) },
        (res) => {
          answered = true;
          readResponse(req, res).then(resolve, reject);
        },
      );
      req.on('error', (err) => {
        // A server may answer (e.g. 413) and close before the whole body is written: the
        // write then fails, but the answer is already being read.
        if (!answered) reject(err);
      });
      req.end(payload);
    });
  }

  get(p: string, opts: KubeRequestOptions = {}): Promise<KubeResponse> {
    return this.request({ ...opts, method: 'GET', path: p });
  }

  post(p: string, body: unknown, opts: KubeRequestOptions = {}): Promise<KubeResponse> {
    return this.request({ ...opts, method: 'POST', path: p, body });
  }

  put(p: string, body: unknown, opts: KubeRequestOptions = {}): Promise<KubeResponse> {
    return this.request({ ...opts, method: 'PUT', path: p, body });
  }

  close(): void {
    this.agent.destroy();
  }
}
