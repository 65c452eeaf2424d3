// The demo backend: answers which version and which pod served the request.
//   GET /         200 "backend v1 pod=<POD_NAME> ip=<POD_IP>" (JSON {service,version,pod,ip} with Accept: application/json)
//   GET /healthz  200 "ok"
// Node.js standard library only; the image copies this file to /app/backend/server.mjs and
// ../shared/http-app.mjs (the server skeleton and the SIGTERM drain) to /app/shared/. See
// ../README.md for the environment, the SIGTERM behaviour and why every response carries
// Connection: close.
import { JSON_TYPE, TEXT_TYPE, listenEnv, logger, podIdentity, runHttpApp, send, wantsJson } from '../shared/http-app.mjs';

const SERVICE = 'backend';
const VERSION = process.env.VERSION || 'dev';
const { podName: POD_NAME, podIp: POD_IP } = podIdentity();
const { host, port, shutdownDelaySeconds } = listenEnv(SERVICE);
const log = logger(`${SERVICE} ${VERSION} pod=${POD_NAME}`);

function answerRoot(req, res) {
  if (wantsJson(req)) {
    send(res, 200, JSON_TYPE, `${JSON.stringify({ service: SERVICE, version: VERSION, pod: POD_NAME, ip: POD_IP })}\n`);
  } else {
    send(res, 200, TEXT_TYPE, `${SERVICE} ${VERSION} pod=${POD_NAME} ip=${POD_IP}\n`);
  }
}

runHttpApp({ service: SERVICE, log, host, port, shutdownDelaySeconds, onRoot: answerRoot });
