import { describe, expect, it } from 'vitest';
import type { KubeObject, ManagedFieldsEntry } from '../../../lib/api/object.js';
import { managerOrUserAgent, prefixFromUserAgent } from './default-manager.js';
import { updateManagedFields } from './managed-fields.js';

const T0 = new Date('2024-05-01T10:00:00.123Z');
const T1 = new Date('2024-05-01T11:00:00Z');

/** A Deployment as kube-apiserver stores it after `kubectl apply` (client-side) and defaulting. */
function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'nginx',
      namespace: 'default',
      uid: '6f2c1d2e-0000-4000-8000-000000000001',
      resourceVersion: '100',
      generation: 1,
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { app: 'nginx' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1"}\n' },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'nginx' } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.14.2',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {},
  };
}

function entries(obj: KubeObject): ManagedFieldsEntry[] {
  return obj.metadata.managedFields ?? [];
}

function entryOf(obj: KubeObject, manager: string): ManagedFieldsEntry | undefined {
  return entries(obj).find((e) => e.manager === manager);
}

describe('updateManagedFields on create', () => {
  it('records the whole Deployment under the creator exactly as kube-apiserver does', () => {
    const created = updateManagedFields({ live: undefined, next: deployment(), manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0 });
    expect(entries(created)).toEqual([
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': {
            'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
            'f:labels': { '.': {}, 'f:app': {} },
          },
          'f:spec': {
            'f:progressDeadlineSeconds': {},
            'f:replicas': {},
            'f:revisionHistoryLimit': {},
            'f:selector': {},
            'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:imagePullPolicy': {},
                    'f:name': {},
                    'f:ports': {
                      '.': {},
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
                    },
                    'f:resources': {},
                    'f:terminationMessagePath': {},
                    'f:terminationMessagePolicy': {},
                  },
                },
                'f:dnsPolicy': {},
                'f:restartPolicy': {},
                'f:schedulerName': {},
                'f:securityContext': {},
                'f:terminationGracePeriodSeconds': {},
              },
            },
          },
        },
      },
    ]);
    // The entry serializes with the keys in metav1.ManagedFieldsEntry's order.
    expect(Object.keys(entries(created)[0] ?? {})).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
  });

  it('gives a custom resource its spec as a member, as for unstructured objects', () => {
    const vs: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
    };
    const created = updateManagedFields({ live: undefined, next: vs, manager: 'kubectl-create', apiVersion: 'networking.istio.io/v1', now: T0 });
    expect(entryOf(created, 'kubectl-create')?.fieldsV1).toEqual({ 'f:spec': { '.': {}, 'f:hosts': {}, 'f:http': {} } });
  });

  it('names the manager "unknown" when it is empty', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    const created = updateManagedFields({ live: undefined, next: cm, manager: '', apiVersion: 'v1', now: T0 });
    expect(entries(created).map((e) => e.manager)).toEqual(['unknown']);
  });
});

describe('updateManagedFields on update', () => {
  const created = updateManagedFields({ live: undefined, next: deployment(), manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0 });

  it('moves a changed field to the writer and leaves the other fields with their owner', () => {
    const next = structuredClone(created);
    (next.spec as { replicas: number }).replicas = 5;
    const updated = updateManagedFields({ live: created, next, manager: 'kubectl-scale', apiVersion: 'apps/v1', now: T1 });
    expect(entryOf(updated, 'kubectl-scale')).toEqual({
      manager: 'kubectl-scale',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T11:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    const csa = entryOf(updated, 'kubectl-client-side-apply');
    expect(csa?.time).toBe('2024-05-01T10:00:00Z');
    expect((csa?.fieldsV1?.['f:spec'] as Record<string, unknown>)['f:replicas']).toBeUndefined();
    expect((csa?.fieldsV1?.['f:spec'] as Record<string, unknown>)['f:paused']).toBeUndefined();
    // Older entries come first.
    expect(entries(updated).map((e) => e.manager)).toEqual(['kubectl-client-side-apply', 'kubectl-scale']);
  });

  it('drops a removed field from every manager and a manager left with nothing', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u' }, data: { a: '1' } };
    const v1 = updateManagedFields({ live: undefined, next: cm, manager: 'creator', apiVersion: 'v1', now: T0 });
    const v2 = updateManagedFields({ live: v1, next: { ...structuredClone(v1), data: { a: '1', b: '2' } }, manager: 'adder', apiVersion: 'v1', now: T1 });
    expect(entries(v2).map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['creator', { 'f:data': { '.': {}, 'f:a': {} } }],
      ['adder', { 'f:data': { 'f:b': {} } }],
    ]);
    const v3 = updateManagedFields({ live: v2, next: { ...structuredClone(v2), data: { a: '1' } }, manager: 'remover', apiVersion: 'v1', now: T1 });
    expect(entries(v3).map((e) => e.manager)).toEqual(['creator']);
  });

  it('leaves ownership alone for a write that changes nothing', () => {
    const same = updateManagedFields({ live: created, next: structuredClone(created), manager: 'kubectl-edit', apiVersion: 'apps/v1', now: T1 });
    expect(entries(same)).toEqual(entries(created));
  });

  it('keeps Update entries of one manager apart per apiVersion and subresource', () => {
    const next = structuredClone(created);
    next.status = { replicas: 3 };
    const status = updateManagedFields({ live: created, next, manager: 'kube-controller-manager', subresource: 'status', apiVersion: 'apps/v1', now: T1 });
    expect(entryOf(status, 'kube-controller-manager')).toEqual({
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T11:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
      subresource: 'status',
    });
  });

  it('ignores managedFields a subresource write sends', () => {
    const next = structuredClone(created);
    next.metadata.managedFields = [];
    const status = updateManagedFields({ live: created, next, manager: 'x', subresource: 'status', apiVersion: 'apps/v1', now: T1 });
    expect(entries(status)).toEqual(entries(created));
  });

  it('takes managedFields the client sends, and clears them when it sends an empty list', () => {
    const next = structuredClone(created);
    next.metadata.managedFields = [{ manager: 'custom', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } }];
    const replaced = updateManagedFields({ live: created, next, manager: 'kubectl-replace', apiVersion: 'apps/v1', now: T1 });
    expect(entries(replaced).map((e) => e.manager)).toEqual(['custom']);

    const reset = structuredClone(created);
    reset.metadata.managedFields = [];
    const cleared = updateManagedFields({ live: created, next: reset, manager: 'kubectl-patch', apiVersion: 'apps/v1', now: T1 });
    expect(cleared.metadata.managedFields).toBeUndefined();
  });

  it('does not start tracking an existing object that has no managedFields', () => {
    const untracked = deployment();
    const next = structuredClone(untracked);
    (next.spec as { replicas: number }).replicas = 1;
    const updated = updateManagedFields({ live: untracked, next, manager: 'kubectl-edit', apiVersion: 'apps/v1', now: T1 });
    expect(updated.metadata.managedFields).toBeUndefined();
    expect((updated.spec as { replicas: number }).replicas).toBe(1);
  });

  it('keeps at most 10 Update entries, merging the oldest into ancient-changes', () => {
    let obj: KubeObject = updateManagedFields({
      live: undefined,
      next: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u' }, data: { k0: 'v' } },
      manager: 'm0',
      apiVersion: 'v1',
      now: new Date(Date.UTC(2024, 0, 1, 0, 0, 0)),
    });
    for (let i = 1; i <= 11; i++) {
      const next = structuredClone(obj);
      (next.data as Record<string, string>)[`k${i}`] = 'v';
      obj = updateManagedFields({ live: obj, next, manager: `m${i}`, apiVersion: 'v1', now: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) });
    }
    const managers = entries(obj).map((e) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers[0]).toBe('ancient-changes');
    expect(entryOf(obj, 'ancient-changes')?.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } });
    expect(entryOf(obj, 'ancient-changes')?.time).toBe('2024-01-01T00:00:02Z');
    expect(managers.slice(1)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
  });
});

describe('default field manager', () => {
  it.each([
    ['kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9', 'kubectl'],
    ['kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/70d3cc9/system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager'],
    ['node-fetch', 'node-fetch'],
    ['bad\u0007agent/1.0', 'badagent'],
    ['', ''],
    [`${'x'.repeat(200)}/1`, 'x'.repeat(128)],
  ])('User-Agent %j gives %j', (ua, manager) => {
    expect(prefixFromUserAgent(ua)).toBe(manager);
  });

  it('prefers ?fieldManager=', () => {
    expect(managerOrUserAgent('kubectl-edit', 'kubectl/v1.32.0')).toBe('kubectl-edit');
    expect(managerOrUserAgent(undefined, 'kubectl/v1.32.0')).toBe('kubectl');
  });
});
