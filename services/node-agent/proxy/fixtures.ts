// Service and EndpointSlice objects for the proxy's tests and bench.
import type { KubeObject } from '../../../lib/api/object.js';
import { SERVICE_NAME_LABEL } from './service-port.js';

export interface FixturePort {
  name?: string;
  protocol?: 'TCP' | 'UDP';
  port: number;
  targetPort?: number;
  nodePort?: number;
}

export function fixtureService(
  ns: string,
  name: string,
  clusterIP: string,
  ports: FixturePort[],
  extra: { type?: string; sessionAffinity?: 'ClientIP'; affinityTimeoutSeconds?: number; resourceVersion?: string } = {},
): KubeObject {
  const spec: Record<string, unknown> = {
    type: extra.type ?? 'ClusterIP',
    clusterIP,
    clusterIPs: [clusterIP],
    ports: ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port, targetPort: p.targetPort ?? p.port, ...(p.nodePort === undefined ? {} : { nodePort: p.nodePort }) })),
  };
  if (extra.sessionAffinity !== undefined) {
    spec.sessionAffinity = extra.sessionAffinity;
    if (extra.affinityTimeoutSeconds !== undefined) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: extra.affinityTimeoutSeconds } };
  }
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name, resourceVersion: extra.resourceVersion ?? '1' }, spec };
}

export interface FixtureEndpoint {
  ip: string;
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
}

export function fixtureSlice(
  ns: string,
  service: string,
  sliceName: string,
  ports: { name?: string; protocol?: 'TCP' | 'UDP'; port: number }[],
  endpoints: (string | FixtureEndpoint)[],
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name: sliceName, labels: { [SERVICE_NAME_LABEL]: service }, ...(annotations === undefined ? {} : { annotations }) },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port })),
    endpoints: endpoints.map((e) => {
      const ep = typeof e === 'string' ? { ip: e } : e;
      const conditions: Record<string, boolean> = {};
      if (ep.ready !== undefined && ep.ready !== null) conditions.ready = ep.ready;
      if (ep.serving !== undefined && ep.serving !== null) conditions.serving = ep.serving;
      if (ep.terminating !== undefined && ep.terminating !== null) conditions.terminating = ep.terminating;
      return { addresses: [ep.ip], conditions };
    }),
  };
}

/** The i-th address of a /16 base such as '10.96' (i < 65536), skipping .0 of each /24 at i=0. */
export function ipInRange(base16: string, i: number): string {
  return `${base16}.${Math.floor(i / 256)}.${i % 256}`;
}
