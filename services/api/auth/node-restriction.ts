// Kubernetes' NodeRestriction admission plugin: a node (user system:node:<name> in group
// system:nodes) may change only its own Node object and lease, the status of pods bound to it,
// delete or evict those pods, create mirror pods of its own, and request tokens for its pods.
// RBAC (system:node) lets every node do these things to any object; this narrows them to the
// node's own. Messages follow plugin/pkg/admission/noderestriction word for word.
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import type { AdmissionAttributes, RequestUser, ValidatingPlugin } from '../admission/types.js';
import { Errors } from '../../../lib/api/status-error.js';
import { Groups, NODE_USER_PREFIX } from './user-info.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const LABEL_NAMESPACE_NODE_RESTRICTION = 'node-restriction.kubernetes.io';

/** Labels a kubelet may set on its Node (k8s.io/kubelet/pkg/apis IsKubeletLabel). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/** Reads the objects the plugin must consult; both optional. */
export interface NodeRestrictionLookup {
  getPod?(namespace: string, name: string): KubeObject | undefined;
  getNode?(name: string): KubeObject | undefined;
}

/** The node a user is, if it is one (nodeidentifier.NodeIdentity). */
export function nodeIdentity(user: RequestUser): { nodeName: string } | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX) || !user.groups.includes(Groups.nodes)) return undefined;
  return { nodeName: user.name.slice(NODE_USER_PREFIX.length) };
}

const q = (s: string): string => JSON.stringify(s);

function record(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

function spec(obj: KubeObject | undefined): Record<string, unknown> {
  return record(obj?.['spec']);
}

function nodeNameOf(pod: KubeObject | undefined): string {
  const n = spec(pod)['nodeName'];
  return typeof n === 'string' ? n : '';
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function labelsEqual(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const x = a ?? {};
  const y = b ?? {};
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => x[k] === y[k]);
}

function modifiedLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): string[] {
  const x = a ?? {};
  const y = b ?? {};
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => x[k] !== y[k]);
}

function labelNamespace(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

const inNamespace = (ns: string, base: string): boolean => ns === base || ns.endsWith(`.${base}`);

function isKubeletLabel(key: string): boolean {
  if (KUBELET_LABELS.has(key)) return true;
  const ns = labelNamespace(key);
  return KUBELET_LABEL_NAMESPACES.some((allowed) => inNamespace(ns, allowed));
}

/** Labels a node may not add, change or remove on itself, sorted. */
function forbiddenLabels(keys: readonly string[]): string[] {
  return keys
    .filter((key) => {
      const ns = labelNamespace(key);
      if (inNamespace(ns, LABEL_NAMESPACE_NODE_RESTRICTION)) return true;
      return (inNamespace(ns, 'kubernetes.io') || inNamespace(ns, 'k8s.io')) && !isKubeletLabel(key);
    })
    .sort();
}

const containerLists = (podSpec: Record<string, unknown>): Record<string, unknown>[] =>
  ['initContainers', 'containers', 'ephemeralContainers'].flatMap((f) => {
    const list = podSpec[f];
    return Array.isArray(list) ? list.filter(isRecord) : [];
  });

const volumes = (podSpec: Record<string, unknown>): Record<string, unknown>[] => {
  const v = podSpec['volumes'];
  return Array.isArray(v) ? v.filter(isRecord) : [];
};

const projectedSources = (podSpec: Record<string, unknown>): Record<string, unknown>[] =>
  volumes(podSpec).flatMap((v) => {
    const sources = record(v['projected'])['sources'];
    return Array.isArray(sources) ? sources.filter(isRecord) : [];
  });

function envRefs(podSpec: Record<string, unknown>, keyRef: string, fromRef: string): boolean {
  return containerLists(podSpec).some((c) => {
    const env = Array.isArray(c['env']) ? c['env'].filter(isRecord) : [];
    const envFrom = Array.isArray(c['envFrom']) ? c['envFrom'].filter(isRecord) : [];
    return env.some((e) => isRecord(record(e['valueFrom'])[keyRef])) || envFrom.some((e) => isRecord(e[fromRef]));
  });
}

/** Whether the pod names any Secret (podutil.VisitPodSecretNames' places that we serve). */
function referencesSecrets(podSpec: Record<string, unknown>): boolean {
  const pullSecrets = podSpec['imagePullSecrets'];
  if (Array.isArray(pullSecrets) && pullSecrets.length > 0) return true;
  if (envRefs(podSpec, 'secretKeyRef', 'secretRef')) return true;
  if (projectedSources(podSpec).some((s) => isRecord(s['secret']))) return true;
  return volumes(podSpec).some((v) =>
    Object.entries(v).some(([kind, src]) => isRecord(src) && (kind === 'secret' || isRecord(src['secretRef']) || isRecord(src['nodePublishSecretRef']))),
  );
}

function referencesConfigMaps(podSpec: Record<string, unknown>): boolean {
  if (envRefs(podSpec, 'configMapKeyRef', 'configMapRef')) return true;
  if (projectedSources(podSpec).some((s) => isRecord(s['configMap']))) return true;
  return volumes(podSpec).some((v) => isRecord(v['configMap']));
}

function admitMirrorPodCreate(nodeName: string, pod: KubeObject | undefined, lookup: NodeRestrictionLookup): string | undefined {
  if (!pod) return 'unexpected type <nil>';
  if (!Object.hasOwn(pod.metadata.annotations ?? {}, MIRROR_POD_ANNOTATION)) {
    return `pod does not have ${q(MIRROR_POD_ANNOTATION)} annotation, node ${q(nodeName)} can only create mirror pods`;
  }
  if (nodeNameOf(pod) !== nodeName) return `node ${q(nodeName)} can only create pods with spec.nodeName set to itself`;
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.length > 1) return `node ${q(nodeName)} can only create pods with a single owner reference set to itself`;
  const owner = owners[0];
  if (!owner) return `node ${q(nodeName)} can only create pods with an owner reference set to itself`;
  if (owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== nodeName) {
    return `node ${q(nodeName)} can only create pods with an owner reference set to itself`;
  }
  if (owner.controller !== true) return `node ${q(nodeName)} can only create pods with a controller owner reference set to itself`;
  if (owner.blockOwnerDeletion === true) return `node ${q(nodeName)} must not set blockOwnerDeletion on an owner reference`;
  if (lookup.getNode) {
    const node = lookup.getNode(nodeName);
    if (!node) return `nodes ${q(nodeName)} not found`;
    if (owner.uid !== node.metadata.uid) return `node ${nodeName} UID mismatch: expected ${owner.uid} got ${node.metadata.uid ?? ''}`;
  }
  const podSpec = spec(pod);
  const sa = podSpec['serviceAccountName'];
  if (typeof sa === 'string' && sa !== '') return `node ${q(nodeName)} can not create pods that reference a service account`;
  if (referencesSecrets(podSpec)) return `node ${q(nodeName)} can not create pods that reference secrets`;
  if (referencesConfigMaps(podSpec)) return `node ${q(nodeName)} can not create pods that reference configmaps`;
  if (projectedSources(podSpec).some((s) => isRecord(s['clusterTrustBundle']))) {
    return `node ${q(nodeName)} can not create pods that reference clustertrustbundles`;
  }
  if (volumes(podSpec).some((v) => isRecord(v['persistentVolumeClaim']))) {
    return `node ${q(nodeName)} can not create pods that reference persistentvolumeclaims`;
  }
  return undefined;
}

/** The pod an operation is about: the stored one the server passed, else a lookup. */
function existingPod(attrs: AdmissionAttributes, name: string, lookup: NodeRestrictionLookup): KubeObject | undefined {
  if (attrs.oldObject && attrs.oldObject.kind === 'Pod') return attrs.oldObject;
  return lookup.getPod?.(attrs.namespace, name);
}

function admitPod(nodeName: string, attrs: AdmissionAttributes, lookup: NodeRestrictionLookup): string | undefined {
  switch (attrs.subresource) {
    case '':
      if (attrs.operation === 'CREATE') return admitMirrorPodCreate(nodeName, attrs.object, lookup);
      if (attrs.operation === 'DELETE') {
        const pod = existingPod(attrs, attrs.name, lookup);
        if (!pod) return `pods ${q(attrs.name)} not found`;
        return nodeNameOf(pod) === nodeName ? undefined : `node ${q(nodeName)} can only delete pods with spec.nodeName set to itself`;
      }
      return `unexpected operation ${q(attrs.operation)}, node ${q(nodeName)} can only create and delete mirror pods`;
    case 'status': {
      if (attrs.operation !== 'UPDATE') return `unexpected operation ${q(attrs.operation)}`;
      const oldPod = attrs.oldObject;
      if (!oldPod) return 'unexpected type <nil>';
      if (nodeNameOf(oldPod) !== nodeName) return `node ${q(nodeName)} can only update pod status for pods with spec.nodeName set to itself`;
      const newPod = attrs.object;
      if (!newPod) return 'unexpected type <nil>';
      if (!labelsEqual(oldPod.metadata.labels, newPod.metadata.labels)) return `node ${q(nodeName)} cannot update labels through pod status`;
      if (!sameJson(record(oldPod['status'])['resourceClaimStatuses'], record(newPod['status'])['resourceClaimStatuses'])) {
        return `node ${q(nodeName)} cannot update resource claim statues`;
      }
      return undefined;
    }
    case 'eviction': {
      if (attrs.operation !== 'CREATE') return `unexpected operation ${attrs.operation}`;
      const podName = attrs.name !== '' ? attrs.name : (attrs.object?.metadata.name ?? '');
      if (podName === '') return 'could not determine pod from request data';
      const pod = existingPod(attrs, podName, lookup);
      if (!pod) return `pods ${q(podName)} not found`;
      return nodeNameOf(pod) === nodeName ? undefined : `node ${nodeName} can only evict pods with spec.nodeName set to itself`;
    }
    default:
      return `unexpected pod subresource ${q(attrs.subresource)}, only 'status' and 'eviction' are allowed`;
  }
}

function admitNode(nodeName: string, attrs: AdmissionAttributes): string | undefined {
  const requested = attrs.name !== '' ? attrs.name : (attrs.object?.metadata.name ?? '');
  if (requested !== nodeName) return `node ${q(nodeName)} is not allowed to modify node ${q(requested)}`;
  if (attrs.operation === 'CREATE') {
    const node = attrs.object;
    if (!node) return 'unexpected type <nil>';
    if (spec(node)['configSource'] != null) return `node ${q(nodeName)} is not allowed to create pods with a non-nil configSource`;
    const bad = forbiddenLabels(modifiedLabels(node.metadata.labels, undefined));
    if (bad.length > 0) return `node ${q(nodeName)} is not allowed to set the following labels: ${bad.join(', ')}`;
  }
  if (attrs.operation === 'UPDATE') {
    const node = attrs.object;
    const old = attrs.oldObject;
    if (!node || !old) return 'unexpected type <nil>';
    const configSource = spec(node)['configSource'];
    if (configSource != null && !sameJson(configSource, spec(old)['configSource'])) {
      return `node ${q(nodeName)} is not allowed to update configSource to a new non-nil configSource`;
    }
    if (!sameJson(spec(node)['taints'], spec(old)['taints'])) return `node ${q(nodeName)} is not allowed to modify taints`;
    const bad = forbiddenLabels(modifiedLabels(node.metadata.labels, old.metadata.labels));
    if (bad.length > 0) return `is not allowed to modify labels: ${bad.join(', ')}`;
  }
  return undefined;
}

function admitServiceAccountToken(nodeName: string, attrs: AdmissionAttributes, lookup: NodeRestrictionLookup): string | undefined {
  if (attrs.operation !== 'CREATE' || attrs.subresource !== 'token') return undefined;
  const ref = record(spec(attrs.object)['boundObjectRef']);
  const str = (k: string): string => (typeof ref[k] === 'string' ? ref[k] : '');
  if (str('apiVersion') !== 'v1' || str('kind') !== 'Pod' || str('name') === '') return 'node requested token not bound to a pod';
  if (str('uid') === '') return 'node requested token with a pod binding without a uid';
  const pod = lookup.getPod?.(attrs.namespace, str('name'));
  if (!pod) return `pods ${q(str('name'))} not found`;
  if (str('uid') !== pod.metadata.uid) {
    return `the UID in the bound object reference (${str('uid')}) does not match the UID in record. The object might have been deleted and then recreated`;
  }
  if (nodeNameOf(pod) !== nodeName) return 'node requested token bound to a pod scheduled on a different node';
  return undefined;
}

function admitLease(nodeName: string, attrs: AdmissionAttributes): string | undefined {
  if (attrs.namespace !== NODE_LEASE_NAMESPACE) return `can only access leases in the ${q(NODE_LEASE_NAMESPACE)} system namespace`;
  const name = attrs.operation === 'CREATE' ? (attrs.object?.metadata.name ?? '') : attrs.name;
  return name === nodeName ? undefined : 'can only access node lease with the same name as the requesting node';
}

/**
 * Why a node may not make this write, or undefined when it may (or the user is not a node).
 * Pods are looked up only when the request does not carry them (evictions, token requests).
 */
export function nodeRestrictionReason(attrs: AdmissionAttributes, lookup: NodeRestrictionLookup = {}): string | undefined {
  const identity = nodeIdentity(attrs.user);
  if (!identity) return undefined;
  if (attrs.operation === 'CONNECT') return undefined;
  const { nodeName } = identity;
  if (nodeName === '') return `could not determine node from user ${q(attrs.user.name)}`;
  const { group, resource } = attrs.resource;
  if (group === '' && resource === 'pods') return admitPod(nodeName, attrs, lookup);
  if (group === '' && resource === 'nodes') return admitNode(nodeName, attrs);
  if (group === '' && resource === 'serviceaccounts') return admitServiceAccountToken(nodeName, attrs, lookup);
  if (group === 'coordination.k8s.io' && resource === 'leases') return admitLease(nodeName, attrs);
  return undefined;
}

/** NodeRestriction as a validating admission plugin: refusals are 403 Forbidden on the object. */
export function nodeRestrictionPlugin(lookup: NodeRestrictionLookup = {}): ValidatingPlugin {
  return {
    name: 'NodeRestriction',
    handles: (attrs) => attrs.operation !== 'CONNECT' && nodeIdentity(attrs.user) !== undefined,
    validate: (attrs) => {
      const reason = nodeRestrictionReason(attrs, lookup);
      if (reason === undefined) return;
      const name = attrs.name !== '' ? attrs.name : (attrs.object?.metadata.name ?? '');
      throw Errors.forbidden({ group: attrs.resource.group, resource: attrs.resource.resource }, name, reason);
    },
  };
}
