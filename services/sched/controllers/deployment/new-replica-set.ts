// getAllReplicaSetsAndSyncRevision / getNewReplicaSet: the ReplicaSet running the Deployment's
// current template (found by template, ignoring the hash label, or created as
// "<deployment>-<hash>"), with its revision raised above every old one. A rollback (the template
// set back to an old ReplicaSet's) thus reuses that ReplicaSet and gives it the next revision.
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { controllerOf } from '../pod-util.js';
import { DEPLOYMENT_KIND, newControllerRef } from '../workload/controller-ref-manager.js';
import type { LabelSelectorJson, ReplicaSet } from '../workload/replica-set.js';
import { asReplicaSet, POD_TEMPLATE_HASH_LABEL, rsMinReadySeconds, templateLabels } from '../workload/replica-set.js';
import { errorMessage, hasStatusCause, NAMESPACE_TERMINATING_CAUSE } from '../workload/status-cause.js';
import { ConditionType, getCondition, newCondition, Reason, setCondition } from './conditions.js';
import type { Deployment } from './deployment-types.js';
import { dMinReadySeconds, hasProgressDeadline } from './deployment-types.js';
import { Annotation, findNewReplicaSet, findOldReplicaSets, maxRevision, newRSNewReplicas, setNewReplicaSetAnnotations } from './deployment-util.js';
import { computeHash, equalIgnoreHash } from './pod-template-hash.js';
import type { RolloutContext } from './rollout-context.js';
import { setDeploymentRevision, updateDeploymentStatus } from './rollout-context.js';

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** Keeps the sync's list current after a write, so a later step does not write a stale copy. */
function replaceIn(list: ReplicaSet[], rs: ReplicaSet): void {
  const i = list.findIndex((x) => x.metadata.uid === rs.metadata.uid);
  if (i >= 0) list[i] = rs;
  else list.push(rs);
}

/** CloneSelectorAndAddLabel. */
function selectorWithLabel(sel: LabelSelectorJson | undefined, key: string, value: string): LabelSelectorJson {
  const copy: LabelSelectorJson = structuredClone(sel ?? {});
  copy.matchLabels = { ...(copy.matchLabels ?? {}), [key]: value };
  return copy;
}

export async function getAllReplicaSetsAndSyncRevision(ctx: RolloutContext, d: Deployment, rsList: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSetsOfDeployment> {
  const { all: oldRSs } = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, oldRSs, createIfNotExisted);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(ctx: RolloutContext, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSet | undefined> {
  const namespace = d.metadata.namespace ?? '';
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;

  if (existing) {
    const rsCopy = structuredClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
    if (annotationsUpdated || rsMinReadySeconds(rsCopy) !== dMinReadySeconds(d)) {
      rsCopy.spec = { ...(rsCopy.spec ?? {}), minReadySeconds: dMinReadySeconds(d) };
      const updated = asReplicaSet(await ctx.client.update(Resources.replicaSets, rsCopy, { namespace }));
      replaceIn(rsList, updated);
      return updated;
    }
    // The ReplicaSet's revision is the one that sticks; the Deployment mirrors it.
    let needsUpdate = setDeploymentRevision(d, rsCopy.metadata.annotations?.[Annotation.Revision] ?? '');
    // A Deployment without a Progressing condition starts counting from when its new ReplicaSet was noticed.
    if (hasProgressDeadline(d) && !getCondition(d.status, ConditionType.Progressing)) {
      const msg = `Found new replica set "${rsCopy.metadata.name ?? ''}"`;
      setCondition((d.status ??= {}), newCondition(ConditionType.Progressing, 'True', Reason.FoundNewRS, msg, ctx.clock.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(ctx, d);
    return rsCopy;
  }

  if (!createIfNotExisted) return undefined;

  const template = structuredClone(d.spec?.template ?? {});
  const hash = computeHash(template, d.status?.collisionCount);
  const labels = { ...templateLabels(d.spec?.template), [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...(template.metadata ?? {}), labels };
  const name = `${d.metadata.name ?? ''}-${hash}`;
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    // The name is deterministic, so a repeated create finds the first one instead of a twin.
    metadata: { name, namespace, ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)], labels: { ...labels } },
    spec: { replicas: 0, minReadySeconds: dMinReadySeconds(d), selector: selectorWithLabel(d.spec?.selector, POD_TEMPLATE_HASH_LABEL, hash), template },
  };
  const newReplicasCount = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec = { ...newRS.spec, replicas: newReplicasCount };
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = asReplicaSet(await ctx.client.create(Resources.replicaSets, newRS, { namespace }));
  } catch (err) {
    if (isApiError(err, 409) && err.reason === 'AlreadyExists') {
      // A slow cache, or a hash collision with someone else's ReplicaSet.
      alreadyExists = true;
      const found = ctx.replicaSets.getByName(namespace, name);
      if (!found) throw err;
      const ref = controllerOf(found);
      if (ref && ref.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
        created = found;
      } else {
        const status = (d.status ??= {});
        const before = status.collisionCount ?? 0;
        status.collisionCount = before + 1;
        try {
          await updateDeploymentStatus(ctx, d);
          ctx.log('found a hash collision for deployment - bumping collisionCount to resolve it', { deployment: `${namespace}/${d.metadata.name ?? ''}`, oldCollisionCount: before, newCollisionCount: before + 1 });
        } catch {
          // Retried with the next sync; the create error below requeues it.
        }
        throw err;
      }
    } else if (hasStatusCause(err, NAMESPACE_TERMINATING_CAUSE)) {
      throw err;
    } else {
      const msg = `Failed to create new replica set "${name}": ${errorMessage(err)}`;
      if (hasProgressDeadline(d)) {
        setCondition((d.status ??= {}), newCondition(ConditionType.Progressing, 'False', Reason.FailedRSCreate, msg, ctx.clock.now()));
        try {
          await updateDeploymentStatus(ctx, d);
        } catch {
          // The create failure is the bigger problem to report.
        }
      }
      ctx.recorder.event(d, 'Warning', Reason.FailedRSCreate, msg);
      throw err;
    }
  }
  replaceIn(rsList, created);
  if (!alreadyExists && newReplicasCount > 0) {
    ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name ?? ''} from 0 to ${newReplicasCount}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    const msg = `Created new replica set "${created.metadata.name ?? ''}"`;
    setCondition((d.status ??= {}), newCondition(ConditionType.Progressing, 'True', Reason.NewReplicaSet, msg, ctx.clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(ctx, d);
  return created;
}
