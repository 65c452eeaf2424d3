// describe deployment: replicas, strategy, pod template, conditions, its ReplicaSets, events.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { labelSelectorToString, selectorFromMetav1 } from '../../../lib/api/labels.js';
import { rfc1123z } from '../output/human-time.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import { controlledReplicaSets, templatesEqual } from '../rollout/replica-set-history.js';
import type { Describer } from './describe-deps.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotations, printLabels } from './metadata-lines.js';
import { describePodTemplate } from './pod-template.js';

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The new ReplicaSet (oldest one matching the template) and all the others. */
export function splitReplicaSets(d: KubeObject, all: readonly KubeObject[]): { newRS: KubeObject | undefined; oldRSs: KubeObject[] } {
  const template = isRecord(d.spec) ? d.spec.template : undefined;
  const byAge = [...all].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const newRS = byAge.find((rs) => templatesEqual(isRecord(rs.spec) ? rs.spec.template : undefined, template));
  const oldRSs = all.filter((rs) => rs !== newRS);
  return { newRS, oldRSs };
}

function replicaSetsText(list: readonly KubeObject[]): string {
  const parts = list.map((rs) => `${rs.metadata.name ?? ''} (${num(isRecord(rs.status) ? rs.status.replicas : 0)}/${num(isRecord(rs.spec) ? rs.spec.replicas : 0)} replicas created)`);
  return parts.length === 0 ? '<none>' : parts.join(', ');
}

export const describeDeployment: Describer = async (deps, d) => {
  const spec = isRecord(d.spec) ? d.spec : {};
  const status = isRecord(d.status) ? d.status : {};
  const replicaSets = await controlledReplicaSets(deps.client, d);
  const { newRS, oldRSs } = splitReplicaSets(d, replicaSets);
  const events = deps.showEvents ? await searchEvents(deps.client, { name: d.metadata.name ?? '', namespace: d.metadata.namespace ?? '', kind: d.kind, uid: d.metadata.uid }) : undefined;
  const w = new PrefixWriter();
  w.write(0, `Name:\t${d.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace ?? ''}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  printLabels(w, 'Labels', d.metadata.labels);
  printAnnotations(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${labelSelectorToString(selectorFromMetav1(spec.selector))}\n`);
  w.write(0, `Replicas:\t${num(spec.replicas)} desired | ${num(status.updatedReplicas)} updated | ${num(status.replicas)} total | ${num(status.availableReplicas)} available | ${num(status.unavailableReplicas)} unavailable\n`);
  const strategy = isRecord(spec.strategy) ? spec.strategy : {};
  w.write(0, `StrategyType:\t${str(strategy.type)}\n`);
  w.write(0, `MinReadySeconds:\t${num(spec.minReadySeconds)}\n`);
  if (isRecord(strategy.rollingUpdate)) {
    const ru = strategy.rollingUpdate;
    w.write(0, `RollingUpdateStrategy:\t${str(ru.maxUnavailable) || '0'} max unavailable, ${str(ru.maxSurge) || '0'} max surge\n`);
  }
  describePodTemplate(w, spec.template);
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conditions) w.write(1, `${str(c.type)} \t${str(c.status)}\t${str(c.reason)}\n`);
  }
  if (oldRSs.length > 0 || newRS !== undefined) {
    w.write(0, `OldReplicaSets:\t${replicaSetsText(oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetsText(newRS ? [newRS] : [])}\n`);
  }
  if (events) describeEvents(w, events, deps.now);
  return w.toString();
};
