// additionalPrinterColumns of the Istio CRDs (istio manifests/charts/base/files/crd-all.gen.yaml),
// identical in every served version. Kinds absent here have none and get the CRD default (Age).
import type { KindKey } from '../registry/resources.js';
import type { PrinterColumn } from './crd-printer.js';

const ISTIO_AGE: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. For more information, see [Kubernetes API Conventions](https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#metadata)',
};

export const ISTIO_PRINTER_COLUMNS: ReadonlyMap<KindKey, readonly PrinterColumn[]> = new Map<KindKey, readonly PrinterColumn[]>([
  [
    'networking.istio.io/VirtualService',
    [
      {
        name: 'Gateways',
        type: 'string',
        jsonPath: '.spec.gateways',
        description: 'The names of gateways and sidecars that should apply these routes',
      },
      { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts', description: 'The destination hosts to which traffic is being sent' },
      ISTIO_AGE,
    ],
  ],
  [
    'networking.istio.io/DestinationRule',
    [
      { name: 'Host', type: 'string', jsonPath: '.spec.host', description: 'The name of a service from the service registry' },
      ISTIO_AGE,
    ],
  ],
  [
    'networking.istio.io/ServiceEntry',
    [
      { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts', description: 'The hosts associated with the ServiceEntry' },
      {
        name: 'Location',
        type: 'string',
        jsonPath: '.spec.location',
        description: 'Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)',
      },
      {
        name: 'Resolution',
        type: 'string',
        jsonPath: '.spec.resolution',
        description: 'Service resolution mode for the hosts (NONE, STATIC, or DNS)',
      },
      ISTIO_AGE,
    ],
  ],
  [
    'security.istio.io/PeerAuthentication',
    [
      { name: 'Mode', type: 'string', jsonPath: '.spec.mtls.mode', description: 'Defines the mTLS mode used for peer authentication.' },
      ISTIO_AGE,
    ],
  ],
  [
    'security.istio.io/AuthorizationPolicy',
    [{ name: 'Action', type: 'string', jsonPath: '.spec.action', description: 'The operation to take.' }, ISTIO_AGE],
  ],
]);
