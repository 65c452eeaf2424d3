// Acceptance: meshctl (its run() function, in process) against store + API server processes,
// compared with the real kubectl (KUBECTL picks the binary) running the same commands on the
// same cluster. meshctl works in namespaces mesh-*, kubectl in kube-*; outputs are compared
// after namespace names, ages, IPs, UIDs and resource versions are normalized.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, KubeClient, isStatus } from '../../lib/api/kube-client/index.js';
import { run } from '../../services/meshctl/cli.js';
import type { CliIo } from '../../services/meshctl/io.js';
import { ApiCluster } from '../support/api-cluster.js';
import { sleep } from '../support/store-cluster.js';

const fixture = readFileSync(path.join(import.meta.dirname, '../api/fixtures/demo-app.yaml'), 'utf8');
let c: ApiCluster;
let admin: KubeClient;

interface Result {
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  input?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Leave out --kubeconfig (kubeconfig discovery tests). */
  bare?: boolean;
}

/** meshctl in process, with the output captured; execa-like: one final newline dropped. */
async function mesh(args: readonly string[], o: RunOptions = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readStdin: () => Promise.resolve(o.input ?? ''),
    env: o.env ?? { HOME: c.dir },
    cwd: c.dir,
    signal: o.signal ?? AbortSignal.timeout(60_000),
  };
  const exitCode = await run(o.bare === true ? args : ['--kubeconfig', c.kubeconfig, ...args], io);
  return { exitCode, stdout: stdout.replace(/\n$/, ''), stderr: stderr.replace(/\n$/, '') };
}

async function kube(args: readonly string[], input?: string): Promise<Result> {
  return c.kubectl(args, input === undefined ? {} : { input });
}

/** Namespaces, tool names, ages, addresses, UIDs, versions and dates made comparable. */
function normalize(text: string): string {
  return text
    .replace(/\bmesh-(\w+)/g, 'kube-$1')
    .replace(/\bkubectl\b/g, 'meshctl')
    .replace(/\b10\.96\.\d+\.\d+\b/g, '<ip>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/("?resourceVersion"?: )"\d+"/g, '$1"<rv>"')
    .replace(/^(\s*Resource Version:\s+)\d+$/gm, '$1<rv>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g, '<time>')
    .replace(/\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [-+]\d{4}/g, '<date>')
    .replace(/(^|\s)\d+(?:s|m\d*s?|h\d*m?)(?=\s|$)/gm, '$1<age>');
}

/** For tables whose column widths depend on ages or addresses: cells joined by " | ". */
function cells(text: string): string {
  return normalize(text)
    .replace(/[ \t]+$/gm, '')
    .replace(/ {2,}/g, ' | ');
}

/** Runs the same command with both tools (mesh-* / kube-* namespaces) and compares the results. */
async function same(args: (ns: string) => string[], o: { ns?: string; input?: (ns: string) => string; loose?: boolean } = {}): Promise<Result> {
  const ns = o.ns ?? 'a';
  const m = await mesh(args(`mesh-${ns}`), o.input ? { input: o.input(`mesh-${ns}`) } : {});
  const k = await kube(args(`kube-${ns}`), o.input?.(`kube-${ns}`));
  const f = o.loose === true ? cells : normalize;
  expect({ exitCode: m.exitCode, stdout: f(m.stdout), stderr: f(m.stderr) }).toEqual({ exitCode: k.exitCode, stdout: f(k.stdout), stderr: f(k.stderr) });
  return m;
}

function appFor(ns: string, edit = false): string {
  let text = fixture.replace(/namespace: demo/g, `namespace: ${ns}`).replace('name: demo\n', `name: ${ns}\n`);
  if (edit) {
    text = text
      .replace('image: demo/reviews:v1', 'image: demo/reviews:v2')
      .replace('- name: LOG_LEVEL\n              value: info', '- name: MODE\n              value: fast')
      .replace('weight: 90', 'weight: 80')
      .replace('weight: 10', 'weight: 20');
  }
  return text;
}

/** Writes the app for both namespaces; returns the path pattern relative to the cluster dir. */
function writeApp(name: string, edit = false): (ns: string) => string {
  for (const ns of ['mesh-a', 'kube-a']) {
    mkdirSync(path.join(c.dir, `${name}-${ns}`), { recursive: true });
    writeFileSync(path.join(c.dir, `${name}-${ns}`, 'app.yaml'), appFor(ns, edit));
    writeFileSync(path.join(c.dir, `${name}-${ns}.yaml`), appFor(ns, edit));
  }
  return (ns) => path.join(c.dir, `${name}-${ns}.yaml`);
}

async function resource(arg: string): Promise<Awaited<ReturnType<KubeClient['discovery']['resolve']>>> {
  return admin.discovery.resolve(arg);
}

async function until(what: () => boolean, label: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  c = await ApiCluster.start();
  admin = await KubeClient.fromKubeconfig({ explicitPath: c.kubeconfig });
}, 120_000);

afterAll(async () => {
  admin?.close();
  await c?.destroy();
});

describe('the kube-client library against the API server', () => {
  it('creates, reads, lists, updates, patches (every content type), watches and deletes', async () => {
    const warnings: string[] = [];
    const client = await KubeClient.fromKubeconfig({ explicitPath: c.kubeconfig, overrides: { namespace: 'client-a' }, onWarning: (w) => warnings.push(w) });
    try {
      const namespaces = await client.discovery.resolve('ns');
      const cms = await client.discovery.resolve('cm');
      expect([cms.group, cms.version, cms.resource, cms.namespaced]).toEqual(['', 'v1', 'configmaps', true]);
      expect((await client.discovery.resolve('VirtualService')).group).toBe('networking.istio.io');
      await client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'client-a' } });

      const abort = new AbortController();
      const seen: string[] = [];
      const watching = (async (): Promise<void> => {
        for await (const ev of client.watch(cms, { labelSelector: 'app=client', signal: abort.signal })) {
          seen.push(`${ev.type} ${isStatus(ev.object) ? '' : (ev.object.metadata.name ?? '')}`);
        }
      })();
      await sleep(200);

      const created = await client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one', labels: { app: 'client' } }, data: { a: '1' }, extra: true }, { fieldValidation: 'Warn' });
      expect(created.metadata.namespace).toBe('client-a');
      expect(warnings).toEqual(['unknown field "extra"']);
      expect((await client.get(cms, 'one')).data).toEqual({ a: '1' });
      expect((await client.list(cms, { labelSelector: 'app=client' })).items.map((i) => i.metadata.name)).toEqual(['one']);
      const table = await client.listTable(cms);
      expect(table.columnDefinitions.map((d) => d.name)).toEqual(['Name', 'Data', 'Age']);
      expect(table.rows[0]?.cells.slice(0, 2)).toEqual(['one', 1]);

      const updated = await client.update(cms, { ...created, data: { a: '2' } });
      const stale = await client.update(cms, { ...created, data: { a: '3' } }).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(ApiError);
      expect([(stale as ApiError).code, (stale as ApiError).reason]).toEqual([409, 'Conflict']);
      expect((stale as ApiError).message).toBe('Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again');

      await client.patch(cms, 'one', [{ op: 'add', path: '/data/b', value: 'json' }], 'json');
      await client.patch(cms, 'one', { data: { c: 'merge' } }, 'merge');
      await client.patch(cms, 'one', { data: { d: 'strategic' } }, 'strategic');
      await client.patch(cms, 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' }, data: { e: 'apply' } }, 'apply', { fieldManager: 'client-test' });
      const patched = await client.get(cms, 'one');
      expect(patched.data).toEqual({ a: '2', b: 'json', c: 'merge', d: 'strategic', e: 'apply' });
      expect(Number(patched.metadata.resourceVersion)).toBeGreaterThan(Number(updated.metadata.resourceVersion));

      const deleted = await client.delete(cms, 'one');
      expect(deleted.kind).toBe('Status');
      const missing = await client.get(cms, 'one').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ApiError);
      expect([(missing as ApiError).code, (missing as ApiError).reason, (missing as ApiError).message]).toEqual([404, 'NotFound', 'configmaps "one" not found']);

      await until(() => seen.includes('DELETED one'), 'the watch events');
      abort.abort();
      await watching;
      expect(seen[0]).toBe('ADDED one');
      expect(seen.filter((e) => e === 'MODIFIED one')).toHaveLength(5);
      expect(seen.at(-1)).toBe('DELETED one');
    } finally {
      client.close();
    }
  });
});

describe('meshctl against the API server, next to kubectl', () => {
  it('applies a multi-document file, again unchanged, and an edited one as a three-way merge', async () => {
    const app = writeApp('app');
    const out = await same((ns) => ['apply', '-f', app(ns)]);
    expect(out.stdout).toBe(
      [
        'namespace/mesh-a created',
        'deployment.apps/reviews created',
        'service/reviews created',
        'gateway.networking.istio.io/demo-gateway created',
        'virtualservice.networking.istio.io/reviews created',
        'destinationrule.networking.istio.io/reviews created',
        'peerauthentication.security.istio.io/default created',
      ].join('\n'),
    );
    expect((await same((ns) => ['apply', '-f', app(ns)])).stdout).toMatch(/^namespace\/mesh-a unchanged\n(.* unchanged\n){5}.* unchanged$/);
    await same((ns) => ['apply', '-f', path.join(c.dir, `app-${ns}`)]);
    await same(() => ['apply', '-f', '-'], { input: appFor });

    // kubectl label and scale in between: apply keeps the label and resets replicas.
    await same((ns) => ['label', 'deploy', 'reviews', '-n', ns, 'tier=backend']);
    await same((ns) => ['scale', 'deploy', 'reviews', '-n', ns, '--replicas=3']);
    const edited = writeApp('edited', true);
    expect((await same((ns) => ['apply', '-f', edited(ns)])).stdout).toContain('deployment.apps/reviews configured\nservice/reviews unchanged');
    for (const [kind, name] of [['deploy', 'reviews'], ['vs', 'reviews'], ['svc', 'reviews'], ['ns', '']]) {
      const m = await kube(['get', kind ?? '', name || 'mesh-a', '-n', 'mesh-a', '-o', 'json']);
      const k = await kube(['get', kind ?? '', name || 'kube-a', '-n', 'kube-a', '-o', 'json']);
      expect(normalize(m.stdout)).toBe(normalize(k.stdout));
    }
    const d = JSON.parse((await mesh(['get', 'deploy', 'reviews', '-n', 'mesh-a', '-o', 'json'])).stdout) as { metadata: { labels: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: { image: string; env: unknown[] }[] } } } };
    expect(d.metadata.labels).toEqual({ app: 'reviews', tier: 'backend' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0]?.env).toEqual([{ name: 'MODE', value: 'fast' }]);
  });

  it('prints tables, wide, several kinds, names, json and yaml as kubectl does', async () => {
    await same((ns) => ['get', 'deploy,svc', '-n', ns], { loose: true });
    const plain = await same((ns) => ['get', 'vs,dr,pa,gw', '-n', ns], { loose: true });
    expect(plain.stdout.split('\n')[0]).toMatch(/^NAME {3,}GATEWAYS {3,}HOSTS {3,}AGE$/);
    await same((ns) => ['get', 'deploy', '-n', ns, '-o', 'wide'], { loose: true });
    await same((ns) => ['get', 'all', '-n', ns], { loose: true });
    await same((ns) => ['get', 'deploy', '-n', ns, '--show-labels'], { loose: true });
    await same((ns) => ['get', 'deploy', '-n', ns, '--no-headers'], { loose: true });
    await same((ns) => ['get', 'deploy', '-l', 'tier=backend', '-n', ns], { loose: true });
    await same((ns) => ['get', 'ns', ns], { loose: true });
    await same((ns) => ['get', 'deploy/reviews', 'svc/reviews', '-n', ns], { loose: true });
    expect((await same((ns) => ['get', 'deploy,svc,gw', '-n', ns, '-o', 'name'])).stdout).toBe('deployment.apps/reviews\nservice/reviews\ngateway.networking.istio.io/demo-gateway');
    await same((ns) => ['get', 'deploy', 'reviews', '-n', ns, '-o', 'yaml']);
    await same((ns) => ['get', 'deploy', 'reviews', '-n', ns, '-o', 'json']);
    await same((ns) => ['get', 'vs', '-n', ns, '-o', 'yaml']);
    await same((ns) => ['get', 'svc', '-n', ns, '-o', 'json']);
    // Both tools see both namespaces here: the outputs are the same without renaming.
    const all = await mesh(['get', 'deploy', '-A']);
    const allKube = await kube(['get', 'deploy', '-A']);
    expect(cells(all.stdout)).toBe(cells(allKube.stdout));
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE {3}NAME {6}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE$/);
    // Nothing there: the message goes to stderr.
    expect((await same((ns) => ['get', 'pods', '-n', ns])).stderr).toBe('No resources found in mesh-a namespace.');
    expect((await same(() => ['get', 'pods', '-A'])).stderr).toBe('No resources found');
    const missing = await same((ns) => ['get', 'deploy', 'reviews', 'nope', '-n', ns], { loose: true });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('labels, annotates and scales as kubectl does', async () => {
    const steps: string[][] = [
      ['label', 'deploy', 'reviews', 'team=a'],
      ['label', 'deploy', 'reviews', 'team=a'],
      ['label', 'deploy', 'reviews', 'team=b'],
      ['label', 'deploy/reviews', 'team=b', '--overwrite'],
      ['label', 'deploy', 'reviews', 'team-', 'nothere-'],
      ['label', 'deploy', 'reviews', 'bad=not ok'],
      ['annotate', 'deploy', 'reviews', 'note=one'],
      ['annotate', 'deploy', 'reviews', 'note=two'],
      ['annotate', 'deploy', 'reviews', 'note=two', '--overwrite'],
      ['annotate', 'deploy', 'reviews', 'note-'],
      ['scale', 'deploy', 'reviews', '--replicas=4'],
      ['scale', 'deploy/reviews', '--replicas=5', '--current-replicas=3'],
      ['scale', 'svc', 'reviews', '--replicas=2'],
    ];
    for (const s of steps) await same((ns) => [...s, '-n', ns]);
    // kubectl reports this one through klog; meshctl as an ordinary error.
    expect(await mesh(['scale', 'deploy/reviews', '-n', 'mesh-a'])).toEqual({ exitCode: 1, stdout: '', stderr: 'error: required flag(s) "replicas" not set' });
    const m = await kube(['get', 'deploy', 'reviews', '-n', 'mesh-a', '-o', 'json']);
    const k = await kube(['get', 'deploy', 'reviews', '-n', 'kube-a', '-o', 'json']);
    expect(normalize(m.stdout)).toBe(normalize(k.stdout));
  });

  it('describes deployments, services, namespaces, pods, nodes and Istio kinds with their events', async () => {
    const deployments = await resource('deployments.apps');
    for (const ns of ['mesh-a', 'kube-a']) {
      const d = await admin.get(deployments, 'reviews', { namespace: ns });
      const event = (name: string, message: string, count: number, last: string): Record<string, unknown> => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews', namespace: ns, uid: d.metadata.uid },
        reason: 'ScalingReplicaSet',
        message,
        type: 'Normal',
        source: { component: 'deployment-controller' },
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: last,
        count,
      });
      await admin.create(await resource('events'), event('reviews.1', 'Scaled up replica set reviews-abc to 2', 1, '2026-01-01T00:00:00Z'), { namespace: ns });
      await admin.create(await resource('events'), event('reviews.2', 'Scaled down replica set reviews-old to 0 from 2', 3, '2026-01-02T00:00:00Z'), { namespace: ns });
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: ns, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, name: 'http' }], resources: { limits: { cpu: '1', memory: '1Gi' } } }] } };
      await admin.create(await resource('pods'), pod, { namespace: ns });
    }
    const deploy = await same((ns) => ['describe', 'deploy', 'reviews', '-n', ns]);
    expect(deploy.stdout).toMatch(/^Replicas:\s+4 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
    expect(deploy.stdout).toMatch(/^Labels:\s+app=reviews\n\s+tier=backend$/m);
    expect(deploy.stdout).toMatch(/^Events:\n {2}Type {4}Reason {13}Age {18}From {19}Message\n/m);
    expect(deploy.stdout).toMatch(/^ {2}Normal {2}ScalingReplicaSet {2}\d+d \(x3 over \d+d\) {2}deployment-controller {2}Scaled down replica set reviews-old to 0 from 2$/m);
    await same((ns) => ['describe', 'svc', 'reviews', '-n', ns]);
    await same((ns) => ['describe', 'ns', ns]);
    await same((ns) => ['describe', 'pods', '-n', ns]);
    await same((ns) => ['describe', 'vs', 'reviews', '-n', ns]);
    await same((ns) => ['describe', 'pa', '-n', ns]);
    await same((ns) => ['describe', 'deploy', 'rev', '-n', ns]);
    await same((ns) => ['describe', 'deploy,svc', '-n', ns]);
    expect((await same((ns) => ['describe', 'deploy', 'nope', '-n', ns])).stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found');
    await admin.create(await resource('nodes'), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1', labels: { 'node-role.kubernetes.io/worker': '' } }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
    const node = await same(() => ['describe', 'node', 'worker-1']);
    expect(node.stdout).toMatch(/^Roles:\s+worker$/m);
    expect(node.stdout).toMatch(/^Non-terminated Pods:\s+\(0 in total\)$/m);
  });

  it('refuses what the server refuses, with its messages and exit code 1', async () => {
    const bad = (ns: string): string => JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'Bad_Name', namespace: ns }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
    const invalid = await same(() => ['create', '-f', '-'], { input: bad });
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toMatch(/^The Deployment "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": /);
    const app = writeApp('again');
    const exists = await same((ns) => ['create', '-f', app(ns)]);
    expect(exists.stderr).toContain(`Error from server (AlreadyExists): error when creating "${app('mesh-a')}": namespaces "mesh-a" already exists`);
    const immutable = (ns: string): string => JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reviews', namespace: ns }, spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
    expect((await same(() => ['apply', '-f', '-'], { input: immutable })).stderr).toMatch(/^The Deployment "reviews" is invalid: spec\.selector: Invalid value: .*: field is immutable$/);
    await same((ns) => ['apply', '-f', app(ns), '-n', 'other']);
    await same(() => ['apply', '-f', '-'], { input: (ns) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: ns }, unknownField: 1 }) });
    await same(() => ['get', 'things']);
    await same(() => ['get', 'pods', '--bogus']);
    await same(() => ['get', 'pods', '-n']);
    expect((await mesh(['get', 'pods', '-o', 'foo'])).stderr).toBe('error: unable to match a printer suitable for the output format "foo", allowed formats are: json,name,wide,yaml');
    await same(() => ['apply']);
    await same(() => ['delete']);
    await same((ns) => ['delete', 'pods', '-n', ns]);
    await same((ns) => ['logs', 'nope', '-n', ns]);
    // The pod exists; the log endpoint's answer (no node agent yet) is printed as it comes.
    const logs = await same((ns) => ['logs', 'web-0', '-n', ns]);
    expect(logs.exitCode).toBe(1);
    expect(logs.stderr).toMatch(/^Error from server \(\w+\): /);
    await same((ns) => ['logs', 'web-0', '-c', 'nope', '-n', ns]);
    await same((ns) => ['wait', '--for=condition=Available', 'deploy/reviews', '--timeout=1s', '-n', ns]);
    await same((ns) => ['wait', '--for=condition=Available', 'deploy/reviews', '--timeout=30', '-n', ns]);
    const unknownVerb = await mesh(['frobnicate']);
    expect(unknownVerb).toEqual({ exitCode: 1, stdout: '', stderr: 'error: unknown command "frobnicate" for "meshctl"\nRun \'meshctl --help\' for usage.' });
  });

  it('shows rollout history, undoes and restarts from the ReplicaSets a deployment owns', async () => {
    const deployments = await resource('deployments.apps');
    const replicaSets = await resource('replicasets.apps');
    for (const ns of ['mesh-a', 'kube-a']) {
      const d = await admin.get(deployments, 'reviews', { namespace: ns });
      for (const [rev, image, cause] of [['1', 'demo/reviews:v1', ''], ['2', 'demo/reviews:v2', 'kubectl apply --image v2']] as const) {
        const hash = `h${rev}`;
        await admin.create(replicaSets, {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `reviews-${hash}`,
            namespace: ns,
            labels: { app: 'reviews', 'pod-template-hash': hash },
            annotations: { 'deployment.kubernetes.io/revision': rev, ...(cause !== '' ? { 'kubernetes.io/change-cause': cause } : {}) },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews', uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
          },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: 'reviews', 'pod-template-hash': hash } },
            template: { metadata: { labels: { app: 'reviews', version: 'v1', 'pod-template-hash': hash } }, spec: { containers: [{ name: 'reviews', image, ports: [{ containerPort: 9080 }], env: [{ name: 'MODE', value: 'fast' }] }] } },
          },
        });
      }
    }
    const history = await same((ns) => ['rollout', 'history', 'deployment/reviews', '-n', ns]);
    expect(history.stdout).toBe('deployment.apps/reviews \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl apply --image v2\n');
    await same((ns) => ['rollout', 'history', 'deploy', 'reviews', '--revision=2', '-n', ns]);
    await same((ns) => ['rollout', 'history', 'deploy/reviews', '--revision=7', '-n', ns]);
    await same((ns) => ['describe', 'deploy', 'reviews', '-n', ns]);
    expect((await same((ns) => ['rollout', 'undo', 'deploy/reviews', '-n', ns])).stdout).toBe('deployment.apps/reviews rolled back');
    const m = await kube(['get', 'deploy', 'reviews', '-n', 'mesh-a', '-o', 'json']);
    const k = await kube(['get', 'deploy', 'reviews', '-n', 'kube-a', '-o', 'json']);
    expect(normalize(m.stdout)).toBe(normalize(k.stdout));
    expect((JSON.parse(m.stdout) as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0]?.image).toBe('demo/reviews:v1');
    expect((await same((ns) => ['rollout', 'undo', 'deploy/reviews', '--to-revision=1', '-n', ns])).stdout).toBe('deployment.apps/reviews skipped rollback (current template already matches revision 1)');
    await same((ns) => ['rollout', 'undo', 'deploy/reviews', '--to-revision=9', '-n', ns]);
    await same((ns) => ['rollout', 'history', 'svc/reviews', '-n', ns]);
    expect((await same((ns) => ['rollout', 'restart', 'deploy/reviews', '-n', ns])).stdout).toBe('deployment.apps/reviews restarted');
    const restarted = await admin.get(deployments, 'reviews', { namespace: 'mesh-a' });
    expect(JSON.stringify(restarted.spec)).toMatch(/"kubectl\.kubernetes\.io\/restartedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[-+]\d\d:\d\d)"/);
  });

  it('follows rollout status and waits for conditions and deletion', async () => {
    const deployments = await resource('deployments.apps');
    await same((ns) => ['rollout', 'status', 'deploy/reviews', '--watch=false', '-n', ns]);
    await same((ns) => ['rollout', 'status', 'deploy/reviews', '--timeout=1s', '-n', ns]);
    /** What a controller would report: `updated` of the desired replicas updated (all when omitted). */
    const setStatus = async (ns: string, updated?: number): Promise<void> => {
      const d = await admin.get(deployments, 'reviews', { namespace: ns });
      const want = (d.spec as { replicas: number }).replicas;
      const n = updated ?? want;
      const conditions = n === want ? [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] : [];
      const status = { observedGeneration: d.metadata.generation, replicas: want, updatedReplicas: n, readyReplicas: n, availableReplicas: n === want ? n : 0, conditions };
      await admin.patch(deployments, 'reviews', { status }, 'merge', { namespace: ns, subresource: 'status' });
    };
    let out = '';
    const abort = new AbortController();
    const watching = (async (): Promise<Result> => {
      let stdout = '';
      const io: CliIo = { stdout: { write: (s: string) => ((stdout += s), (out = stdout)) }, stderr: { write: () => 0 }, readStdin: () => Promise.resolve(''), env: { HOME: c.dir }, cwd: c.dir, signal: abort.signal };
      const exitCode = await run(['--kubeconfig', c.kubeconfig, 'rollout', 'status', 'deploy/reviews', '-n', 'mesh-a', '--timeout=30s'], io);
      return { exitCode, stdout, stderr: '' };
    })();
    try {
      await until(() => out.includes('Waiting for deployment spec update to be observed...'), 'the first status line');
      await setStatus('mesh-a', 1);
      await until(() => /1 out of \d new replicas have been updated\.\.\./.test(out), 'progress');
      await setStatus('mesh-a');
      const result = await watching;
      expect(result.exitCode).toBe(0);
      expect(result.stdout.split('\n').at(-2)).toBe('deployment "reviews" successfully rolled out');
    } finally {
      abort.abort();
    }
    await setStatus('kube-a');
    expect((await same((ns) => ['rollout', 'status', 'deploy/reviews', '-n', ns])).stdout).toBe('deployment "reviews" successfully rolled out');
    expect((await same((ns) => ['wait', '--for=condition=Available', 'deployment/reviews', '--timeout=10s', '-n', ns])).stdout).toBe('deployment.apps/reviews condition met');
    await same((ns) => ['wait', '--for=jsonpath={.status.availableReplicas}=4', 'deployment/reviews', '--timeout=10s', '-n', ns]);
    await same((ns) => ['wait', '--for=delete', 'pod/not-there', '--timeout=5s', '-n', ns]);
    // Deleted while meshctl waits.
    const pods = await resource('pods');
    await admin.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed', namespace: 'mesh-a' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const waiting = mesh(['wait', '--for=delete', 'pod/doomed', '--timeout=20s', '-n', 'mesh-a']);
    await sleep(300);
    await admin.delete(pods, 'doomed', { namespace: 'mesh-a' });
    expect(await waiting).toEqual({ exitCode: 0, stdout: 'pod/doomed condition met', stderr: '' });
  });

  it('streams changes with get -w until interrupted', async () => {
    const abort = new AbortController();
    let out = '';
    const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => 0 }, readStdin: () => Promise.resolve(''), env: { HOME: c.dir }, cwd: c.dir, signal: abort.signal };
    const watching = run(['--kubeconfig', c.kubeconfig, 'get', 'deploy', '-n', 'mesh-a', '-w', '--output-watch-events'], io);
    try {
      await until(() => /ADDED\s+reviews\s+4\/4/.test(out), 'the listed deployment');
      expect((await mesh(['scale', 'deploy', 'reviews', '--replicas=5', '-n', 'mesh-a'])).stdout).toBe('deployment.apps/reviews scaled');
      await until(() => /MODIFIED\s+reviews\s+4\/5/.test(out), 'the change');
    } finally {
      abort.abort();
    }
    expect(await watching).toBe(0);
    // The header kubectl prints for the same watch (see test/api/kubectl.test.ts), rows aligned under it.
    const lines = out.split('\n');
    // Widths are remembered from the first flush and grow for the longer MODIFIED.
    expect(lines[0]).toMatch(/^EVENT {3}NAME {6}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE$/);
    expect(lines[1]).toMatch(/^ADDED {3}reviews {3}4\/4 {5}4 {12}4 {11}\S+$/);
    expect(lines.find((l) => l.startsWith('MODIFIED'))).toMatch(/^MODIFIED {3}reviews {3}4\/5 {5}4 {12}4 {11}\S+$/);
  });

  it('finds the kubeconfig as kubectl does: KUBECONFIG lists, contexts, ~/.kube/config', async () => {
    const extra = path.join(c.dir, 'extra.kubeconfig');
    writeFileSync(extra, 'apiVersion: v1\nkind: Config\ncurrent-context: team\ncontexts:\n- name: team\n  context: {cluster: meshkube, user: kubernetes-admin, namespace: mesh-a}\n');
    const list = [path.join(c.dir, 'missing.kubeconfig'), extra, c.kubeconfig].join(path.delimiter);
    const env = { HOME: c.dir, KUBECONFIG: list, KUBECACHEDIR: path.join(c.dir, 'kube-cache') };
    const viaKubectl = async (args: string[]): Promise<Result> => {
      const r = await execa(process.env.KUBECTL ?? 'kubectl', args, { env, extendEnv: true, reject: false, timeout: 30_000 });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    };
    for (const args of [['get', 'deploy'], ['--context', 'kubernetes-admin@meshkube', 'get', 'svc'], ['--context', 'nope', 'get', 'pods'], ['--user', 'nope', 'get', 'pods'], ['get', 'deploy', '-n', 'kube-a']]) {
      const m = await mesh(args, { env, bare: true });
      const k = await viaKubectl(args);
      expect({ exitCode: m.exitCode, stdout: cells(m.stdout), stderr: normalize(m.stderr) }).toEqual({ exitCode: k.exitCode, stdout: cells(k.stdout), stderr: normalize(k.stderr) });
    }
    expect((await mesh(['get', 'deploy'], { env, bare: true })).stdout).toMatch(/^NAME {6}READY/);
    const home = path.join(c.dir, 'home');
    mkdirSync(path.join(home, '.kube'), { recursive: true });
    writeFileSync(path.join(home, '.kube', 'config'), readFileSync(c.kubeconfig));
    expect((await mesh(['get', 'ns', 'mesh-a', '-o', 'name'], { env: { HOME: home }, bare: true })).stdout).toBe('namespace/mesh-a');
    expect(await mesh(['--kubeconfig', path.join(c.dir, 'nope'), 'get', 'pods'], { bare: true })).toEqual({ exitCode: 1, stdout: '', stderr: `error: stat ${path.join(c.dir, 'nope')}: no such file or directory` });
    expect(await mesh(['get', 'pods'], { env: { HOME: path.join(c.dir, 'empty-home') }, bare: true })).toEqual({ exitCode: 1, stdout: '', stderr: 'The connection to the server localhost:8080 was refused - did you specify the right host or port?' });
    const help = await mesh(['--help'], { bare: true });
    expect(help.exitCode).toBe(0);
    for (const verb of ['apply', 'create', 'get', 'describe', 'delete', 'logs', 'scale', 'rollout', 'label', 'annotate', 'wait']) expect(help.stdout).toContain(`  ${verb} `);
    expect((await mesh(['get', '--help'], { bare: true })).stdout).toContain('meshctl get [(-o|--output=)json|yaml|name|wide]');
  });

  it('deletes by name, with a grace period, and everything in a file', async () => {
    await same((ns) => ['delete', 'pod', 'web-0', '--grace-period=0', '--force', '-n', ns]);
    await same((ns) => ['delete', 'pod', 'web-0', '-n', ns]);
    await same((ns) => ['delete', 'pod', 'web-0', '--ignore-not-found', '-n', ns]);
    await same((ns) => ['delete', 'rs', '-l', 'app=reviews', '-n', ns]);
    // The namespace goes last, so its deletion cannot take the other objects away first.
    for (const ns of ['mesh-a', 'kube-a']) {
      const [first, ...rest] = appFor(ns).split('\n---\n');
      writeFileSync(path.join(c.dir, `final-${ns}.yaml`), [...rest, first].join('\n---\n'));
    }
    const gone = await same((ns) => ['delete', '-f', path.join(c.dir, `final-${ns}.yaml`)]);
    expect(gone.stdout).toBe(
      [
        'deployment.apps "reviews" deleted',
        'service "reviews" deleted',
        'gateway.networking.istio.io "demo-gateway" deleted',
        'virtualservice.networking.istio.io "reviews" deleted',
        'destinationrule.networking.istio.io "reviews" deleted',
        'peerauthentication.security.istio.io "default" deleted',
        'namespace "mesh-a" deleted',
      ].join('\n'),
    );
    expect((await same((ns) => ['get', 'ns', ns])).stderr).toBe('Error from server (NotFound): namespaces "mesh-a" not found');
  });
});
