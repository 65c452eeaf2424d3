// JSON-over-HTTPS requests to one API server with the admin client certificate of a cert dir
// (admin.crt, admin.key, ca.crt), for acceptance tests that need raw status codes and bodies
// with no client library in between. Each instance has its own connection pool, so separate
// instances behave as separate clients.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';

export interface JsonResponse {
  status: number;
  /** Parsed JSON when the server said application/json, else the text. */
  body: unknown;
}

export interface JsonRequestOptions {
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  timeoutMs?: number;
}

export class JsonHttpsClient {
  private readonly agent: https.Agent;

  constructor(
    readonly baseUrl: string,
    certDir: string,
  ) {
    this.agent = new https.Agent({
      ca: readFileSync(path.join(certDir, 'ca.crt')),
      cert: readFileSync(path.join(certDir, 'admin.crt')),
      key: readFileSync(path.join(certDir, 'admin.key')),
      keepAlive: true,
    });
  }

  request(method: string, urlPath: string, body?: unknown, opts: JsonRequestOptions = {}): Promise<JsonResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise<JsonResponse>((resolve, reject) => {
      const req = https.request(
        new URL(urlPath, this.baseUrl),
        { method, agent: this.agent, headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if ((res.headers['content-type'] ?? '').startsWith('application/json') && text !== '') {
              try {
                parsed = JSON.parse(text);
              } catch {
                // a truncated or broken body stays text, for the assertion message
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  get(urlPath: string, opts?: JsonRequestOptions): Promise<JsonResponse> {
    return this.request('GET', urlPath, undefined, opts);
  }

  post(urlPath: string, body: unknown, opts?: JsonRequestOptions): Promise<JsonResponse> {
    return this.request('POST', urlPath, body, opts);
  }

  put(urlPath: string, body: unknown, opts?: JsonRequestOptions): Promise<JsonResponse> {
    return this.request('PUT', urlPath, body, opts);
  }

  close(): void {
    this.agent.destroy();
  }
}
