import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import type { AdmissionAttributes, AdmissionOperation } from '../admission/types.js';
import { StatusError } from '../../../lib/api/status-error.js';
import { findResource } from '../registry/resources.js';
import type { ResourceInfo } from '../registry/resources.js';
import { nodeIdentity, nodeRestrictionPlugin, nodeRestrictionReason } from './node-restriction.js';
import type { NodeRestrictionLookup } from './node-restriction.js';

const resource = (group: string, version: string, name: string): ResourceInfo => {
  const r = findResource(group, version, name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};
const PODS = resource('', 'v1', 'pods');
const NODES = resource('', 'v1', 'nodes');
const LEASES = resource('coordination.k8s.io', 'v1', 'leases');
const SERVICE_ACCOUNTS = resource('', 'v1', 'serviceaccounts');
const SERVICES = resource('', 'v1', 'services');

const n1 = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

const pod = (name: string, nodeName: string, extra: { labels?: Record<string, string>; spec?: Record<string, unknown>; meta?: Partial<KubeObject['metadata']> } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(extra.labels ? { labels: extra.labels } : {}), ...extra.meta },
  spec: { nodeName, containers: [{ name: 'c', image: 'i' }], ...extra.spec },
});
const node = (name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}`, labels },
  spec,
});
const mirror = (spec: Record<string, unknown> = {}, owner: Partial<NonNullable<KubeObject['metadata']['ownerReferences']>[number]> = {}): KubeObject =>
  pod('static-web-n1', 'n1', {
    spec,
    meta: {
      annotations: { 'kubernetes.io/config.mirror': 'hash' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-n1', controller: true, ...owner }],
    },
  });

const attrs = (
  operation: AdmissionOperation,
  res: ResourceInfo,
  more: Partial<AdmissionAttributes> = {},
): AdmissionAttributes => ({
  operation,
  resource: res,
  version: 'v1',
  subresource: '',
  namespace: res.namespaced ? 'default' : '',
  name: '',
  user: n1,
  dryRun: false,
  ...more,
});

const lookup: NodeRestrictionLookup = {
  getPod: (_ns, name) => ({ mine: pod('mine', 'n1'), theirs: pod('theirs', 'n2') })[name],
  getNode: (name) => node(name),
};

describe('nodeIdentity', () => {
  it.each<[string, string[], { nodeName: string } | undefined]>([
    ['system:node:n1', ['system:nodes'], { nodeName: 'n1' }],
    ['system:node:n1', [], undefined],
    ['alice', ['system:nodes'], undefined],
    ['system:node:', ['system:nodes'], { nodeName: '' }],
  ])('%s in %j', (name, groups, expected) => {
    expect(nodeIdentity({ name, groups })).toEqual(expected);
  });
});

describe('nodeRestrictionReason', () => {
  it.each<[string, AdmissionAttributes, string | undefined]>([
    // Not a node: nothing to restrict.
    ['other users', attrs('UPDATE', NODES, { name: 'n2', user: { name: 'alice', groups: [] }, object: node('n2'), oldObject: node('n2') }), undefined],
    ['a node name that cannot be parsed', attrs('UPDATE', NODES, { name: 'n1', user: { name: 'system:node:', groups: ['system:nodes'] } }), 'could not determine node from user "system:node:"'],
    // Nodes.
    ['updating itself', attrs('UPDATE', NODES, { name: 'n1', object: node('n1'), oldObject: node('n1') }), undefined],
    ['updating its status', attrs('UPDATE', NODES, { name: 'n1', subresource: 'status', object: node('n1'), oldObject: node('n1') }), undefined],
    ['updating another node', attrs('UPDATE', NODES, { name: 'n2', object: node('n2'), oldObject: node('n2') }), 'node "n1" is not allowed to modify node "n2"'],
    ['deleting another node', attrs('DELETE', NODES, { name: 'n2' }), 'node "n1" is not allowed to modify node "n2"'],
    ['registering itself (name from the object)', attrs('CREATE', NODES, { object: node('n1', { 'kubernetes.io/hostname': 'n1', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }) }), undefined],
    ['registering as another node', attrs('CREATE', NODES, { object: node('n2') }), 'node "n1" is not allowed to modify node "n2"'],
    [
      'registering with restricted labels',
      attrs('CREATE', NODES, { object: node('n1', { 'node-role.kubernetes.io/control-plane': '', 'node-restriction.kubernetes.io/pool': 'a', 'team.example/x': 'y' }) }),
      'node "n1" is not allowed to set the following labels: node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane',
    ],
    ['registering with a configSource', attrs('CREATE', NODES, { object: node('n1', {}, { configSource: {} }) }), 'node "n1" is not allowed to create pods with a non-nil configSource'],
    [
      'changing its taints',
      attrs('UPDATE', NODES, { name: 'n1', object: node('n1', {}, { taints: [] }), oldObject: node('n1', {}, { taints: [{ key: 'k', effect: 'NoSchedule' }] }) }),
      'node "n1" is not allowed to modify taints',
    ],
    [
      'changing a restricted label',
      attrs('UPDATE', NODES, { name: 'n1', object: node('n1', { 'kubernetes.io/role': 'x' }), oldObject: node('n1') }),
      'is not allowed to modify labels: kubernetes.io/role',
    ],
    ['changing an allowed label', attrs('UPDATE', NODES, { name: 'n1', object: node('n1', { 'topology.kubernetes.io/zone': 'b' }), oldObject: node('n1') }), undefined],
    // Pod status.
    ['status of its own pod', attrs('UPDATE', PODS, { name: 'mine', subresource: 'status', oldObject: pod('mine', 'n1'), object: pod('mine', 'n1') }), undefined],
    [
      'status of another node\'s pod',
      attrs('UPDATE', PODS, { name: 'theirs', subresource: 'status', oldObject: pod('theirs', 'n2'), object: pod('theirs', 'n2') }),
      'node "n1" can only update pod status for pods with spec.nodeName set to itself',
    ],
    [
      'labels through pod status',
      attrs('UPDATE', PODS, { name: 'mine', subresource: 'status', oldObject: pod('mine', 'n1'), object: pod('mine', 'n1', { labels: { a: 'b' } }) }),
      'node "n1" cannot update labels through pod status',
    ],
    // Pods.
    ['deleting its own pod', attrs('DELETE', PODS, { name: 'mine', oldObject: pod('mine', 'n1') }), undefined],
    ['deleting another node\'s pod', attrs('DELETE', PODS, { name: 'theirs', oldObject: pod('theirs', 'n2') }), 'node "n1" can only delete pods with spec.nodeName set to itself'],
    ['updating a pod', attrs('UPDATE', PODS, { name: 'mine', oldObject: pod('mine', 'n1'), object: pod('mine', 'n1') }), 'unexpected operation "UPDATE", node "n1" can only create and delete mirror pods'],
    ['binding a pod', attrs('CREATE', PODS, { name: 'mine', subresource: 'binding' }), 'unexpected pod subresource "binding", only \'status\' and \'eviction\' are allowed'],
    ['evicting its own pod', attrs('CREATE', PODS, { name: 'mine', subresource: 'eviction' }), undefined],
    ['evicting another node\'s pod', attrs('CREATE', PODS, { name: 'theirs', subresource: 'eviction' }), 'node n1 can only evict pods with spec.nodeName set to itself'],
    // Mirror pods.
    ['creating its mirror pod', attrs('CREATE', PODS, { object: mirror() }), undefined],
    [
      'creating an ordinary pod',
      attrs('CREATE', PODS, { object: pod('x', 'n1') }),
      'pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods',
    ],
    ['a mirror pod owned by another node', attrs('CREATE', PODS, { object: mirror({}, { name: 'n2' }) }), 'node "n1" can only create pods with an owner reference set to itself'],
    ['a mirror pod whose owner is not controller', attrs('CREATE', PODS, { object: mirror({}, { controller: false }) }), 'node "n1" can only create pods with a controller owner reference set to itself'],
    ['a mirror pod with a stale node UID', attrs('CREATE', PODS, { object: mirror({}, { uid: 'old' }) }), 'node n1 UID mismatch: expected old got uid-n1'],
    ['a mirror pod with a service account', attrs('CREATE', PODS, { object: mirror({ serviceAccountName: 'default' }) }), 'node "n1" can not create pods that reference a service account'],
    [
      'a mirror pod reading a secret',
      attrs('CREATE', PODS, { object: mirror({ containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }) }),
      'node "n1" can not create pods that reference secrets',
    ],
    ['a mirror pod mounting a configmap', attrs('CREATE', PODS, { object: mirror({ volumes: [{ name: 'v', configMap: { name: 'c' } }] }) }), 'node "n1" can not create pods that reference configmaps'],
    // Leases.
    ['its own node lease', attrs('UPDATE', LEASES, { namespace: 'kube-node-lease', name: 'n1' }), undefined],
    ['creating its lease', attrs('CREATE', LEASES, { namespace: 'kube-node-lease', object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' } } }), undefined],
    ['another node\'s lease', attrs('UPDATE', LEASES, { namespace: 'kube-node-lease', name: 'n2' }), 'can only access node lease with the same name as the requesting node'],
    ['a lease elsewhere', attrs('UPDATE', LEASES, { namespace: 'kube-system', name: 'n1' }), 'can only access leases in the "kube-node-lease" system namespace'],
    // Tokens.
    [
      'a token for its own pod',
      attrs('CREATE', SERVICE_ACCOUNTS, { name: 'app', subresource: 'token', object: tokenRequest({ apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'uid-mine' }) }),
      undefined,
    ],
    ['an unbound token', attrs('CREATE', SERVICE_ACCOUNTS, { name: 'app', subresource: 'token', object: tokenRequest(undefined) }), 'node requested token not bound to a pod'],
    [
      'a token for another node\'s pod',
      attrs('CREATE', SERVICE_ACCOUNTS, { name: 'app', subresource: 'token', object: tokenRequest({ apiVersion: 'v1', kind: 'Pod', name: 'theirs', uid: 'uid-theirs' }) }),
      'node requested token bound to a pod scheduled on a different node',
    ],
    [
      'a token bound without a uid',
      attrs('CREATE', SERVICE_ACCOUNTS, { name: 'app', subresource: 'token', object: tokenRequest({ apiVersion: 'v1', kind: 'Pod', name: 'mine' }) }),
      'node requested token with a pod binding without a uid',
    ],
    // Everything else is RBAC's business.
    ['services', attrs('UPDATE', SERVICES, { name: 's' }), undefined],
  ])('%s', (_name, a, expected) => {
    expect(nodeRestrictionReason(a, lookup)).toBe(expected);
  });
});

function tokenRequest(boundObjectRef: Record<string, string> | undefined): KubeObject {
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: boundObjectRef ? { boundObjectRef } : {} };
}

describe('nodeRestrictionPlugin', () => {
  const plugin = nodeRestrictionPlugin(lookup);

  it('refuses with 403 on the object, as admission.NewForbidden words it', async () => {
    const a = attrs('UPDATE', NODES, { name: 'n2', object: node('n2'), oldObject: node('n2') });
    expect(plugin.handles(a)).toBe(true);
    let caught: unknown;
    try {
      await plugin.validate(a);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).code).toBe(403);
    expect((caught as StatusError).message).toBe('nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
  });

  it('names the object from the body on create', () => {
    expect(() => plugin.validate(attrs('CREATE', PODS, { object: pod('x', 'n1') }))).toThrow(
      'pods "x" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods',
    );
  });

  it('ignores other users and CONNECT', () => {
    expect(plugin.handles(attrs('UPDATE', NODES, { user: { name: 'alice', groups: [] } }))).toBe(false);
    expect(plugin.handles(attrs('CONNECT', PODS, { name: 'mine', subresource: 'exec' }))).toBe(false);
  });
});
