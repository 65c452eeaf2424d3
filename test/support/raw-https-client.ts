// Byte-exact HTTPS requests to an API server as kubernetes-admin (the client certificate of a
// cert dir), for tests that look at status codes, headers and bodies exactly as the server
// sends them: bodies may be any bytes (invalid JSON, invalid UTF-8), and an answer the server
// sends before it has read the whole body (413) is still returned.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Status } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';

export interface RawRequest {
  method: string;
  /** Path and query, e.g. "/api/v1/namespaces/default/configmaps?fieldValidation=Strict". */
  path: string;
  body?: string | Buffer;
  /** Content-Type of the body; default application/json when there is a body. */
  contentType?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

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

export class RawHttpsClient {
  private readonly agent: https.Agent;

  constructor(
    readonly baseUrl: string,
    certDir: string,
    maxSockets = 8,
  ) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ca: readFileSync(path.join(certDir, 'ca.crt')),
      cert: readFileSync(path.join(certDir, 'admin.crt')),
      key: readFileSync(path.join(certDir, 'admin.key')),
    });
  }

  /** Resolves with any HTTP status; rejects on transport errors (refused, reset, timeout). */
  request(r: RawRequest): Promise<RawResponse> {
    const payload = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
    const headers: Record<string, string> = { Accept: 'application/json', ...(r.headers ?? {}) };
    if (payload) {
      headers['Content-Type'] = r.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise<RawResponse>((resolve, reject) => {
      let answered = false;
      const req = https.request(
        new URL(r.path, this.baseUrl),
        { method: r.method, agent: this.agent, headers, signal: AbortSignal.timeout(r.timeoutMs ?? 30_000) },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error(`response to ${r.method} ${r.path} exceeds ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
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

  get(p: string): Promise<RawResponse> {
    return this.request({ method: 'GET', path: p });
  }

  close(): void {
    this.agent.destroy();
  }
}
