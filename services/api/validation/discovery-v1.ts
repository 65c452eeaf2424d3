// discovery.k8s.io/v1 EndpointSlice validation (pkg/apis/discovery/validation).
import type { KubeObject } from '../../../lib/api/object.js';
import { fqdnBadValue, isFullyQualifiedDomainName, isValidIPv4Address, isValidIPv6Address } from '../../../lib/api/name-validation.js';
import { validateLabels } from '../../../lib/api/labels.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { PORT_PROTOCOLS, validateDNS1123Label, validateImmutable, validateNonSpecialIP, validateQualifiedName } from './common.js';
import { absent, indexedRecords, list, rec } from './json-access.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';

export const ENDPOINT_SLICE_META: ObjectMetaRules = { namespaced: true, name: nameIsDNSSubdomain, kubeFinalizers: true };

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;

function validateAddress(address: string, addressType: unknown, path: FieldPath): FieldError[] {
  switch (addressType) {
    case 'IPv4':
    case 'IPv6': {
      const msgs = addressType === 'IPv4' ? isValidIPv4Address(address) : isValidIPv6Address(address);
      if (msgs.length > 0) return msgs.map((m) => fieldErrors.invalid(path, address, m));
      return validateNonSpecialIP(address, path);
    }
    case 'FQDN': {
      if (address === '') return [fieldErrors.required(path, '')];
      return isFullyQualifiedDomainName(address).map((m) => fieldErrors.invalid(path, fqdnBadValue(address), m));
    }
    default:
      return [];
  }
}

export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ENDPOINT_SLICE_META);
  const addressType = obj.addressType;
  const typePath = FieldPath.root('addressType');
  if (absent(addressType) || addressType === '') errs.push(fieldErrors.required(typePath, ''));
  else if (typeof addressType === 'string' && !ADDRESS_TYPES.includes(addressType)) errs.push(fieldErrors.notSupported(typePath, addressType, ADDRESS_TYPES));

  const endpointsPath = FieldPath.root('endpoints');
  const endpoints = list(obj.endpoints);
  if (endpoints.length > MAX_ENDPOINTS) errs.push(fieldErrors.tooMany(endpointsPath, endpoints.length, MAX_ENDPOINTS));
  else {
    for (const [i, ep] of indexedRecords(obj.endpoints)) {
      const p = endpointsPath.index(i);
      const addressPath = p.child('addresses');
      const addresses = list(ep.addresses);
      if (addresses.length === 0) errs.push(fieldErrors.required(addressPath, 'must contain at least 1 address'));
      else if (addresses.length > MAX_ADDRESSES) errs.push(fieldErrors.tooMany(addressPath, addresses.length, MAX_ADDRESSES));
      addresses.forEach((a, j) => {
        if (typeof a === 'string') errs.push(...validateAddress(a, addressType, addressPath.index(j)));
      });
      if (typeof ep.nodeName === 'string') {
        for (const msg of nameIsDNSSubdomain(ep.nodeName, false)) errs.push(fieldErrors.invalid(p.child('nodeName'), ep.nodeName, msg));
      }
      const topology = rec(ep.deprecatedTopology);
      if (topology) {
        const tp = p.child('deprecatedTopology');
        if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(fieldErrors.tooMany(tp, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
        errs.push(...validateLabels(topology, tp));
        if (Object.prototype.hasOwnProperty.call(topology, 'topology.kubernetes.io/zone')) {
          errs.push(fieldErrors.internal(tp.key('topology.kubernetes.io/zone'), 'zone should be set in endpoint.zone'));
        }
      }
      if (typeof ep.hostname === 'string') errs.push(...validateDNS1123Label(ep.hostname, p.child('hostname')));
    }
  }

  const portsPath = FieldPath.root('ports');
  const ports = list(obj.ports);
  if (ports.length > MAX_PORTS) errs.push(fieldErrors.tooMany(portsPath, ports.length, MAX_PORTS));
  else {
    const names = new Set<string>();
    for (const [i, port] of indexedRecords(obj.ports)) {
      const p = portsPath.index(i);
      const name = typeof port.name === 'string' ? port.name : '';
      if (name !== '') errs.push(...validateDNS1123Label(name, p.child('name')));
      if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
      else names.add(name);
      if (absent(port.protocol)) errs.push(fieldErrors.required(p.child('protocol'), ''));
      else if (typeof port.protocol === 'string' && !(PORT_PROTOCOLS as readonly string[]).includes(port.protocol)) {
        errs.push(fieldErrors.notSupported(p.child('protocol'), port.protocol, PORT_PROTOCOLS));
      }
      if (typeof port.appProtocol === 'string') errs.push(...validateQualifiedName(port.appProtocol, p.child('appProtocol')));
    }
  }
  return errs;
}

export function validateEndpointSliceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, ENDPOINT_SLICE_META),
    ...validateEndpointSlice(obj),
    ...validateImmutable(obj.addressType, old.addressType, FieldPath.root('addressType')),
  ];
}
