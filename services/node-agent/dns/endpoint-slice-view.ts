// The parts of a discovery.k8s.io/v1 EndpointSlice cluster DNS answers from: its Service, its
// ports, and the addresses of the endpoints published in DNS. As in CoreDNS, an endpoint is
// published while it is ready (an unset condition counts as ready); the EndpointSlice
// controller already reports not-ready pods as ready for Services with
// publishNotReadyAddresses. FQDN slices carry no addresses DNS can serve.
import { isIP } from 'node:net';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import type { ServicePortView } from './service-view.js';

/** discovery.LabelServiceName. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

export interface EndpointAddressView {
  ip: string;
  /** endpoint.hostname, '' when unset. */
  hostname: string;
}

export interface EndpointSliceView {
  namespace: string;
  name: string;
  /** The Service the slice belongs to ('' when the label is missing). */
  serviceName: string;
  ports: ServicePortView[];
  /** Addresses of the endpoints published in DNS, in slice order. */
  addresses: EndpointAddressView[];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function toEndpointSliceView(obj: KubeObject): EndpointSliceView {
  const rawPorts = Array.isArray(obj.ports) ? obj.ports.filter(isRecord) : [];
  const ports: ServicePortView[] = rawPorts.map((p) => ({
    name: str(p.name),
    port: typeof p.port === 'number' ? p.port : -1,
    protocol: str(p.protocol) || 'TCP',
  }));
  const addresses: EndpointAddressView[] = [];
  const addressType = str(obj.addressType);
  const endpoints = addressType === 'FQDN' || !Array.isArray(obj.endpoints) ? [] : obj.endpoints.filter(isRecord);
  for (const ep of endpoints) {
    const conditions = isRecord(ep.conditions) ? ep.conditions : {};
    if (conditions.ready === false) continue;
    const hostname = str(ep.hostname);
    const list = Array.isArray(ep.addresses) ? ep.addresses : [];
    for (const a of list) if (typeof a === 'string' && isIP(a) !== 0) addresses.push({ ip: a, hostname });
  }
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    serviceName: obj.metadata.labels?.[LABEL_SERVICE_NAME] ?? '',
    ports: ports.length > 0 ? ports : [{ name: '', port: -1, protocol: '' }],
    addresses,
  };
}
