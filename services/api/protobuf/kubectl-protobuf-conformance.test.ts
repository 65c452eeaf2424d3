// Conformance with the real client: kubectl v1.32 (on PATH) talks to a tiny in-test HTTP
// server that serves discovery and records the bodies kubectl POSTs. Its typed clients send
// application/vnd.kubernetes.protobuf; decoding each body must give the object written out
// field by field below, and exactly what kubectl itself prints for the same command with
// --dry-run=client -o json (Go's JSON encoding of the same Go object).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeK8sProtobuf, isProtobufContentType } from './k8s-protobuf.js';

interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resource(name: string, kind: string, namespaced: boolean): Record<string, unknown> {
  return { name, singularName: kind.toLowerCase(), namespaced, kind, verbs: VERBS };
}

function groupVersion(group: string): Record<string, unknown> {
  const gv = { groupVersion: `${group}/v1`, version: 'v1' };
  return { name: group, versions: [gv], preferredVersion: gv };
}

/** Legacy (unaggregated) discovery documents: kubectl falls back to them. */
const DISCOVERY: Readonly<Record<string, unknown>> = {
  '/version': { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [groupVersion('apps'), groupVersion('rbac.authorization.k8s.io')] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('namespaces', 'Namespace', false),
      resource('services', 'Service', true),
      resource('configmaps', 'ConfigMap', true),
      resource('secrets', 'Secret', true),
      resource('pods', 'Pod', true),
      resource('serviceaccounts', 'ServiceAccount', true),
      { name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] },
    ],
  },
  '/apis/apps/v1': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment', true)] },
  '/apis/rbac.authorization.k8s.io/v1': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'rbac.authorization.k8s.io/v1',
    resources: [
      resource('roles', 'Role', true),
      resource('clusterroles', 'ClusterRole', false),
      resource('rolebindings', 'RoleBinding', true),
      resource('clusterrolebindings', 'ClusterRoleBinding', false),
    ],
  },
};

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.test.signature';

function sendJson(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Answers discovery; answers each protobuf POST with 201 and the decoded object as JSON. */
function handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  if (req.method === 'GET') {
    const doc = DISCOVERY[path];
    if (doc === undefined) sendJson(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    else sendJson(res, 200, doc);
    return;
  }
  if (req.method !== 'POST') {
    sendJson(res, 405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    return;
  }
  if (!isProtobufContentType(req.headers['content-type'])) {
    sendJson(res, 415, status(415, 'UnsupportedMediaType', 'this test server only accepts protobuf bodies'));
    return;
  }
  try {
    const { object } = decodeK8sProtobuf(body);
    const answer = object['kind'] === 'TokenRequest' ? { ...object, status: { token: TOKEN, expirationTimestamp: '2026-01-02T04:04:05Z' } } : object;
    sendJson(res, 201, answer);
  } catch (err) {
    sendJson(res, 400, status(400, 'BadRequest', (err as Error).message));
  }
}

let server: http.Server;
let dir: string;
let kubeconfig: string;
const requests: RecordedRequest[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body });
      handle(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  dir = await mkdtemp(join(tmpdir(), 'kubectl-protobuf-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: http://127.0.0.1:${port}`,
      'users:',
      '- name: test',
      '  user: {}',
      'contexts:',
      '- name: test',
      '  context: {cluster: test, user: test}',
      'current-context: test',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'logo.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

async function kubectl(args: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await execa('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    reject: false,
    timeout: 30_000,
    cwd: dir,
    env: { HOME: dir, KUBECONFIG: '' },
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

interface Case {
  args: readonly string[];
  path: string;
  printed: string;
  object: Record<string, unknown>;
}

const meta = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, namespace: 'demo', creationTimestamp: null, ...extra });

const CASES: readonly Case[] = [
  {
    args: ['create', 'namespace', 'demo'],
    path: '/api/v1/namespaces',
    printed: 'namespace/demo created',
    object: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'demo', creationTimestamp: null }, spec: {}, status: {} },
  },
  {
    args: ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '-n', 'demo'],
    path: '/apis/apps/v1/namespaces/demo/deployments',
    printed: 'deployment.apps/web created',
    object: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: meta('web', { labels: { app: 'web' } }),
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', resources: {} }] } },
        strategy: {},
      },
      status: {},
    },
  },
  {
    args: ['create', 'configmap', 'cfg', '--from-literal=a=b', '-n', 'demo'],
    path: '/api/v1/namespaces/demo/configmaps',
    printed: 'configmap/cfg created',
    object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: meta('cfg'), data: { a: 'b' } },
  },
  {
    args: ['create', 'secret', 'generic', 's', '--from-literal=k=v', '-n', 'demo'],
    path: '/api/v1/namespaces/demo/secrets',
    printed: 'secret/s created',
    object: { kind: 'Secret', apiVersion: 'v1', metadata: meta('s'), data: { k: Buffer.from('v').toString('base64') } },
  },
  {
    args: ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'demo'],
    path: '/api/v1/namespaces/demo/services',
    printed: 'service/web created',
    object: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: meta('web', { labels: { app: 'web' } }),
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'web' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    },
  },
  {
    args: ['create', 'service', 'nodeport', 'np', '--tcp=8443:https', '--node-port=30443', '-n', 'demo'],
    path: '/api/v1/namespaces/demo/services',
    printed: 'service/np created',
    object: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: meta('np', { labels: { app: 'np' } }),
      spec: { ports: [{ name: '8443-https', protocol: 'TCP', port: 8443, targetPort: 'https', nodePort: 30443 }], selector: { app: 'np' }, type: 'NodePort' },
      status: { loadBalancer: {} },
    },
  },
  {
    args: ['create', 'deployment', 'api', '--image=busybox:1.36', '--port=8080', '-n', 'demo', '--', 'sleep', '3600'],
    path: '/apis/apps/v1/namespaces/demo/deployments',
    printed: 'deployment.apps/api created',
    object: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: meta('api', { labels: { app: 'api' } }),
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'api' } },
          spec: { containers: [{ name: 'busybox', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 8080 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
  },
  {
    args: ['create', 'configmap', 'bin', '--from-file=logo.bin', '--from-literal=x=y', '-n', 'demo'],
    path: '/api/v1/namespaces/demo/configmaps',
    printed: 'configmap/bin created',
    object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: meta('bin'), data: { x: 'y' }, binaryData: { 'logo.bin': 'iVBORwD/' } },
  },
  {
    args: ['create', 'serviceaccount', 'sa', '-n', 'demo'],
    path: '/api/v1/namespaces/demo/serviceaccounts',
    printed: 'serviceaccount/sa created',
    object: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: meta('sa') },
  },
  {
    args: ['create', 'role', 'reader', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=x', '-n', 'demo'],
    path: '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles',
    printed: 'role.rbac.authorization.k8s.io/reader created',
    object: {
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('reader'),
      rules: [
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['x'] },
        { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['x'] },
      ],
    },
  },
  {
    args: ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate=true'],
    path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    printed: 'clusterrole.rbac.authorization.k8s.io/agg created',
    object: {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'agg', creationTimestamp: null },
      rules: null,
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] },
    },
  },
  {
    args: ['create', 'rolebinding', 'rb', '--role=reader', '--user=alice', '--serviceaccount=demo:sa', '-n', 'demo'],
    path: '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings',
    printed: 'rolebinding.rbac.authorization.k8s.io/rb created',
    object: {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: meta('rb'),
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'demo' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    },
  },
];

describe('kubectl v1.32 protobuf request bodies', () => {
  it.each(CASES.map((c) => ({ label: c.args.join(' '), c })))('kubectl $label', async ({ c }) => {
    const run = await kubectl(c.args);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(c.printed);

    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    const post = posts[0] as RecordedRequest;
    expect(post.path.split('?', 1)[0]).toBe(c.path);
    expect(isProtobufContentType(post.contentType)).toBe(true);

    const decoded = decodeK8sProtobuf(post.body);
    expect(decoded.kind).toBe(c.object['kind']);
    expect(decoded.apiVersion).toBe(c.object['apiVersion']);
    expect(decoded.object).toEqual(c.object);

    // kubectl's own JSON rendering of the object it would send.
    const dryRun = await kubectl(withDryRun(c.args));
    expect(dryRun.exitCode).toBe(0);
    expect(JSON.parse(dryRun.stdout) as unknown).toEqual(decoded.object);
  });

  it('kubectl create token sa (authentication.k8s.io/v1 TokenRequest subresource)', async () => {
    const run = await kubectl(['create', 'token', 'sa', '-n', 'demo', '--duration=1h']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(TOKEN);
    const post = requests.find((r) => r.method === 'POST');
    expect(post?.path).toBe('/api/v1/namespaces/demo/serviceaccounts/sa/token');
    expect(isProtobufContentType(post?.contentType)).toBe(true);
    expect(decodeK8sProtobuf(post?.body ?? Buffer.alloc(0)).object).toEqual({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: null, boundObjectRef: null, expirationSeconds: 3600 },
      status: { token: '', expirationTimestamp: null },
    });
  });
});

/** The same command with --dry-run=client -o json, placed before any "--" command. */
function withDryRun(args: readonly string[]): string[] {
  const split = args.indexOf('--');
  const flags = ['--dry-run=client', '-o', 'json'];
  return split < 0 ? [...args, ...flags] : [...args.slice(0, split), ...flags, ...args.slice(split)];
}
