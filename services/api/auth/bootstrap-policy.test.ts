import { describe, expect, it } from 'vitest';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles, bootstrapPolicy } from './bootstrap-policy.js';
import { authorize, rbacPolicyFromObjects } from './rbac.js';
import type { RequestAttributes } from './rbac.js';
import { readRules } from './rbac-types.js';
import type { PolicyRule } from './rbac-types.js';
import { ANONYMOUS_USER } from './user-info.js';
import type { UserInfo } from './user-info.js';

const policy = rbacPolicyFromObjects(bootstrapPolicy());
const authed = (name: string, groups: string[] = []): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const scheduler = authed('system:kube-scheduler');
const controllers = authed('system:kube-controller-manager');
const mesh = authed('system:mesh-control');
const node = authed('system:node:n1', ['system:nodes']);
const saUser = authed('system:serviceaccount:default:app', ['system:serviceaccounts', 'system:serviceaccounts:default']);

const req = (user: UserInfo, verb: string, group: string, resource: string, more: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user,
  verb,
  apiGroup: group,
  resource,
  subresource: '',
  namespace: '',
  name: '',
  path: '',
  isResourceRequest: true,
  ...more,
});
const url = (user: UserInfo, path: string, verb = 'get'): RequestAttributes => ({ ...req(user, verb, '', ''), path, isResourceRequest: false });

describe('bootstrap policy objects', () => {
  it('every object is an rbac/v1 object labelled and annotated as a bootstrap default', () => {
    for (const obj of bootstrapPolicy()) {
      expect(obj.apiVersion).toBe('rbac.authorization.k8s.io/v1');
      expect(obj.metadata.labels?.['kubernetes.io/bootstrapping']).toBe('rbac-defaults');
      expect(obj.metadata.annotations?.[AUTOUPDATE_ANNOTATION]).toBe('true');
    }
  });

  it('has the Kubernetes roles and ours, each name once, and every binding refers to one of them', () => {
    const names = bootstrapClusterRoles().map((r) => r.metadata.name ?? '');
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:node', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:mesh-control']) {
      expect(names).toContain(n);
    }
    for (const b of bootstrapClusterRoleBindings()) expect(names).toContain(b.roleRef.name);
  });

  it('cluster-admin matches Kubernetes exactly', () => {
    expect(bootstrapClusterRoles().find((r) => r.metadata.name === 'cluster-admin')?.rules).toEqual([
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]);
  });

  it('aggregated roles keep their aggregationRule and nest: view within edit within admin', () => {
    const roles = bootstrapClusterRoles();
    const rulesOf = (n: string): string[] => readRules(roles.find((r) => r.metadata.name === n) ?? { apiVersion: '', kind: '', metadata: {} }).map((r: PolicyRule) => JSON.stringify(r));
    const view = rulesOf('view');
    const edit = rulesOf('edit');
    const admin = rulesOf('admin');
    expect(view.length).toBeGreaterThan(5);
    for (const r of view) expect(edit).toContain(r);
    for (const r of edit) expect(admin).toContain(r);
    expect(roles.find((r) => r.metadata.name === 'edit')?.aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }],
    });
  });
});

describe('bootstrap policy decisions', () => {
  it.each<[string, RequestAttributes, boolean]>([
    ['the scheduler binds pods', req(scheduler, 'create', '', 'pods', { namespace: 'default', name: 'web', subresource: 'binding' }), true],
    ['the scheduler watches nodes', req(scheduler, 'watch', '', 'nodes'), true],
    ['the scheduler renews its own lease', req(scheduler, 'update', 'coordination.k8s.io', 'leases', { namespace: 'kube-system', name: 'kube-scheduler' }), true],
    ['... but no other lease', req(scheduler, 'update', 'coordination.k8s.io', 'leases', { namespace: 'kube-system', name: 'kube-controller-manager' }), false],
    ['the scheduler cannot create pods', req(scheduler, 'create', '', 'pods', { namespace: 'default' }), false],
    ['a node gets its pods', req(node, 'get', '', 'pods', { namespace: 'default', name: 'web' }), true],
    ['a node updates pod status', req(node, 'patch', '', 'pods', { namespace: 'default', name: 'web', subresource: 'status' }), true],
    ['a node updates its node status', req(node, 'patch', '', 'nodes', { name: 'n1', subresource: 'status' }), true],
    ['a node renews its lease', req(node, 'update', 'coordination.k8s.io', 'leases', { namespace: 'kube-node-lease', name: 'n1' }), true],
    ['a node watches EndpointSlices (kube-proxy)', req(node, 'watch', 'discovery.k8s.io', 'endpointslices'), true],
    ['a node requests pod tokens', req(node, 'create', '', 'serviceaccounts', { namespace: 'default', name: 'app', subresource: 'token' }), true],
    ['a node cannot create Deployments', req(node, 'create', 'apps', 'deployments', { namespace: 'default' }), false],
    ['a node cannot bind pods', req(node, 'create', '', 'pods', { namespace: 'default', name: 'web', subresource: 'binding' }), false],
    ['controllers create ReplicaSets', req(controllers, 'create', 'apps', 'replicasets', { namespace: 'default' }), true],
    ['controllers update Deployment status', req(controllers, 'update', 'apps', 'deployments', { namespace: 'default', name: 'web', subresource: 'status' }), true],
    ['controllers create pods', req(controllers, 'create', '', 'pods', { namespace: 'default' }), true],
    ['controllers write EndpointSlices', req(controllers, 'create', 'discovery.k8s.io', 'endpointslices', { namespace: 'default' }), true],
    ['controllers delete namespaces', req(controllers, 'delete', '', 'namespaces', { name: 'old' }), true],
    ['controllers cannot create Deployments', req(controllers, 'create', 'apps', 'deployments', { namespace: 'default' }), false],
    ['mesh-control reads VirtualServices', req(mesh, 'list', 'networking.istio.io', 'virtualservices'), true],
    ['mesh-control writes Istio status', req(mesh, 'update', 'networking.istio.io', 'virtualservices', { namespace: 'a', name: 'v', subresource: 'status' }), true],
    ['mesh-control cannot change a VirtualService', req(mesh, 'update', 'networking.istio.io', 'virtualservices', { namespace: 'a', name: 'v' }), false],
    ['mesh-control reviews tokens', req(mesh, 'create', 'authentication.k8s.io', 'tokenreviews'), true],
    ['mesh-control cannot read Secrets', req(mesh, 'get', '', 'secrets', { namespace: 'a', name: 's' }), false],
    ['a ServiceAccount without bindings lists no pods', req(saUser, 'list', '', 'pods', { namespace: 'default' }), false],
    ['... reads no Secrets', req(saUser, 'get', '', 'secrets', { namespace: 'default', name: 's' }), false],
    ['... but may discover the API', url(saUser, '/apis/apps/v1'), true],
    ['... and read the issuer discovery document', url(saUser, '/.well-known/openid-configuration'), true],
    ['an authenticated user may create SelfSubjectAccessReviews', req(authed('bob'), 'create', 'authorization.k8s.io', 'selfsubjectaccessreviews'), true],
    ['anonymous may read /version', url(ANONYMOUS_USER, '/version'), true],
    ['anonymous may read /healthz', url(ANONYMOUS_USER, '/healthz'), true],
    ['anonymous may not discover /api', url(ANONYMOUS_USER, '/api'), false],
    ['anonymous may not list namespaces', req(ANONYMOUS_USER, 'list', '', 'namespaces'), false],
    ['system:masters may do anything', req(authed('kubernetes-admin', ['system:masters']), 'delete', '', 'nodes', { name: 'n1' }), true],
  ])('%s', (_name, attrs, allowed) => {
    expect(authorize(attrs, policy).allowed).toBe(allowed);
  });

  it('the default roles grant as Kubernetes: view reads, edit writes, admin manages RBAC', () => {
    const byRole = (roleName: string, a: RequestAttributes): boolean => {
      const binding = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: 'team' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'carol' }],
      };
      return authorize(a, [...bootstrapPolicy(), binding]).allowed;
    };
    const carol = authed('carol');
    const inTeam = (verb: string, group: string, resource: string, sub = ''): RequestAttributes => req(carol, verb, group, resource, { namespace: 'team', subresource: sub });
    expect(byRole('view', inTeam('list', 'apps', 'deployments'))).toBe(true);
    expect(byRole('view', inTeam('get', '', 'pods', 'log'))).toBe(true);
    expect(byRole('view', inTeam('get', 'networking.istio.io', 'virtualservices'))).toBe(true);
    expect(byRole('view', inTeam('get', '', 'secrets'))).toBe(false);
    expect(byRole('view', inTeam('create', '', 'pods'))).toBe(false);
    expect(byRole('edit', inTeam('create', '', 'pods'))).toBe(true);
    expect(byRole('edit', inTeam('patch', 'apps', 'deployments', 'scale'))).toBe(true);
    expect(byRole('edit', inTeam('create', 'networking.istio.io', 'virtualservices'))).toBe(true);
    expect(byRole('edit', inTeam('create', 'rbac.authorization.k8s.io', 'rolebindings'))).toBe(false);
    expect(byRole('admin', inTeam('create', 'rbac.authorization.k8s.io', 'rolebindings'))).toBe(true);
    expect(byRole('admin', req(carol, 'list', '', 'pods', { namespace: 'elsewhere' }))).toBe(false);
  });
});
