// Acceptance 3: a fake node stops renewing its lease; it turns Ready=Unknown within the grace
// period plus 1 s and is tainted unreachable; its pods are evicted after a shortened
// toleration (the API server's --default-unreachable-toleration-seconds) and replaced on the
// other nodes; when the node returns, its taints are removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { nodeTaints } from '../../lib/api/taints.js';
import { Resources } from '../../lib/controller/resources.js';
import { podNodeName } from '../../services/sched/controllers/pod-util.js';
import { SchedCluster } from '../support/sched-cluster.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'failover';
const GRACE_MS = 3000;
const TOLERATION_S = 4;

function readyCondition(node: KubeObject): Record<string, unknown> | undefined {
  const st = isRecord(node.status) ? node.status : {};
  const conds = Array.isArray(st.conditions) ? st.conditions : [];
  return conds.find((c): c is Record<string, unknown> => isRecord(c) && c.type === 'Ready');
}


describe('a node that stops renewing its lease', () => {
  let c: SchedCluster;
  let client: KubeClient;

  beforeAll(async () => {
    c = await SchedCluster.start({
      nodes: [{ name: 'node-a' }, { name: 'node-b' }, { name: 'node-c' }],
      nodeOptions: { leaseRenewMs: 500 },
      apiArgs: ['--default-unreachable-toleration-seconds', String(TOLERATION_S), '--default-not-ready-toleration-seconds', String(TOLERATION_S)],
      schedArgs: ['--node-monitor-grace-period', `${GRACE_MS}ms`, '--node-monitor-period', '200ms'],
      namespace: NS,
    });
    client = c.client;
  }, 120_000);

  afterAll(async () => {
    await c?.destroy();
  }, 60_000);

  it('is marked Unknown and tainted, its pods are evicted and replaced elsewhere, and it is cleaned up on return', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], {
      input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: mesh/demo:a}]
`,
    });
    expect(r.stderr).toBe('');
    const list = async (): Promise<KubeObject[]> => (await client.list(Resources.pods, { namespace: NS })).items;
    await waitFor('6 running pods', async () => {
      const p = await list();
      return p.length === 6 && p.every((x) => isRecord(x.status) && x.status.phase === 'Running');
    });
    const onC = (await list()).filter((p) => podNodeName(p) === 'node-c');
    expect(onC.length).toBeGreaterThan(0);
    for (const p of onC) {
      const tolerations = isRecord(p.spec) && Array.isArray(p.spec.tolerations) ? p.spec.tolerations : [];
      expect(tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_S });
    }

    c.nodes.stop('node-c');
    const lease = await client.get(Resources.leases, 'node-c', { namespace: 'kube-node-lease' });
    const lastRenew = Date.parse(String((lease.spec as Record<string, unknown>).renewTime));
    const unknownAt = await waitFor('node-c to turn Ready=Unknown', async () => {
      const node = await client.get(Resources.nodes, 'node-c');
      return readyCondition(node)?.status === 'Unknown' ? Date.now() : undefined;
    }, 30_000, 50);
    expect(unknownAt - lastRenew).toBeLessThanOrEqual(GRACE_MS + 1000);
    const node = await client.get(Resources.nodes, 'node-c');
    expect(readyCondition(node)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    await waitFor('the unreachable NoExecute taint', async () => nodeTaints(await client.get(Resources.nodes, 'node-c')).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 10_000);

    // Evicted after the toleration, replaced on the nodes that are still alive.
    await waitFor('the pods of node-c to be evicted', async () => {
      const left = (await list()).filter((p) => podNodeName(p) === 'node-c' && p.metadata.deletionTimestamp === undefined);
      if (left.length > 0) throw new Error(`not evicted: ${left.map((p) => `${p.metadata.name ?? ''} (created ${p.metadata.creationTimestamp ?? ''}, tolerations ${JSON.stringify((p.spec as Record<string, unknown>).tolerations)})`).join(', ')}`);
      return true;
    }, 30_000);
    await waitFor('6 running pods on node-a and node-b', async () => {
      const live = (await list()).filter((p) => p.metadata.deletionTimestamp === undefined);
      return live.length === 6 && live.every((p) => podNodeName(p) !== 'node-c' && isRecord(p.status) && p.status.phase === 'Running');
    }, 30_000);
    const events = (await client.list(Resources.events, { namespace: NS })).items;
    expect(events.filter((e) => e.reason === 'TaintManagerEviction').map((e) => (e.involvedObject as Record<string, unknown>).name).sort()).toEqual(onC.map((p) => p.metadata.name).sort());
    const nodeEvents = (await client.list(Resources.events, { namespace: 'default' })).items;
    expect(nodeEvents.some((e) => e.reason === 'NodeNotReady' && (e.involvedObject as Record<string, unknown>).name === 'node-c')).toBe(true);

    // The node returns: Ready again, taints gone, the evicted pods finish terminating.
    await c.nodes.resume('node-c');
    await waitFor('node-c untainted', async () => {
      const n = await client.get(Resources.nodes, 'node-c');
      return readyCondition(n)?.status === 'True' && !nodeTaints(n).some((t) => t.key.startsWith('node.kubernetes.io/'));
    }, 30_000);
    await waitFor('the evicted pods to be gone', async () => (await list()).every((p) => podNodeName(p) !== 'node-c'), 30_000);
    expect(c.nodes.errors).toEqual([]);
  });
});
