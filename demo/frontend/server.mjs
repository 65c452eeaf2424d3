// The demo frontend: calls the backend and says who answered.
//   GET /         200 "frontend pod=<POD_NAME> -> <the backend's line>", 502 when the backend fails
//                 (JSON {service,pod,ip,backend} or {service,pod,ip,error} with Accept: application/json)
//   GET /healthz  200 "ok" (does not call the backend: a backend outage must not restart frontends)
// Node.js standard library only; the image copies this file to /app/frontend/server.mjs and
// ../shared/http-app.mjs (the server skeleton and the SIGTERM drain) to /app/shared/. See
// ../README.md for the environment, the SIGTERM behaviour and why every call uses a new connection.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { setTimeout, clearTimeout } from 'node:timers';
import { URL } from 'node:url';
import { JSON_TYPE, TEXT_TYPE, intEnv, listenEnv, logger, podIdentity, runHttpApp, send, wantsJson } from '../shared/http-app.mjs';

const SERVICE = 'frontend';
const { podName: POD_NAME, podIp: POD_IP } = podIdentity();
const { host, port, shutdownDelaySeconds } = listenEnv(SERVICE);
const BACKEND_URL = process.env.BACKEND_URL || 'http://backend:8080/';
const BACKEND_TIMEOUT_MS = intEnv(SERVICE, 'BACKEND_TIMEOUT_MS', 2000);
/** The most of a backend answer that is read. */
const MAX_BACKEND_BODY = 64 * 1024;
const log = logger(`${SERVICE} pod=${POD_NAME}`);

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

async function answerRoot(req, res) {
  const json = wantsJson(req);
  try {
    const body = await callBackend(json ? 'application/json' : 'text/plain');
    if (json) {
      let backend;
      try {
        backend = JSON.parse(body);
      } catch {
        throw new Error(`answered 200 with a body that is not JSON: ${body.trim().split('\n')[0] ?? ''}`);
      }
      send(res, 200, JSON_TYPE, `${JSON.stringify({ service: SERVICE, pod: POD_NAME, ip: POD_IP, backend })}\n`);
    } else {
      send(res, 200, TEXT_TYPE, `${SERVICE} pod=${POD_NAME} -> ${body.trim().split('\n')[0] ?? ''}\n`);
    }
  } catch (err) {
    const reason = `backend ${BACKEND_URL} failed: ${err.message}`;
    log(reason);
    if (json) send(res, 502, JSON_TYPE, `${JSON.stringify({ service: SERVICE, pod: POD_NAME, ip: POD_IP, error: reason })}\n`);
    else send(res, 502, TEXT_TYPE, `${SERVICE} pod=${POD_NAME} -> ${reason}\n`);
  }
}

runHttpApp({ service: SERVICE, log, host, port, shutdownDelaySeconds, onRoot: answerRoot, listeningNote: `backend ${BACKEND_URL}` });
