// Where a Deployment's rollout stands, in kubectl rollout status's words
// (polymorphichelpers DeploymentStatusViewer).
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';

export interface RolloutStatus {
  message: string;
  done: boolean;
}

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Throws an Error (kubectl's text) when the rollout failed or runs a revision other than `revision`. */
export function deploymentStatus(d: KubeObject, revision = 0): RolloutStatus {
  const name = d.metadata.name ?? '';
  if (revision > 0) {
    const running = Number(d.metadata.annotations?.[REVISION_ANNOTATION] ?? 'NaN');
    if (!Number.isInteger(running)) throw new Error(`cannot get the revision of deployment "${name}": ${d.metadata.annotations?.[REVISION_ANNOTATION] === undefined ? 'no revision annotation' : 'invalid revision'}`);
    if (revision !== running) throw new Error(`desired revision (${revision}) is different from the running revision (${running})`);
  }
  const spec = isRecord(d.spec) ? d.spec : {};
  const status = isRecord(d.status) ? d.status : {};
  if (num(d.metadata.generation) <= num(status.observedGeneration)) {
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
    const progressing = conditions.find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') throw new Error(`deployment "${name}" exceeded its progress deadline`);
    const updated = num(status.updatedReplicas);
    if (typeof spec.replicas === 'number' && updated < spec.replicas) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${spec.replicas} new replicas have been updated...\n`, done: false };
    }
    if (num(status.replicas) > updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${num(status.replicas) - updated} old replicas are pending termination...\n`, done: false };
    }
    if (num(status.availableReplicas) < updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${num(status.availableReplicas)} of ${updated} updated replicas are available...\n`, done: false };
    }
    return { message: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
}
