// The defaulting table: for each served kind, what Kubernetes' generated SetObjectDefaults_*
// (and the registry's pre-validation filling-in) does to an incoming object. Istio's kinds
// have none: Istio's webhook validates but does not default.
import type { KubeObject } from '../../../lib/api/object.js';
import type { KindKey } from '../registry/resources.js';
import { defaultDeployment, defaultReplicaSet } from './apps-v1.js';
import { defaultEndpoints, defaultNamespace, defaultNode, defaultPod, defaultSecret, defaultService } from './core-v1.js';
import { defaultEndpointSlice } from './discovery-v1.js';
import { defaultBinding } from './rbac-v1.js';

export type Defaulter = (obj: KubeObject) => void;

function none(): void {}

/** Every served kind, including those without defaults, so a new kind must be placed here. */
export const DEFAULTERS: Readonly<Record<KindKey, Defaulter>> = {
  '/Namespace': defaultNamespace,
  '/Node': defaultNode,
  '/Pod': defaultPod,
  '/Service': defaultService,
  '/Endpoints': defaultEndpoints,
  '/ServiceAccount': none,
  '/Secret': defaultSecret,
  // SetDefaults_ConfigMap makes data an empty map, which JSON leaves out.
  '/ConfigMap': none,
  '/Event': none,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
  'coordination.k8s.io/Lease': none,
  'rbac.authorization.k8s.io/Role': none,
  'rbac.authorization.k8s.io/RoleBinding': defaultBinding,
  'rbac.authorization.k8s.io/ClusterRole': none,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultBinding,
  'networking.istio.io/Gateway': none,
  'networking.istio.io/VirtualService': none,
  'networking.istio.io/DestinationRule': none,
  'networking.istio.io/ServiceEntry': none,
  'networking.istio.io/Sidecar': none,
  'security.istio.io/PeerAuthentication': none,
  'security.istio.io/AuthorizationPolicy': none,
  'security.istio.io/RequestAuthentication': none,
};

/** Fills in the defaults of `obj` (of kind `key`) in place. Unknown kinds are left alone. */
export function applyDefaults(key: KindKey, obj: KubeObject): void {
  const defaulter = Object.prototype.hasOwnProperty.call(DEFAULTERS, key) ? DEFAULTERS[key] : undefined;
  defaulter?.(obj);
}
