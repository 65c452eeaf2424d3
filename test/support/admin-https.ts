// Plain HTTPS requests to an API server with the admin client certificate from a cert dir
// (ca.crt, admin.crt, admin.key), for the watch tests that look at status codes and bodies
// exactly as the server sends them, without a client library in between.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';

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

export interface KubeResponse {
  statusCode: number;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface KubeRequestOptions {
  body?: unknown;
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  timeoutMs?: number;
  agent?: https.Agent;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * One request; resolves with any HTTP status, rejects on transport errors (refused, reset,
 * timeout), which callers treat as "outcome unknown" for writes.
 */
export function kubeRequest(baseUrl: string, tls: KubeTls, method: string, pathAndQuery: string, opts: KubeRequestOptions = {}): Promise<KubeResponse> {
  const url = new URL(pathAndQuery, baseUrl);
  const payload = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
  return new Promise<KubeResponse>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        agent: opts.agent,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        headers: {
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new Error(`response to ${method} ${pathAndQuery} exceeds ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ statusCode: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
