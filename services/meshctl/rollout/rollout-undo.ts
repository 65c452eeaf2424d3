// rollout undo: put back the pod template of an earlier revision (the previous one by default).
import { groupKindLower } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { intFlag } from '../args.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors } from '../errors.js';
import { LAST_APPLIED } from '../apply/last-applied.js';
import { REVISION_ANNOTATION } from './deployment-status.js';
import { controlledReplicaSets, revisionOf, templatesEqual, withoutHash } from './replica-set-history.js';
import { rolloutTargets } from './rollout-target.js';

/** Deployment annotations that are the Deployment's own and never come from a ReplicaSet. */
const SKIPPED_ANNOTATIONS = new Set([
  LAST_APPLIED,
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/**
 * The template as kubectl's typed PodTemplateSpec serializes it: a null creationTimestamp and
 * an empty resources object in every container, which Go never omits.
 */
export function typedTemplate(template: unknown): Record<string, unknown> {
  const t = withoutHash(template);
  const meta = isRecord(t.metadata) ? t.metadata : {};
  t.metadata = { creationTimestamp: null, ...meta };
  if (isRecord(t.spec)) {
    for (const field of ['initContainers', 'containers']) {
      const list = t.spec[field];
      if (Array.isArray(list)) t.spec[field] = list.map((c: unknown) => (isRecord(c) && c.resources === undefined ? { ...c, resources: {} } : c));
    }
  }
  return t;
}

/** The ReplicaSet of `toRevision`, or of the second-highest revision when it is 0. */
export function rollbackTarget(d: KubeObject, replicaSets: readonly KubeObject[], toRevision: number): KubeObject {
  let latest: { rev: number; rs: KubeObject } | undefined;
  let previous: { rev: number; rs: KubeObject } | undefined;
  for (const rs of replicaSets) {
    const rev = revisionOf(rs);
    if (rev === undefined) continue;
    if (toRevision > 0) {
      if (rev === toRevision) return rs;
      continue;
    }
    if (latest === undefined || latest.rev < rev) {
      previous = latest;
      latest = { rev, rs };
    } else if (previous === undefined || previous.rev < rev) previous = { rev, rs };
  }
  if (toRevision > 0) throw new CliError(`unable to find specified revision ${toRevision} in history`);
  if (!previous) throw new CliError(`no rollout history found for deployment ${JSON.stringify(d.metadata.name ?? '')}`);
  return previous.rs;
}

export async function rolloutUndo(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const client = await ctx.client();
  const toRevision = intFlag(ctx.flags, 'to-revision', 0);
  const errors: unknown[] = [];
  for (const info of await rolloutTargets(ctx, client, args, 'undo')) {
    try {
      const d = await client.get(info.resource, info.name, { namespace: info.namespace });
      const spec = isRecord(d.spec) ? d.spec : {};
      if (spec.paused === true) {
        throw new CliError(`you cannot rollback a paused deployment; resume it first with 'meshctl rollout resume' and try again`);
      }
      const rs = rollbackTarget(d, await controlledReplicaSets(client, d), toRevision);
      const rsSpec = isRecord(rs.spec) ? rs.spec : {};
      if (templatesEqual(rsSpec.template, spec.template)) {
        ctx.out(`${groupKindLower(info.resource)}/${info.name} skipped rollback (current template already matches revision ${toRevision})\n`);
        continue;
      }
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
      for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
      const patch = [
        { op: 'replace', path: '/spec/template', value: typedTemplate(rsSpec.template) },
        { op: 'replace', path: '/metadata/annotations', value: annotations },
      ];
      try {
        await client.patch(info.resource, info.name, patch, 'json', { namespace: info.namespace, fieldManager: 'kubectl-rollout' });
      } catch (err) {
        throw new CliError(`failed restoring revision ${revisionOf(rs) ?? 0}: ${err instanceof Error ? err.message : String(err)}`);
      }
      ctx.out(`${groupKindLower(info.resource)}/${info.name} rolled back\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}
