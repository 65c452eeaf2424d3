// Acceptance 2 of the scheduler-and-controllers issue, against real store, API server and
// sched processes with three fake nodes: a 10-replica Deployment is created, bound and spread;
// a rolling update keeps within maxSurge/maxUnavailable at every observed moment; rollout
// undo returns to the first image; scaling 10 → 3 → 8 works. kubectl drives it, as a user would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Informer } from '../../lib/controller/informer.js';
import { Resources } from '../../lib/controller/resources.js';
import { isPodReady, podNodeName } from '../../services/sched/controllers/pod-util.js';
import { SchedCluster } from '../support/sched-cluster.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'rollout';

function deployment(image: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
`;
}

function podImage(p: KubeObject): string {
  const spec = isRecord(p.spec) ? p.spec : {};
  const c = Array.isArray(spec.containers) ? spec.containers[0] : undefined;
  return isRecord(c) && typeof c.image === 'string' ? c.image : '';
}


describe('Deployments over fake nodes, end to end', () => {
  let c: SchedCluster;
  let client: KubeClient;
  const watching = new AbortController();
  let pods: Informer;

  beforeAll(async () => {
    c = await SchedCluster.start({ nodes: [{ name: 'node-a' }, { name: 'node-b' }, { name: 'node-c' }], nodeOptions: { podReadyDelayMs: 300 }, namespace: NS });
    client = c.client;
    pods = new Informer(client, Resources.pods, { namespace: NS });
    void pods.run(watching.signal);
    await pods.waitForSync(AbortSignal.timeout(10_000));
  }, 120_000);

  afterAll(async () => {
    watching.abort();
    await c?.destroy();
  }, 60_000);

  const active = (): KubeObject[] => pods.cache.list().filter((p) => p.metadata.deletionTimestamp === undefined);

  async function rolledOut(image: string, replicas: number): Promise<void> {
    await waitFor(`${replicas} ready pods of ${image}`, () => {
      const a = active();
      return a.length === replicas && a.every((p) => podImage(p) === image && isPodReady(p) && podNodeName(p) !== '');
    }, 90_000);
    await waitFor('deployment status to catch up', async () => {
      const d = await client.get(Resources.deployments, 'web', { namespace: NS });
      const st = isRecord(d.status) ? d.status : {};
      return st.observedGeneration === d.metadata.generation && st.updatedReplicas === replicas && st.availableReplicas === replicas && st.replicas === replicas;
    }, 60_000);
  }

  it('creates, binds and spreads the pods of a 10-replica Deployment (max skew 1)', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { input: deployment('mesh/demo:a', 10) });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web created');
    await rolledOut('mesh/demo:a', 10);
    const perNode = new Map(c.nodes.names.map((n) => [n, 0]));
    for (const p of active()) perNode.set(podNodeName(p), (perNode.get(podNodeName(p)) ?? 0) + 1);
    const counts = [...perNode.values()];
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);

    const rsList = await client.list(Resources.replicaSets, { namespace: NS });
    expect(rsList.items).toHaveLength(1);
    const rs = rsList.items[0] as KubeObject;
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[a-z0-9]+$/);
    expect(rs.metadata.name).toBe(`web-${hash ?? ''}`);
    for (const p of active()) {
      expect(p.metadata.labels?.['pod-template-hash']).toBe(hash);
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true });
    }
    const events = await client.list(Resources.events, { namespace: NS });
    const reasons = new Set(events.items.map((e) => e.reason));
    for (const reason of ['ScalingReplicaSet', 'SuccessfulCreate', 'Scheduled']) expect(reasons).toContain(reason);
  });

  it('rolls from image A to B within maxSurge and maxUnavailable at every observed moment', async () => {
    let maxPods = 0;
    let minReady = Number.POSITIVE_INFINITY;
    let observations = 0;
    const observe = (): void => {
      const a = active();
      observations++;
      maxPods = Math.max(maxPods, a.length);
      minReady = Math.min(minReady, a.filter(isPodReady).length);
    };
    pods.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
    const r = await c.kubectl(['-n', NS, 'set', 'image', 'deployment/web', 'app=mesh/demo:b']);
    expect(r.stdout).toBe('deployment.apps/web image updated');
    const status = await c.kubectl(['-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
    expect(status.stdout).toContain('successfully rolled out');
    await rolledOut('mesh/demo:b', 10);
    expect(observations).toBeGreaterThan(20);
    // 25 % of 10: surge rounds up to 3, unavailable rounds down to 2.
    expect(maxPods).toBeLessThanOrEqual(13);
    expect(maxPods).toBeGreaterThan(10);
    expect(minReady).toBeGreaterThanOrEqual(8);
    const history = await c.kubectl(['-n', NS, 'rollout', 'history', 'deployment/web']);
    expect(history.stdout).toMatch(/^1\s/m);
    expect(history.stdout).toMatch(/^2\s/m);
  });

  it('rollout undo returns to image A', async () => {
    const r = await c.kubectl(['-n', NS, 'rollout', 'undo', 'deployment/web']);
    expect(r.stdout).toBe('deployment.apps/web rolled back');
    await rolledOut('mesh/demo:a', 10);
    const rsList = await client.list(Resources.replicaSets, { namespace: NS });
    expect(rsList.items).toHaveLength(2);
    const byImage = new Map(rsList.items.map((rs) => [podImage(isRecord(rs.spec) && isRecord(rs.spec.template) ? (rs.spec.template as KubeObject) : rs), rs]));
    expect(byImage.get('mesh/demo:a')?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect((byImage.get('mesh/demo:b')?.spec as Record<string, unknown>).replicas).toBe(0);
  });

  it('scales 10 → 3 → 8', async () => {
    expect((await c.kubectl(['-n', NS, 'scale', 'deployment/web', '--replicas=3'])).stdout).toBe('deployment.apps/web scaled');
    await rolledOut('mesh/demo:a', 3);
    expect((await c.kubectl(['-n', NS, 'scale', 'deployment/web', '--replicas=8'])).stdout).toBe('deployment.apps/web scaled');
    await rolledOut('mesh/demo:a', 8);
    expect(c.nodes.errors).toEqual([]);
  });
});
