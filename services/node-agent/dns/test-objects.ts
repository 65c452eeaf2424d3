// Services and EndpointSlices the DNS tests share: one of each shape the resolver answers for.
import type { KubeObject } from '../../../lib/api/object.js';

export interface TestPort {
  name?: string;
  port?: number;
  protocol?: string;
}

export function service(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name, resourceVersion: '1' }, spec };
}

export function clusterIpService(namespace: string, name: string, ip: string, ports: TestPort[]): KubeObject {
  return service(namespace, name, { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports });
}

export function headlessService(namespace: string, name: string, ports: TestPort[]): KubeObject {
  return service(namespace, name, { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports });
}

export function externalNameService(namespace: string, name: string, externalName: string): KubeObject {
  return service(namespace, name, { type: 'ExternalName', externalName });
}

export interface TestEndpoint {
  ip: string;
  hostname?: string;
  /** undefined: condition not reported (counts as ready). */
  ready?: boolean;
}

export function endpointSlice(namespace: string, name: string, serviceName: string, endpoints: TestEndpoint[], ports: TestPort[], addressType = 'IPv4'): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name, resourceVersion: '1', labels: { 'kubernetes.io/service-name': serviceName } },
    addressType,
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: e.ready === undefined ? {} : { ready: e.ready },
      ...(e.hostname !== undefined ? { hostname: e.hostname } : {}),
    })),
    ports,
  };
}

/** The cluster most resolver tests answer from. */
export function sampleCluster(): { services: KubeObject[]; slices: KubeObject[] } {
  return {
    services: [
      clusterIpService('default', 'web', '10.96.1.10', [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ]),
      clusterIpService('other', 'web', '10.96.2.10', [{ name: 'http', port: 80, protocol: 'TCP' }]),
      clusterIpService('kube-system', 'kube-dns', '10.96.0.10', [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ]),
      clusterIpService('default', 'noports', '10.96.1.20', []),
      headlessService('default', 'db', [{ name: 'postgres', port: 5432, protocol: 'TCP' }]),
      externalNameService('default', 'ext', 'example.com'),
      externalNameService('default', 'alias', 'web.default.svc.cluster.local'),
    ],
    slices: [
      endpointSlice(
        'default',
        'web-abcde',
        'web',
        [{ ip: '10.244.1.5', ready: true }, { ip: '10.244.2.6', ready: true }, { ip: '10.244.3.7', ready: false }],
        [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ],
      ),
      endpointSlice(
        'default',
        'db-abcde',
        'db',
        [
          { ip: '10.244.1.20', hostname: 'db-0', ready: true },
          { ip: '10.244.1.21', hostname: 'db-1', ready: true },
          { ip: '10.244.1.22', hostname: 'db-2', ready: false },
        ],
        [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
      ),
      endpointSlice('default', 'db-fghij', 'db', [{ ip: '10.244.2.30' }], [{ name: 'postgres', port: 5432, protocol: 'TCP' }]),
    ],
  };
}
