// describe node: roles, taints, lease, conditions, addresses, capacity, system info, the pods
// on it with their requests and limits, and events.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { ageSince, rfc1123z } from '../output/human-time.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import type { LineWriter } from '../output/prefix-writer.js';
import type { Describer, DescribeDeps } from './describe-deps.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotations, printLabels, printTaints } from './metadata-lines.js';
import type { Quantity } from './quantity.js';
import { addQuantities, formatQuantity, parseQuantity } from './quantity.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (isRecord(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const ZERO: Quantity = { value: 0, binary: false };

/** Roles from node-role.kubernetes.io/<role> labels and kubernetes.io/role. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role !== '') roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

/** A pod's requests and limits: containers summed, each init container taken as a floor. */
function podResources(pod: KubeObject): { req: Map<string, Quantity>; lim: Map<string, Quantity> } {
  const spec = rec(pod.spec);
  const req = new Map<string, Quantity>();
  const lim = new Map<string, Quantity>();
  const add = (into: Map<string, Quantity>, list: unknown): void => {
    for (const [k, v] of Object.entries(rec(list))) into.set(k, addQuantities(into.get(k) ?? ZERO, parseQuantity(v)));
  };
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) {
    add(req, rec(rec(c).resources).requests);
    add(lim, rec(rec(c).resources).limits);
  }
  const floor = (into: Map<string, Quantity>, list: unknown): void => {
    for (const [k, v] of Object.entries(rec(list))) {
      const q = parseQuantity(v);
      if (q.value > (into.get(k)?.value ?? 0)) into.set(k, q);
    }
  };
  for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) {
    floor(req, rec(rec(c).resources).requests);
    floor(lim, rec(rec(c).resources).limits);
  }
  return { req, lim };
}

const percent = (q: Quantity | undefined, total: Quantity | undefined): number => (total === undefined || total.value === 0 ? 0 : Math.trunc(((q?.value ?? 0) / total.value) * 100));
const shown = (q: Quantity | undefined, total: Quantity | undefined): string => `${formatQuantity(q ?? ZERO)} (${percent(q, total)}%)`;

function describeNodeResources(w: LineWriter, pods: readonly KubeObject[], node: KubeObject, now: Date): void {
  const status = rec(node.status);
  const allocRaw = Object.keys(rec(status.allocatable)).length > 0 ? rec(status.allocatable) : rec(status.capacity);
  const alloc = new Map(Object.entries(allocRaw).map(([k, v]) => [k, parseQuantity(v)]));
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const totalReq = new Map<string, Quantity>();
  const totalLim = new Map<string, Quantity>();
  for (const pod of pods) {
    const { req, lim } = podResources(pod);
    for (const [k, q] of req) totalReq.set(k, addQuantities(totalReq.get(k) ?? ZERO, q));
    for (const [k, q] of lim) totalLim.set(k, addQuantities(totalLim.get(k) ?? ZERO, q));
    w.write(1, `${pod.metadata.namespace ?? ''}\t${pod.metadata.name ?? ''}\t\t${shown(req.get('cpu'), alloc.get('cpu'))}\t${shown(lim.get('cpu'), alloc.get('cpu'))}\t${shown(req.get('memory'), alloc.get('memory'))}\t${shown(lim.get('memory'), alloc.get('memory'))}\t${ageSince(pod.metadata.creationTimestamp, now)}\n`);
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) w.write(1, `${r}\t${shown(totalReq.get(r), alloc.get(r))}\t${shown(totalLim.get(r), alloc.get(r))}\n`);
  const extended = [...alloc.keys()].filter((k) => k.includes('/') || k.startsWith('hugepages-')).sort();
  for (const r of extended) w.write(1, `${r}\t${formatQuantity(totalReq.get(r) ?? ZERO)}\t${formatQuantity(totalLim.get(r) ?? ZERO)}\n`);
}

async function leaseLines(deps: DescribeDeps, w: LineWriter, name: string): Promise<void> {
  try {
    const leases = await deps.client.discovery.resolve('leases.coordination.k8s.io');
    const spec = rec((await deps.client.get(leases, name, { namespace: 'kube-node-lease' })).spec);
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${str(spec.holderIdentity) || '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${str(spec.acquireTime) !== '' ? rfc1123z(spec.acquireTime) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${str(spec.renewTime) !== '' ? rfc1123z(spec.renewTime) : '<unset>'}\n`);
  } catch (err) {
    w.write(0, `Lease:\tFailed to get lease: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

export const describeNode: Describer = async (deps, node) => {
  const name = node.metadata.name ?? '';
  const spec = rec(node.spec);
  const status = rec(node.status);
  const podsResource = await deps.client.discovery.resolve('pods');
  const pods = (await deps.client.list(podsResource, { namespace: '', fieldSelector: `spec.nodeName=${name},status.phase!=Failed,status.phase!=Succeeded` })).items;
  let events: KubeObject[] | undefined;
  if (deps.showEvents) {
    events = [...(await searchEvents(deps.client, { name, namespace: '', kind: 'Node', uid: node.metadata.uid })), ...(await searchEvents(deps.client, { name, namespace: '', kind: 'Node', uid: name }))];
  }
  const w = new PrefixWriter();
  w.write(0, `Name:\t${name}\n`);
  const roles = nodeRoles(node.metadata.labels);
  w.write(0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
  printLabels(w, 'Labels', node.metadata.labels);
  printAnnotations(w, 'Annotations', node.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  printTaints(w, 'Taints', spec.taints);
  w.write(0, `Unschedulable:\t${spec.unschedulable === true}\n`);
  await leaseLines(deps, w, name);
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) w.write(1, `${str(c.type)} \t${str(c.status)} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${str(c.reason)} \t${str(c.message)}\n`);
  }
  w.write(0, 'Addresses:\n');
  for (const a of Array.isArray(status.addresses) ? status.addresses.filter(isRecord) : []) w.write(1, `${str(a.type)}:\t${str(a.address)}\n`);
  for (const [title, list] of [['Capacity', rec(status.capacity)], ['Allocatable', rec(status.allocatable)]] as const) {
    const keys = Object.keys(list).sort();
    if (keys.length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const k of keys) w.write(0, `  ${k}:\t${String(list[k])}\n`);
  }
  const info = rec(status.nodeInfo);
  w.write(0, 'System Info:\n');
  const systemInfo: [string, string][] = [
    ['Machine ID', 'machineID'],
    ['System UUID', 'systemUUID'],
    ['Boot ID', 'bootID'],
    ['Kernel Version', 'kernelVersion'],
    ['OS Image', 'osImage'],
    ['Operating System', 'operatingSystem'],
    ['Architecture', 'architecture'],
    ['Container Runtime Version', 'containerRuntimeVersion'],
    ['Kubelet Version', 'kubeletVersion'],
    ['Kube-Proxy Version', 'kubeProxyVersion'],
  ];
  for (const [label, field] of systemInfo) w.write(0, `  ${label}:\t${str(info[field])}\n`);
  if (str(spec.podCIDR) !== '') w.write(0, `PodCIDR:\t${str(spec.podCIDR)}\n`);
  const cidrs = Array.isArray(spec.podCIDRs) ? spec.podCIDRs.filter((x): x is string => typeof x === 'string') : [];
  if (cidrs.length > 0) w.write(0, `PodCIDRs:\t${cidrs.join(',')}\n`);
  if (str(spec.providerID) !== '') w.write(0, `ProviderID:\t${str(spec.providerID)}\n`);
  describeNodeResources(w, pods, node, deps.now);
  if (events) describeEvents(w, events, deps.now);
  return w.toString();
};
