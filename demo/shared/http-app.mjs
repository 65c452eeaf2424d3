// What the demo servers have in common: env handling, the pod's identity, log lines, answers with
// Connection: close, and runHttpApp, the HTTP server around a server's own `GET /`:
//   GET /healthz  200 "ok"
//   other paths   404 "not found"
//   other methods 405 "method not allowed" (Allow: GET, HEAD)
// with the SIGTERM drain. Node.js standard library only; each image carries this file next to its
// server (/app/shared/http-app.mjs beside /app/backend/ or /app/frontend/, as in the checkout).
// See ../README.md for the environment, the SIGTERM behaviour and why every response carries
// Connection: close.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import os from 'node:os';
import { setTimeout } from 'node:timers';

/** After the delay, requests still in flight get this long before their connections are cut. */
const FORCE_CLOSE_MS = 5000;

export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const JSON_TYPE = 'application/json';

/** The env variable `name` as a non-negative integer, `dflt` when unset or empty; exits 2 otherwise. */
export function intEnv(service, name, dflt) {
  const text = process.env[name];
  if (text === undefined || text === '') return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${service}: ${name}=${JSON.stringify(text)} is not a non-negative integer`);
    process.exit(2);
  }
  return n;
}

/**
 * Where and how long to serve: HOST (0.0.0.0), PORT (8080; 0 picks a free port) and
 * SHUTDOWN_DELAY_SECONDS (3). A server reads them first, so a bad value stops it before its own.
 */
export function listenEnv(service) {
  return {
    host: process.env.HOST || '0.0.0.0',
    port: intEnv(service, 'PORT', 8080),
    shutdownDelaySeconds: intEnv(service, 'SHUTDOWN_DELAY_SECONDS', 3),
  };
}

function firstIPv4() {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return 'unknown';
}

/** POD_NAME (else the hostname) and POD_IP (else the first non-loopback IPv4 address). */
export function podIdentity() {
  return { podName: process.env.POD_NAME || os.hostname(), podIp: process.env.POD_IP || firstIPv4() };
}

/** A log function printing `<ISO time> <prefix>: <msg>` lines. */
export function logger(prefix) {
  return (msg) => console.log(`${new Date().toISOString()} ${prefix}: ${msg}`);
}

/** Whether the request asks for JSON (Accept names application/json). */
export function wantsJson(req) {
  return /\bapplication\/json\b/i.test(req.headers.accept ?? '');
}

/** The whole answer at once, with Content-Length and Connection: close; no body to HEAD. */
export function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * Serves `onRoot(req, res)` at GET / (and HEAD /), /healthz, 404 and 405 around it, on `host`:`port`;
 * logs `listening on <address>:<port>` (plus `, <listeningNote>`), exits 1 when the server fails,
 * and drains on SIGTERM/SIGINT (drainOnSignals). Returns the server.
 */
export function runHttpApp({ service, log, host, port, shutdownDelaySeconds, onRoot, listeningNote }) {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, TEXT_TYPE, 'method not allowed\n');
    } else if (path === '/healthz') {
      send(res, 200, TEXT_TYPE, 'ok\n');
    } else if (path === '/') {
      void onRoot(req, res);
    } else {
      send(res, 404, TEXT_TYPE, 'not found\n');
    }
  });

  server.on('error', (err) => {
    console.error(`${service}: ${err.message}`);
    process.exit(1);
  });

  server.listen(port, host, () => {
    const { address, port: bound } = server.address();
    log(`listening on ${address}:${bound}${listeningNote ? `, ${listeningNote}` : ''}`);
  });

  drainOnSignals(server, log, shutdownDelaySeconds);
  return server;
}

/**
 * On SIGTERM or SIGINT: keep serving for `delaySeconds` (endpoints drain meanwhile), then stop
 * listening, close idle connections, cut the rest after FORCE_CLOSE_MS, and exit 0 once closed.
 * A second signal exits 0 at once.
 */
function drainOnSignals(server, log, delaySeconds) {
  let draining = false;
  function onSignal(signal) {
    if (draining) {
      log(`${signal} again: exiting now`);
      process.exit(0);
    }
    draining = true;
    log(`${signal}: still serving for ${delaySeconds}s while endpoints drain`);
    setTimeout(() => {
      log('closing the listener');
      server.close(() => {
        log('stopped');
        process.exit(0);
      });
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_MS).unref();
    }, delaySeconds * 1000);
  }
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
