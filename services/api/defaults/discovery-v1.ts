// Defaults of discovery.k8s.io/v1 EndpointSlices (SetDefaults_EndpointPort).
import type { KubeObject } from '../../../lib/api/object.js';
import { indexedRecords, setDefault } from '../validation/json-access.js';

export function defaultEndpointSlice(obj: KubeObject): void {
  for (const [, port] of indexedRecords(obj.ports)) {
    setDefault(port, 'name', '');
    setDefault(port, 'protocol', 'TCP');
  }
}
