// Acceptance for the node agent on two hosts (network namespaces) against real store, API and
// controller processes and a real dockerd: pod IPs from the node's range, reachability from a
// pod on the other host by pod IP, ClusterIP, NodePort on either host and DNS name, and the
// spread of requests over three endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { Resources } from '../../lib/controller/resources.js';
import { NodeCluster } from '../support/node-cluster.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'default';
const IMAGE = 'mesh/base:latest';
/** Answers with the name of the pod serving it; /ip with the address the request came from. */
const SERVER_JS = "require('http').createServer((q, s) => s.end(q.url === '/ip' ? q.socket.remoteAddress.replace('::ffff:', '') : process.env.POD_NAME)).listen(8080)";

let c: NodeCluster;

function podSpec(node: string, containers: unknown[]): Record<string, unknown> {
  return { nodeSelector: { 'kubernetes.io/hostname': node }, terminationGracePeriodSeconds: 2, containers };
}

function serverContainer(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'web',
    image: IMAGE,
    imagePullPolicy: 'Never',
    command: ['node', '-e', SERVER_JS],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ports: [{ containerPort: 8080, name: 'http' }],
    readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
    ...extra,
  };
}

async function readyPods(selector: string): Promise<KubeObject[]> {
  const list = await c.client.list(Resources.pods, { namespace: NS, labelSelector: selector });
  return list.items.filter((p) => {
    const st = isRecord(p.status) ? p.status : {};
    const conds = Array.isArray(st.conditions) ? st.conditions.filter(isRecord) : [];
    return p.metadata.deletionTimestamp === undefined && conds.some((x) => x.type === 'Ready' && x.status === 'True');
  });
}

function podIP(p: KubeObject): string {
  const st = isRecord(p.status) ? p.status : {};
  return typeof st.podIP === 'string' ? st.podIP : '';
}

async function inClient(cmd: string): Promise<string> {
  const r = await c.execInPod(NS, 'client', 'client', ['sh', '-c', cmd]);
  if (r.exitCode !== 0) throw new Error(`client: ${cmd} exited ${String(r.exitCode)}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  c = await NodeCluster.start({ name: 'na', hosts: ['w1', 'w2'] });
  await c.client.create(Resources.deployments, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec(c.nodeName('w1'), [serverContainer()]) } },
  }, { namespace: NS });
  await c.client.create(Resources.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: NS },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  }, { namespace: NS });
  await c.client.create(Resources.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace: NS },
    spec: podSpec(c.nodeName('w2'), [{ name: 'client', image: IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'] }]),
  }, { namespace: NS });
  await waitFor('three web pods Ready and the client running', async () => (await readyPods('app=web')).length === 3 && (await c.containerId(NS, 'client', 'client')) !== undefined, 90_000, 250);
}, 240_000);

afterAll(async () => {
  await c?.destroy();
}, 120_000);

describe('node agents on two hosts', () => {
  it('gives each pod an IP from its node podCIDR and reports it Running', async () => {
    const w1 = await c.client.get(Resources.nodes, c.nodeName('w1'));
    const cidr = String((w1.spec as { podCIDR?: string }).podCIDR ?? '');
    expect(cidr).toMatch(/^10\.244\.\d+\.0\/24$/);
    const prefix = cidr.split('.').slice(0, 3).join('.');
    for (const p of await readyPods('app=web')) {
      expect(podIP(p).startsWith(`${prefix}.`)).toBe(true);
      expect((p.status as { phase?: string }).phase).toBe('Running');
      expect((p.status as { hostIP?: string }).hostIP).toBe(c.net.ip('w1'));
    }
  });

  it('reaches a pod on the other host by its pod IP, without NAT', async () => {
    const [p] = await readyPods('app=web');
    if (!p) throw new Error('no pod');
    expect((await inClient(`wget -qO- http://${podIP(p)}:8080/`)).trim()).toBe(p.metadata.name);
    const client = await c.client.get(Resources.pods, 'client', { namespace: NS });
    expect((await inClient(`wget -qO- http://${podIP(p)}:8080/ip`)).trim()).toBe(podIP(client));
  });

  it('puts back a host-gw route removed by hand (the agents check their routes every 10 s, as flannel does)', async () => {
    const w1 = await c.client.get(Resources.nodes, c.nodeName('w1'));
    const cidr = String((w1.spec as { podCIDR?: string }).podCIDR ?? '');
    const show = async (): Promise<string> => (await c.net.exec('w2', ['ip', '-4', 'route', 'show', cidr, 'proto', '77'])).stdout.trim();
    expect(await show()).toContain(`via ${c.net.ip('w1')}`);
    const del = await c.net.exec('w2', ['ip', 'route', 'del', cidr, 'proto', '77']);
    expect(del.exitCode, del.stderr).toBe(0);
    expect(await show()).toBe('');
    await waitFor('w2 to put its route to w1\'s pods back', async () => (await show()).includes(`via ${c.net.ip('w1')}`), 30_000, 250);
    const [p] = await readyPods('app=web');
    if (!p) throw new Error('no pod');
    expect((await inClient(`wget -qO- http://${podIP(p)}:8080/`)).trim()).toBe(p.metadata.name);
  });

  it('spreads 300 requests to the ClusterIP over the 3 endpoints, each between 20% and 47%', async () => {
    const svc = await c.client.get(Resources.services, 'web', { namespace: NS });
    const ip = String((svc.spec as { clusterIP?: string }).clusterIP);
    const out = await inClient(`for i in $(seq 300); do wget -qO- http://${ip}/; echo; done`);
    const counts = new Map<string, number>();
    for (const line of out.split('\n').filter(Boolean)) counts.set(line, (counts.get(line) ?? 0) + 1);
    const names = (await readyPods('app=web')).map((p) => p.metadata.name ?? '').sort();
    expect([...counts.keys()].sort()).toEqual(names);
    for (const n of names) {
      const share = (counts.get(n) ?? 0) / 300;
      expect(share).toBeGreaterThanOrEqual(0.2);
      expect(share).toBeLessThanOrEqual(0.47);
    }
  });

  it('answers on the NodePort of either host', async () => {
    const svc = await c.client.get(Resources.services, 'web', { namespace: NS });
    const ports = (svc.spec as { ports?: Array<{ nodePort?: number }> }).ports ?? [];
    const nodePort = ports[0]?.nodePort ?? 0;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const names = new Set((await readyPods('app=web')).map((p) => p.metadata.name));
    for (const host of ['w1', 'w2']) {
      const got = (await inClient(`wget -qO- http://${c.net.ip(host)}:${String(nodePort)}/`)).trim();
      expect(names.has(got)).toBe(true);
    }
  });

  it('resolves the Service by DNS name (full and short, through the search list) and answers', async () => {
    const svc = await c.client.get(Resources.services, 'web', { namespace: NS });
    const ip = String((svc.spec as { clusterIP?: string }).clusterIP);
    const lookup = await inClient(`node -e "require('dns').lookup('web.default.svc.cluster.local', (e, a) => { if (e) throw e; console.log(a); })"`);
    expect(lookup.trim()).toBe(ip);
    const names = new Set((await readyPods('app=web')).map((p) => p.metadata.name));
    const body = await inClient(`node -e "fetch('http://web/').then((r) => r.text()).then(console.log)"`);
    expect(names.has(body.trim())).toBe(true);
  });
});
