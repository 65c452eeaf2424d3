import { describe, expect, it } from 'vitest';
import type { KubeObject, ManagedFieldsEntry } from '../../../lib/api/object.js';
import { StatusError } from '../../../lib/api/status-error.js';
import { updateManagedFields } from './managed-fields.js';
import { conflictError, serverSideApply } from './server-side-apply.js';
import type { ServerSideApplyOptions, ServerSideApplyResult } from './server-side-apply.js';

const T0 = new Date('2024-05-01T10:00:00Z');
const T1 = new Date('2024-05-01T11:00:00Z');
const T2 = new Date('2024-05-01T12:00:00Z');

type Gvk = Pick<ServerSideApplyOptions, 'group' | 'version' | 'kind'>;
const CONFIGMAP: Gvk = { group: '', version: 'v1', kind: 'ConfigMap' };
const DEPLOYMENT: Gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };

function apply(live: KubeObject | undefined, applied: unknown, manager: string, gvk: Gvk, opts: { force?: boolean; now?: Date } = {}): ServerSideApplyResult {
  return serverSideApply({ live, applied, manager, force: opts.force ?? false, ...gvk, now: opts.now ?? T0 });
}

/** Applies and returns the object as stored (with a uid, as the registry would give it). */
function applied(live: KubeObject | undefined, config: unknown, manager: string, gvk: Gvk, opts: { force?: boolean; now?: Date } = {}): KubeObject {
  const r = apply(live, config, manager, gvk, opts);
  if (!r.ok) throw new Error(`unexpected conflicts: ${JSON.stringify(r.conflicts)}`);
  const obj = r.object;
  obj.metadata.uid ??= 'uid-1';
  return obj;
}

function fieldsOf(obj: KubeObject, manager: string): Record<string, unknown> | undefined {
  return obj.metadata.managedFields?.find((e) => e.manager === manager)?.fieldsV1;
}

function managers(obj: KubeObject): [string | undefined, string | undefined][] {
  return (obj.metadata.managedFields ?? []).map((e: ManagedFieldsEntry) => [e.manager, e.operation]);
}

function cm(data: Record<string, string>, labels?: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', ...(labels ? { labels } : {}) }, data };
}

function deploymentConfig(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec };
}

const SELECTOR = { matchLabels: { app: 'web' } };

function podTemplate(containers: unknown[]): Record<string, unknown> {
  return { metadata: { labels: { app: 'web' } }, spec: { containers } };
}

describe('serverSideApply: create and re-apply', () => {
  it('creates the object and records the ConfigMap example of the documentation', () => {
    const r = apply(undefined, cm({ key: 'some value' }, { 'test-label': 'test' }), 'kubectl', CONFIGMAP);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.changed).toBe(true);
    expect(r.object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'test-cm',
        namespace: 'default',
        labels: { 'test-label': 'test' },
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'v1',
            time: '2024-05-01T10:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': { 'f:labels': { 'f:test-label': {} } }, 'f:data': { 'f:key': {} } },
          },
        ],
      },
      data: { key: 'some value' },
    });
  });

  it('creates a Deployment keeping the configuration, with defaulted list keys in the field set', () => {
    const config = deploymentConfig({ replicas: 2, selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }]) });
    const obj = applied(undefined, config, 'kubectl', DEPLOYMENT);
    expect(obj.spec).toMatchObject(config.spec as object);
    expect(fieldsOf(obj, 'kubectl')).toEqual({
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
    // The created object lists fields in the configuration's order.
    expect(Object.keys(obj)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(Object.keys(obj.spec as object).slice(0, 3)).toEqual(['replicas', 'selector', 'template']);
  });

  it('removes a field the manager applied before and omits now', () => {
    const v1 = applied(undefined, cm({ a: '1', b: '2' }, { team: 'x' }), 'kubectl', CONFIGMAP);
    const v2 = applied(v1, cm({ a: '1' }), 'kubectl', CONFIGMAP, { now: T1 });
    expect(v2.data).toEqual({ a: '1' });
    expect(v2.metadata.labels).toBeUndefined();
    expect(fieldsOf(v2, 'kubectl')).toEqual({ 'f:data': { 'f:a': {} } });
    expect(v2.metadata.managedFields?.[0]?.time).toBe('2024-05-01T11:00:00Z');
  });

  it('keeps a field another applier also owns when one applier drops it', () => {
    const v1 = applied(undefined, cm({ shared: 'v', mine: '1' }), 'alice', CONFIGMAP);
    const v2 = applied(v1, cm({ shared: 'v' }), 'bob', CONFIGMAP);
    const v3 = applied(v2, cm({ mine: '1' }), 'bob', CONFIGMAP);
    const v4 = applied(v3, cm({}), 'alice', CONFIGMAP);
    // bob still applies "mine"; nobody applies "shared" any more.
    expect(v4.data).toEqual({ mine: '1' });
  });

  it('keeps fields the applier did not apply before, even when it omits them', () => {
    const created = updateManagedFields({
      live: undefined,
      next: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', uid: 'u' }, data: { edited: 'y' } },
      manager: 'kubectl-edit',
      apiVersion: 'v1',
      now: T0,
    });
    const v2 = applied(created, cm({ a: '1' }), 'kubectl', CONFIGMAP);
    const v3 = applied(v2, cm({ b: '2' }), 'kubectl', CONFIGMAP);
    expect(v3.data).toEqual({ edited: 'y', b: '2' });
  });

  it('reports an unchanged object and leaves the applier time alone', () => {
    const v1 = applied(undefined, cm({ a: '1' }), 'kubectl', CONFIGMAP);
    const r = apply(v1, cm({ a: '1' }), 'kubectl', CONFIGMAP, { now: T1 });
    expect(r.ok && r.changed).toBe(false);
    expect(r.ok && r.object.metadata.managedFields?.[0]?.time).toBe('2024-05-01T10:00:00Z');
  });
});

describe('serverSideApply: several managers', () => {
  it('lets two appliers own different fields side by side', () => {
    const v1 = applied(undefined, cm({ a: '1' }), 'alice', CONFIGMAP);
    const v2 = applied(v1, cm({ b: '2' }), 'bob', CONFIGMAP, { now: T1 });
    expect(v2.data).toEqual({ a: '1', b: '2' });
    expect(fieldsOf(v2, 'alice')).toEqual({ 'f:data': { 'f:a': {} } });
    expect(fieldsOf(v2, 'bob')).toEqual({ 'f:data': { 'f:b': {} } });
    expect(managers(v2)).toEqual([
      ['alice', 'Apply'],
      ['bob', 'Apply'],
    ]);
  });

  it('shares ownership when two appliers set the same value', () => {
    const v1 = applied(undefined, cm({ a: '1' }), 'alice', CONFIGMAP);
    const r = apply(v1, cm({ a: '1' }), 'bob', CONFIGMAP, { now: T1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(fieldsOf(r.object, 'alice')).toEqual({ 'f:data': { 'f:a': {} } });
    expect(fieldsOf(r.object, 'bob')).toEqual({ 'f:data': { 'f:a': {} } });
    // Nothing changed, so kube-apiserver gives the new entry no time.
    expect(r.object.metadata.managedFields?.find((e) => e.manager === 'bob')?.time).toBeUndefined();
  });

  it('reports a conflict with an Update owner, with the exact message kubectl prints', () => {
    const live = updateManagedFields({
      live: undefined,
      next: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default', uid: 'u' },
        spec: { replicas: 3, selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx' }]) },
      },
      manager: 'kubectl-client-side-apply',
      apiVersion: 'apps/v1',
      now: T0,
    });
    const r = apply(live, deploymentConfig({ replicas: 5 }), 'kubectl', DEPLOYMENT, { now: T1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.conflicts.map((c) => [c.manager, c.field])).toEqual([['kubectl-client-side-apply', '.spec.replicas']]);
    const err = conflictError(r.conflicts);
    expect(err).toBeInstanceOf(StatusError);
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    });
  });

  it('reports conflicts with another applier by its name alone, one line per field', () => {
    const v1 = applied(undefined, cm({ a: '1', b: '2' }), 'alice', CONFIGMAP);
    const r = apply(v1, cm({ a: 'x', b: 'y' }), 'bob', CONFIGMAP);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(conflictError(r.conflicts).message).toBe('Apply failed with 2 conflicts: conflicts with "alice":\n- .data.a\n- .data.b');
  });

  it('takes ownership with force and leaves the old owner the rest', () => {
    const v1 = applied(undefined, cm({ a: '1', b: '2' }), 'alice', CONFIGMAP);
    const v2 = applied(v1, cm({ a: 'x' }), 'bob', CONFIGMAP, { force: true, now: T1 });
    expect(v2.data).toEqual({ a: 'x', b: '2' });
    expect(fieldsOf(v2, 'alice')).toEqual({ 'f:data': { 'f:b': {} } });
    expect(fieldsOf(v2, 'bob')).toEqual({ 'f:data': { 'f:a': {} } });
    // alice no longer owns "a": dropping it from her configuration leaves bob's value.
    const v3 = applied(v2, cm({ b: '2' }), 'alice', CONFIGMAP, { now: T2 });
    expect(v3.data).toEqual({ a: 'x', b: '2' });
  });

  it('moves a field to an updater that changes it after an apply', () => {
    const v1 = applied(undefined, deploymentConfig({ replicas: 2, selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx' }]) }), 'kubectl', DEPLOYMENT);
    const next = structuredClone(v1);
    (next.spec as { replicas: number }).replicas = 7;
    const scaled = updateManagedFields({ live: v1, next, manager: 'kube-controller-manager', apiVersion: 'apps/v1', now: T1 });
    expect(fieldsOf(scaled, 'kube-controller-manager')).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect((fieldsOf(scaled, 'kubectl')?.['f:spec'] as Record<string, unknown>)['f:replicas']).toBeUndefined();
    expect(managers(scaled)).toEqual([
      ['kubectl', 'Apply'],
      ['kube-controller-manager', 'Update'],
    ]);
    // Re-applying the old replicas now conflicts with the updater...
    const r = apply(scaled, deploymentConfig({ replicas: 2, selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx' }]) }), 'kubectl', DEPLOYMENT, { now: T2 });
    expect(!r.ok && conflictError(r.conflicts).message).toBe(
      'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas',
    );
    // ...and leaving replicas out keeps the updater's value.
    const kept = applied(scaled, deploymentConfig({ selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx' }]) }), 'kubectl', DEPLOYMENT, { now: T2 });
    expect((kept.spec as { replicas: number }).replicas).toBe(7);
  });

  it('adopts the fields of an untracked object under before-first-apply', () => {
    const untracked: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', uid: 'u' }, data: { a: '1' } };
    const r = apply(untracked, cm({ a: '2' }), 'kubectl', CONFIGMAP);
    expect(!r.ok && conflictError(r.conflicts).message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
    const ok = applied(untracked, cm({ b: '2' }), 'kubectl', CONFIGMAP);
    expect(managers(ok)).toEqual([
      ['kubectl', 'Apply'],
      ['before-first-apply', 'Update'],
    ]);
  });
});

describe('serverSideApply: lists', () => {
  const webWith = (containers: unknown[]): Record<string, unknown> => deploymentConfig({ selector: SELECTOR, template: podTemplate(containers) });
  const containersOf = (obj: KubeObject): { name: string; image?: string; env?: { name: string; value: string }[] }[] =>
    ((obj.spec as { template: { spec: { containers: [] } } }).template.spec.containers);

  it('merges associative lists by key: each manager adds its own container', () => {
    const v1 = applied(undefined, webWith([{ name: 'app', image: 'app:1' }]), 'team-app', DEPLOYMENT);
    const v2 = applied(v1, webWith([{ name: 'sidecar', image: 'proxy:1' }]), 'team-mesh', DEPLOYMENT, { now: T1 });
    expect(containersOf(v2).map((c) => [c.name, c.image])).toEqual([
      ['app', 'app:1'],
      ['sidecar', 'proxy:1'],
    ]);
    // Each manager dropping its own container leaves the other's.
    const v3 = applied(v2, webWith([]), 'team-app', DEPLOYMENT, { now: T2 });
    expect(containersOf(v3).map((c) => c.name)).toEqual(['sidecar']);
  });

  it('merges env entries of one container from two managers', () => {
    const v1 = applied(undefined, webWith([{ name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }] }]), 'team-app', DEPLOYMENT);
    const v2 = applied(v1, webWith([{ name: 'app', env: [{ name: 'B', value: '2' }] }]), 'team-ops', DEPLOYMENT, { now: T1 });
    expect(containersOf(v2)[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(fieldsOf(v2, 'team-ops')).toEqual({
      'f:spec': {
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:env': { 'k:{"name":"B"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:name': {} } } },
        },
      },
    });
  });

  it('orders shared items as the configuration does and keeps other items in place', () => {
    const v1 = applied(undefined, webWith([{ name: 'a' }, { name: 'b' }, { name: 'c' }]), 'm1', DEPLOYMENT);
    const v2 = applied(v1, webWith([{ name: 'c' }, { name: 'a' }]), 'm2', DEPLOYMENT);
    expect(containersOf(v2).map((c) => c.name)).toEqual(['b', 'c', 'a']);
  });

  it('replaces atomic lists whole and merges sets by value', () => {
    const base = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } };
    const POD: Gvk = { group: '', version: 'v1', kind: 'Pod' };
    const v1 = applied(undefined, { ...base, metadata: { ...base.metadata, finalizers: ['a.io/x'] }, spec: { containers: [{ name: 'c', args: ['1', '2'] }] } }, 'm1', POD);
    const v2 = applied(v1, { ...base, metadata: { ...base.metadata, finalizers: ['b.io/y'] }, spec: { containers: [{ name: 'c', args: ['3'] }] } }, 'm2', POD, { force: true });
    expect(v2.metadata.finalizers).toEqual(['a.io/x', 'b.io/y']);
    expect((v2.spec as { containers: { args: string[] }[] }).containers[0]?.args).toEqual(['3']);
    // A set item is a member; the named field holding the set is not.
    expect(fieldsOf(v2, 'm2')?.['f:metadata']).toEqual({ 'f:finalizers': { 'v:"b.io/y"': {} } });
  });
});

describe('serverSideApply: kubectl and last-applied-configuration', () => {
  const lastApplied = (replicas: number): string =>
    JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas, selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx' }]) } });
  const clientSideApplied = (replicas: number): KubeObject =>
    updateManagedFields({
      live: undefined,
      next: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default', uid: 'u', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied(3) } },
        spec: { replicas, selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx' }]) },
      },
      manager: 'kubectl-client-side-apply',
      apiVersion: 'apps/v1',
      now: T0,
    });

  it('lets kubectl take over fields client-side apply last applied, and rewrites the annotation', () => {
    const config = deploymentConfig({ replicas: 4, selector: SELECTOR, template: podTemplate([{ name: 'app', image: 'nginx' }]) });
    const obj = applied(clientSideApplied(3), config, 'kubectl', DEPLOYMENT, { now: T1 });
    expect((obj.spec as { replicas: number }).replicas).toBe(4);
    expect(obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},' +
        '"spec":{"replicas":4,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx","name":"app"}]}}}}\n',
    );
  });

  it('still conflicts on fields changed since the last client-side apply', () => {
    const r = apply(clientSideApplied(5), deploymentConfig({ replicas: 4 }), 'kubectl', DEPLOYMENT, { now: T1 });
    expect(!r.ok && r.conflicts.map((c) => c.field)).toEqual(['.spec.replicas']);
    // Any other manager name gets no such upgrade.
    const other = apply(clientSideApplied(3), deploymentConfig({ replicas: 4 }), 'my-tool', DEPLOYMENT, { now: T1 });
    expect(other.ok).toBe(false);
  });
});

describe('serverSideApply: bad configurations', () => {
  const bad = (config: unknown, gvk: Gvk = CONFIGMAP): StatusError => {
    try {
      apply(undefined, config, 'kubectl', gvk);
    } catch (e) {
      if (e instanceof StatusError) return e;
      throw e;
    }
    throw new Error('expected a StatusError');
  };

  it.each<[string, unknown, Gvk, number, string]>([
    ['another kind', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }, CONFIGMAP, 400, 'invalid object type: /v1, Kind=Secret'],
    ['another version', { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'x' } }, DEPLOYMENT, 400, 'invalid object type: apps/v1beta1, Kind=Deployment'],
    ['managedFields', { ...cm({}), metadata: { name: 'x', managedFields: [] } }, CONFIGMAP, 400, 'metadata.managedFields must be nil'],
    [
      'an undeclared field',
      deploymentConfig({ replicaz: 1 }),
      DEPLOYMENT,
      400,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema',
    ],
    [
      'a list item without its key',
      deploymentConfig({ template: { spec: { containers: [{ image: 'x' }] } } }),
      DEPLOYMENT,
      400,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    ],
    [
      'duplicated keys',
      deploymentConfig({ template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } }),
      DEPLOYMENT,
      400,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]',
    ],
  ])('rejects %s', (_what, config, gvk, code, message) => {
    const e = bad(config, gvk);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  it('words several violations under "errors:"', () => {
    const e = bad(deploymentConfig({ a: 1, b: 2 }), DEPLOYMENT);
    expect(e.message).toBe(
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n  .spec.a: field not declared in schema\n  .spec.b: field not declared in schema',
    );
  });

  it('accepts unknown fields where a custom resource preserves them', () => {
    const r = serverSideApply({
      live: undefined,
      applied: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { hosts: ['a'] }, status: { anything: { goes: 1 } } },
      manager: 'istioctl',
      force: false,
      group: 'networking.istio.io',
      version: 'v1',
      kind: 'VirtualService',
      now: T0,
    });
    expect(r.ok && fieldsOf(r.object, 'istioctl')).toEqual({ 'f:spec': { 'f:hosts': {} }, 'f:status': { 'f:anything': { 'f:goes': {}, '.': {} } } });
  });
});
