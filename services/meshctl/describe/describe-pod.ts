// describe pod.
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { ageSince, rfc1123z } from '../output/human-time.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import type { Describer } from './describe-deps.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotations, printLabels, printTolerations } from './metadata-lines.js';
import { describeContainers, describeVolumes } from './pod-template.js';
import { podQosClass } from './qos-class.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** "Kind/name" of the controlling owner, or ''. */
export function controllerOf(obj: KubeObject): string {
  const ref = obj.metadata.ownerReferences?.find((o) => o.controller === true);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

export const describePod: Describer = async (deps, pod) => {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const status = isRecord(pod.status) ? pod.status : {};
  const mirror = pod.metadata.annotations?.['kubernetes.io/config.mirror'];
  const events = deps.showEvents ? await searchEvents(deps.client, { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: mirror ?? pod.metadata.uid }) : undefined;
  const w = new PrefixWriter();
  w.write(0, `Name:\t${pod.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${pod.metadata.namespace ?? ''}\n`);
  if (typeof spec.priority === 'number') w.write(0, `Priority:\t${spec.priority}\n`);
  if (str(spec.priorityClassName) !== '') w.write(0, `Priority Class Name:\t${str(spec.priorityClassName)}\n`);
  if (str(spec.runtimeClassName) !== '') w.write(0, `Runtime Class Name:\t${str(spec.runtimeClassName)}\n`);
  if (str(spec.serviceAccountName) !== '') w.write(0, `Service Account:\t${str(spec.serviceAccountName)}\n`);
  w.write(0, str(spec.nodeName) === '' ? 'Node:\t<none>\n' : `Node:\t${str(spec.nodeName)}/${str(status.hostIP)}\n`);
  if (str(status.startTime) !== '') w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  printLabels(w, 'Labels', pod.metadata.labels);
  printAnnotations(w, 'Annotations', pod.metadata.annotations);
  const phase = str(status.phase);
  if (pod.metadata.deletionTimestamp !== undefined && phase !== 'Failed' && phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${ageSince(pod.metadata.deletionTimestamp, deps.now)})\n`);
    w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
  } else w.write(0, `Status:\t${phase}\n`);
  if (str(status.reason) !== '') w.write(0, `Reason:\t${str(status.reason)}\n`);
  if (str(status.message) !== '') w.write(0, `Message:\t${str(status.message)}\n`);
  const seccomp = isRecord(spec.securityContext) && isRecord(spec.securityContext.seccompProfile) ? spec.securityContext.seccompProfile : undefined;
  if (seccomp) {
    w.write(0, `SeccompProfile:\t${str(seccomp.type)}\n`);
    if (seccomp.type === 'Localhost') w.write(0, `LocalhostProfile:\t${str(seccomp.localhostProfile)}\n`);
  }
  w.write(0, `IP:\t${str(status.podIP)}\n`);
  const ips = Array.isArray(status.podIPs) ? status.podIPs.filter(isRecord) : [];
  if (ips.length === 0) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.write(1, `IP:\t${str(ip.ip)}\n`);
  }
  const controller = controllerOf(pod);
  if (controller !== '') w.write(0, `Controlled By:\t${controller}\n`);
  if (str(status.nominatedNodeName) !== '') w.write(0, `NominatedNodeName:\t${str(status.nominatedNodeName)}\n`);
  if (Array.isArray(spec.initContainers) && spec.initContainers.length > 0) describeContainers(w, 'Init Containers', spec.initContainers, status.initContainerStatuses, '');
  describeContainers(w, 'Containers', spec.containers, status.containerStatuses, '');
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  const gates = Array.isArray(spec.readinessGates) ? spec.readinessGates.filter(isRecord) : [];
  if (gates.length > 0) {
    w.write(0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of gates) {
      const c = conditions.find((x) => x.type === g.conditionType);
      w.write(1, `${str(g.conditionType)} \t${c ? str(c.status) : '<none>'} \n`);
    }
  }
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conditions) w.write(1, `${str(c.type)} \t${str(c.status)} \n`);
  }
  describeVolumes(w, spec.volumes, '');
  w.write(0, `QoS Class:\t${podQosClass(spec)}\n`);
  printLabels(w, 'Node-Selectors', spec.nodeSelector);
  printTolerations(w, 'Tolerations', spec.tolerations);
  if (events) describeEvents(w, events, deps.now);
  return w.toString();
};
