// The validation table: for each served kind, its create and update checks. Every kind in
// RESOURCES must have an entry (a test holds the table to that), so validateCreate and
// validateUpdate can treat a missing kind as a programming error.
import type { KubeObject } from '../../../lib/api/object.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import type { KindKey } from '../registry/resources.js';
import { validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate } from './apps-v1.js';
import { dedupeErrors } from './common.js';
import { validateLease, validateLeaseUpdate } from './coordination-v1.js';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateEndpointsUpdate,
  validateEvent,
  validateEventUpdate,
  validateNamespace,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from './core-v1.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './discovery-v1.js';
import {
  istioUpdate,
  validateDestinationRule,
  validateGateway,
  validateServiceEntry,
  validateSidecar,
  validateVirtualService,
} from './istio-networking.js';
import { validateAuthorizationPolicy, validatePeerAuthentication, validateRequestAuthentication } from './istio-security.js';
import { validatePodCreate, validatePodUpdate } from './pod.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from './rbac-v1.js';
import { validateService, validateServiceUpdate } from './service.js';

export interface KindValidator {
  create(obj: KubeObject): FieldError[];
  update(obj: KubeObject, old: KubeObject): FieldError[];
}

function istio(validate: (obj: KubeObject) => FieldError[]): KindValidator {
  return { create: validate, update: istioUpdate(validate) };
}

export const VALIDATORS: Readonly<Record<KindKey, KindValidator>> = {
  '/Namespace': { create: validateNamespace, update: validateNamespaceUpdate },
  '/Node': { create: validateNode, update: validateNodeUpdate },
  '/Pod': { create: validatePodCreate, update: validatePodUpdate },
  '/Service': { create: validateService, update: validateServiceUpdate },
  '/Endpoints': { create: validateEndpoints, update: validateEndpointsUpdate },
  '/ServiceAccount': { create: validateServiceAccount, update: validateServiceAccountUpdate },
  '/Secret': { create: validateSecret, update: validateSecretUpdate },
  '/ConfigMap': { create: validateConfigMap, update: validateConfigMapUpdate },
  '/Event': { create: validateEvent, update: validateEventUpdate },
  'apps/Deployment': { create: validateDeployment, update: validateDeploymentUpdate },
  'apps/ReplicaSet': { create: validateReplicaSet, update: validateReplicaSetUpdate },
  'discovery.k8s.io/EndpointSlice': { create: validateEndpointSlice, update: validateEndpointSliceUpdate },
  'coordination.k8s.io/Lease': { create: validateLease, update: validateLeaseUpdate },
  'rbac.authorization.k8s.io/Role': { create: validateRole, update: validateRoleUpdate },
  'rbac.authorization.k8s.io/RoleBinding': { create: validateRoleBinding, update: validateRoleBindingUpdate },
  'rbac.authorization.k8s.io/ClusterRole': { create: validateClusterRole, update: validateClusterRoleUpdate },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { create: validateClusterRoleBinding, update: validateClusterRoleBindingUpdate },
  'networking.istio.io/Gateway': istio(validateGateway),
  'networking.istio.io/VirtualService': istio(validateVirtualService),
  'networking.istio.io/DestinationRule': istio(validateDestinationRule),
  'networking.istio.io/ServiceEntry': istio(validateServiceEntry),
  'networking.istio.io/Sidecar': istio(validateSidecar),
  'security.istio.io/PeerAuthentication': istio(validatePeerAuthentication),
  'security.istio.io/AuthorizationPolicy': istio(validateAuthorizationPolicy),
  'security.istio.io/RequestAuthentication': istio(validateRequestAuthentication),
};

function validatorFor(key: KindKey): KindValidator {
  const v = Object.prototype.hasOwnProperty.call(VALIDATORS, key) ? VALIDATORS[key] : undefined;
  if (!v) throw new Error(`no validation for kind ${key}`);
  return v;
}

/** The field errors of a new object (after defaulting), in Kubernetes' paths and words. */
export function validateCreate(key: KindKey, obj: KubeObject): FieldError[] {
  return dedupeErrors(validatorFor(key).create(obj));
}

/** The field errors of an update of `old` to `obj` (after defaulting). */
export function validateUpdate(key: KindKey, obj: KubeObject, old: KubeObject): FieldError[] {
  return dedupeErrors(validatorFor(key).update(obj, old));
}
