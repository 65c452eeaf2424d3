import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { waitFor } from '../../../test/support/wait-for.js';
import type { LogOptions, NodeApiBackend } from './node-api.js';
import { handleNodeApi, logOptions, NodeApiError } from './node-api.js';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}` } });

class Backend implements NodeApiBackend {
  healthyNow = true;
  readonly logCalls: Array<{ namespace: string; pod: string; container: string; o: LogOptions }> = [];
  logStream: () => Readable = () => Readable.from(['line 1\n', 'line 2\n']);
  pods(): KubeObject[] {
    return [pod('a'), pod('b')];
  }
  runningPods(): Promise<KubeObject[]> {
    return Promise.resolve([pod('a')]);
  }
  logs(namespace: string, p: string, container: string, o: LogOptions): Promise<Readable> {
    this.logCalls.push({ namespace, pod: p, container, o });
    if (p === 'missing') return Promise.reject(new NodeApiError(404, `pod "missing" in namespace "${namespace}" not found on this node`));
    if (p === 'broken') return Promise.reject(new Error('runtime exploded'));
    return Promise.resolve(this.logStream());
  }
  metrics(): Promise<{ contentType: string; body: string }> {
    return Promise.resolve({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: 'kubelet_running_pods 2\n' });
  }
  healthy(): boolean {
    return this.healthyNow;
  }
}

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

describe('handleNodeApi over HTTP', () => {
  const backend = new Backend();
  let server: http.Server;
  let base = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => void handleNodeApi(backend, req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    backend.logCalls.length = 0;
    backend.healthyNow = true;
    backend.logStream = () => Readable.from(['line 1\n', 'line 2\n']);
  });

  const request = (path: string, method = 'GET'): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  it('/healthz answers ok, or 500 when unhealthy', async () => {
    expect(await request('/healthz')).toEqual({ status: 200, type: 'text/plain; charset=utf-8', body: 'ok' });
    backend.healthyNow = false;
    expect(await request('/healthz')).toEqual({ status: 500, type: 'text/plain; charset=utf-8', body: 'unhealthy' });
  });

  it('/pods and /runningpods answer PodLists', async () => {
    for (const path of ['/pods', '/pods/']) {
      const r = await request(path);
      expect(r.status).toBe(200);
      expect(r.type).toBe('application/json');
      expect(JSON.parse(r.body)).toEqual({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [pod('a'), pod('b')] });
    }
    for (const path of ['/runningpods', '/runningpods/']) {
      expect(JSON.parse((await request(path)).body)).toEqual({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [pod('a')] });
    }
  });

  it('/metrics answers with the backend content type', async () => {
    expect(await request('/metrics')).toEqual({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: 'kubelet_running_pods 2\n' });
  });

  it('/containerLogs/<ns>/<pod>/<container> passes the options and streams the log', async () => {
    const r = await request('/containerLogs/shop/web-0/app?follow=true&tailLines=10&sinceSeconds=5&timestamps=1&previous=false&limitBytes=100');
    expect(r).toEqual({ status: 200, type: 'text/plain', body: 'line 1\nline 2\n' });
    expect(backend.logCalls).toEqual([{ namespace: 'shop', pod: 'web-0', container: 'app', o: { follow: true, tailLines: 10, sinceSeconds: 5, timestamps: true, previous: false, limitBytes: 100 } }]);
  });

  it('decodes escaped path parts and passes sinceTime', async () => {
    await request('/containerLogs/shop/web%2D0/app?sinceTime=2026-01-01T00%3A00%3A00Z&previous=1');
    expect(backend.logCalls).toEqual([{ namespace: 'shop', pod: 'web-0', container: 'app', o: { follow: false, timestamps: false, previous: true, sinceTime: '2026-01-01T00:00:00Z' } }]);
  });

  it('streams a followed log as it is written, and stops the stream when the caller goes away', async () => {
    const live = new PassThrough();
    backend.logStream = () => live;
    const chunks: string[] = [];
    let response: http.IncomingMessage | undefined;
    const req = http.get(`${base}/containerLogs/shop/web-0/app?follow=true`, { agent: false }, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (d: string) => chunks.push(d));
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    live.write('first\n');
    await waitFor('the first line', () => chunks.join('') === 'first\n', 10_000, 10);
    expect(response?.headers['transfer-encoding']).toBe('chunked');
    live.write('second\n');
    await waitFor('the second line', () => chunks.join('') === 'first\nsecond\n', 10_000, 10);
    req.destroy();
    await waitFor('the log stream to be destroyed', () => live.destroyed, 10_000, 10);
  });

  it('answers an error of the backend with its code and message', async () => {
    expect(await request('/containerLogs/shop/missing/app')).toEqual({ status: 404, type: 'text/plain; charset=utf-8', body: 'pod "missing" in namespace "shop" not found on this node' });
    expect(await request('/containerLogs/shop/broken/app')).toEqual({ status: 500, type: 'text/plain; charset=utf-8', body: 'runtime exploded' });
  });

  it.each([['/nope'], ['/containerLogs/shop/web-0'], ['/containerLogs/shop/web-0/app/extra'], ['/']])('%s is 404', async (path) => {
    expect(await request(path)).toEqual({ status: 404, type: 'text/plain; charset=utf-8', body: '404 page not found' });
    expect(backend.logCalls).toEqual([]);
  });

  it.each([['POST'], ['PUT'], ['DELETE']])('%s is 405', async (method) => {
    expect(await request('/pods', method)).toEqual({ status: 405, type: 'text/plain; charset=utf-8', body: 'method not allowed' });
  });

  it.each([
    ['tailLines=-1', 'invalid tailLines: -1'],
    ['tailLines=abc', 'invalid tailLines: abc'],
    ['tailLines=1.5', 'invalid tailLines: 1.5'],
    ['sinceSeconds=x', 'invalid sinceSeconds: x'],
    ['limitBytes=-5', 'invalid limitBytes: -5'],
  ])('%s is 400', async (query, message) => {
    expect(await request(`/containerLogs/shop/web-0/app?${query}`)).toEqual({ status: 400, type: 'text/plain; charset=utf-8', body: message });
    expect(backend.logCalls).toEqual([]);
  });
});

describe('logOptions', () => {
  it.each([
    ['', { follow: false, timestamps: false, previous: false }],
    ['follow=1&timestamps=true&previous=true', { follow: true, timestamps: true, previous: true }],
    ['follow=yes&timestamps=0', { follow: false, timestamps: false, previous: false }],
    ['tailLines=0&sinceSeconds=&limitBytes=', { follow: false, timestamps: false, previous: false, tailLines: 0 }],
    ['sinceTime=', { follow: false, timestamps: false, previous: false }],
  ])('%j', (query, want) => {
    expect(logOptions(new URLSearchParams(query))).toEqual(want);
  });

  it('throws a 400 NodeApiError for a bad number', () => {
    let err: unknown;
    try {
      logOptions(new URLSearchParams('tailLines=-3'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NodeApiError);
    expect((err as NodeApiError).code).toBe(400);
    expect((err as NodeApiError).message).toBe('invalid tailLines: -3');
  });
});
