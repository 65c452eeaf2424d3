// Acceptance for the node agent's pod lifecycle on real Docker: readiness taking an endpoint out
// of the Service, liveness restarts, CrashLoopBackOff, a missing image, deletion leaving nothing
// behind, and an agent restarted mid-flight adopting its pods without duplicates or leaks.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { Resources } from '../../lib/controller/resources.js';
import { NodeCluster } from '../support/node-cluster.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'default';
const IMAGE = 'mesh/base:latest';
/**
 * Serves its pod name; /ready fails (500) while /tmp/unready exists; /stats tells when /ready
 * first failed and when the last ordinary request was served, by this machine's clock.
 */
const SERVER_JS = [
  "const fs = require('fs');",
  'let firstFail = 0, lastServed = 0;',
  "require('http').createServer((q, s) => {",
  "  if (q.url === '/ready') { if (fs.existsSync('/tmp/unready')) { if (!firstFail) firstFail = Date.now(); s.statusCode = 500; return s.end('no'); } return s.end('ok'); }",
  "  if (q.url === '/stats') return s.end(JSON.stringify({ firstFail, lastServed }));",
  '  lastServed = Date.now(); s.end(process.env.POD_NAME);',
  '}).listen(8080);',
].join(' ');

let c: NodeCluster;
const W1 = 'w1';
const W2 = 'w2';

function pod(name: string, node: string, containers: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { app: name } }, spec: { nodeSelector: { 'kubernetes.io/hostname': c.nodeName(node) }, terminationGracePeriodSeconds: 2, containers, ...extra } };
}

function server(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    image: IMAGE,
    imagePullPolicy: 'Never',
    command: ['node', '-e', SERVER_JS],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ports: [{ containerPort: 8080 }],
    ...extra,
  };
}

async function getPod(name: string): Promise<KubeObject | undefined> {
  try {
    return await c.client.get(Resources.pods, name, { namespace: NS });
  } catch {
    return undefined;
  }
}

function statusOf(p: KubeObject | undefined): Record<string, unknown> {
  return p && isRecord(p.status) ? p.status : {};
}

function containerStatus(p: KubeObject | undefined, name: string): Record<string, unknown> {
  const list = statusOf(p).containerStatuses;
  return (Array.isArray(list) ? list.filter(isRecord).find((x) => x.name === name) : undefined) ?? {};
}

function isReady(p: KubeObject | undefined): boolean {
  const conds = statusOf(p).conditions;
  return Array.isArray(conds) && conds.filter(isRecord).some((x) => x.type === 'Ready' && x.status === 'True');
}

async function waitReady(name: string, timeoutMs = 60_000): Promise<KubeObject> {
  return waitFor(`pod ${name} Ready`, async () => {
    const p = await getPod(name);
    return isReady(p) ? p : undefined;
  }, timeoutMs, 200);
}

async function inPod(pod: string, container: string, cmd: string): Promise<string> {
  const r = await c.execInPod(NS, pod, container, ['sh', '-c', cmd]);
  if (r.exitCode !== 0) throw new Error(`${pod}: ${cmd} exited ${String(r.exitCode)}: ${r.stderr}`);
  return r.stdout;
}

/** IP allocation files of a host's agent (host-local layout: one file per IP). */
function allocations(host: string): string[] {
  const dir = path.join(c.agentDir(host), 'root', 'network', 'cbr0');
  try {
    return readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
  } catch {
    return [];
  }
}

/** veth ports of the host's pod bridge. */
async function veths(host: string): Promise<string[]> {
  const r = await c.net.exec(host, ['ip', '-o', 'link', 'show', 'master', 'cni0']);
  return r.stdout.split('\n').map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '').filter((n) => n.startsWith('veth'));
}

async function ruleset(host: string): Promise<string> {
  return (await c.net.exec(host, ['nft', 'list', 'table', 'ip', 'meshkube-proxy'])).stdout;
}

beforeAll(async () => {
  c = await NodeCluster.start({ name: 'nb', hosts: [W1, W2] });
  await c.client.create(Resources.pods, pod('client', W2, [{ name: 'client', image: IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'] }]), { namespace: NS });
  await waitReady('client');
}, 240_000);

afterAll(async () => {
  await c?.destroy();
}, 120_000);

describe('probes', () => {
  it('takes an endpoint whose readiness probe fails out of the Service within periodSeconds × failureThreshold + 1 s', async () => {
    const period = 1;
    const threshold = 2;
    const readinessProbe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: period, failureThreshold: threshold };
    for (const n of ['ready-a', 'ready-b']) {
      const p = pod(n, W1, [server('web', { readinessProbe })]);
      p.metadata.labels = { app: 'ready' };
      await c.client.create(Resources.pods, p, { namespace: NS });
    }
    await c.client.create(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ready', namespace: NS }, spec: { selector: { app: 'ready' }, ports: [{ port: 80, targetPort: 8080 }] } }, { namespace: NS });
    const a = await waitReady('ready-a');
    await waitReady('ready-b');
    const svc = await c.client.get(Resources.services, 'ready', { namespace: NS });
    const ip = String((svc.spec as { clusterIP?: string }).clusterIP);
    // Both endpoints answer before the probe fails.
    await waitFor('both endpoints in the rules', async () => {
      const seen = new Set((await inPod('client', 'client', `for i in $(seq 20); do wget -qO- http://${ip}/; echo; done`)).split('\n').filter(Boolean));
      if (!seen.has('ready-a') || !seen.has('ready-b')) throw new Error(`answers seen: ${[...seen].join(',')}`);
      return true;
    }, 30_000, 500);

    await inPod('ready-a', 'web', 'touch /tmp/unready');
    const seconds = period * threshold + 5;
    const out = await inPod('client', 'client', `end=$(($(date +%s)+${String(seconds)})); while [ $(date +%s) -lt $end ]; do wget -qO- http://${ip}/; echo; done`);
    const answers = out.split('\n').filter(Boolean);
    // The last second of requests all went to the ready endpoint.
    expect(answers.slice(-20).every((x) => x === 'ready-b')).toBe(true);
    const stats = JSON.parse(await inPod('client', 'client', `wget -qO- http://${String(statusOf(a).podIP)}:8080/stats`)) as { firstFail: number; lastServed: number };
    expect(stats.firstFail).toBeGreaterThan(0);
    const tookMs = stats.lastServed - stats.firstFail;
    console.log(`readiness: last request to the failing endpoint ${String(tookMs)} ms after its first failed probe (bound ${String(period * threshold * 1000 + 1000)} ms)`);
    expect(tookMs).toBeLessThanOrEqual(period * threshold * 1000 + 1000);
    expect(isReady(await getPod('ready-a'))).toBe(false);
  });

  it('restarts a container whose liveness probe fails, and its restartCount goes up', async () => {
    const livenessProbe = { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 };
    await c.client.create(Resources.pods, pod('live', W1, [server('web', { command: ['sh', '-c', `touch /tmp/healthy; exec node -e "${SERVER_JS.replace(/"/g, '\\"')}"`], livenessProbe })]), { namespace: NS });
    await waitReady('live');
    expect(containerStatus(await getPod('live'), 'web').restartCount).toBe(0);
    await inPod('live', 'web', 'rm /tmp/healthy');
    const p = await waitFor('restartCount 1', async () => {
      const x = await getPod('live');
      return containerStatus(x, 'web').restartCount === 1 ? x : undefined;
    }, 30_000, 200);
    expect(containerStatus(p, 'web').lastState).toMatchObject({ terminated: { reason: 'Error' } });
    const events = await c.client.list(Resources.events, { namespace: NS, fieldSelector: 'involvedObject.name=live' });
    const reasons = events.items.map((e) => `${String(e.reason)}: ${String(e.message)}`);
    expect(reasons.some((r) => r.startsWith('Unhealthy: Liveness probe failed'))).toBe(true);
    expect(reasons).toContain('Killing: Container web failed liveness probe, will be restarted');
  });
});

describe('failing containers', () => {
  it('backs off a crashing container (CrashLoopBackOff, 10 s then 20 s) and a missing image shows ErrImageNeverPull; the agent keeps running', async () => {
    await c.client.create(Resources.pods, pod('crash', W1, [{ name: 'app', image: IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo crashing; exit 3'] }]), { namespace: NS });
    await c.client.create(Resources.pods, pod('noimage', W1, [{ name: 'app', image: 'mesh/not-built:v1', imagePullPolicy: 'Never' }]), { namespace: NS });
    const first = await waitFor('back-off 10s', async () => {
      const st = containerStatus(await getPod('crash'), 'app');
      const w = isRecord(st.state) && isRecord(st.state.waiting) ? st.state.waiting : undefined;
      return w?.reason === 'CrashLoopBackOff' && String(w.message).startsWith('back-off 10s') ? st : undefined;
    }, 30_000, 200);
    expect(first.lastState).toMatchObject({ terminated: { exitCode: 3, reason: 'Error' } });
    const second = await waitFor('back-off 20s', async () => {
      const st = containerStatus(await getPod('crash'), 'app');
      const w = isRecord(st.state) && isRecord(st.state.waiting) ? st.state.waiting : undefined;
      return w?.reason === 'CrashLoopBackOff' && String(w.message).startsWith('back-off 20s') ? st : undefined;
    }, 40_000, 200);
    expect(Number(second.restartCount)).toBeGreaterThan(Number(first.restartCount));

    const missing = containerStatus(await getPod('noimage'), 'app');
    expect(missing.state).toEqual({ waiting: { reason: 'ErrImageNeverPull', message: 'Container image "mesh/not-built:v1" is not present with pull policy of Never' } });
    expect(statusOf(await getPod('noimage')).phase).toBe('Pending');
    expect(c.agentRunning(W1)).toBe(true);
    const logs = await c.kubectl(['logs', 'crash', '--previous']);
    expect(logs.stdout.trim()).toBe('crashing');
  });
});

describe('deletion and agent restarts', () => {
  it('deleting a pod removes its containers, veth, IP allocation and endpoint rules', async () => {
    const p = pod('gone', W1, [server('web')]);
    await c.client.create(Resources.pods, p, { namespace: NS });
    await c.client.create(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'gone', namespace: NS }, spec: { selector: { app: 'gone' }, ports: [{ port: 80, targetPort: 8080 }] } }, { namespace: NS });
    const running = await waitReady('gone');
    const uid = running.metadata.uid ?? '';
    const ip = String(statusOf(running).podIP);
    await waitFor('endpoint in the rules', async () => (await ruleset(W1)).includes(ip), 20_000, 200);
    expect(allocations(W1)).toContain(ip);
    const vethsBefore = await veths(W1);

    await c.client.delete(Resources.pods, 'gone', { namespace: NS });
    await waitFor('pod gone from the API', async () => (await getPod('gone')) === undefined, 30_000, 200);
    await waitFor('containers removed', async () => (await c.containersOfPod(uid)).length === 0, 20_000, 200);
    expect(allocations(W1)).not.toContain(ip);
    expect((await veths(W1)).length).toBe(vethsBefore.length - 1);
    await waitFor('endpoint rules removed', async () => !(await ruleset(W1)).includes(ip), 20_000, 200);
  });

  it('removes the containers of a pod force-deleted while its agent was down', async () => {
    const running = (await c.client.create(Resources.pods, pod('orphan', W1, [server('web')]), { namespace: NS })).metadata;
    const ready = await waitReady('orphan');
    const ip = String(statusOf(ready).podIP);
    expect(await c.stopAgent(W1)).toBe(0); // SIGTERM: a clean exit, pods left running
    const del = await c.kubectl(['delete', 'pod', 'orphan', '--grace-period=0', '--force']);
    expect(del.exitCode).toBe(0);
    expect(await getPod('orphan')).toBeUndefined();
    expect((await c.containersOfPod(running.uid ?? '')).length).toBeGreaterThan(0); // left running meanwhile
    c.startAgent(W1);
    await c.waitNodeReady(W1);
    await waitFor('orphan containers removed', async () => (await c.containersOfPod(running.uid ?? '')).length === 0, 30_000, 200);
    await waitFor('orphan IP released', () => !allocations(W1).includes(ip), 10_000, 200);
  });

  it('an agent killed while pods start comes back without duplicates or leaks, and cleans up after deletion', async () => {
    const names = ['r1', 'r2', 'r3'];
    const baseline = { allocations: allocations(W2).length, veths: (await veths(W2)).length };
    for (const n of names) await c.client.create(Resources.pods, pod(n, W2, [server('web')]), { namespace: NS });
    // Kill the agent as soon as the first sandbox exists, in the middle of starting them.
    await waitFor('a sandbox for r1', async () => (await c.containers(W2)).length > baseline.veths + 1, 30_000, 50);
    await c.stopAgent(W2, 'SIGKILL');
    c.startAgent(W2);
    await c.waitNodeReady(W2);
    for (const n of names) await waitReady(n);
    for (const n of names) {
      const uid = (await getPod(n))?.metadata.uid ?? '';
      const byName = await c.runningContainersOfPod(uid);
      expect(byName.sort()).toEqual(['POD', 'web']);
    }
    expect(allocations(W2).length).toBe(baseline.allocations + names.length);
    expect((await veths(W2)).length).toBe(baseline.veths + names.length);

    for (const n of names) await c.client.delete(Resources.pods, n, { namespace: NS });
    for (const n of names) await waitFor(`${n} gone`, async () => (await getPod(n)) === undefined, 30_000, 200);
    await waitFor('allocations released', () => allocations(W2).length === baseline.allocations, 20_000, 200);
    expect((await veths(W2)).length).toBe(baseline.veths);
  });
});
