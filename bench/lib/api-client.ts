// A minimal HTTPS client for the API server: keep-alive connections authenticated with the
// admin client certificate, JSON bodies, a deadline on every request. No client library in
// between, so the bench measures the server and little else.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';

export interface ApiTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** The admin credentials and CA the API server wrote into its cert dir. */
export function readAdminTls(certDir: string): ApiTls {
  return {
    ca: readFileSync(path.join(certDir, 'ca.crt')),
    cert: readFileSync(path.join(certDir, 'admin.crt')),
    key: readFileSync(path.join(certDir, 'admin.key')),
  };
}

export interface ApiReply {
  status: number;
  body: Buffer;
}

const MAX_BODY_BYTES = 256 * 1024 * 1024;

export const MERGE_PATCH = 'application/merge-patch+json';

export class ApiClient {
  private readonly agent: https.Agent;
  private readonly host: string;
  private readonly port: number;
  readonly timeoutMs: number;

  constructor(
    baseUrl: string,
    tls: ApiTls,
    opts: { maxSockets: number; timeoutMs: number },
  ) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port || 443);
    this.timeoutMs = opts.timeoutMs;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets, ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  /** One request; resolves with any HTTP status, rejects on transport errors and the deadline. */
  request(method: string, pathAndQuery: string, body?: unknown, contentType = 'application/json'): Promise<ApiReply> {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise<ApiReply>((resolve, reject) => {
      const req = https.request(
        {
          host: this.host,
          port: this.port,
          method,
          path: pathAndQuery,
          agent: this.agent,
          signal: AbortSignal.timeout(this.timeoutMs),
          headers: {
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': contentType, 'Content-Length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy(new Error(`response to ${method} ${pathAndQuery} exceeds ${MAX_BODY_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A request that must answer with one of `ok`; returns the parsed JSON body. */
  async json(method: string, pathAndQuery: string, ok: readonly number[], body?: unknown, contentType?: string): Promise<unknown> {
    const r = await this.request(method, pathAndQuery, body, contentType);
    if (!ok.includes(r.status)) throw new Error(`${method} ${pathAndQuery}: ${statusText(r)}`);
    return JSON.parse(r.body.toString('utf8')) as unknown;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** "409 Conflict: <message>" from a Status body, or the status code and the start of the body. */
export function statusText(r: ApiReply): string {
  let reason = '';
  let message = r.body.subarray(0, 200).toString('utf8');
  try {
    const s = JSON.parse(r.body.toString('utf8')) as { reason?: unknown; message?: unknown };
    if (typeof s.reason === 'string') reason = ` ${s.reason}`;
    if (typeof s.message === 'string') message = s.message;
  } catch {
    // not JSON: keep the text
  }
  return `${r.status}${reason}: ${message}`;
}

/** A short, stable description of a transport error (for counting errors by kind). */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'request deadline exceeded';
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
