// describe replicaset: replicas, the phases of its pods, pod template, conditions, events.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { labelSelectorToString, selectorFromMetav1 } from '../../../lib/api/labels.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import type { Describer, DescribeDeps } from './describe-deps.js';
import { controllerOf } from './describe-pod.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotations, printLabels } from './metadata-lines.js';
import { describePodTemplate } from './pod-template.js';

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Running / Waiting / Succeeded / Failed counts of the pods the controller owns. */
export async function podPhases(deps: DescribeDeps, owner: KubeObject, selector: string): Promise<string> {
  const pods = await deps.client.discovery.resolve('pods');
  const list = await deps.client.list(pods, { namespace: owner.metadata.namespace ?? '', labelSelector: selector === '' ? undefined : selector });
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const p of list.items) {
    if (!p.metadata.ownerReferences?.some((o) => o.controller === true && o.uid === owner.metadata.uid)) continue;
    const phase = isRecord(p.status) ? str(p.status.phase) : '';
    if (phase in counts) counts[phase as keyof typeof counts]++;
  }
  return `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed`;
}

export const describeReplicaSet: Describer = async (deps, rs) => {
  const spec = isRecord(rs.spec) ? rs.spec : {};
  const status = isRecord(rs.status) ? rs.status : {};
  const selector = labelSelectorToString(selectorFromMetav1(spec.selector));
  const phases = await podPhases(deps, rs, selector);
  const events = deps.showEvents ? await searchEvents(deps.client, { name: rs.metadata.name ?? '', namespace: rs.metadata.namespace ?? '', kind: rs.kind, uid: rs.metadata.uid }) : undefined;
  const w = new PrefixWriter();
  w.write(0, `Name:\t${rs.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${rs.metadata.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${selector}\n`);
  printLabels(w, 'Labels', rs.metadata.labels);
  printAnnotations(w, 'Annotations', rs.metadata.annotations);
  const controller = controllerOf(rs);
  if (controller !== '') w.write(0, `Controlled By:\t${controller}\n`);
  w.write(0, `Replicas:\t${num(status.replicas)} current / ${num(spec.replicas)} desired\n`);
  w.write(0, `Pods Status:\t${phases}\n`);
  describePodTemplate(w, spec.template);
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conditions) w.write(1, `${str(c.type)} \t${str(c.status)}\t${str(c.reason)}\n`);
  }
  if (events) describeEvents(w, events, deps.now);
  return w.toString();
};
