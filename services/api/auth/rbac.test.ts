import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { authorize, forbiddenError, forbiddenMessage, rbacPolicyFromObjects, ruleAllows } from './rbac.js';
import type { RequestAttributes } from './rbac.js';
import type { PolicyRule, Subject } from './rbac-types.js';
import type { UserInfo } from './user-info.js';

const G = 'rbac.authorization.k8s.io';
const clusterRole = (name: string, rules: PolicyRule[]): KubeObject => ({ apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name }, rules });
const role = (ns: string, name: string, rules: PolicyRule[]): KubeObject => ({ apiVersion: `${G}/v1`, kind: 'Role', metadata: { name, namespace: ns }, rules });
const crb = (name: string, roleName: string, subjects: Subject[]): KubeObject => ({
  apiVersion: `${G}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: G, kind: 'ClusterRole', name: roleName },
  subjects,
});
const rb = (ns: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): KubeObject => ({
  apiVersion: `${G}/v1`,
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: G, kind, name: roleName },
  subjects,
});

const alice: UserInfo = { name: 'alice', groups: ['dev', 'system:authenticated'] };
const sa = (ns: string, name: string): UserInfo => ({
  name: `system:serviceaccount:${ns}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
});

const res = (user: UserInfo, verb: string, resource: string, more: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user,
  verb,
  apiGroup: '',
  resource,
  subresource: '',
  namespace: '',
  name: '',
  path: '',
  isResourceRequest: true,
  ...more,
});
const nonRes = (user: UserInfo, verb: string, path: string): RequestAttributes => ({
  user,
  verb,
  apiGroup: '',
  resource: '',
  subresource: '',
  namespace: '',
  name: '',
  path,
  isResourceRequest: false,
});

const objects: KubeObject[] = [
  clusterRole('pod-reader', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }]),
  clusterRole('log-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }]),
  clusterRole('scaler', [{ verbs: ['update', 'patch'], apiGroups: ['apps'], resources: ['*/scale'] }]),
  clusterRole('all-in-apps', [{ verbs: ['*'], apiGroups: ['apps'], resources: ['*'] }]),
  clusterRole('named-cm', [{ verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }]),
  clusterRole('health', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/logs/*'] }]),
  clusterRole('node-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['nodes'] }]),
  role('team', 'secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
  crb('dev-nodes', 'node-reader', [{ kind: 'Group', apiGroup: G, name: 'dev' }]),
  crb('health-all', 'health', [{ kind: 'Group', apiGroup: G, name: 'system:authenticated' }]),
  crb('ci-scaler', 'scaler', [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }]),
  crb('sa-without-ns', 'all-in-apps', [{ kind: 'ServiceAccount', name: 'deployer' }]),
  rb('team', 'alice-pods', 'ClusterRole', 'pod-reader', [{ kind: 'User', apiGroup: G, name: 'alice' }]),
  rb('team', 'alice-logs', 'ClusterRole', 'log-reader', [{ kind: 'User', apiGroup: G, name: 'alice' }]),
  rb('team', 'alice-secrets', 'Role', 'secret-reader', [{ kind: 'User', apiGroup: G, name: 'alice' }]),
  rb('team', 'alice-cm', 'ClusterRole', 'named-cm', [{ kind: 'User', apiGroup: G, name: 'alice' }]),
  rb('team', 'local-sa', 'ClusterRole', 'pod-reader', [{ kind: 'ServiceAccount', name: 'builder' }]),
  rb('team', 'broken', 'ClusterRole', 'does-not-exist', [{ kind: 'User', apiGroup: G, name: 'bob' }]),
  rb('team', 'broken-role', 'Role', 'missing-role', [{ kind: 'User', apiGroup: G, name: 'bob' }]),
];
const policy = rbacPolicyFromObjects(objects);

describe('authorize', () => {
  it.each<[string, RequestAttributes, boolean]>([
    ['RoleBinding to a ClusterRole, in its namespace', res(alice, 'list', 'pods', { namespace: 'team' }), true],
    ['RoleBinding does not reach other namespaces', res(alice, 'list', 'pods', { namespace: 'other' }), false],
    ['RoleBinding does not reach the cluster scope', res(alice, 'list', 'pods'), false],
    ['verb not in the rule', res(alice, 'delete', 'pods', { namespace: 'team', name: 'p' }), false],
    ['subresource needs its own rule', res(alice, 'get', 'pods', { namespace: 'team', name: 'p', subresource: 'exec' }), false],
    ['pods/log rule', res(alice, 'get', 'pods', { namespace: 'team', name: 'p', subresource: 'log' }), true],
    ['RoleBinding to a Role', res(alice, 'get', 'secrets', { namespace: 'team', name: 's' }), true],
    ['resourceNames: listed name', res(alice, 'get', 'configmaps', { namespace: 'team', name: 'settings' }), true],
    ['resourceNames: other name', res(alice, 'get', 'configmaps', { namespace: 'team', name: 'other' }), false],
    ['resourceNames: list has no name', res(alice, 'list', 'configmaps', { namespace: 'team' }), false],
    ['group subject', res(alice, 'get', 'nodes', { name: 'n1' }), true],
    ['cluster-scoped rule applies inside namespaces too', res(alice, 'list', 'nodes', { namespace: 'team' }), true],
    ['API group must match', res(alice, 'get', 'nodes', { apiGroup: 'apps', name: 'n1' }), false],
    ['*/scale matches deployments/scale', res(sa('ci', 'deployer'), 'update', 'deployments', { apiGroup: 'apps', namespace: 'x', name: 'd', subresource: 'scale' }), true],
    ['*/scale does not match the deployment itself', res(sa('ci', 'deployer'), 'update', 'deployments', { apiGroup: 'apps', namespace: 'x', name: 'd' }), false],
    ['*/scale does not match another subresource', res(sa('ci', 'deployer'), 'update', 'deployments', { apiGroup: 'apps', namespace: 'x', name: 'd', subresource: 'status' }), false],
    ['ServiceAccount subject in another namespace', res(sa('other', 'deployer'), 'update', 'deployments', { apiGroup: 'apps', namespace: 'x', subresource: 'scale' }), false],
    ['ServiceAccount without namespace in a ClusterRoleBinding matches nobody', res(sa('ci', 'deployer'), 'create', 'deployments', { apiGroup: 'apps', namespace: 'ci' }), false],
    ['ServiceAccount without namespace in a RoleBinding: the binding\'s namespace', res(sa('team', 'builder'), 'list', 'pods', { namespace: 'team' }), true],
    ['... but not a same-named account elsewhere', res(sa('other', 'builder'), 'list', 'pods', { namespace: 'team' }), false],
    ['non-resource URL, exact', nonRes(alice, 'get', '/healthz'), true],
    ['non-resource URL, prefix *', nonRes(alice, 'get', '/logs/kube-apiserver.log'), true],
    ['non-resource URL, prefix itself', nonRes(alice, 'get', '/logs/'), true],
    ['non-resource URL, other path', nonRes(alice, 'get', '/metrics'), false],
    ['non-resource URL, other verb', nonRes(alice, 'post', '/healthz'), false],
    ['a ServiceAccount with no bindings gets nothing', res(sa('default', 'x'), 'list', 'pods', { namespace: 'default' }), false],
    ['system:masters is always allowed', res({ name: 'root', groups: ['system:masters'] }, 'delete', 'anything', { apiGroup: 'whatever' }), true],
    ['system:masters for non-resource URLs too', nonRes({ name: 'root', groups: ['system:masters'] }, 'get', '/debug/pprof'), true],
  ])('%s', (_name, attrs, allowed) => {
    expect(authorize(attrs, policy).allowed).toBe(allowed);
  });

  it('accepts the plain object list as well as an index', () => {
    expect(authorize(res(alice, 'list', 'pods', { namespace: 'team' }), objects).allowed).toBe(true);
  });

  it('explains which binding allowed, as Kubernetes does', () => {
    expect(authorize(res(alice, 'list', 'pods', { namespace: 'team' }), policy).reason).toBe(
      'RBAC: allowed by RoleBinding "alice-pods/team" of ClusterRole "pod-reader" to User "alice"',
    );
    expect(authorize(res(alice, 'get', 'nodes', { name: 'n1' }), policy).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "dev-nodes" of ClusterRole "node-reader" to Group "dev"',
    );
    expect(authorize(res(sa('team', 'builder'), 'list', 'pods', { namespace: 'team' }), policy).reason).toBe(
      'RBAC: allowed by RoleBinding "local-sa/team" of ClusterRole "pod-reader" to ServiceAccount "builder/team"',
    );
    expect(authorize(res({ name: 'root', groups: ['system:masters'] }, 'get', 'pods'), policy)).toEqual({ allowed: true, reason: '' });
  });

  it('a denial is silent unless roles could not be resolved', () => {
    expect(authorize(res(alice, 'delete', 'pods', { namespace: 'team' }), policy)).toEqual({ allowed: false, reason: '' });
    const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
    expect(authorize(res(bob, 'list', 'pods', { namespace: 'team' }), policy)).toEqual({
      allowed: false,
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "does-not-exist" not found, role.rbac.authorization.k8s.io "missing-role" not found]',
    });
    expect(authorize(res(bob, 'list', 'pods', { namespace: 'team' }), objects.filter((o) => o.metadata.name !== 'broken-role')).reason).toBe(
      'RBAC: clusterrole.rbac.authorization.k8s.io "does-not-exist" not found',
    );
  });

  it('ignores malformed rules and subjects instead of granting', () => {
    const bad: KubeObject[] = [
      { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'weird' }, rules: [{ verbs: 'get', resources: ['pods'] }, 'x'] },
      { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'w' }, roleRef: { kind: 'ClusterRole', name: 'weird' }, subjects: [{ kind: 'User', name: 'alice' }, 5] },
    ];
    expect(authorize(res(alice, 'get', 'pods'), bad).allowed).toBe(false);
  });
});

describe('ruleAllows', () => {
  const r = (rule: Partial<PolicyRule>): PolicyRule => ({ verbs: ['*'], apiGroups: ['*'], resources: ['*'], ...rule });
  it.each<[string, PolicyRule, RequestAttributes, boolean]>([
    ['"*" resource matches subresources', r({}), res(alice, 'get', 'pods', { subresource: 'log' }), true],
    ['"*" verb', r({ resources: ['pods'] }), res(alice, 'escalate', 'pods'), true],
    ['a resource rule never matches a URL', r({}), nonRes(alice, 'get', '/healthz'), false],
    ['a URL rule never matches a resource', { verbs: ['*'], nonResourceURLs: ['*'] }, res(alice, 'get', 'pods'), false],
    ['"*" URL', { verbs: ['get'], nonResourceURLs: ['*'] }, nonRes(alice, 'get', '/anything'), true],
    ['no apiGroups means none', { verbs: ['*'], resources: ['*'] }, res(alice, 'get', 'pods'), false],
  ])('%s', (_name, rule, attrs, allowed) => {
    expect(ruleAllows(attrs, rule)).toBe(allowed);
  });
});

describe('forbidden messages', () => {
  const x = sa('default', 'x');
  it.each<[RequestAttributes, string]>([
    [res(x, 'list', 'pods', { namespace: 'default' }), 'User "system:serviceaccount:default:x" cannot list resource "pods" in API group "" in the namespace "default"'],
    [res(x, 'list', 'nodes'), 'User "system:serviceaccount:default:x" cannot list resource "nodes" in API group "" at the cluster scope'],
    [
      res(x, 'get', 'pods', { namespace: 'default', name: 'web', subresource: 'log' }),
      'User "system:serviceaccount:default:x" cannot get resource "pods/log" in API group "" in the namespace "default"',
    ],
    [
      res(x, 'create', 'virtualservices', { apiGroup: 'networking.istio.io', namespace: 'shop' }),
      'User "system:serviceaccount:default:x" cannot create resource "virtualservices" in API group "networking.istio.io" in the namespace "shop"',
    ],
    [nonRes(x, 'get', '/foo'), 'User "system:serviceaccount:default:x" cannot get path "/foo"'],
    [nonRes({ name: '<script>&', groups: [] }, 'get', '/a'), 'User "&lt;script&gt;&amp;" cannot get path "/a"'],
  ])('%#', (attrs, message) => {
    expect(forbiddenMessage(attrs)).toBe(message);
  });

  it('builds the 403 Status as kube-apiserver sends it', () => {
    const list = forbiddenError(res(x, 'list', 'pods', { namespace: 'default' })).toStatus();
    expect(list).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods is forbidden: User "system:serviceaccount:default:x" cannot list resource "pods" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
    const get = forbiddenError(res(x, 'get', 'deployments', { apiGroup: 'apps', namespace: 'default', name: 'web', subresource: 'scale' }), 'RBAC: role.rbac.authorization.k8s.io "r" not found');
    expect(get.message).toBe(
      'deployments.apps "web" is forbidden: User "system:serviceaccount:default:x" cannot get resource "deployments/scale" in API group "apps" in the namespace "default": RBAC: role.rbac.authorization.k8s.io "r" not found',
    );
    expect(get.details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
    const path = forbiddenError(nonRes(x, 'get', '/foo')).toStatus();
    expect(path.message).toBe('forbidden: User "system:serviceaccount:default:x" cannot get path "/foo"');
    expect(path.details).toEqual({});
    expect(path.code).toBe(403);
  });
});
