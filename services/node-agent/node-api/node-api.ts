// The node API (the kubelet's port 10250): pod logs, the pods this node runs, health and
// metrics. It is served over TLS to callers with a client certificate from the cluster CA only
// (the API server's kubelet-client certificate when it proxies `kubectl logs`); the handler
// itself is plain request → response so it is tested without sockets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { KubeObject } from '../../../lib/api/object.js';

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps: boolean;
  previous: boolean;
  limitBytes?: number;
}

export interface NodeApiBackend {
  pods(): KubeObject[];
  runningPods(): Promise<KubeObject[]>;
  /** The log stream, or an error with an HTTP code (404 pod or container not found, 400 bad request). */
  logs(namespace: string, pod: string, container: string, o: LogOptions): Promise<Readable>;
  metrics(): Promise<{ contentType: string; body: string }>;
  healthy(): boolean;
}

export class NodeApiError extends Error {
  override readonly name = 'NodeApiError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new NodeApiError(400, `invalid ${name}: ${v}`);
  return n;
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

export function logOptions(q: URLSearchParams): LogOptions {
  const tailLines = intParam(q, 'tailLines');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceTime = q.get('sinceTime');
  return {
    follow: boolParam(q, 'follow'),
    timestamps: boolParam(q, 'timestamps'),
    previous: boolParam(q, 'previous'),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    ...(sinceTime !== null && sinceTime !== '' ? { sinceTime } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

function send(res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Handles one node API request. */
export async function handleNodeApi(backend: NodeApiBackend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://node');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (req.method !== 'GET') throw new NodeApiError(405, 'method not allowed');
    if (url.pathname === '/healthz') {
      send(res, backend.healthy() ? 200 : 500, 'text/plain; charset=utf-8', backend.healthy() ? 'ok' : 'unhealthy');
      return;
    }
    if (url.pathname === '/metrics') {
      const m = await backend.metrics();
      send(res, 200, m.contentType, m.body);
      return;
    }
    if (url.pathname === '/pods' || url.pathname === '/pods/') {
      send(res, 200, 'application/json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: backend.pods() }));
      return;
    }
    if (url.pathname === '/runningpods' || url.pathname === '/runningpods/') {
      send(res, 200, 'application/json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: await backend.runningPods() }));
      return;
    }
    if (parts[0] === 'containerLogs' && parts.length === 4) {
      const [, namespace = '', pod = '', container = ''] = parts;
      const stream = await backend.logs(namespace, pod, container, logOptions(url.searchParams));
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      const close = (): void => void stream.destroy();
      res.on('close', close);
      stream.on('error', () => res.end());
      stream.pipe(res);
      return;
    }
    throw new NodeApiError(404, '404 page not found');
  } catch (err) {
    const code = err instanceof NodeApiError ? err.code : 500;
    if (!res.headersSent) send(res, code, 'text/plain; charset=utf-8', err instanceof Error ? err.message : String(err));
    else res.end();
  }
}

export interface NodeApiServerOptions {
  host: string;
  port: number;
  cert: string;
  key: string;
  /** The CA that signs the certificates of allowed callers. */
  clientCA: string;
}

/** The TLS server: a caller without a certificate from clientCA is refused in the handshake. */
export async function startNodeApiServer(backend: NodeApiBackend, o: NodeApiServerOptions): Promise<https.Server> {
  const server = https.createServer({ cert: o.cert, key: o.key, ca: o.clientCA, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    void handleNodeApi(backend, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
