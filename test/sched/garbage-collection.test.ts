// Acceptance 6: deleting a Deployment with background, foreground and orphan propagation
// leaves exactly what Kubernetes leaves; deleting a namespace deletes what is in it.
// kubectl drives the deletes (--cascade=background|foreground|orphan), as a user would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { isApiError } from '../../lib/api/kube-client/api-error.js';
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Resources } from '../../lib/controller/resources.js';
import { SchedCluster } from '../support/sched-cluster.js';
import { sleep } from '../support/store-cluster.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'gc';

function deployment(name: string, ns = NS): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: 3
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: mesh/demo:a}]
`;
}

describe('garbage collection of a Deployment and its dependents', () => {
  let c: SchedCluster;
  let client: KubeClient;

  beforeAll(async () => {
    c = await SchedCluster.start({ nodes: [{ name: 'node-a' }, { name: 'node-b' }], namespace: NS });
    client = c.client;
  }, 120_000);

  afterAll(async () => {
    await c?.destroy();
  }, 60_000);

  async function podsOf(app: string, ns = NS): Promise<KubeObject[]> {
    return (await client.list(Resources.pods, { namespace: ns, labelSelector: `app=${app}` })).items;
  }

  async function replicaSetsOf(app: string, ns = NS): Promise<KubeObject[]> {
    return (await client.list(Resources.replicaSets, { namespace: ns })).items.filter((rs) => rs.metadata.name?.startsWith(`${app}-`));
  }

  async function deployed(app: string, ns = NS): Promise<void> {
    const r = await c.kubectl(['apply', '-f', '-'], { input: deployment(app, ns) });
    expect(r.stderr).toBe('');
    await waitFor(`3 running pods of ${app}`, async () => {
      const p = await podsOf(app, ns);
      return p.length === 3 && p.every((x) => isRecord(x.status) && x.status.phase === 'Running');
    }, 60_000);
  }

  async function gone(r: typeof Resources.deployments, name: string, ns = NS): Promise<boolean> {
    try {
      await client.get(r, name, { namespace: ns });
      return false;
    } catch (err) {
      if (isApiError(err, 404)) return true;
      throw err;
    }
  }

  it('background: the Deployment goes at once, then its ReplicaSet and pods', async () => {
    await deployed('bg');
    const r = await c.kubectl(['-n', NS, 'delete', 'deployment', 'bg']);
    expect(r.stdout).toBe('deployment.apps "bg" deleted');
    expect(await gone(Resources.deployments, 'bg')).toBe(true);
    await waitFor('the ReplicaSet and pods of bg to be collected', async () => (await replicaSetsOf('bg')).length === 0 && (await podsOf('bg')).length === 0, 30_000);
  });

  it('foreground: the Deployment stays, marked, until its ReplicaSet and pods are gone', async () => {
    await deployed('fg');
    const r = await c.kubectl(['-n', NS, 'delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false']);
    expect(r.stdout).toBe('deployment.apps "fg" deleted');
    const marked = await client.get(Resources.deployments, 'fg', { namespace: NS });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    let sawDependentsWhileOwnerGone = false;
    await waitFor('the Deployment fg to go', async () => {
      const ownerGone = await gone(Resources.deployments, 'fg');
      if (ownerGone && ((await replicaSetsOf('fg')).length > 0 || (await podsOf('fg')).length > 0)) sawDependentsWhileOwnerGone = true;
      return ownerGone;
    }, 30_000);
    expect(sawDependentsWhileOwnerGone).toBe(false);
    expect(await replicaSetsOf('fg')).toEqual([]);
    expect(await podsOf('fg')).toEqual([]);
  });

  it('orphan: the Deployment goes; its ReplicaSet stays without the owner reference, with its pods', async () => {
    await deployed('orph');
    const [rsBefore] = await replicaSetsOf('orph');
    const r = await c.kubectl(['-n', NS, 'delete', 'deployment', 'orph', '--cascade=orphan']);
    expect(r.stdout).toBe('deployment.apps "orph" deleted');
    expect(await gone(Resources.deployments, 'orph')).toBe(true);
    // Nothing more is collected: give the collector time to do something wrong.
    await sleep(2000);
    const rss = await replicaSetsOf('orph');
    expect(rss).toHaveLength(1);
    const rs = rss[0] as KubeObject;
    expect(rs.metadata.uid).toBe(rsBefore?.metadata.uid);
    expect(rs.metadata.ownerReferences ?? []).toEqual([]);
    const pods = await podsOf('orph');
    expect(pods).toHaveLength(3);
    for (const p of pods) expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid })]);
  });

  it('deleting a namespace deletes everything in it', async () => {
    await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await deployed('web', 'doomed');
    const r = await c.kubectl(['delete', 'namespace', 'doomed', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(r.stdout).toBe('namespace "doomed" deleted');
    expect(await gone(Resources.namespaces, 'doomed', '')).toBe(true);
    expect((await client.list(Resources.pods, { namespace: 'doomed' })).items).toEqual([]);
    expect((await client.list(Resources.replicaSets, { namespace: 'doomed' })).items).toEqual([]);
  });
});
