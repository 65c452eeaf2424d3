// describe service: type, addresses, ports with their endpoints, policies, events.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import { formatLabels } from '../output/table-printer.js';
import type { Describer } from './describe-deps.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotations, printLabels } from './metadata-lines.js';

type Rec = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** formatEndpointSlices: ready addresses with the port named `portName`, at most three. */
export function formatEndpoints(slices: readonly KubeObject[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  const max = 3;
  for (const s of slices) {
    const endpoints = recs(s.endpoints).filter((e) => !isRecord(e.conditions) || e.conditions.ready !== false);
    const ports = recs(s.ports);
    const address = (e: Rec): string => strings(e.addresses)[0] ?? '';
    if (ports.length === 0) {
      for (const e of endpoints) {
        if (list.length < max) list.push(address(e));
        count++;
      }
      continue;
    }
    for (const p of ports) {
      if (str(p.name) !== portName) continue;
      for (const e of endpoints) {
        const a = address(e);
        if (list.length < max) list.push(`${a.includes(':') ? `[${a}]` : a}:${str(p.port)}`);
        count++;
      }
    }
  }
  const text = list.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

export const describeService: Describer = async (deps, svc) => {
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const status = isRecord(svc.status) ? svc.status : {};
  const sliceResource = await deps.client.discovery.resolve('endpointslices.discovery.k8s.io');
  const slices = (await deps.client.list(sliceResource, { namespace: svc.metadata.namespace ?? '', labelSelector: `kubernetes.io/service-name=${svc.metadata.name ?? ''}` })).items;
  const events = deps.showEvents ? await searchEvents(deps.client, { name: svc.metadata.name ?? '', namespace: svc.metadata.namespace ?? '', kind: svc.kind, uid: svc.metadata.uid }) : undefined;
  const w = new PrefixWriter();
  w.write(0, `Name:\t${svc.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${svc.metadata.namespace ?? ''}\n`);
  printLabels(w, 'Labels', svc.metadata.labels);
  printAnnotations(w, 'Annotations', svc.metadata.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${str(spec.type)}\n`);
  if (str(spec.ipFamilyPolicy) !== '') w.write(0, `IP Family Policy:\t${str(spec.ipFamilyPolicy)}\n`);
  const families = strings(spec.ipFamilies);
  w.write(0, `IP Families:\t${families.length > 0 ? families.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${str(spec.clusterIP)}\n`);
  const ips = strings(spec.clusterIPs);
  w.write(0, `IPs:\t${ips.length > 0 ? ips.join(',') : '<none>'}\n`);
  if (strings(spec.externalIPs).length > 0) w.write(0, `External IPs:\t${strings(spec.externalIPs).join(',')}\n`);
  if (str(spec.loadBalancerIP) !== '') w.write(0, `Desired LoadBalancer IP:\t${str(spec.loadBalancerIP)}\n`);
  if (str(spec.externalName) !== '') w.write(0, `External Name:\t${str(spec.externalName)}\n`);
  const ingress = isRecord(status.loadBalancer) ? recs(status.loadBalancer.ingress) : [];
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => (str(i.ip) !== '' ? str(i.ip) : str(i.hostname))).join(', ')}\n`);
  for (const p of recs(spec.ports)) {
    const name = str(p.name) === '' ? '<unset>' : str(p.name);
    w.write(0, `Port:\t${name}\t${str(p.port)}/${str(p.protocol)}\n`);
    w.write(0, `TargetPort:\t${str(p.targetPort)}/${str(p.protocol)}\n`);
    if (str(p.appProtocol) !== '') w.write(0, `AppProtocol:\t${str(p.appProtocol)}\n`);
    if (typeof p.nodePort === 'number' && p.nodePort !== 0) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${str(p.protocol)}\n`);
    w.write(0, `Endpoints:\t${formatEndpoints(slices, str(p.name))}\n`);
  }
  w.write(0, `Session Affinity:\t${str(spec.sessionAffinity)}\n`);
  if (str(spec.externalTrafficPolicy) !== '') w.write(0, `External Traffic Policy:\t${str(spec.externalTrafficPolicy)}\n`);
  if (str(spec.internalTrafficPolicy) !== '') w.write(0, `Internal Traffic Policy:\t${str(spec.internalTrafficPolicy)}\n`);
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort !== 0) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if (strings(spec.loadBalancerSourceRanges).length > 0) w.write(0, `LoadBalancer Source Ranges:\t${strings(spec.loadBalancerSourceRanges).join(',')}\n`);
  if (events) describeEvents(w, events, deps.now);
  return w.toString();
};
