// API server behaviour the scheduler and controllers rely on: pods/binding, what a status
// write may change, and the garbage collector's finalizers left by a delete's propagationPolicy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { ApiError } from '../../lib/api/kube-client/api-error.js';
import { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { Resources } from '../../lib/controller/resources.js';
import { ApiCluster } from '../support/api-cluster.js';

const NS = 'default';

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('API behaviour for the scheduler and controllers', () => {
  let cluster: ApiCluster;
  let client: KubeClient;

  beforeAll(async () => {
    cluster = await ApiCluster.start();
    client = await KubeClient.fromKubeconfig({ explicitPath: cluster.kubeconfig });
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await cluster?.destroy();
  }, 60_000);

  it('pods/binding sets spec.nodeName and PodScheduled=True once; a second binding is 409', async () => {
    const created = await client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bind-me', namespace: NS, labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'mesh/demo:a' }] } });
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me', namespace: NS }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    await client.create(Resources.pods, binding, { subresource: 'binding' });
    const pod = await client.get(Resources.pods, 'bind-me', { namespace: NS });
    expect((pod.spec as Record<string, unknown>).nodeName).toBe('node-1');
    // As in Kubernetes, whose binding registry writes storage directly: the pod's managedFields
    // (here the creator's entry only) are left as they were, and the rest of metadata too.
    expect(created.metadata.managedFields).toHaveLength(1);
    expect(pod.metadata.managedFields).toEqual(created.metadata.managedFields);
    expect(pod.metadata.labels).toEqual({ app: 'b' });
    expect(pod.metadata.uid).toBe(created.metadata.uid);
    expect(Number(pod.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    const conditions = (pod.status as Record<string, unknown>).conditions as Array<Record<string, unknown>>;
    expect(conditions.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });
    const again = await failure(client.create(Resources.pods, { ...binding, target: { kind: 'Node', name: 'node-2' } }, { subresource: 'binding' }));
    expect(again.code).toBe(409);
    expect(again.message).toBe('Operation cannot be fulfilled on pods/binding "bind-me": pod bind-me is already assigned to node "node-1"');
  });

  it('a status write keeps the labels and annotations sent for built-in kinds (not a Deployment\'s labels), none for custom resources', async () => {
    const dep = await client.create(Resources.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'st', namespace: NS, labels: { a: '1' } },
      spec: { selector: { matchLabels: { app: 'st' } }, template: { metadata: { labels: { app: 'st' } }, spec: { containers: [{ name: 'c', image: 'mesh/demo:a' }] } } },
    });
    const written = await client.update(Resources.deployments, { ...dep, metadata: { ...dep.metadata, labels: { a: '2' }, annotations: { 'deployment.kubernetes.io/revision': '1' } }, status: { observedGeneration: 1 } }, { subresource: 'status' });
    expect(written.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(written.metadata.labels).toEqual({ a: '1' });
    expect((written.status as Record<string, unknown>).observedGeneration).toBe(1);

    const pod = await client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'st-pod', namespace: NS, labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'mesh/demo:a' }] } });
    const patched = await client.patch(Resources.pods, 'st-pod', { metadata: { labels: { a: '2' } }, status: { phase: 'Pending' } }, 'merge', { namespace: NS, subresource: 'status' });
    expect(patched.metadata.labels).toEqual({ a: '2' });
    expect(pod.metadata.labels).toEqual({ a: '1' });

    const vs: KubeObject = await client.create(
      { ...Resources.leases, group: 'networking.istio.io', version: 'v1', resource: 'virtualservices', kind: 'VirtualService', subresources: ['status'] },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: NS, labels: { a: '1' } }, spec: { hosts: ['x'], http: [{ route: [{ destination: { host: 'x' } }] }] } },
    );
    const vsStatus = await client.update(
      { ...Resources.leases, group: 'networking.istio.io', version: 'v1', resource: 'virtualservices', kind: 'VirtualService', subresources: ['status'] },
      { ...vs, metadata: { ...vs.metadata, labels: { a: '2' } }, status: { observedGeneration: 1 } },
      { subresource: 'status' },
    );
    expect(vsStatus.metadata.labels).toEqual({ a: '1' });
  });

  it('a delete leaves the orphan or foregroundDeletion finalizer for the garbage collector', async () => {
    const mk = async (name: string): Promise<void> => {
      await client.create(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS } });
    };
    await mk('orphaned');
    await client.delete(Resources.configMaps, 'orphaned', { namespace: NS, propagationPolicy: 'Orphan' });
    const o = await client.get(Resources.configMaps, 'orphaned', { namespace: NS });
    expect(o.metadata.finalizers).toEqual(['orphan']);
    expect(o.metadata.deletionTimestamp).toBeDefined();

    await mk('foreground');
    await client.delete(Resources.configMaps, 'foreground', { namespace: NS, propagationPolicy: 'Foreground' });
    expect((await client.get(Resources.configMaps, 'foreground', { namespace: NS })).metadata.finalizers).toEqual(['foregroundDeletion']);

    await mk('background');
    await client.delete(Resources.configMaps, 'background', { namespace: NS, propagationPolicy: 'Background' });
    expect((await failure(client.get(Resources.configMaps, 'background', { namespace: NS }))).code).toBe(404);

    // Removing the finalizer (the collector's last step) finishes the delete.
    const cur = await client.get(Resources.configMaps, 'orphaned', { namespace: NS });
    await client.update(Resources.configMaps, { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    expect((await failure(client.get(Resources.configMaps, 'orphaned', { namespace: NS }))).code).toBe(404);
  });

  it('refuses an unknown propagationPolicy, and one given with orphanDependents', async () => {
    await client.create(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: NS } });
    const bad = await failure(client.delete(Resources.configMaps, 'keep', { namespace: NS, propagationPolicy: 'Sideways' as 'Orphan' }));
    expect(bad.code).toBe(422);
    expect(bad.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"');
    const both = await failure(client.requestJson('DELETE', `/api/v1/namespaces/${NS}/configmaps/keep`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan', orphanDependents: true } }));
    expect(both.code).toBe(422);
    expect(both.message).toContain('orphanDependents and deletionPropagation cannot be both set');
    const still = await client.get(Resources.configMaps, 'keep', { namespace: NS });
    expect(isRecord(still.metadata)).toBe(true);
  });
});
