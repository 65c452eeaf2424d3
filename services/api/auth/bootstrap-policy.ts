// The built-in ClusterRoles and ClusterRoleBindings, modelled on Kubernetes' bootstrappolicy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy) with this platform's components added.
// Every object carries kubernetes.io/bootstrapping=rbac-defaults and the autoupdate annotation,
// so the API server may reconcile them at start as kube-apiserver does.
//
// Where we depart from Kubernetes, and why:
// - system:node is bound to the group system:nodes. Kubernetes leaves that binding empty and
//   relies on its Node authorizer, which we do not have; NodeRestriction admission
//   (node-restriction.ts) still confines a node's writes to itself and its pods. The role also
//   lists/watches EndpointSlices, Endpoints and Namespaces, since our node agent is kube-proxy
//   and node-local DNS too.
// - system:kube-controller-manager covers all our controllers under one identity (Kubernetes
//   gives each controller its own ServiceAccount and role); see controllerManagerRules.
// - system:mesh-control (our istiod) has a role and binding of its own.
// - admin/edit/view carry their aggregationRule and, already filled in, the aggregated rules,
//   including the Istio kinds (mesh-aggregate-to-edit/view), as if Istio's aggregated roles
//   were installed.
import { aggregateClusterRoles, ruleJson } from './cluster-role-aggregation.js';
import { RBAC_API_VERSION, RBAC_GROUP } from './rbac-types.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from './rbac-types.js';
import { Groups, Users } from './user-info.js';

export const BOOTSTRAP_LABELS: Readonly<Record<string, string>> = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

const core = '';
const apps = 'apps';
const authentication = 'authentication.k8s.io';
const authorization = 'authorization.k8s.io';
const autoscaling = 'autoscaling';
const batch = 'batch';
const certificates = 'certificates.k8s.io';
const coordination = 'coordination.k8s.io';
const discovery = 'discovery.k8s.io';
const events = 'events.k8s.io';
const extensions = 'extensions';
const networking = 'networking.k8s.io';
const policy = 'policy';
const storage = 'storage.k8s.io';
const nodeGroup = 'node.k8s.io';
const rbac = RBAC_GROUP;
const ISTIO_GROUPS = ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];

const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/** A resource rule, with its lists sorted and deduplicated as rbacv1helpers.NewRule makes them. */
function rule(verbs: readonly string[], groups: readonly string[], resources: readonly string[], names: readonly string[] = []): PolicyRule {
  return ruleJson({ verbs: sorted(verbs), apiGroups: sorted(groups), resources: sorted(resources), resourceNames: sorted(names) });
}

function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { verbs: sorted(verbs), nonResourceURLs: sorted(paths) };
}

const eventsRule = (): PolicyRule => rule(['create', 'update', 'patch'], [core, events], ['events']);

function clusterRole(name: string, rules: PolicyRule[], extra: { labels?: Record<string, string>; aggregateLabel?: string } = {}): ClusterRole {
  const role: ClusterRole = {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS, ...extra.labels }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    rules,
  };
  if (extra.aggregateLabel) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateLabel]: 'true' } }] };
  return role;
}

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });

function clusterRoleBinding(name: string, subjects: Subject[], roleName = name): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

function aggregateToViewRules(): PolicyRule[] {
  return [
    rule(READ, [core], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
    rule(READ, [core], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
    // Reading namespaces at namespace scope means reading *this* namespace.
    rule(READ, [core], ['namespaces']),
    rule(READ, [discovery], ['endpointslices']),
    rule(READ, [apps], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
    rule(READ, [autoscaling], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
    rule(READ, [batch], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
    rule(READ, [extensions], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
    rule(READ, [policy], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
    rule(READ, [networking], ['networkpolicies', 'ingresses', 'ingresses/status']),
  ];
}

function aggregateToEditRules(): PolicyRule[] {
  return [
    // Read on the escalating resources view leaves out.
    rule(READ, [core], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
    rule(['impersonate'], [core], ['serviceaccounts']),
    rule(WRITE, [core], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
    rule(['create'], [core], ['pods/eviction']),
    rule(WRITE, [core], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
    rule(['create'], [core], ['serviceaccounts/token']),
    rule(WRITE, [apps], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
    rule(WRITE, [autoscaling], ['horizontalpodautoscalers']),
    rule(WRITE, [batch], ['jobs', 'cronjobs']),
    rule(WRITE, [extensions], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
    rule(WRITE, [policy], ['poddisruptionbudgets']),
    rule(WRITE, [networking], ['networkpolicies', 'ingresses']),
    rule(READ_WRITE, [coordination], ['leases']),
  ];
}

function aggregateToAdminRules(): PolicyRule[] {
  return [rule(['create'], [authorization], ['localsubjectaccessreviews']), rule(READ_WRITE, [rbac], ['roles', 'rolebindings'])];
}

/** Kubernetes' NodeRules, plus what our node agent needs as kube-proxy and node DNS. */
function nodeRules(): PolicyRule[] {
  return [
    // API access checks; these creates change nothing.
    rule(['create'], [authentication], ['tokenreviews']),
    rule(['create'], [authorization], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    // Services for pod environment variables.
    rule(READ, [core], ['services']),
    // Register and report on the node's own Node object (NodeRestriction keeps it to its own).
    rule(['create', 'get', 'list', 'watch'], [core], ['nodes']),
    rule(['update', 'patch'], [core], ['nodes/status']),
    rule(['update', 'patch'], [core], ['nodes']),
    rule(['create', 'update', 'patch'], [core], ['events']),
    rule(READ, [core], ['pods']),
    // Mirror pods, and pod deletion once containers are gone (NodeRestriction: own pods only).
    rule(['create', 'delete'], [core], ['pods']),
    rule(['update', 'patch'], [core], ['pods/status']),
    rule(['create'], [core], ['pods/eviction']),
    rule(['get', 'list', 'watch'], [core], ['secrets', 'configmaps']),
    rule(['get'], [core], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['get'], [core], ['endpoints']),
    rule(['create', 'get', 'list', 'watch'], [certificates], ['certificatesigningrequests']),
    // Node heartbeats (kube-node-lease; NodeRestriction: own lease only).
    rule(['get', 'create', 'update', 'patch', 'delete'], [coordination], ['leases']),
    rule(['get'], [storage], ['volumeattachments']),
    // Projected ServiceAccount tokens for the node's pods.
    rule(['create'], [core], ['serviceaccounts/token']),
    rule(['get', 'list', 'watch'], [nodeGroup], ['runtimeclasses']),
    // Ours: Service rules (kube-proxy) and node-local DNS.
    rule(['list', 'watch'], [core], ['endpoints', 'namespaces']),
    rule(['list', 'watch'], [discovery], ['endpointslices']),
  ];
}

function schedulerRules(): PolicyRule[] {
  return [
    eventsRule(),
    // Leader election.
    rule(['create'], [coordination], ['leases']),
    rule(['get', 'update'], [coordination], ['leases'], ['kube-scheduler']),
    rule(READ, [core], ['nodes']),
    rule(['get', 'list', 'watch', 'delete'], [core], ['pods']),
    rule(['create'], [core], ['pods/binding', 'bindings']),
    rule(['patch', 'update'], [core], ['pods/status']),
    // Things that select pods.
    rule(READ, [core], ['services', 'replicationcontrollers']),
    rule(READ, [apps, extensions], ['replicasets']),
    rule(READ, [apps], ['statefulsets']),
    // Things that pods use or that apply to them.
    rule(READ, [policy], ['poddisruptionbudgets']),
    rule(READ, [core], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['create'], [authentication], ['tokenreviews']),
    rule(['create'], [authorization], ['subjectaccessreviews']),
    rule(READ, [storage], ['csinodes', 'csidrivers', 'csistoragecapacities']),
    // namespaceSelector in pod affinity.
    rule(READ, [core], ['namespaces']),
  ];
}

/**
 * Kubernetes' system:kube-controller-manager role plus the union of the per-controller roles our
 * controllers correspond to (deployment, replicaset, endpoint, endpointslice, namespace,
 * serviceaccount, node-lifecycle, pod-gc, garbage-collector), since they all run as one user.
 * The garbage collector and namespace controller need get/update/delete on every resource, as
 * their Kubernetes roles have.
 */
function controllerManagerRules(): PolicyRule[] {
  return [
    eventsRule(),
    // Leader election.
    rule(['create'], [coordination], ['leases']),
    rule(['get', 'update'], [coordination], ['leases'], ['kube-controller-manager']),
    // Shared informers.
    rule(['list', 'watch'], ['*'], ['*']),
    // Garbage collector and namespace deletion.
    rule(['get', 'update', 'patch', 'delete', 'deletecollection'], ['*'], ['*']),
    // What the controllers create.
    rule(['create'], [core], ['pods', 'endpoints', 'serviceaccounts', 'secrets']),
    rule(['create'], [apps], ['replicasets']),
    rule(['create'], [discovery], ['endpointslices']),
    rule(['create'], [core], ['serviceaccounts/token']),
    rule(['create'], [authentication], ['tokenreviews']),
    rule(['create'], [authorization], ['subjectaccessreviews']),
  ];
}

/** Our istiod: reads everything the mesh is built from, writes events, leases and Istio status. */
function meshControlRules(): PolicyRule[] {
  return [
    rule(READ, [core], ['services', 'endpoints', 'pods', 'namespaces', 'nodes', 'serviceaccounts']),
    rule(READ, [discovery], ['endpointslices']),
    rule(READ, ISTIO_GROUPS, ['*']),
    rule(['update', 'patch'], ISTIO_GROUPS, ['*/status']),
    eventsRule(),
    // Leader election of its controllers.
    rule(READ_WRITE, [coordination], ['leases']),
    // Publishes the mesh root certificate to every namespace (istio-ca-root-cert).
    rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [core], ['configmaps']),
    // Authenticates proxies' ServiceAccount tokens before signing their certificates.
    rule(['create'], [authentication], ['tokenreviews']),
    rule(['create'], [authorization], ['subjectaccessreviews']),
  ];
}

function unaggregatedClusterRoles(): ClusterRole[] {
  return [
    // The "root" role, which can do anything.
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    // Enough to check health and discover API versions for negotiation.
    clusterRole('system:discovery', [
      urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*']),
    ]),
    // Lets a user learn about themselves.
    clusterRole('system:basic-user', [
      rule(['create'], [authorization], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], [authentication], ['selfsubjectreviews']),
    ]),
    // Insensitive cluster information, for everyone.
    clusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    clusterRole('system:service-account-issuer-discovery', [
      urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/']),
    ]),
    clusterRole('admin', [], { aggregateLabel: AGGREGATE_TO_ADMIN }),
    clusterRole('edit', [], { labels: { [AGGREGATE_TO_ADMIN]: 'true' }, aggregateLabel: AGGREGATE_TO_EDIT }),
    clusterRole('view', [], { labels: { [AGGREGATE_TO_EDIT]: 'true' }, aggregateLabel: AGGREGATE_TO_VIEW }),
    clusterRole('system:aggregate-to-admin', aggregateToAdminRules(), { labels: { [AGGREGATE_TO_ADMIN]: 'true' } }),
    clusterRole('system:aggregate-to-edit', aggregateToEditRules(), { labels: { [AGGREGATE_TO_EDIT]: 'true' } }),
    clusterRole('system:aggregate-to-view', aggregateToViewRules(), { labels: { [AGGREGATE_TO_VIEW]: 'true' } }),
    clusterRole('mesh-aggregate-to-edit', [rule(WRITE, ISTIO_GROUPS, ['*'])], { labels: { [AGGREGATE_TO_EDIT]: 'true' } }),
    clusterRole('mesh-aggregate-to-view', [rule(READ, ISTIO_GROUPS, ['*'])], { labels: { [AGGREGATE_TO_VIEW]: 'true' } }),
    clusterRole('system:auth-delegator', [rule(['create'], [authentication], ['tokenreviews']), rule(['create'], [authorization], ['subjectaccessreviews'])]),
    clusterRole('system:node', nodeRules()),
    clusterRole('system:kube-scheduler', schedulerRules()),
    clusterRole('system:kube-controller-manager', controllerManagerRules()),
    clusterRole('system:mesh-control', meshControlRules()),
  ];
}

/** The built-in ClusterRoles, aggregated roles already filled in. */
export function bootstrapClusterRoles(): ClusterRole[] {
  return aggregateClusterRoles(unaggregatedClusterRoles());
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding('cluster-admin', [group(Groups.masters)]),
    clusterRoleBinding('system:discovery', [group(Groups.authenticated)]),
    clusterRoleBinding('system:basic-user', [group(Groups.authenticated)]),
    clusterRoleBinding('system:public-info-viewer', [group(Groups.authenticated), group(Groups.unauthenticated)]),
    clusterRoleBinding('system:service-account-issuer-discovery', [group(Groups.serviceAccounts)]),
    clusterRoleBinding('system:node', [group(Groups.nodes)]),
    clusterRoleBinding('system:kube-scheduler', [user(Users.scheduler)]),
    clusterRoleBinding('system:kube-controller-manager', [user(Users.controllerManager)]),
    clusterRoleBinding('system:mesh-control', [user(Users.meshControl)]),
  ];
}

/** All bootstrap policy objects, roles first. */
export function bootstrapPolicy(): (ClusterRole | ClusterRoleBinding)[] {
  return [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()];
}
