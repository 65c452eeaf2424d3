// Acceptance: @kubernetes/client-node (the official JavaScript client) against store + API
// server processes started here. It must work unchanged: typed CRUD on core and apps
// resources, the three patch content types, watches, and errors as ApiException carrying the
// Kubernetes Status body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { KubernetesObject, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { ApiCluster } from '../support/api-cluster.js';
import { sleep } from '../support/store-cluster.js';
import { deployment as validDeployment } from '../support/valid-objects.js';

const NS = 'client-node';
const WATCH_NS = 'client-node-watch';

let c: ApiCluster;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let objects: KubernetesObjectApi;

beforeAll(async () => {
  c = await ApiCluster.start();
  kc = new KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
}, 120_000);

afterAll(async () => {
  await c?.destroy();
}, 60_000);

/** Options that make a generated patch call send the given patch content type. */
const as = (strategy: PatchStrategy): ReturnType<typeof setHeaderOptions> => setHeaderOptions('Content-Type', strategy);

function pod(name: string, labels: Record<string, string> = { app: 'web' }): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
  };
}

/** The shared Deployment with a sidecar after its web container, for patches that address containers by name. */
function deployment(name: string): V1Deployment {
  return validDeployment(name, [{ name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] }]) as V1Deployment;
}

interface CaughtApiError {
  code: number;
  status: Record<string, unknown>;
}

/** Awaits a call that must fail with the library's ApiException; returns its code and Status body. */
async function apiError(call: Promise<unknown>): Promise<CaughtApiError> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'the call should have failed').toBeInstanceOf(ApiException);
  const err = caught as ApiException<unknown>;
  // The generated client hands the body over as the response text.
  const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  expect(typeof body === 'object' && body !== null).toBe(true);
  return { code: err.code, status: body as Record<string, unknown> };
}

describe('@kubernetes/client-node against the API server', () => {
  it('creates, reads and lists a namespace', async () => {
    const created = await core.createNamespace({ body: { metadata: { name: NS } } });
    expect(created.metadata?.name).toBe(NS);
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.labels?.['kubernetes.io/metadata.name']).toBe(NS);
    expect(created.spec?.finalizers).toEqual(['kubernetes']);
    expect(created.status?.phase).toBe('Active');
    const read = await core.readNamespace({ name: NS });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    const list = await core.listNamespace();
    const names = list.items.map((n) => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease', NS]));
    await core.createNamespace({ body: { metadata: { name: WATCH_NS } } });
  });

  it('creates, gets, lists and deletes pods', async () => {
    const empty = await core.listNamespacedPod({ namespace: NS });
    expect(empty.kind).toBe('PodList');
    expect(empty.apiVersion).toBe('v1');
    expect(empty.items).toEqual([]);
    expect(Number(empty.metadata?.resourceVersion)).toBeGreaterThan(0);

    const created = await core.createNamespacedPod({ namespace: NS, body: pod('web') });
    expect(created.metadata?.namespace).toBe(NS);
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.spec?.restartPolicy).toBe('Always');
    expect(created.spec?.dnsPolicy).toBe('ClusterFirst');
    expect(created.spec?.schedulerName).toBe('default-scheduler');
    expect(created.spec?.serviceAccountName).toBe('default');
    expect(created.spec?.terminationGracePeriodSeconds).toBe(30);
    expect(created.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(created.spec?.containers[0]?.terminationMessagePath).toBe('/dev/termination-log');
    expect(created.spec?.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(created.spec?.nodeName).toBeUndefined();

    const got = await core.readNamespacedPod({ name: 'web', namespace: NS });
    expect(got.metadata?.uid).toBe(created.metadata?.uid);
    expect(got.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(got.spec?.containers[0]?.image).toBe('nginx:1.25');

    await core.createNamespacedPod({ namespace: NS, body: pod('other', { app: 'other' }) });
    const list = await core.listNamespacedPod({ namespace: NS });
    expect(list.items.map((p) => p.metadata?.name).sort()).toEqual(['other', 'web']);
    const selected = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' });
    expect(selected.items.map((p) => p.metadata?.name)).toEqual(['web']);

    // Unscheduled: removed at once, and the answer is the deleted pod.
    const deleted = await core.deleteNamespacedPod({ name: 'other', namespace: NS });
    expect(deleted.metadata?.name).toBe('other');
    expect(deleted.kind).toBe('Pod');
    const gone = await apiError(core.readNamespacedPod({ name: 'other', namespace: NS }));
    expect(gone.code).toBe(404);
    const after = await core.listNamespacedPod({ namespace: NS });
    expect(after.items.map((p) => p.metadata?.name)).toEqual(['web']);
  });

  it('gives a new pod the Pending phase and its QoS class', async () => {
    // The pod strategy sets the status on create; a client's status is dropped.
    const body = pod('fresh');
    body.status = { phase: 'Running', podIP: '10.0.0.9' };
    const created = await core.createNamespacedPod({ namespace: NS, body });
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const read = await core.readNamespacedPod({ name: 'fresh', namespace: NS });
    expect(read.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    await core.deleteNamespacedPod({ name: 'fresh', namespace: NS });
  });

  it('patches a pod with strategic merge, JSON merge and JSON patch', async () => {
    // Strategic merge: containers merge by name, so the port survives an image change.
    const smp = await core.patchNamespacedPod(
      { name: 'web', namespace: NS, body: { metadata: { labels: { tier: 'frontend' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } } },
      as(PatchStrategy.StrategicMergePatch),
    );
    expect(smp.metadata?.labels).toEqual({ app: 'web', tier: 'frontend' });
    expect(smp.spec?.containers).toHaveLength(1);
    expect(smp.spec?.containers[0]?.image).toBe('nginx:1.26');
    expect(smp.spec?.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);

    // JSON merge patch: null removes a key, maps merge.
    const merge = await core.patchNamespacedPod(
      { name: 'web', namespace: NS, body: { metadata: { labels: { tier: null }, annotations: { note: 'merged' } } } },
      as(PatchStrategy.MergePatch),
    );
    expect(merge.metadata?.labels).toEqual({ app: 'web' });
    expect(merge.metadata?.annotations).toEqual({ note: 'merged' });
    expect(merge.spec?.containers[0]?.image).toBe('nginx:1.26');
    expect(Number(merge.metadata?.resourceVersion)).toBeGreaterThan(Number(smp.metadata?.resourceVersion));

    // JSON patch: operations in order, a passing test guards them.
    const json = await core.patchNamespacedPod(
      {
        name: 'web',
        namespace: NS,
        body: [
          { op: 'test', path: '/metadata/labels/app', value: 'web' },
          { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.27' },
          { op: 'add', path: '/metadata/labels/track', value: 'stable' },
          { op: 'remove', path: '/metadata/annotations/note' },
        ],
      },
      as(PatchStrategy.JsonPatch),
    );
    expect(json.metadata?.labels).toEqual({ app: 'web', track: 'stable' });
    expect(json.metadata?.annotations ?? {}).toEqual({});
    expect(json.spec?.containers[0]?.image).toBe('nginx:1.27');

    const read = await core.readNamespacedPod({ name: 'web', namespace: NS });
    expect(read.metadata?.resourceVersion).toBe(json.metadata?.resourceVersion);
    expect(read.spec?.containers[0]?.image).toBe('nginx:1.27');
  });

  it('creates, gets, lists, patches and deletes deployments', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('shop') });
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(created.spec?.revisionHistoryLimit).toBe(10);
    expect(created.spec?.progressDeadlineSeconds).toBe(600);
    expect(created.spec?.template.spec?.restartPolicy).toBe('Always');
    expect(created.spec?.template.spec?.containers.map((ct) => ct.imagePullPolicy)).toEqual(['IfNotPresent', 'IfNotPresent']);

    const got = await apps.readNamespacedDeployment({ name: 'shop', namespace: NS });
    expect(got.metadata?.uid).toBe(created.metadata?.uid);
    const list = await apps.listNamespacedDeployment({ namespace: NS });
    expect(list.kind).toBe('DeploymentList');
    expect(list.apiVersion).toBe('apps/v1');
    expect(list.items.map((d) => d.metadata?.name)).toEqual(['shop']);

    // Strategic merge on the pod template: only the named container changes.
    const smp = await apps.patchNamespacedDeployment(
      { name: 'shop', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } } } },
      as(PatchStrategy.StrategicMergePatch),
    );
    expect(smp.spec?.template.spec?.containers.map((ct) => [ct.name, ct.image])).toEqual([
      ['web', 'nginx:1.26'],
      ['sidecar', 'busybox:1.36'],
    ]);
    expect(smp.spec?.template.spec?.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(smp.metadata?.generation).toBe(2);

    const merge = await apps.patchNamespacedDeployment({ name: 'shop', namespace: NS, body: { spec: { replicas: 5 } } }, as(PatchStrategy.MergePatch));
    expect(merge.spec?.replicas).toBe(5);
    expect(merge.spec?.template.spec?.containers).toHaveLength(2);
    expect(merge.metadata?.generation).toBe(3);

    const json = await apps.patchNamespacedDeployment(
      {
        name: 'shop',
        namespace: NS,
        body: [
          { op: 'replace', path: '/spec/replicas', value: 1 },
          { op: 'remove', path: '/spec/template/spec/containers/1' },
        ],
      },
      as(PatchStrategy.JsonPatch),
    );
    expect(json.spec?.replicas).toBe(1);
    expect(json.spec?.template.spec?.containers.map((ct) => ct.name)).toEqual(['web']);
    expect(json.metadata?.generation).toBe(4);

    // The dynamic client: read, list and patch (strategic merge is its default) by spec.
    const header = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop', namespace: NS } };
    const dyn = await objects.read<V1Deployment>(header);
    expect(dyn.spec?.replicas).toBe(1);
    const dynList = await objects.list<KubernetesObject>('apps/v1', 'Deployment', NS);
    expect(dynList.items.map((d) => d.metadata?.name)).toEqual(['shop']);
    const labelled = await objects.patch<V1Deployment>({ ...header, metadata: { ...header.metadata, labels: { team: 'payments' } } });
    expect(labelled.metadata?.labels).toEqual({ app: 'shop', team: 'payments' });
    expect(labelled.metadata?.generation).toBe(4); // metadata only: no new generation
    const mergeBody = { ...header, spec: { minReadySeconds: 5 } } as V1Deployment; // a merge patch carries only what changes
    const merged = await objects.patch(mergeBody, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect(merged.spec?.minReadySeconds).toBe(5);
    expect(merged.spec?.template.spec?.containers.map((ct) => ct.name)).toEqual(['web']);

    // Deployments (unlike pods) answer a delete with a success Status.
    const status = await apps.deleteNamespacedDeployment({ name: 'shop', namespace: NS });
    expect(status.kind).toBe('Status');
    expect(status.status).toBe('Success');
    expect(status.details?.name).toBe('shop');
    expect(status.details?.group).toBe('apps');
    expect(status.details?.kind).toBe('deployments');
    expect(status.details?.uid).toBe(created.metadata?.uid);
    const gone = await apiError(apps.readNamespacedDeployment({ name: 'shop', namespace: NS }));
    expect(gone.code).toBe(404);
    expect((await apps.listNamespacedDeployment({ namespace: NS })).items).toEqual([]);
  });

  it('watches one pod through ADDED, MODIFIED and DELETED from the list resourceVersion', async () => {
    const start = await core.listNamespacedPod({ namespace: WATCH_NS });
    const fromRv = start.metadata?.resourceVersion ?? '';
    expect(Number(fromRv)).toBeGreaterThan(0);

    const events: { type: string; obj: V1Pod }[] = [];
    let ended: unknown = 'not yet';
    const controller = await new Watch(kc).watch(
      `/api/v1/namespaces/${WATCH_NS}/pods`,
      { resourceVersion: fromRv, allowWatchBookmarks: false, timeoutSeconds: 60 },
      (type: string, obj: V1Pod) => events.push({ type, obj }),
      (err: unknown) => {
        ended = err;
      },
    );
    try {
      // Changes made after the list, so the watch must replay them from fromRv even if it started late.
      const created = await core.createNamespacedPod({ namespace: WATCH_NS, body: pod('watched') });
      const patched = await core.patchNamespacedPod({ name: 'watched', namespace: WATCH_NS, body: { metadata: { labels: { phase: 'two' } } } }, as(PatchStrategy.MergePatch));
      const deleted = await core.deleteNamespacedPod({ name: 'watched', namespace: WATCH_NS });

      for (let i = 0; i < 100 && !events.some((e) => e.type === 'DELETED'); i++) await sleep(100);
      expect(ended, 'the watch ended early').toBe('not yet');
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      const [added, modified, removed] = events;
      for (const e of events) {
        expect(e.obj.kind).toBe('Pod');
        expect(e.obj.apiVersion).toBe('v1');
        expect(e.obj.metadata?.name).toBe('watched');
        expect(e.obj.metadata?.namespace).toBe(WATCH_NS);
        expect(e.obj.metadata?.uid).toBe(created.metadata?.uid);
      }
      expect(added?.obj.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
      expect(added?.obj.metadata?.labels).toEqual({ app: 'web' });
      expect(modified?.obj.metadata?.resourceVersion).toBe(patched.metadata?.resourceVersion);
      expect(modified?.obj.metadata?.labels).toEqual({ app: 'web', phase: 'two' });
      expect(removed?.obj.metadata?.labels).toEqual({ app: 'web', phase: 'two' });
      expect(Number(removed?.obj.metadata?.resourceVersion)).toBeGreaterThan(Number(patched.metadata?.resourceVersion));
      expect(removed?.obj.metadata?.resourceVersion).toBe(deleted.metadata?.resourceVersion);
    } finally {
      controller.abort();
    }
  });

  it('surfaces 404 NotFound as ApiException with the Status body', async () => {
    const notFound = await apiError(core.readNamespacedPod({ name: 'missing', namespace: NS }));
    expect(notFound.code).toBe(404);
    expect(notFound.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', kind: 'pods' },
      code: 404,
    });

    const deployNotFound = await apiError(apps.readNamespacedDeployment({ name: 'missing', namespace: NS }));
    expect(deployNotFound.code).toBe(404);
    expect(deployNotFound.status).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "missing" not found', details: { name: 'missing', group: 'apps', kind: 'deployments' } });

    const noNamespace = await apiError(core.createNamespacedPod({ namespace: 'no-such-ns', body: pod('p') }));
    expect(noNamespace.code).toBe(404);
    expect(noNamespace.status).toMatchObject({ reason: 'NotFound', message: 'namespaces "no-such-ns" not found', details: { name: 'no-such-ns', kind: 'namespaces' } });

    const deleteMissing = await apiError(core.deleteNamespacedPod({ name: 'missing', namespace: NS }));
    expect(deleteMissing.code).toBe(404);
    expect(deleteMissing.status).toMatchObject({ reason: 'NotFound', message: 'pods "missing" not found' });
  });

  it('surfaces 409 AlreadyExists and Conflict as ApiException with the Status body', async () => {
    const exists = await apiError(core.createNamespacedPod({ namespace: NS, body: pod('web') }));
    expect(exists.code).toBe(409);
    expect(exists.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "web" already exists',
      reason: 'AlreadyExists',
      details: { name: 'web', kind: 'pods' },
      code: 409,
    });

    // A replace carrying a stale resourceVersion: optimistic concurrency says Conflict.
    const current = await core.readNamespacedPod({ name: 'web', namespace: NS });
    await core.patchNamespacedPod({ name: 'web', namespace: NS, body: { metadata: { annotations: { bump: '1' } } } }, as(PatchStrategy.MergePatch));
    const stale = await apiError(core.replaceNamespacedPod({ name: 'web', namespace: NS, body: current }));
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({
      status: 'Failure',
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'web', kind: 'pods' },
      code: 409,
    });
  });

  it('surfaces 422 Invalid for a failed JSON patch test and rejects the whole patch', async () => {
    const failedTest = await apiError(
      core.patchNamespacedPod(
        { name: 'web', namespace: NS, body: [{ op: 'test', path: '/metadata/labels/app', value: 'nope' }, { op: 'add', path: '/metadata/labels/x', value: 'y' }] },
        as(PatchStrategy.JsonPatch),
      ),
    );
    expect(failedTest.code).toBe(422);
    expect(failedTest.status).toMatchObject({ status: 'Failure', reason: 'Invalid', message: 'the server rejected our request due to an error in our request', code: 422 });
    expect((await core.readNamespacedPod({ name: 'web', namespace: NS })).metadata?.labels?.x).toBeUndefined();
  });

  it('surfaces 422 Invalid for an invalid Deployment with the field cause', async () => {
    const mismatched = deployment('bad');
    if (mismatched.spec?.template.metadata) mismatched.spec.template.metadata.labels = { app: 'other' };
    const badDeploy = await apiError(apps.createNamespacedDeployment({ namespace: NS, body: mismatched }));
    expect(badDeploy.code).toBe(422);
    expect(badDeploy.status).toMatchObject({
      status: 'Failure',
      reason: 'Invalid',
      message: 'Deployment.apps "bad" is invalid: spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`',
      details: {
        name: 'bad',
        group: 'apps',
        kind: 'Deployment',
        causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: {"app":"other"}: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' }],
      },
      code: 422,
    });
    expect((await apps.listNamespacedDeployment({ namespace: NS })).items).toEqual([]);
  });

  it('surfaces 422 Invalid for a pod without containers', async () => {
    const noContainers = await apiError(core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'bad' }, spec: { containers: [] } } }));
    expect(noContainers.code).toBe(422);
    expect(noContainers.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Pod "bad" is invalid: spec.containers: Required value',
      reason: 'Invalid',
      details: { name: 'bad', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }] },
      code: 422,
    });
  });
});
