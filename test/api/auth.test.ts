// Acceptance: authentication (client certificates of the cluster CA, ServiceAccount bearer
// tokens) and authorization (RBAC with the bootstrap roles, NodeRestriction for nodes) against
// store + API server processes started here, through HTTPS directly and through the real kubectl.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRecord } from '../../lib/api/object.js';
import { issueComponentCredentials, writeKubeconfig } from '../../services/api/auth/cert-dir.js';
import { createCa, issueClientCert } from '../../services/api/auth/pki.js';
import { ApiCluster } from '../support/api-cluster.js';
import type { KubectlResult } from '../support/api-cluster.js';
import { sleep } from '../support/store-cluster.js';

let c: ApiCluster;
let caPem: string;
let admin: Credentials;

interface Credentials {
  cert?: string;
  key?: string;
  token?: string;
}

interface HttpResult {
  status: number;
  contentType: string;
  text: string;
}

/** One HTTPS request to API server 0, trusting the cluster CA, with the given credentials. */
function request(method: string, urlPath: string, creds: Credentials, body?: unknown, contentType = 'application/json'): Promise<HttpResult> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (creds.token !== undefined) headers.Authorization = `Bearer ${creds.token}`;
  if (payload !== undefined) headers['Content-Type'] = contentType;
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${c.url(0)}${urlPath}`,
      {
        method,
        headers,
        ca: caPem,
        ...(creds.cert !== undefined ? { cert: creds.cert } : {}),
        ...(creds.key !== undefined ? { key: creds.key } : {}),
        agent: false,
        signal: AbortSignal.timeout(15_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function json(r: HttpResult): Record<string, unknown> {
  const v: unknown = JSON.parse(r.text);
  if (!isRecord(v)) throw new Error(`not a JSON object: ${r.text}`);
  return v;
}

function field(obj: unknown, ...keys: string[]): unknown {
  let v = obj;
  for (const k of keys) v = isRecord(v) ? v[k] : undefined;
  return v;
}

/** Fails with the response when the status is not the expected one. */
function expectStatus(r: HttpResult, code: number): Record<string, unknown> {
  if (r.status !== code) throw new Error(`expected HTTP ${code}, got ${r.status}: ${r.text}`);
  return json(r);
}

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

function forbiddenStatus(message: string, details: Record<string, string>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 };
}

function expectUnauthorized(r: HttpResult): void {
  expect(r.status, r.text).toBe(401);
  expect(r.contentType).toMatch(/^application\/json/);
  expect(json(r)).toEqual(UNAUTHORIZED);
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await c.kubectl(args, { input });
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/**
 * Creates one object as the admin with `kubectl create -f -` (a JSON body). kubectl's typed
 * generators (create namespace/serviceaccount/rolebinding) send protobuf, which is not what
 * these tests are about.
 */
async function adminCreate(obj: Record<string, unknown>): Promise<string> {
  return ok(['create', '-f', '-'], JSON.stringify(obj));
}

/** A TokenRequest for a ServiceAccount, as the admin, over HTTPS with a JSON body. */
async function requestToken(namespace: string, name: string): Promise<string> {
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { audiences: null, boundObjectRef: null } };
  const r = expectStatus(await request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, admin, body), 201);
  const token = field(r, 'status', 'token');
  if (typeof token !== 'string') throw new Error(`no status.token in ${JSON.stringify(r)}`);
  return token;
}

/** Retries a request until it answers `code` (RBAC and token checks read an informer-like cache). */
async function eventually(code: number, send: () => Promise<HttpResult>): Promise<HttpResult> {
  let last = await send();
  for (let i = 0; i < 50 && last.status !== code; i++) {
    await sleep(200);
    last = await send();
  }
  return last;
}

/** A kubeconfig with the cluster (server and CA) but no user credentials: for kubectl --token. */
let bareKubeconfig: string;

async function kubectlWithToken(token: string, args: string[]): Promise<KubectlResult> {
  return c.kubectl(['--kubeconfig', bareKubeconfig, '--token', token, ...args]);
}

beforeAll(async () => {
  c = await ApiCluster.start();
  caPem = readFileSync(path.join(c.certDir, 'ca.crt'), 'utf8');
  admin = { cert: readFileSync(path.join(c.certDir, 'admin.crt'), 'utf8'), key: readFileSync(path.join(c.certDir, 'admin.key'), 'utf8') };
  bareKubeconfig = path.join(c.dir, 'bare.kubeconfig');
  await writeKubeconfig(bareKubeconfig, { server: c.url(0), caPem, clusterName: 'meshkube', userName: 'nobody', contextName: 'nobody@meshkube' });
}, 120_000);

afterAll(async () => {
  await c?.destroy();
});

describe('authentication', () => {
  it('answers 401 Unauthorized to a resource request without credentials', async () => {
    expectUnauthorized(await request('GET', '/api/v1/namespaces/default/pods', {}));
    expectUnauthorized(await request('GET', '/api/v1/namespaces', {}));
    expectUnauthorized(await request('POST', '/api/v1/namespaces', {}, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'anon' } }));
    // Discovery is for authenticated users only (system:discovery).
    expectUnauthorized(await request('GET', '/api', {}));
    expectUnauthorized(await request('GET', '/apis', {}));
  });

  it('serves /healthz, /livez, /readyz and /version without credentials', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await request('GET', p, {});
      expect(r.status, `${p}: ${r.text}`).toBe(200);
      expect(r.text).toBe('ok');
    }
    const v = await request('GET', '/version', {});
    expect(v.status, v.text).toBe(200);
    const info = json(v);
    expect(info.major).toBe('1');
    expect(typeof info.gitVersion).toBe('string');
    expect(typeof info.platform).toBe('string');
  });

  it('answers 401 to an invalid bearer token', async () => {
    expectUnauthorized(await request('GET', '/api/v1/namespaces/default/pods', { token: 'not-a-token' }));
    // Well-formed JWT shape, wrong signature.
    const forged = `${Buffer.from('{"alg":"RS256","kid":"x"}').toString('base64url')}.${Buffer.from('{"sub":"system:serviceaccount:default:default"}').toString('base64url')}.c2ln`;
    expectUnauthorized(await request('GET', '/api/v1/namespaces/default/pods', { token: forged }));
    const r = await kubectlWithToken('not-a-token', ['get', 'pods', '-n', 'default']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: You must be logged in to the server');
  });

  it('answers 401 to a client certificate from another CA, even one naming system:masters', async () => {
    const otherCa = createCa('kubernetes');
    const foreign = issueClientCert(otherCa, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    expectUnauthorized(await request('GET', '/api/v1/namespaces/default/pods', { cert: foreign.certPem, key: foreign.keyPem }));
    expectUnauthorized(await request('GET', '/api/v1/nodes', { cert: foreign.certPem, key: foreign.keyPem }));
  });

  it('refuses presented but invalid credentials with 401 on the public paths too', async () => {
    // kube-apiserver's anonymous authenticator is wrapped in union.NewFailOnError: a credential
    // that fails to authenticate is a 401 even where anonymous requests are allowed.
    const otherCa = createCa('kubernetes');
    const foreign = issueClientCert(otherCa, { commonName: 'someone', organizations: [] });
    for (const p of ['/healthz', '/version']) {
      expectUnauthorized(await request('GET', p, { token: 'not-a-token' }));
      expectUnauthorized(await request('GET', p, { cert: foreign.certPem, key: foreign.keyPem }));
    }
  });

  it('authenticates the admin client certificate of the cert dir', async () => {
    const r = await request('GET', '/api/v1/namespaces/default/pods', admin);
    expect(expectStatus(r, 200).kind).toBe('PodList');
  });
});

describe('ServiceAccount tokens and RBAC', () => {
  const ns = 'sa-rbac';
  const sa = 'reader';
  const user = `system:serviceaccount:${ns}:${sa}`;
  let token = '';

  beforeAll(async () => {
    await adminCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await adminCreate({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
    token = await requestToken(ns, sa);
  }, 60_000);

  it('issues a token with kubectl create token that authenticates as the ServiceAccount', async () => {
    const r = await c.kubectl(['create', 'token', sa, '-n', ns]);
    expect(r.exitCode, r.stderr).toBe(0);
    const t = r.stdout.trim();
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const payload: unknown = JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(field(payload, 'sub')).toBe(user);
    // Authenticated (not 401), and without a binding not allowed (403).
    const h = await request('GET', `/api/v1/namespaces/${ns}/pods`, { token: t });
    expect(h.status, h.text).toBe(403);
  });

  it('authenticates the token but forbids listing pods without a binding', async () => {
    const r = await kubectlWithToken(token, ['get', 'pods', '-n', ns]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`Error from server (Forbidden): pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "${ns}"`);

    const h = await request('GET', `/api/v1/namespaces/${ns}/pods`, { token });
    expect(h.status, h.text).toBe(403);
    expect(json(h)).toEqual(
      forbiddenStatus(`pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "${ns}"`, { kind: 'pods' }),
    );
    const g = await request('GET', `/api/v1/namespaces/${ns}/pods/p`, { token });
    expect(g.status, g.text).toBe(403);
    expect(json(g)).toEqual(
      forbiddenStatus(`pods "p" is forbidden: User "${user}" cannot get resource "pods" in API group "" in the namespace "${ns}"`, { name: 'p', kind: 'pods' }),
    );
    const d = await request('GET', '/apis/apps/v1/deployments', { token });
    expect(d.status, d.text).toBe(403);
    expect(json(d)).toEqual(
      forbiddenStatus(`deployments.apps is forbidden: User "${user}" cannot list resource "deployments" in API group "apps" at the cluster scope`, { group: 'apps', kind: 'deployments' }),
    );
  });

  it('allows reads after a RoleBinding to the view ClusterRole, and still forbids writes', async () => {
    await adminCreate({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'reader-view', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
    });
    const list = await eventually(200, () => request('GET', `/api/v1/namespaces/${ns}/pods`, { token }));
    expect(expectStatus(list, 200).kind).toBe('PodList');

    const r = await kubectlWithToken(token, ['get', 'pods', '-n', ns]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe(`No resources found in ${ns} namespace.`);
    const sas = await kubectlWithToken(token, ['get', 'serviceaccounts', '-n', ns, '-o', 'name']);
    expect(sas.exitCode, sas.stderr).toBe(0);
    expect(sas.stdout.split('\n')).toContain(`serviceaccount/${sa}`);

    // The binding is namespaced: other namespaces stay closed.
    const other = await request('GET', '/api/v1/namespaces/default/pods', { token });
    expect(other.status, other.text).toBe(403);
    expect(json(other)).toEqual(
      forbiddenStatus(`pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "default"`, { kind: 'pods' }),
    );

    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const create = await request('POST', `/api/v1/namespaces/${ns}/pods`, { token }, pod);
    expect(create.status, create.text).toBe(403);
    expect(json(create)).toEqual(
      forbiddenStatus(`pods is forbidden: User "${user}" cannot create resource "pods" in API group "" in the namespace "${ns}"`, { kind: 'pods' }),
    );
    const cm = await kubectlWithToken(token, ['create', 'configmap', 'x', '-n', ns, '--from-literal=a=b']);
    expect(cm.exitCode).toBe(1);
    expect(cm.stderr).toContain(`configmaps is forbidden: User "${user}" cannot create resource "configmaps" in API group "" in the namespace "${ns}"`);
    // view does not include Secrets.
    const secrets = await request('GET', `/api/v1/namespaces/${ns}/secrets`, { token });
    expect(secrets.status, secrets.text).toBe(403);
  });

  it('refuses the token with 401 once its ServiceAccount is deleted', async () => {
    await ok(['delete', 'serviceaccount', sa, '-n', ns]);
    const r = await eventually(401, () => request('GET', `/api/v1/namespaces/${ns}/pods`, { token }));
    expectUnauthorized(r);
    const k = await kubectlWithToken(token, ['get', 'pods', '-n', ns]);
    expect(k.exitCode).toBe(1);
    expect(k.stderr).toContain('error: You must be logged in to the server');
    // A new ServiceAccount of the same name has another UID: the old token stays refused.
    // A fresh token of the new one works (the RoleBinding names the account, not its UID).
    await adminCreate({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
    const fresh = await requestToken(ns, sa);
    expect(expectStatus(await eventually(200, () => request('GET', `/api/v1/namespaces/${ns}/pods`, { token: fresh })), 200).kind).toBe('PodList');
    expectUnauthorized(await request('GET', `/api/v1/namespaces/${ns}/pods`, { token }));
  });
});

describe('node credentials and NodeRestriction', () => {
  const ns = 'node-pods';
  let node: Credentials;
  let nodeKubeconfig = '';

  const nodeObject = (name: string): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  });
  const podObject = (name: string, nodeName: string): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
  });
  const readyStatus = (): Record<string, unknown> => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      },
    };
  };

  beforeAll(async () => {
    const creds = await issueComponentCredentials(c.certDir, { commonName: 'system:node:n1', organizations: ['system:nodes'] });
    node = { cert: creds.certPem, key: creds.keyPem };
    nodeKubeconfig = path.join(c.dir, 'node-n1.kubeconfig');
    await writeKubeconfig(nodeKubeconfig, {
      server: c.url(0),
      caPem,
      clientCertPem: creds.certPem,
      clientKeyPem: creds.keyPem,
      clusterName: 'meshkube',
      userName: 'system:node:n1',
      contextName: 'system:node:n1@meshkube',
    });
    await adminCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }, 60_000);

  it('creates and updates its own Node and its status', async () => {
    const created = expectStatus(await request('POST', '/api/v1/nodes', node, nodeObject('n1')), 201);
    expect(field(created, 'metadata', 'name')).toBe('n1');

    const current = expectStatus(await request('GET', '/api/v1/nodes/n1', node), 200);
    const labels = field(current, 'metadata', 'labels');
    const updated = { ...current, metadata: { ...(isRecord(current.metadata) ? current.metadata : {}), labels: { ...(isRecord(labels) ? labels : {}), 'kubernetes.io/os': 'linux' } } };
    const put = expectStatus(await request('PUT', '/api/v1/nodes/n1', node, updated), 200);
    expect(field(put, 'metadata', 'labels', 'kubernetes.io/os')).toBe('linux');

    const status = expectStatus(await request('PATCH', '/api/v1/nodes/n1/status', node, readyStatus(), 'application/merge-patch+json'), 200);
    expect(field(status, 'status', 'conditions')).toEqual([expect.objectContaining({ type: 'Ready', status: 'True', reason: 'KubeletReady' })]);

    const viaKubectl = await c.kubectl(['--kubeconfig', nodeKubeconfig, 'get', 'node', 'n1', '-o', 'name']);
    expect(viaKubectl.exitCode, viaKubectl.stderr).toBe(0);
    expect(viaKubectl.stdout).toBe('node/n1');
  });

  it('cannot create or modify another Node', async () => {
    expectStatus(await request('POST', '/api/v1/nodes', admin, nodeObject('n2')), 201);
    const n2 = expectStatus(await request('GET', '/api/v1/nodes/n2', admin), 200);

    const modifyN2 = forbiddenStatus('nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"', { name: 'n2', kind: 'nodes' });
    const labels = field(n2, 'metadata', 'labels');
    const changed = { ...n2, metadata: { ...(isRecord(n2.metadata) ? n2.metadata : {}), labels: { ...(isRecord(labels) ? labels : {}), 'kubernetes.io/os': 'linux' } } };
    const put = await request('PUT', '/api/v1/nodes/n2', node, changed);
    expect(put.status, put.text).toBe(403);
    expect(json(put)).toEqual(modifyN2);

    const status = await request('PATCH', '/api/v1/nodes/n2/status', node, readyStatus(), 'application/merge-patch+json');
    expect(status.status, status.text).toBe(403);
    expect(json(status)).toEqual(modifyN2);

    const create = await request('POST', '/api/v1/nodes', node, nodeObject('n3'));
    expect(create.status, create.text).toBe(403);
    expect(json(create)).toEqual(forbiddenStatus('nodes "n3" is forbidden: node "n1" is not allowed to modify node "n3"', { name: 'n3', kind: 'nodes' }));

    const label = await c.kubectl(['--kubeconfig', nodeKubeconfig, 'label', 'node', 'n2', 'kubernetes.io/os=linux']);
    expect(label.exitCode).toBe(1);
    expect(label.stderr.trim()).toBe('Error from server (Forbidden): nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');

    // Nothing of n2 changed.
    const after = expectStatus(await request('GET', '/api/v1/nodes/n2', admin), 200);
    expect(field(after, 'metadata', 'labels')).toEqual({ 'kubernetes.io/hostname': 'n2' });
    expect(field(after, 'status', 'conditions')).toBeUndefined();
    expect(expectStatus(await request('GET', '/api/v1/nodes/n3', admin), 404).reason).toBe('NotFound');
  });

  it('updates the status of a pod bound to it, not of a pod bound to another node', async () => {
    expectStatus(await request('POST', `/api/v1/namespaces/${ns}/pods`, admin, podObject('p1', 'n1')), 201);
    expectStatus(await request('POST', `/api/v1/namespaces/${ns}/pods`, admin, podObject('p2', 'n2')), 201);

    const running = (pod: Record<string, unknown>): Record<string, unknown> => ({
      ...pod,
      status: { ...(isRecord(pod.status) ? pod.status : {}), phase: 'Running', hostIP: '10.0.0.1', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }] },
    });

    const p1 = expectStatus(await request('GET', `/api/v1/namespaces/${ns}/pods/p1`, admin), 200);
    const u1 = expectStatus(await request('PUT', `/api/v1/namespaces/${ns}/pods/p1/status`, node, running(p1)), 200);
    expect(field(u1, 'status', 'phase')).toBe('Running');
    expect(field(u1, 'status', 'podIP')).toBe('10.244.1.5');

    const p2 = expectStatus(await request('GET', `/api/v1/namespaces/${ns}/pods/p2`, admin), 200);
    const u2 = await request('PUT', `/api/v1/namespaces/${ns}/pods/p2/status`, node, running(p2));
    expect(u2.status, u2.text).toBe(403);
    expect(json(u2)).toEqual(
      forbiddenStatus('pods "p2" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself', { name: 'p2', kind: 'pods' }),
    );
    const patch2 = await request('PATCH', `/api/v1/namespaces/${ns}/pods/p2/status`, node, { status: { phase: 'Running' } }, 'application/merge-patch+json');
    expect(patch2.status, patch2.text).toBe(403);
    expect(json(patch2)).toEqual(
      forbiddenStatus('pods "p2" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself', { name: 'p2', kind: 'pods' }),
    );
    const after = expectStatus(await request('GET', `/api/v1/namespaces/${ns}/pods/p2`, admin), 200);
    expect(after.status).toEqual(p2.status);
  });

  it('cannot delete a pod bound to another node', async () => {
    const del = await request('DELETE', `/api/v1/namespaces/${ns}/pods/p2`, node);
    expect(del.status, del.text).toBe(403);
    expect(json(del)).toEqual(forbiddenStatus('pods "p2" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself', { name: 'p2', kind: 'pods' }));
    const k = await c.kubectl(['--kubeconfig', nodeKubeconfig, 'delete', 'pod', 'p2', '-n', ns, '--wait=false']);
    expect(k.exitCode).toBe(1);
    expect(k.stderr.trim()).toBe('Error from server (Forbidden): pods "p2" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself');
    const still = expectStatus(await request('GET', `/api/v1/namespaces/${ns}/pods/p2`, admin), 200);
    expect(field(still, 'metadata', 'deletionTimestamp')).toBeUndefined();
  });

  it('cannot list Secrets', async () => {
    // Kubernetes' Node authorizer lets a node get only the Secrets its pods use; it never lists them.
    const s = await request('GET', '/api/v1/secrets', node);
    expect(s.status, s.text).toBe(403);
    const sb = json(s);
    expect(sb.reason).toBe('Forbidden');
    expect(sb.details).toEqual({ kind: 'secrets' });
    expect(sb.message).toMatch(/^secrets is forbidden: User "system:node:n1" cannot list resource "secrets" in API group "" at the cluster scope/);
  });

  it('cannot create a Namespace', async () => {
    const n = await request('POST', '/api/v1/namespaces', node, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'by-node' } });
    expect(n.status, n.text).toBe(403);
    expect(json(n)).toEqual(
      forbiddenStatus('namespaces is forbidden: User "system:node:n1" cannot create resource "namespaces" in API group "" at the cluster scope', { kind: 'namespaces' }),
    );
  });
});

describe('the admin kubeconfig (system:masters)', () => {
  it('can do everything', async () => {
    expect(await adminCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'admin-ns' } })).toBe('namespace/admin-ns created');
    expect(await adminCreate({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1', namespace: 'admin-ns' }, stringData: { k: 'v' } })).toBe('secret/s1 created');
    expect(await ok(['get', 'secret', 's1', '-n', 'admin-ns', '-o', 'jsonpath={.data.k}'])).toBe(Buffer.from('v').toString('base64'));
    const rbac = 'rbac.authorization.k8s.io';
    expect(
      await adminCreate({ apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] }),
    ).toBe(`clusterrole.${rbac}/pod-reader created`);
    expect(
      await adminCreate({
        apiVersion: `${rbac}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'pod-reader' },
        roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'pod-reader' },
        subjects: [{ apiGroup: rbac, kind: 'User', name: 'someone' }],
      }),
    ).toBe(`clusterrolebinding.${rbac}/pod-reader created`);
    expect((await ok(['get', 'pods', '-A', '-o', 'name'])).split('\n')).toContain('pod/p1');
    expect(await ok(['get', 'clusterroles', 'view', 'edit', 'admin', 'cluster-admin', '-o', 'name'])).toBe(
      'clusterrole.rbac.authorization.k8s.io/view\nclusterrole.rbac.authorization.k8s.io/edit\nclusterrole.rbac.authorization.k8s.io/admin\nclusterrole.rbac.authorization.k8s.io/cluster-admin',
    );
    // What nodes may not do, the admin may: modify any Node, update any pod's status, delete any pod.
    expect(await ok(['label', 'node', 'n2', 'tier=edge'])).toBe('node/n2 labeled');
    const p2 = expectStatus(await request('GET', '/api/v1/namespaces/node-pods/pods/p2', admin), 200);
    const u = expectStatus(await request('PUT', '/api/v1/namespaces/node-pods/pods/p2/status', admin, { ...p2, status: { ...(isRecord(p2.status) ? p2.status : {}), phase: 'Running' } }), 200);
    expect(field(u, 'status', 'phase')).toBe('Running');
    expect(await ok(['delete', 'pod', 'p2', '-n', 'node-pods', '--grace-period=0', '--force'])).toContain('pod "p2" force deleted');
    expect(await ok(['delete', 'node', 'n2'])).toBe('node "n2" deleted');
    expect(await ok(['delete', 'namespace', 'admin-ns', '--wait=false'])).toBe('namespace "admin-ns" deleted');
    expect((await ok(['get', '--raw', '/api'])).length).toBeGreaterThan(0);
  });
});
