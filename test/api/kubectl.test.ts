// Acceptance: the real kubectl (KUBECTL picks the binary, default kubectl v1.32 on PATH)
// against store + API server processes started here. Outputs are compared with what kubectl
// prints against Kubernetes, after ages, IPs, UIDs and resourceVersions are normalized.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ApiCluster } from '../support/api-cluster.js';

const fixture = path.join(import.meta.dirname, 'fixtures/demo-app.yaml');
let c: ApiCluster;

/** Ages and cluster IPs vary run to run, and column widths with them: cells are joined by " | ". */
function normalize(text: string): string {
  return text
    .replace(/\b10\.96\.\d+\.\d+\b/g, '<ip>')
    .replace(/(\s)\d+s(\s|$)/g, '$1<age>$2')
    .replace(/[ \t]+$/gm, '')
    .replace(/ {2,}/g, ' | ');
}

/** The same normalization for expected tables, so they can be written as kubectl prints them. */
const table = (lines: string[]): string => normalize(lines.join('\n'));

async function ok(args: string[], input?: string): Promise<string> {
  const r = await c.kubectl(args, { input });
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}):\n${r.stderr}\n${r.stdout}`);
  // execa drops the final newline; put it back so expectations read like kubectl's output.
  return `${r.stdout}\n`;
}

beforeAll(async () => {
  c = await ApiCluster.start();
}, 120_000);

afterAll(async () => {
  await c?.destroy();
});

describe('kubectl against the API server', () => {
  it('applies a multi-document file, and again unchanged', async () => {
    expect(await ok(['apply', '-f', fixture])).toBe(
      [
        'namespace/demo created',
        'deployment.apps/reviews created',
        'service/reviews created',
        'gateway.networking.istio.io/demo-gateway created',
        'virtualservice.networking.istio.io/reviews created',
        'destinationrule.networking.istio.io/reviews created',
        'peerauthentication.security.istio.io/default created',
        '',
      ].join('\n'),
    );
    expect(await ok(['apply', '-f', fixture])).toBe(
      [
        'namespace/demo unchanged',
        'deployment.apps/reviews unchanged',
        'service/reviews unchanged',
        'gateway.networking.istio.io/demo-gateway unchanged',
        'virtualservice.networking.istio.io/reviews unchanged',
        'destinationrule.networking.istio.io/reviews unchanged',
        'peerauthentication.security.istio.io/default unchanged',
        '',
      ].join('\n'),
    );
  });

  it('prints tables as kubectl does against Kubernetes', async () => {
    expect(normalize(await ok(['get', 'deploy,svc', '-n', 'demo']))).toBe(
      table([
        'NAME                      READY   UP-TO-DATE   AVAILABLE   AGE',
        'deployment.apps/reviews   0/2     0            0           <age>',
        '',
        'NAME              TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE',
        'service/reviews   ClusterIP   <ip>         <none>        9080/TCP   <age>',
        '',
      ]),
    );
    const wide = normalize(await ok(['get', 'deploy', 'reviews', '-n', 'demo', '-o', 'wide']));
    expect(wide.split('\n')[0]).toBe('NAME | READY | UP-TO-DATE | AVAILABLE | AGE | CONTAINERS | IMAGES | SELECTOR');
    expect(wide.split('\n')[1]).toBe('reviews | 0/2 | 0 | 0 | <age> | reviews | demo/reviews:v1 | app=reviews');
    expect(normalize(await ok(['get', 'virtualservices,destinationrules,peerauthentications', '-n', 'demo']))).toBe(
      table([
        'NAME                                         GATEWAYS                  HOSTS         AGE',
        'virtualservice.networking.istio.io/reviews   ["demo-gateway","mesh"]   ["reviews"]   <age>',
        '',
        'NAME                                          HOST      AGE',
        'destinationrule.networking.istio.io/reviews   reviews   <age>',
        '',
        'NAME                                           MODE     AGE',
        'peerauthentication.security.istio.io/default   STRICT   <age>',
        '',
      ]),
    );
    expect(await ok(['get', 'deploy,svc,gw', '-n', 'demo', '-o', 'name'])).toBe('deployment.apps/reviews\nservice/reviews\ngateway.networking.istio.io/demo-gateway\n');
  });

  it('prints yaml and json with defaults, metadata and last-applied-configuration', async () => {
    const y = parseAllDocuments(await ok(['get', 'deploy', 'reviews', '-n', 'demo', '-o', 'yaml']))[0]?.toJS() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads a parsed document
    expect(y.apiVersion).toBe('apps/v1');
    expect(y.kind).toBe('Deployment');
    expect(y.metadata.generation).toBe(1);
    expect(y.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(y.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(y.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"name":"reviews"');
    expect(y.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(y.spec.revisionHistoryLimit).toBe(10);
    const container = y.spec.template.spec.containers[0];
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.ports[0]).toEqual({ containerPort: 9080, protocol: 'TCP' });
    expect(y.spec.template.spec.restartPolicy).toBe('Always');
    expect(y.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    const svc = JSON.parse(await ok(['get', 'svc', 'reviews', '-n', 'demo', '-o', 'json'])) as { spec: { type: string; clusterIP: string; clusterIPs: string[]; ports: { protocol: string }[] } };
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    expect(svc.spec.ports[0]?.protocol).toBe('TCP');
  });

  it('labels, scales and describes', async () => {
    expect(await ok(['label', 'deploy', 'reviews', '-n', 'demo', 'tier=backend'])).toBe('deployment.apps/reviews labeled\n');
    expect(await ok(['scale', 'deploy', 'reviews', '-n', 'demo', '--replicas=3'])).toBe('deployment.apps/reviews scaled\n');
    const d = await ok(['describe', 'deploy', 'reviews', '-n', 'demo']);
    expect(d).toMatch(/^Name:\s+reviews$/m);
    expect(d).toMatch(/^Namespace:\s+demo$/m);
    expect(d).toMatch(/^Labels:\s+app=reviews\n\s+tier=backend$/m);
    expect(d).toMatch(/^Replicas:\s+3 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
    expect(d).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    expect(d).toMatch(/^\s+Image:\s+demo\/reviews:v1$/m);
  });

  it('applies an edited file as a three-way merge', async () => {
    const edited = readFileSync(fixture, 'utf8')
      .replace('image: demo/reviews:v1', 'image: demo/reviews:v2')
      .replace('- name: LOG_LEVEL\n              value: info', '- name: MODE\n              value: fast')
      .replace('weight: 90', 'weight: 80')
      .replace('weight: 10', 'weight: 20');
    const file = path.join(c.dir, 'edited.yaml');
    writeFileSync(file, edited);
    expect(await ok(['apply', '-f', file])).toBe(
      [
        'namespace/demo unchanged',
        'deployment.apps/reviews configured',
        'service/reviews unchanged',
        'gateway.networking.istio.io/demo-gateway unchanged',
        'virtualservice.networking.istio.io/reviews configured',
        'destinationrule.networking.istio.io/reviews unchanged',
        'peerauthentication.security.istio.io/default unchanged',
        '',
      ].join('\n'),
    );
    const d = JSON.parse(await ok(['get', 'deploy', 'reviews', '-n', 'demo', '-o', 'json'])) as { metadata: { labels: Record<string, string>; generation: number }; spec: { replicas: number; template: { spec: { containers: { image: string; env: unknown[] }[] } } } };
    const container = d.spec.template.spec.containers[0];
    expect(container?.image).toBe('demo/reviews:v2');
    // The removed variable is gone (it was in last-applied), the new one is there.
    expect(container?.env).toEqual([{ name: 'MODE', value: 'fast' }]);
    // A label added by `kubectl label` is kept: it was never in the applied file.
    expect(d.metadata.labels).toEqual({ app: 'reviews', tier: 'backend' });
    // kubectl apply sets what the file says over what `kubectl scale` did (current → modified).
    expect(d.spec.replicas).toBe(2);
    expect(d.metadata.generation).toBeGreaterThanOrEqual(3);
    const vs = JSON.parse(await ok(['get', 'vs', 'reviews', '-n', 'demo', '-o', 'json'])) as { spec: { http: { route: { weight: number }[] }[] } };
    expect(vs.spec.http[0]?.route.map((r) => r.weight)).toEqual([80, 20]);
  });

  it('watches with get -w', async () => {
    const bin = process.env.KUBECTL ?? 'kubectl';
    const proc = spawn(bin, ['--kubeconfig', c.kubeconfig, 'get', 'deploy', '-n', 'demo', '-w', '--output-watch-events'], { env: { ...process.env, HOME: c.dir } });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const until = async (re: RegExp): Promise<void> => {
        for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
        expect(out).toMatch(re);
      };
      await until(/ADDED\s+reviews\s+0\/2/);
      await ok(['scale', 'deploy', 'reviews', '-n', 'demo', '--replicas=4']);
      await until(/MODIFIED\s+reviews\s+0\/4/);
      expect(out.split('\n')[0]).toMatch(/^EVENT\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    } finally {
      proc.kill();
    }
  });

  it('refuses what Kubernetes refuses, with its messages', async () => {
    const r = await c.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'Bad_Name', namespace: 'demo' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } }) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
    const again = await c.kubectl(['create', '-f', fixture]);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(again.stderr).toContain('namespaces "demo" already exists');
    const missing = await c.kubectl(['get', 'deploy', 'nope', '-n', 'demo']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('applies server-side with field managers and reports conflicts', async () => {
    const cm = (value: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'demo' }, data: { mode: value } });
    expect(await ok(['apply', '--server-side', '-f', '-'], cm('a'))).toBe('configmap/ssa serverside-applied\n');
    expect(await ok(['apply', '--server-side', '-f', '-'], cm('a'))).toBe('configmap/ssa serverside-applied\n');
    const conflict = await c.kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], { input: cm('b') });
    expect(conflict.exitCode).toBe(1);
    expect(conflict.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl": .data.mode');
    expect(await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], cm('b'))).toBe('configmap/ssa serverside-applied\n');
    const got = JSON.parse(await ok(['get', 'cm', 'ssa', '-n', 'demo', '-o', 'json', '--show-managed-fields'])) as { data: { mode: string }; metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(got.data.mode).toBe('b');
    expect(got.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).toContain('other/Apply');
  });

  it('refuses a route to a subset its DestinationRule does not define', async () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'canary', namespace: 'demo' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] } };
    const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(vs) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('The VirtualService "canary" is invalid: spec.http[0].route[0].destination.subset');
    expect(r.stderr).toContain('"v3"');
  });

  it('deletes everything in the file, namespace included', async () => {
    expect(await ok(['delete', '-f', fixture])).toBe(
      [
        'namespace "demo" deleted',
        'deployment.apps "reviews" deleted',
        'service "reviews" deleted',
        'gateway.networking.istio.io "demo-gateway" deleted',
        'virtualservice.networking.istio.io "reviews" deleted',
        'destinationrule.networking.istio.io "reviews" deleted',
        'peerauthentication.security.istio.io "default" deleted',
        '',
      ].join('\n'),
    );
    const r = await c.kubectl(['get', 'ns', 'demo']);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): namespaces "demo" not found');
  });
});
