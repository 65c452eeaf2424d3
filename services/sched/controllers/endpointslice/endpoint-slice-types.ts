// discovery.k8s.io/v1 EndpointSlice as the controller reads and writes it, and the labels that
// tie a slice to its Service and to the controller managing it.
import type { KubeObject, ObjectMeta } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';

/** discovery.LabelServiceName. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** discovery.LabelManagedBy. */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** The managed-by value of kube-controller-manager's EndpointSlice controller. */
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

export const AddressType = { IPv4: 'IPv4', IPv6: 'IPv6', FQDN: 'FQDN' } as const;
export type AddressType = (typeof AddressType)[keyof typeof AddressType];

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
  hints?: unknown;
}

export interface EndpointPort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  metadata: ObjectMeta;
  addressType: string;
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}

function toEndpoint(v: Record<string, unknown>): Endpoint {
  const addresses = Array.isArray(v.addresses) ? v.addresses.filter((a): a is string => typeof a === 'string') : [];
  // The remaining fields are plain JSON of the documented shape; only addresses is relied on structurally.
  return { ...(v as Partial<Endpoint>), addresses };
}

/**
 * A typed view of a stored EndpointSlice. Shares nested objects with its source: a cached
 * slice's view must be cloned before anything in it is changed.
 */
export function asEndpointSlice(obj: KubeObject): EndpointSlice {
  const endpoints = Array.isArray(obj.endpoints) ? obj.endpoints.filter(isRecord).map(toEndpoint) : [];
  const ports = Array.isArray(obj.ports) ? (obj.ports.filter(isRecord) as EndpointPort[]) : undefined;
  const slice: EndpointSlice = { ...obj, addressType: typeof obj.addressType === 'string' ? obj.addressType : '', endpoints };
  if (ports !== undefined) slice.ports = ports;
  else delete slice.ports;
  return slice;
}
