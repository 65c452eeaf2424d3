// The parts of a core/v1 Service cluster DNS answers from, narrowed from the JSON object
// (as CoreDNS's object.Service strips a Service down).
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';

export interface ServicePortView {
  name: string;
  /** -1 when the Service declares no ports (CoreDNS's sentinel: addresses but no SRV). */
  port: number;
  protocol: string;
}

export interface ServiceView {
  namespace: string;
  name: string;
  type: string;
  /** spec.clusterIPs (or [spec.clusterIP]); ["None"] for a headless Service. */
  clusterIPs: string[];
  externalName: string;
  ports: ServicePortView[];
}

export const CLUSTER_IP_NONE = 'None';
export const SERVICE_TYPE_EXTERNAL_NAME = 'ExternalName';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function toServiceView(obj: KubeObject): ServiceView {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.filter((ip): ip is string => typeof ip === 'string' && ip !== '') : [];
  const clusterIPs = ips.length > 0 ? ips : str(spec.clusterIP) !== '' ? [str(spec.clusterIP)] : [];
  const rawPorts = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  const ports: ServicePortView[] = rawPorts.map((p) => ({
    name: str(p.name),
    port: typeof p.port === 'number' ? p.port : -1,
    protocol: str(p.protocol) || 'TCP',
  }));
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    type: str(spec.type) || 'ClusterIP',
    clusterIPs,
    externalName: str(spec.externalName),
    ports: ports.length > 0 ? ports : [{ name: '', port: -1, protocol: '' }],
  };
}

export function isHeadless(svc: ServiceView): boolean {
  return svc.clusterIPs[0] === CLUSTER_IP_NONE;
}

export function isExternalName(svc: ServiceView): boolean {
  return svc.type === SERVICE_TYPE_EXTERNAL_NAME;
}
