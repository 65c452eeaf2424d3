// The demo backend: answers which version and which pod served the request.
//   GET /         200 "backend v1 pod=<POD_NAME> ip=<POD_IP>" (JSON {service,version,pod,ip} with Accept: application/json)
//   GET /healthz  200 "ok"
// Node.js standard library only; the image copies this one file to /app/server.mjs. See ../README.md
// for the environment, the SIGTERM behaviour and why every response carries Connection: close.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import os from 'node:os';
import { setTimeout } from 'node:timers';

const SERVICE = 'backend';
const VERSION = process.env.VERSION || 'dev';
const POD_NAME = process.env.POD_NAME || os.hostname();
const POD_IP = process.env.POD_IP || firstIPv4();
const HOST = process.env.HOST || '0.0.0.0';
const PORT = intEnv('PORT', 8080);
const SHUTDOWN_DELAY_SECONDS = intEnv('SHUTDOWN_DELAY_SECONDS', 3);
/** After the delay, requests still in flight get this long before their connections are cut. */
const FORCE_CLOSE_MS = 5000;

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
  console.log(`${new Date().toISOString()} ${SERVICE} ${VERSION} pod=${POD_NAME}: ${msg}`);
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  if (path === '/healthz') {
    send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
  } else if (path === '/') {
    if (/\bapplication\/json\b/i.test(req.headers.accept ?? '')) {
      send(res, 200, 'application/json', `${JSON.stringify({ service: SERVICE, version: VERSION, pod: POD_NAME, ip: POD_IP })}\n`);
    } else {
      send(res, 200, 'text/plain; charset=utf-8', `${SERVICE} ${VERSION} pod=${POD_NAME} ip=${POD_IP}\n`);
    }
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
  log(`listening on ${address}:${port}`);
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
