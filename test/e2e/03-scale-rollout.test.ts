// End-to-end 3, scaling and rolling updates, on a cluster brought up with `meshctl cluster up`
// (3 workers): a Deployment scales 3 -> 6 -> 2 (the Service's Endpoints and EndpointSlice follow),
// a rolling update v1 -> v2 with the default strategy (maxSurge 25%, maxUnavailable 25%) and a
// readiness probe loses not one of the requests a client in the cluster sends all along, and
// `kubectl rollout undo` brings v1 back as revision 3.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { Resources } from '../../lib/controller/resources.js';
import { demoBackendDeployment, manifestsYaml, serviceFor } from '../support/e2e-manifests.js';
import { LocalCluster, fewestPodsWorker, podDeleting as deleting, podNode, podReady } from '../support/local-cluster.js';
import { waitFor } from '../support/wait-for.js';

const BACKEND = manifestsYaml(
  demoBackendDeployment({ name: 'backend', replicas: 3, podIPEnv: true }),
  serviceFor('backend', [{ name: 'http', port: 8080, targetPort: 'http' }]),
);

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';

/**
 * The client: one request every ~50 ms until /tmp/stop exists, one line per request in /tmp/out:
 * the host's uptime when the request started, then the answer or FAILED with wget's exit status and
 * error. busybox wget's own -T crashes here, so `timeout 3` bounds each request: a hang counts as a
 * failure (exit 143), not a stall.
 */
const CLIENT_LOOP = [
  'rm -f /tmp/stop /tmp/out /tmp/done',
  'while [ ! -e /tmp/stop ]; do',
  '  read up _ < /proc/uptime',
  '  if r=$(timeout 3 wget -qO- http://backend:8080/ 2>/tmp/err); then [ -n "$r" ] || r="FAILED empty answer"',
  '  else r="FAILED exit $? $(tr \'\\n\' \' \' < /tmp/err)"; fi',
  '  echo "$up $r" >> /tmp/out',
  '  sleep 0.05',
  'done',
  'touch /tmp/done',
].join('\n');

function podImage(p: KubeObject): string {
  return String((p.spec as { containers?: Array<{ image?: string }> } | undefined)?.containers?.[0]?.image ?? '');
}

function podIP(p: KubeObject): string {
  return String((p.status as { podIP?: string } | undefined)?.podIP ?? '');
}

function annotations(o: KubeObject | undefined): Record<string, string> {
  return (o?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
}

/** The host's uptime in seconds, the clock the client loop stamps its lines with. */
function uptime(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

describe('e2e: scaling 3 -> 6 -> 2, a rolling update without failed requests, rollout undo', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await LocalCluster.up({ workers: 3 });
    await cluster.apply(BACKEND);
    await cluster.waitReadyPods('app=backend', 3, 120_000);
  }, 420_000);

  afterAll(async () => {
    await cluster?.down();
  }, 120_000);

  async function kubectlOk(args: string[], timeoutMs = 60_000): Promise<string> {
    const r = await cluster.kubectl(args, { timeoutMs });
    expect(r.exitCode, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  }

  /** Waits until the Deployment's pods are exactly `n`, all Ready, none terminating, all running `image` when given. */
  async function settled(n: number, image?: string, timeoutMs = 120_000): Promise<KubeObject[]> {
    return waitFor(`exactly ${String(n)} ready backend pods${image === undefined ? '' : ` of ${image}`}`, async () => {
      const ps = await cluster.pods('app=backend');
      const ok = ps.length === n && ps.every((p) => podReady(p) && !deleting(p) && (image === undefined || podImage(p) === image));
      return ok ? ps : undefined;
    }, timeoutMs, 250);
  }

  async function endpointAddresses(): Promise<string[]> {
    const ep = await cluster.client.get(Resources.endpoints, 'backend', { namespace: 'default' });
    const subsets = (ep as { subsets?: Array<{ addresses?: Array<{ ip?: string }>; notReadyAddresses?: unknown[] }> }).subsets ?? [];
    if (subsets.some((s) => (s.notReadyAddresses?.length ?? 0) > 0)) return ['not ready addresses present'];
    return subsets.flatMap((s) => (s.addresses ?? []).map((a) => String(a.ip))).sort();
  }

  async function sliceAddresses(): Promise<string[]> {
    const slices = (await cluster.client.list(Resources.endpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=backend' })).items;
    const eps = slices.flatMap((s) => (s as { endpoints?: Array<{ addresses?: string[]; conditions?: { ready?: boolean } }> }).endpoints ?? []);
    return eps.filter((e) => e.conditions?.ready === true).flatMap((e) => e.addresses ?? []).sort();
  }

  async function replicaSets(): Promise<KubeObject[]> {
    return (await cluster.client.list(Resources.replicaSets, { namespace: 'default', labelSelector: 'app=backend' })).items;
  }

  function rsOf(rss: KubeObject[], image: string): KubeObject | undefined {
    return rss.find((rs) => String((rs.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } }).template?.spec?.containers?.[0]?.image) === image);
  }

  it('scales 3 -> 6 -> 2; the Endpoints and the EndpointSlice follow with exactly the ready pods', async () => {
    await kubectlOk(['scale', 'deployment/backend', '--replicas=6']);
    const six = await settled(6);
    expect(new Set(six.map(podNode)).size).toBeGreaterThanOrEqual(2);
    const sixIPs = six.map(podIP).sort();
    await waitFor('6 endpoint addresses', async () => JSON.stringify(await endpointAddresses()) === JSON.stringify(sixIPs), 30_000, 250);
    await waitFor('6 ready EndpointSlice endpoints', async () => JSON.stringify(await sliceAddresses()) === JSON.stringify(sixIPs), 30_000, 250);

    await kubectlOk(['scale', 'deployment/backend', '--replicas=2']);
    const two = await settled(2);
    // The survivors are pods of the six; the terminated four are gone from the API.
    expect(two.every((p) => six.some((q) => q.metadata.uid === p.metadata.uid))).toBe(true);
    const twoIPs = two.map(podIP).sort();
    expect(await waitFor('2 endpoint addresses', async () => {
      const a = await endpointAddresses();
      return JSON.stringify(a) === JSON.stringify(twoIPs) ? a : undefined;
    }, 30_000, 250)).toHaveLength(2);
    expect(await waitFor('2 ready EndpointSlice endpoints', async () => {
      const a = await sliceAddresses();
      return JSON.stringify(a) === JSON.stringify(twoIPs) ? a : undefined;
    }, 30_000, 250)).toHaveLength(2);
    const d = await cluster.client.get(Resources.deployments, 'backend', { namespace: 'default' });
    expect(d.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
  }, 240_000);

  it('rolls v1 -> v2 while a client sends requests all along, with zero failed requests; rollout undo brings v1 back as revision 3', async () => {
    await kubectlOk(['scale', 'deployment/backend', '--replicas=3']);
    const three = await settled(3, 'mesh/demo-backend:v1');
    const endpointsBefore = three.map(podIP).sort();
    await waitFor('3 endpoint addresses', async () => JSON.stringify(await endpointAddresses()) === JSON.stringify(endpointsBefore), 30_000, 250);

    const clientNode = fewestPodsWorker(three);
    await cluster.startClientPod({ name: 'client', node: clientNode, terminationGracePeriodSeconds: 1 });
    const clientId = await cluster.containerId('default', 'client', 'client');
    expect(clientId).toBeDefined();
    const started = await cluster.docker(['exec', '-d', String(clientId), 'sh', '-c', CLIENT_LOOP]);
    expect(started.exitCode, started.stderr).toBe(0);
    const readOut = async (): Promise<string[]> => (await cluster.execInPod('default', 'client', 'client', ['cat', '/tmp/out'])).stdout.split('\n').filter(Boolean);
    await waitFor('the client answered by v1', async () => (await readOut()).filter((l) => l.includes('backend v1')).length >= 20, 30_000, 250);

    // Pod and Endpoints transitions during the rollout, on the same clock as the client's lines,
    // for the report when a request fails.
    const timeline: string[] = [];
    const seen = new Map<string, string>();
    // Per snapshot: pods not terminating, and of those the Ready ones (maxSurge 1 and maxUnavailable 0 for 3 replicas).
    let maxPods = 0;
    let minReady = Number.POSITIVE_INFINITY;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const ps = await cluster.pods('app=backend').catch(() => []);
        const now = uptime().toFixed(2);
        if (ps.length > 0) {
          const live = ps.filter((p) => !deleting(p));
          maxPods = Math.max(maxPods, live.length);
          minReady = Math.min(minReady, live.filter(podReady).length);
        }
        for (const p of ps) {
          const state = `${podImage(p).replace('mesh/demo-backend:', '')} ${podIP(p)} ${podNode(p)} ${deleting(p) ? 'terminating' : podReady(p) ? 'ready' : 'not-ready'}`;
          if (seen.get(String(p.metadata.name)) !== state) timeline.push(`${now} ${String(p.metadata.name)} ${state}`);
          seen.set(String(p.metadata.name), state);
        }
        const eps = (await endpointAddresses().catch(() => ['?'])).join(',');
        if (seen.get('endpoints') !== eps) timeline.push(`${now} endpoints ${eps}`);
        seen.set('endpoints', eps);
        for (const name of [...seen.keys()].filter((n) => n !== 'endpoints' && !ps.some((p) => p.metadata.name === n))) {
          timeline.push(`${now} ${name} gone`);
          seen.delete(name);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // The defaults of the API: RollingUpdate with maxSurge 25% and maxUnavailable 25%.
    const dep = await cluster.client.get(Resources.deployments, 'backend', { namespace: 'default' });
    expect((dep.spec as { strategy?: unknown }).strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    const rolloutStart = uptime();
    await kubectlOk(['set', 'image', 'deployment/backend', 'backend=mesh/demo-backend:v2']);
    await kubectlOk(['rollout', 'status', 'deployment/backend', '--timeout=120s'], 150_000);
    const rolloutSeconds = uptime() - rolloutStart;
    // Old pods keep terminating after the rollout is complete; the client goes on until they are gone.
    await settled(3, 'mesh/demo-backend:v2');
    await new Promise((r) => setTimeout(r, 3000));
    await cluster.execInPod('default', 'client', 'client', ['touch', '/tmp/stop']);
    await waitFor('the client loop stopped', async () => (await cluster.execInPod('default', 'client', 'client', ['test', '-e', '/tmp/done'])).exitCode === 0, 30_000, 250);
    watching = false;
    await watcher;

    const lines = await readOut();
    const answers = lines.map((l) => l.slice(l.indexOf(' ') + 1));
    const bad = lines.filter((l) => !/^\d+\.\d+ backend v[12] pod=backend-\S+ ip=\S+$/.test(l));
    const during = lines.filter((l) => Number(l.split(' ')[0]) >= rolloutStart);
    console.log(`e2e rollout: ${String(lines.length)} requests (${String(during.length)} from set image on), ${String(bad.length)} failed; client on ${clientNode}; rollout complete after ${rolloutSeconds.toFixed(1)} s; pods at most ${String(maxPods)}, ready at least ${String(minReady)}`);
    expect(bad, `failed requests (host uptime, rollout started at ${rolloutStart.toFixed(2)}):\n${bad.join('\n')}\npod timeline:\n${timeline.join('\n')}`).toEqual([]);
    expect(during.length).toBeGreaterThanOrEqual(50);
    expect(answers.some((a) => a.startsWith('backend v1 '))).toBe(true);
    expect(answers.some((a) => a.startsWith('backend v2 '))).toBe(true);
    // 25% of 3: a surge of 1 (rounded up), none unavailable (rounded down).
    expect(maxPods).toBeLessThanOrEqual(4);
    expect(minReady).toBe(3);
    const last = answers.slice(-20);
    expect(last.filter((a) => !a.startsWith('backend v2 '))).toEqual([]);

    // Revisions as Kubernetes numbers them: v1 is 1, v2 is 2.
    let rss = await replicaSets();
    expect(annotations(rsOf(rss, 'mesh/demo-backend:v1'))[REVISION]).toBe('1');
    expect(annotations(rsOf(rss, 'mesh/demo-backend:v2'))[REVISION]).toBe('2');

    await kubectlOk(['rollout', 'undo', 'deployment/backend']);
    await kubectlOk(['rollout', 'status', 'deployment/backend', '--timeout=120s'], 150_000);
    const back = await settled(3, 'mesh/demo-backend:v1');
    expect(back.every((p) => podImage(p) === 'mesh/demo-backend:v1')).toBe(true);

    // The undo reuses the v1 ReplicaSet, which becomes revision 3 (remembering 1); v2 stays 2.
    rss = await replicaSets();
    expect(rss).toHaveLength(2);
    const v1 = rsOf(rss, 'mesh/demo-backend:v1');
    const v2 = rsOf(rss, 'mesh/demo-backend:v2');
    expect(annotations(v1)[REVISION]).toBe('3');
    expect(annotations(v1)[REVISION_HISTORY]).toBe('1');
    expect(annotations(v2)[REVISION]).toBe('2');
    expect((v1?.spec as { replicas?: number } | undefined)?.replicas).toBe(3);
    expect((v2?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    const d = await cluster.client.get(Resources.deployments, 'backend', { namespace: 'default' });
    expect(annotations(d)[REVISION]).toBe('3');
    const history = await kubectlOk(['rollout', 'history', 'deployment/backend']);
    expect(history.trim().split('\n').slice(-2).map((l) => l.trim().split(/\s+/)[0])).toEqual(['2', '3']);

    // Requests answer v1 again (once the endpoints hold only the v1 pods).
    const v1IPs = back.map(podIP).sort();
    await waitFor('endpoints of the v1 pods only', async () => JSON.stringify(await endpointAddresses()) === JSON.stringify(v1IPs), 30_000, 250);
    const r = await cluster.execInPod('default', 'client', 'client', ['sh', '-c', 'for i in $(seq 1 20); do timeout 3 wget -qO- http://backend:8080/ || echo FAILED; done']);
    const after = r.stdout.trim().split('\n');
    expect(after).toHaveLength(20);
    expect(after.filter((a) => !a.startsWith('backend v1 pod=backend-'))).toEqual([]);
  }, 400_000);
});
