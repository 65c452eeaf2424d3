// The demo frontend: calls the backend and says who answered.
//   GET /         200 "frontend pod=<POD_NAME> -> <the backend's line>", 502 when the backend fails
//                 (JSON {service,pod,ip,backend} or {service,pod,ip,error} with Accept: application/json)
//   GET /healthz  200 "ok" (does not call the backend: a backend outage must not restart frontends)
// Node.js standard library only; the image copies this one file to /app/server.mjs. See ../README.md
// for the environment, the SIGTERM behaviour and why every call uses a new connection.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import os from 'node:os';
import { setTimeout, clearTimeout } from 'node:timers';
import { URL } from 'node:url';

const SERVICE = 'frontend';
const POD_NAME = process.env.POD_NAME || os.hostname();
const POD_IP = process.env.POD_IP || firstIPv4();
const HOST = process.env.HOST || '0.0.0.0';
const PORT = intEnv('PORT', 8080);
const SHUTDOWN_DELAY_SECONDS = intEnv('SHUTDOWN_DELAY_SECONDS', 3);
const BACKEND_URL = process.env.BACKEND_URL || 'http://backend:8080/';
const BACKEND_TIMEOUT_MS = intEnv('BACKEND_TIMEOUT_MS', 2000);
/** After the delay, requests still in flight get this long before their connections are cut. */
const FORCE_CLOSE_MS = 5000;
/** The most of a backend answer that is read. */
const MAX_BACKEND_BODY = 64 * 1024;

function intEnv(name, dflt) {
  const text = process.env[name];
  if (text === undefined || text === '') return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${SERVICE}: ${name}=${JSON.stringify(text)} is not a non-negative integer`);
    process.exit(2);
  }
  return n;
}

function firstIPv4() {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return 'unknown';
}

function log(msg) {
  console.log(`${new Date().toISOString()} ${SERVICE} pod=${POD_NAME}: ${msg}`);
}

let backendUrl;
try {
  backendUrl = new URL(BACKEND_URL);
  if (backendUrl.protocol !== 'http:') throw new Error('only http:// is supported');
} catch (err) {
  console.error(`${SERVICE}: BACKEND_URL=${JSON.stringify(BACKEND_URL)}: ${err.message}`);
  process.exit(2);
}

/**
 * One GET of the backend over a new connection (agent: false, Connection: close), bounded as a
 * whole by BACKEND_TIMEOUT_MS. Resolves to the body of a 200; rejects with a readable reason.
 */
function callBackend(accept) {
  return new Promise((resolve, reject) => {
    const req = http.get(backendUrl, { agent: false, headers: { Accept: accept, Connection: 'close', 'User-Agent': `demo-frontend/${POD_NAME}` } }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        if (size < MAX_BACKEND_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks).toString('utf8').slice(0, MAX_BACKEND_BODY);
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`answered ${res.statusCode}: ${body.trim().split('\n')[0] ?? ''}`));
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${BACKEND_TIMEOUT_MS} ms`)), BACKEND_TIMEOUT_MS);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function answerRoot(req, res) {
  const json = /\bapplication\/json\b/i.test(req.headers.accept ?? '');
  try {
    const body = await callBackend(json ? 'application/json' : 'text/plain');
    if (json) {
      let backend;
      try {
        backend = JSON.parse(body);
      } catch {
        throw new Error(`answered 200 with a body that is not JSON: ${body.trim().split('\n')[0] ?? ''}`);
      }
      send(res, 200, 'application/json', `${JSON.stringify({ service: SERVICE, pod: POD_NAME, ip: POD_IP, backend })}\n`);
    } else {
      send(res, 200, 'text/plain; charset=utf-8', `${SERVICE} pod=${POD_NAME} -> ${body.trim().split('\n')[0] ?? ''}\n`);
    }
  } catch (err) {
    const reason = `backend ${BACKEND_URL} failed: ${err.message}`;
    log(reason);
    if (json) send(res, 502, 'application/json', `${JSON.stringify({ service: SERVICE, pod: POD_NAME, ip: POD_IP, error: reason })}\n`);
    else send(res, 502, 'text/plain; charset=utf-8', `${SERVICE} pod=${POD_NAME} -> ${reason}\n`);
  }
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  } else if (path === '/healthz') {
    send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
  } else if (path === '/') {
    void answerRoot(req, res);
  } else {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
});

server.on('error', (err) => {
  console.error(`${SERVICE}: ${err.message}`);
  process.exit(1);
});

server.listen(PORT, HOST, () => {
  const { address, port } = server.address();
  log(`listening on ${address}:${port}, backend ${BACKEND_URL}`);
});

let draining = false;
function onSignal(signal) {
  if (draining) {
    log(`${signal} again: exiting now`);
    process.exit(0);
  }
  draining = true;
  log(`${signal}: still serving for ${SHUTDOWN_DELAY_SECONDS}s while endpoints drain`);
  setTimeout(() => {
    log('closing the listener');
    server.close(() => {
      log('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_MS).unref();
  }, SHUTDOWN_DELAY_SECONDS * 1000);
}
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
