// The protobuf schema of the built-in kinds: the hand-written .proto files under proto/k8s
// (wire-compatible with k8s.io/api and k8s.io/apimachinery), loaded once with protobufjs, and
// the table of kinds that travel as top-level protobuf bodies.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The .proto files of the API groups; each imports the apimachinery files it needs. */
export const K8S_API_PROTO_FILES = [
  'api/core-v1.proto',
  'api/apps-v1.proto',
  'api/autoscaling-v1.proto',
  'api/discovery-v1.proto',
  'api/coordination-v1.proto',
  'api/rbac-v1.proto',
  'api/policy-v1.proto',
  'api/authentication-v1.proto',
] as const;

const META_PACKAGE = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const UNKNOWN_TYPE = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/** Protobuf package of each group version, and the kinds it sends as whole bodies. */
const API_VERSIONS: Readonly<Record<string, { pkg: string; kinds: readonly string[] }>> = {
  v1: {
    pkg: 'k8s.io.api.core.v1',
    kinds: [
      'Binding',
      'ConfigMap',
      'ConfigMapList',
      'Endpoints',
      'EndpointsList',
      'Event',
      'EventList',
      'Namespace',
      'NamespaceList',
      'Node',
      'NodeList',
      'PersistentVolumeClaim',
      'PersistentVolumeClaimList',
      'Pod',
      'PodList',
      'PodTemplate',
      'PodTemplateList',
      'Secret',
      'SecretList',
      'Service',
      'ServiceAccount',
      'ServiceAccountList',
      'ServiceList',
    ],
  },
  'apps/v1': {
    pkg: 'k8s.io.api.apps.v1',
    kinds: ['ControllerRevision', 'Deployment', 'DeploymentList', 'ReplicaSet', 'ReplicaSetList'],
  },
  'autoscaling/v1': { pkg: 'k8s.io.api.autoscaling.v1', kinds: ['Scale'] },
  'discovery.k8s.io/v1': { pkg: 'k8s.io.api.discovery.v1', kinds: ['EndpointSlice', 'EndpointSliceList'] },
  'coordination.k8s.io/v1': { pkg: 'k8s.io.api.coordination.v1', kinds: ['Lease', 'LeaseList'] },
  'rbac.authorization.k8s.io/v1': {
    pkg: 'k8s.io.api.rbac.v1',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'ClusterRoleList', 'Role', 'RoleBinding', 'RoleBindingList', 'RoleList'],
  },
  'policy/v1': { pkg: 'k8s.io.api.policy.v1', kinds: ['Eviction'] },
  'authentication.k8s.io/v1': { pkg: 'k8s.io.api.authentication.v1', kinds: ['TokenRequest'] },
};

/**
 * meta/v1 kinds that every group version carries (metav1.AddToGroupVersion registers the
 * option types in each one, so a typed apps/v1 client sends "apps/v1, Kind=DeleteOptions"),
 * plus Status, which the API server answers with.
 */
const META_KINDS: readonly string[] = ['CreateOptions', 'DeleteOptions', 'GetOptions', 'ListOptions', 'PatchOptions', 'Status', 'UpdateOptions'];

/** The group versions with a protobuf form, e.g. "v1", "apps/v1". */
export function protobufApiVersions(): string[] {
  return Object.keys(API_VERSIONS);
}

/** The kinds of a group version that travel as protobuf bodies (meta/v1 kinds included). */
export function protobufKinds(apiVersion: string): string[] {
  const gv = API_VERSIONS[apiVersion];
  return gv ? [...gv.kinds, ...META_KINDS] : [];
}

let protoDirCache: string | undefined;

/**
 * Absolute path of proto/k8s. Found by walking up from this module to the first folder holding
 * a package.json and proto/k8s/gojson.proto, so it works from the sources (under vitest) and
 * from dist/, which has no copy of the protos.
 */
export function k8sProtoDir(): string {
  if (protoDirCache !== undefined) return protoDirCache;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    const candidate = join(dir, 'proto', 'k8s');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, 'gojson.proto'))) {
      protoDirCache = candidate;
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Kubernetes protos not found: no ancestor of ${start} has package.json and proto/k8s/gojson.proto`);
    dir = parent;
  }
}

const DESCRIPTOR_PROTO = 'google/protobuf/descriptor.proto';

let rootCache: protobuf.Root | undefined;

/** All Kubernetes messages, loaded once; field names kept as in the .proto files (= JSON names). */
export function k8sProtoRoot(): protobuf.Root {
  if (rootCache) return rootCache;
  const dir = k8sProtoDir();
  const root = new protobuf.Root();
  // Imports are relative to proto/k8s (protoc's include dir); gojson.proto's options extend
  // descriptor.proto, which protobufjs ships.
  root.resolvePath = (_origin, target) => {
    if (target === DESCRIPTOR_PROTO) return createRequire(import.meta.url).resolve(`protobufjs/${DESCRIPTOR_PROTO}`);
    return isAbsolute(target) ? target : join(dir, target);
  };
  root.loadSync([...K8S_API_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  rootCache = root;
  return root;
}

/** The runtime.Unknown envelope message. */
export function unknownEnvelopeType(): protobuf.Type {
  return k8sProtoRoot().lookupType(UNKNOWN_TYPE);
}

/** The message of a kind in a group version, or undefined when it has no protobuf form here. */
export function messageTypeForKind(apiVersion: string, kind: string): protobuf.Type | undefined {
  const gv = API_VERSIONS[apiVersion] ?? (apiVersion === 'meta.k8s.io/v1' ? { pkg: META_PACKAGE, kinds: [] } : undefined);
  if (!gv) return undefined;
  const root = k8sProtoRoot();
  if (gv.kinds.includes(kind)) return root.lookupType(`${gv.pkg}.${kind}`);
  if (META_KINDS.includes(kind)) return root.lookupType(`${META_PACKAGE}.${kind}`);
  return undefined;
}
