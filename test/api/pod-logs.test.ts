// pods/log is proxied to the node agent of the pod's node (port 10250). The node agent does not
// exist yet, so a stand-in HTTPS server with a certificate from the cluster CA plays its node
// API here; what is tested is the API server's proxy and kubectl logs through it.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueServerCert } from '../../services/api/auth/pki.js';
import { ApiCluster } from '../support/api-cluster.js';

let c: ApiCluster;
let agent: https.Server | undefined;
const seen: { path: string; clientCN: string }[] = [];

beforeAll(async () => {
  c = await ApiCluster.start();
  const ca = { certPem: readFileSync(path.join(c.certDir, 'ca.crt'), 'utf8'), keyPem: readFileSync(path.join(c.certDir, 'ca.key'), 'utf8') };
  const serving = issueServerCert(ca, { commonName: 'n-log', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  agent = https.createServer({ key: serving.keyPem, cert: serving.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push({ path: req.url ?? '', clientCN: String(peer.subject?.CN ?? '') });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('line 1\nline 2\n');
  });
  await new Promise<void>((resolve, reject) => {
    agent?.once('error', reject);
    agent?.listen(10250, '127.0.0.1', resolve);
  });
  expect((agent.address() as AddressInfo).port).toBe(10250);
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n-log' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } };
  const pod = (name: string, nodeName?: string): string =>
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'web', image: 'demo/web:1' }] } });
  for (const input of [JSON.stringify(node), pod('bound', 'n-log'), pod('unbound')]) {
    const r = await c.kubectl(['create', '-f', '-'], { input });
    expect(r.exitCode, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (agent ? agent.close(() => resolve()) : resolve()));
  await c?.destroy();
});

describe('kubectl logs', () => {
  it('streams the container log from the node agent, passing the options through', async () => {
    const r = await c.kubectl(['logs', 'bound', '--tail=2', '--timestamps']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('line 1\nline 2');
    const last = seen[seen.length - 1];
    expect(last?.path).toBe('/containerLogs/default/bound/web?tailLines=2&timestamps=true');
    // The API server shows its own kubelet-client identity, signed by the cluster CA.
    expect(last?.clientCN).toBe('kube-apiserver-kubelet-client');
  });

  it('refuses a pod that is not on a node, and an unknown container, as Kubernetes does', async () => {
    const unbound = await c.kubectl(['logs', 'unbound']);
    expect(unbound.exitCode).toBe(1);
    expect(unbound.stderr.trim()).toBe('Error from server (BadRequest): pod unbound does not have a host assigned');
    const wrong = await c.kubectl(['logs', 'bound', '-c', 'nope']);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr.trim()).toBe('error: container nope is not valid for pod bound');
  });
});
