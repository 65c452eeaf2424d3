// Acceptance: a host taken away (its agent killed with SIGKILL, its link down) leads, with the
// controllers running, to its pods being recreated on the other host and the Service answering
// again from a pod there. Timings are short so the drill takes seconds: the agents renew their
// Lease every 2 s, a node is Unknown after 8 s of silence, and pods tolerate that for 2 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { Resources } from '../../lib/controller/resources.js';
import { NodeCluster } from '../support/node-cluster.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'default';
const IMAGE = 'mesh/base:latest';
const SERVER_JS = "require('http').createServer((q, s) => s.end(process.env.POD_NAME)).listen(8080)";
const NAME = 'nf';

let c: NodeCluster;

function ready(p: KubeObject): boolean {
  const st = isRecord(p.status) ? p.status : {};
  const conds = Array.isArray(st.conditions) ? st.conditions.filter(isRecord) : [];
  return p.metadata.deletionTimestamp === undefined && conds.some((x) => x.type === 'Ready' && x.status === 'True');
}

function nodeOf(p: KubeObject): string {
  return String((p.spec as { nodeName?: string }).nodeName ?? '');
}

async function webPods(): Promise<KubeObject[]> {
  return (await c.client.list(Resources.pods, { namespace: NS, labelSelector: 'app=web' })).items;
}

async function setUnschedulable(host: string, unschedulable: boolean): Promise<void> {
  await c.client.patch(Resources.nodes, c.nodeName(host), { spec: { unschedulable } }, 'merge');
}

async function fromClient(url: string): Promise<string | undefined> {
  const r = await c.execInPod(NS, 'client', 'client', ['wget', '-qO-', url], 10_000);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

beforeAll(async () => {
  c = await NodeCluster.start({
    name: NAME,
    hosts: ['w1', 'w2'],
    apiArgs: ['--default-unreachable-toleration-seconds', '2', '--default-not-ready-toleration-seconds', '2'],
    schedArgs: ['--node-monitor-period', '1s', '--node-monitor-grace-period', '8s'],
    agentArgs: ['--node-lease-duration-seconds', '8'],
  });
}, 240_000);

afterAll(async () => {
  await execa('ip', ['link', 'set', `ve-${NAME}-w1`, 'up'], { reject: false });
  await c?.destroy();
}, 120_000);

describe('a host taken away', () => {
  it('has its pods recreated on the other host, reachable through their Service again', async () => {
    // Everything starts on w1: w2 is cordoned while the Deployment rolls out.
    await setUnschedulable('w2', true);
    await c.client.create(Resources.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 2,
            containers: [{ name: 'web', image: IMAGE, imagePullPolicy: 'Never', command: ['node', '-e', SERVER_JS], env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } }],
          },
        },
      },
    }, { namespace: NS });
    await c.client.create(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }, { namespace: NS });
    await waitFor('2 web pods Ready on w1', async () => (await webPods()).filter((p) => ready(p) && nodeOf(p) === c.nodeName('w1')).length === 2, 90_000, 250);
    await setUnschedulable('w2', false);
    await c.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: NS }, spec: { nodeName: c.nodeName('w2'), containers: [{ name: 'client', image: IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'] }] } }, { namespace: NS });
    await waitFor('client running', async () => (await c.containerId(NS, 'client', 'client')) !== undefined, 60_000, 250);
    const before = new Set((await webPods()).map((p) => p.metadata.name));
    expect(before.has(await waitFor('the Service answers', () => fromClient('http://web/'), 30_000, 250))).toBe(true);

    const t0 = Date.now();
    await c.stopAgent('w1', 'SIGKILL');
    await execa('ip', ['link', 'set', `ve-${NAME}-w1`, 'down']);

    await waitFor('w1 Ready=Unknown', async () => {
      const n = await c.client.get(Resources.nodes, c.nodeName('w1'));
      const conds = (n.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? [];
      return conds.some((x) => x.type === 'Ready' && x.status === 'Unknown');
    }, 60_000, 250);
    const tUnknown = Date.now() - t0;
    const replacements = await waitFor('2 web pods Ready on w2', async () => {
      const onW2 = (await webPods()).filter((p) => ready(p) && nodeOf(p) === c.nodeName('w2'));
      return onW2.length === 2 ? onW2 : undefined;
    }, 90_000, 250);
    const tReplaced = Date.now() - t0;
    const fresh = new Set(replacements.map((p) => p.metadata.name));
    for (const n of fresh) expect(before.has(n)).toBe(false);
    // The Service answers again, from the new pods only.
    const answers = new Set<string>();
    await waitFor('both new pods answer through the Service', async () => {
      const got = await fromClient('http://web/');
      if (got !== undefined) answers.add(got);
      return [...fresh].every((n) => answers.has(n ?? ''));
    }, 60_000, 100);
    for (const a of answers) expect(fresh.has(a)).toBe(true);
    console.log(`host failure: node Unknown after ${String(tUnknown)} ms, replacements Ready after ${String(tReplaced)} ms, Service answering after ${String(Date.now() - t0)} ms`);
  });
});
