// discovery.k8s.io/v1: EndpointSlice.
import type { Schema } from '../dsl.js';
import { bool, enumOf, gvk, int32, kind, list, listKind, map, obj, ref, str } from '../dsl.js';
import { CORE } from './core-v1.js';

export const DISCOVERY = 'io.k8s.api.discovery.v1.';
const d = (name: string): string => `${DISCOVERY}${name}`;
const discovery = (k: string): ReturnType<typeof gvk>[] => [gvk('discovery.k8s.io', 'v1', k)];

export const DISCOVERY_V1_DEFINITIONS: Readonly<Record<string, Schema>> = {
  [d('EndpointSlice')]: kind(
    discovery('EndpointSlice'),
    'EndpointSlice represents a set of service endpoints.',
    {
      addressType: enumOf(['FQDN', 'IPv4', 'IPv6'], 'addressType specifies the type of address carried by this EndpointSlice.', 'v1.AddressType'),
      endpoints: list(ref(d('Endpoint')), { description: 'endpoints is a list of unique endpoints in this slice.', listType: 'atomic' }),
      ports: list(ref(d('EndpointPort')), { description: 'ports specifies the list of network ports exposed by each endpoint in this slice.', listType: 'atomic' }),
    },
    { required: ['addressType', 'endpoints'] },
  ),
  [d('EndpointSliceList')]: listKind(discovery('EndpointSliceList'), d('EndpointSlice'), 'EndpointSliceList represents a list of endpoint slices'),
  [d('Endpoint')]: obj(
    {
      addresses: list(str(), { description: 'addresses of this endpoint.', listType: 'set' }),
      conditions: ref(d('EndpointConditions'), 'conditions contains information about the current status of the endpoint.'),
      hostname: str('hostname of this endpoint.'),
      targetRef: ref(`${CORE}ObjectReference`, 'targetRef is a reference to a Kubernetes object that represents this endpoint.'),
      deprecatedTopology: map(str(), 'deprecatedTopology contains topology information part of the v1beta1 API.'),
      nodeName: str('nodeName represents the name of the Node hosting this endpoint.'),
      zone: str('zone is the name of the Zone this endpoint exists in.'),
      hints: ref(d('EndpointHints'), 'hints contains information associated with how an endpoint should be consumed.'),
    },
    { description: 'Endpoint represents a single logical "backend" implementing a service.', required: ['addresses'] },
  ),
  [d('EndpointConditions')]: obj(
    {
      ready: bool('ready indicates that this endpoint is ready to receive traffic.'),
      serving: bool('serving indicates that this endpoint is able to receive traffic, regardless of whether it is terminating.'),
      terminating: bool('terminating indicates that this endpoint is terminating.'),
    },
    'EndpointConditions represents the current condition of an endpoint.',
  ),
  [d('EndpointHints')]: obj(
    {
      forZones: list(ref(d('ForZone')), { description: 'forZones indicates the zone(s) this endpoint should be consumed by.', listType: 'atomic' }),
      forNodes: list(ref(d('ForNode')), { description: 'forNodes indicates the node(s) this endpoint should be consumed by.', listType: 'atomic' }),
    },
    'EndpointHints provides hints describing how an endpoint should be consumed.',
  ),
  [d('ForZone')]: obj({ name: str('name represents the name of the zone.') }, { description: 'ForZone provides information about which zones should consume this endpoint.', required: ['name'] }),
  [d('ForNode')]: obj({ name: str('name represents the name of the node.') }, { description: 'ForNode provides information about which nodes should consume this endpoint.', required: ['name'] }),
  [d('EndpointPort')]: obj(
    {
      name: str('name represents the name of this port.'),
      protocol: enumOf(['SCTP', 'TCP', 'UDP'], 'protocol represents the IP protocol for this port. Must be UDP, TCP, or SCTP.', 'v1.Protocol'),
      port: int32('port represents the port number of the endpoint.'),
      appProtocol: str('The application protocol for this port.'),
    },
    { description: 'EndpointPort represents a Port used by an EndpointSlice', mapType: 'atomic' },
  ),
};
