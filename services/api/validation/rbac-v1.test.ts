import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import type { KindKey } from '../registry/resources.js';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate, validateUpdate } from './index.js';
import { arr, at, invalidText } from './test-support.js';

type Obj = KubeObject;

const G = 'rbac.authorization.k8s.io';

function make(kind: string, body: Record<string, unknown>, namespaced: boolean): Obj {
  const o = {
    apiVersion: `${G}/v1`,
    kind,
    metadata: { name: 'system:reader', resourceVersion: '1', ...(namespaced ? { namespace: 'default' } : {}) },
    ...body,
  } as unknown as Obj;
  applyDefaults(`${G}/${kind}`, o);
  return o;
}

const bases: Record<string, () => Obj> = {
  Role: () => make('Role', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }, true),
  ClusterRole: () => make('ClusterRole', { rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] }, false),
  RoleBinding: () =>
    make('RoleBinding', { roleRef: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'builder' }, { kind: 'User', name: 'jane' }] }, true),
  ClusterRoleBinding: () =>
    make('ClusterRoleBinding', { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }, { kind: 'Group', name: 'devs' }] }, false),
};

const texts = (kind: string, o: KubeObject) => validateCreate(`${G}/${kind}` as KindKey, o).map(fieldErrorText);

describe('RBAC validation', () => {
  it.each(Object.keys(bases))('accepts a valid %s', (kind) => {
    expect(texts(kind, (bases[kind] as () => Obj)())).toEqual([]);
  });

  it.each<[string, string, (o: Obj) => void, string]>([
    ['Role', 'verbs required', (o) => (at(o, 'rules', 0).verbs = []), 'rules[0].verbs: Required value: verbs must contain at least one value'],
    ['Role', 'api groups required', (o) => delete at(o, 'rules', 0).apiGroups, 'rules[0].apiGroups: Required value: resource rules must supply at least one api group'],
    ['Role', 'resources required', (o) => delete at(o, 'rules', 0).resources, 'rules[0].resources: Required value: resource rules must supply at least one resource'],
    ['Role', 'no non-resource URLs in namespaces', (o) => (arr(o, 'rules')[0] = { nonResourceURLs: ['/metrics'], verbs: ['get'] }), invalidText('rules[0].nonResourceURLs', ["/metrics"], 'namespaced rules cannot apply to non-resource URLs')],
    ['Role', 'names are path segments', (o) => (at(o, 'metadata').name = 'a/b'), "metadata.name: Invalid value: \"a/b\": may not contain '/'"],
    [
      'ClusterRole',
      'resources and URLs apart',
      (o) => (at(o, 'rules', 1).resources = ['pods']),
      invalidText('rules[1].nonResourceURLs', ["/healthz"], 'rules cannot apply to both regular resources and non-resource URLs'),
    ],
    ['RoleBinding', 'roleRef name required', (o) => delete at(o, 'roleRef').name, 'roleRef.name: Required value'],
    ['RoleBinding', 'roleRef kind', (o) => (at(o, 'roleRef').kind = 'Group'), 'roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole"'],
    ['RoleBinding', 'roleRef group', (o) => (at(o, 'roleRef').apiGroup = 'rbac'), 'roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io"'],
    ['RoleBinding', 'subject kind', (o) => (at(o, 'subjects', 1).kind = 'Robot'), 'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'],
    ['RoleBinding', 'subject name', (o) => delete at(o, 'subjects', 1).name, 'subjects[1].name: Required value'],
    ['ClusterRoleBinding', 'ClusterRole only', (o) => (at(o, 'roleRef').kind = 'Role'), 'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
    ['ClusterRoleBinding', 'service accounts need a namespace', (o) => delete at(o, 'subjects', 0).namespace, 'subjects[0].namespace: Required value'],
  ])('%s: %s', (kind, _name, mutate, expected) => {
    const o = (bases[kind] as () => Obj)();
    mutate(o);
    expect(texts(kind, o)).toEqual([expected]);
  });

  it('keeps roleRef on update', () => {
    const old = (bases.RoleBinding as () => Obj)();
    const now = (bases.RoleBinding as () => Obj)();
    at(now, 'roleRef').name = 'admin';
    expect(validateUpdate(`${G}/RoleBinding`, now, old).map(fieldErrorText)).toEqual([
      invalidText('roleRef', {"kind":"Role","name":"admin","apiGroup":"rbac.authorization.k8s.io"}, 'cannot change roleRef'),
    ]);
    const added = (bases.RoleBinding as () => Obj)();
    arr(added, 'subjects').push({ kind: 'Group', name: 'ops', apiGroup: G });
    expect(validateUpdate(`${G}/RoleBinding`, added, old)).toEqual([]);
  });
});
