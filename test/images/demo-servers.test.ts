// The demo apps (demo/backend/server.mjs, demo/frontend/server.mjs) as real node processes on
// loopback: their answers, their failures, and what they do on SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DIR, checkoutRoot } from '../../lib/images/index.js';

const DEMO = join(checkoutRoot(), DEMO_DIR);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(port: number, path = '/', headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

class DemoServer {
  output = '';
  port = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly proc: ChildProcess) {
    proc.stdout?.setEncoding('utf8');
    proc.stderr?.setEncoding('utf8');
    proc.stdout?.on('data', (d: string) => (this.output += d));
    proc.stderr?.on('data', (d: string) => (this.output += d));
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once the output matches; fails when the process exits first. */
  async waitFor(re: RegExp): Promise<RegExpExecArray> {
    let done = false;
    const exit = this.exited.then(() => {
      if (!done) throw new Error(`process exited before printing ${String(re)}; output:\n${this.output}`);
    });
    exit.catch(() => {});
    for (;;) {
      const m = re.exec(this.output);
      if (m) {
        done = true;
        return m;
      }
      await Promise.race([new Promise((r) => setTimeout(r, 20)), exit]);
    }
  }
}

const started: DemoServer[] = [];

async function start(app: 'backend' | 'frontend', env: Record<string, string>): Promise<DemoServer> {
  const proc = spawn(process.execPath, [join(DEMO, app, 'server.mjs')], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const s = new DemoServer(proc);
  started.push(s);
  const m = await s.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
  s.port = Number(m[1]);
  return s;
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
  }
});

/** A loopback server with a handler of the test's own, for the frontend to call. */
async function fakeBackend(handler: http.RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('demo backend', () => {
  it('names its version, pod and IP in text, or JSON when asked, with Connection: close', async () => {
    const b = await start('backend', { VERSION: 'v2', POD_NAME: 'backend-v2-abc', POD_IP: '10.244.1.7' });
    const text = await get(b.port);
    expect(text).toMatchObject({ status: 200, body: 'backend v2 pod=backend-v2-abc ip=10.244.1.7\n' });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers.connection).toBe('close');
    const json = await get(b.port, '/', { Accept: 'application/json' });
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body)).toEqual({ service: 'backend', version: 'v2', pod: 'backend-v2-abc', ip: '10.244.1.7' });
  });

  it('answers /healthz, 404 elsewhere, 405 to other methods, and falls back to the hostname', async () => {
    const b = await start('backend', { VERSION: 'v1' });
    expect(await get(b.port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get(b.port, '/nope')).toMatchObject({ status: 404 });
    const post = await get(b.port, '/', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await get(b.port)).body).toMatch(new RegExp(`^backend v1 pod=${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ip=\\S+\n$`));
  });

  it('keeps answering for SHUTDOWN_DELAY_SECONDS after SIGTERM, then exits 0', async () => {
    const b = await start('backend', { VERSION: 'v1', POD_NAME: 'p', SHUTDOWN_DELAY_SECONDS: '2' });
    b.proc.kill('SIGTERM');
    await b.waitFor(/SIGTERM: still serving for 2s/);
    const during = await get(b.port);
    expect(during.status).toBe(200);
    expect(during.body).toMatch(/^backend v1 pod=p ip=\S+\n$/);
    expect(await get(b.port, '/healthz')).toMatchObject({ status: 200 });
    expect(b.output).not.toContain('closing the listener');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(b.output).toMatch(/closing the listener[\s\S]*stopped/);
    await expect(get(b.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('exits at once on a second signal', async () => {
    const b = await start('backend', { SHUTDOWN_DELAY_SECONDS: '600' });
    b.proc.kill('SIGTERM');
    await b.waitFor(/SIGTERM: still serving for 600s/);
    b.proc.kill('SIGINT');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(b.output).toContain('SIGINT again: exiting now');
  });

  it('refuses a PORT that is not a number', async () => {
    const proc = spawn(process.execPath, [join(DEMO, 'backend', 'server.mjs')], { env: { PORT: 'http' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const s = new DemoServer(proc);
    started.push(s);
    expect(await s.exited).toEqual({ code: 2, signal: null });
    expect(s.output).toContain('backend: PORT="http" is not a non-negative integer');
  });
});

describe('demo frontend', () => {
  it('answers with its pod and the backend line, in text or JSON', async () => {
    const b = await start('backend', { VERSION: 'v1', POD_NAME: 'backend-v1-x', POD_IP: '10.244.2.2' });
    const f = await start('frontend', { POD_NAME: 'frontend-y', POD_IP: '10.244.3.3', BACKEND_URL: `http://127.0.0.1:${b.port}/` });
    expect(await get(f.port)).toMatchObject({ status: 200, body: 'frontend pod=frontend-y -> backend v1 pod=backend-v1-x ip=10.244.2.2\n' });
    const json = await get(f.port, '/', { Accept: 'application/json' });
    expect(JSON.parse(json.body)).toEqual({
      service: 'frontend',
      pod: 'frontend-y',
      ip: '10.244.3.3',
      backend: { service: 'backend', version: 'v1', pod: 'backend-v1-x', ip: '10.244.2.2' },
    });
    expect(await get(f.port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('opens a new connection for every backend call', async () => {
    const ports = new Set<number>();
    const connectionHeaders: Array<string | undefined> = [];
    const fake = await fakeBackend((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      connectionHeaders.push(req.headers.connection);
      res.end('backend v9 pod=fake ip=1.2.3.4\n');
    });
    try {
      const f = await start('frontend', { POD_NAME: 'f', BACKEND_URL: `http://127.0.0.1:${fake.port}/` });
      for (let i = 0; i < 3; i++) expect((await get(f.port)).body).toBe('frontend pod=f -> backend v9 pod=fake ip=1.2.3.4\n');
      expect(ports.size).toBe(3);
      expect(connectionHeaders).toEqual(['close', 'close', 'close']);
    } finally {
      await fake.close();
    }
  });

  it('answers 502 naming the cause when the backend refuses, fails or does not answer in time', async () => {
    const closed = await fakeBackend(() => {});
    await closed.close();
    const failing = await fakeBackend((_req, res) => {
      res.statusCode = 500;
      res.end('boom\n');
    });
    const silent = await fakeBackend(() => {});
    try {
      const refused = await start('frontend', { POD_NAME: 'f', BACKEND_URL: `http://127.0.0.1:${closed.port}/` });
      expect(await get(refused.port)).toMatchObject({ status: 502, body: `frontend pod=f -> backend http://127.0.0.1:${closed.port}/ failed: connect ECONNREFUSED 127.0.0.1:${closed.port}\n` });
      const json = await get(refused.port, '/', { Accept: 'application/json' });
      expect(json.status).toBe(502);
      expect(JSON.parse(json.body)).toMatchObject({ service: 'frontend', pod: 'f', error: expect.stringContaining('ECONNREFUSED') as unknown });

      const error = await start('frontend', { POD_NAME: 'f', BACKEND_URL: `http://127.0.0.1:${failing.port}/` });
      expect(await get(error.port)).toMatchObject({ status: 502, body: `frontend pod=f -> backend http://127.0.0.1:${failing.port}/ failed: answered 500: boom\n` });

      const slow = await start('frontend', { POD_NAME: 'f', BACKEND_URL: `http://127.0.0.1:${silent.port}/`, BACKEND_TIMEOUT_MS: '300' });
      expect(await get(slow.port)).toMatchObject({ status: 502, body: `frontend pod=f -> backend http://127.0.0.1:${silent.port}/ failed: no answer within 300 ms\n` });
    } finally {
      await failing.close();
      await silent.close();
    }
  });

  it('keeps answering for SHUTDOWN_DELAY_SECONDS after SIGTERM, then exits 0', async () => {
    const b = await start('backend', { VERSION: 'v2', POD_NAME: 'b', POD_IP: '10.0.0.1' });
    const f = await start('frontend', { POD_NAME: 'f', BACKEND_URL: `http://127.0.0.1:${b.port}/`, SHUTDOWN_DELAY_SECONDS: '2' });
    f.proc.kill('SIGTERM');
    await f.waitFor(/SIGTERM: still serving for 2s/);
    expect(await get(f.port)).toMatchObject({ status: 200, body: 'frontend pod=f -> backend v2 pod=b ip=10.0.0.1\n' });
    expect(await f.exited).toEqual({ code: 0, signal: null });
    await expect(get(f.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
