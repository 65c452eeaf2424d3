// What the rollout steps (Kubernetes' DeploymentController methods, split by concern into
// files here) need from the controller: the API, events, time, the ReplicaSet cache, and a
// way to look at a Deployment again later. Plus the one way they write Deployment status.
import type { ControllerClient } from '../../../../lib/controller/client.js';
import type { Clock } from '../../../../lib/controller/clock.js';
import type { EventRecorder } from '../../../../lib/controller/event-recorder.js';
import type { Logger } from '../../../../lib/controller/informer.js';
import type { ObjectCache } from '../../../../lib/controller/object-cache.js';
import { Resources } from '../../../../lib/controller/resources.js';
import type { ReplicaSet } from '../workload/replica-set.js';
import type { Deployment } from './deployment-types.js';
import { Annotation } from './deployment-util.js';

export interface RolloutContext {
  readonly client: ControllerClient;
  readonly recorder: EventRecorder;
  readonly clock: Clock;
  readonly log: Logger;
  /** The ReplicaSet informer's cache (read after a create found the name taken). */
  readonly replicaSets: ObjectCache<ReplicaSet>;
  requeueAfter(d: Deployment, ms: number): void;
  requeueRateLimited(d: Deployment): void;
}

/**
 * UpdateStatus with the working copy `d`, whose resourceVersion then follows the write so a
 * later write in the same sync does not conflict with our own. Kubernetes keeps annotation
 * changes made through /status on Deployments (that is how the revision annotation is set);
 * when the server dropped the revision, it is written with a metadata patch instead.
 */
export async function updateDeploymentStatus(ctx: RolloutContext, d: Deployment): Promise<void> {
  const namespace = d.metadata.namespace ?? '';
  const written = await ctx.client.update(Resources.deployments, d, { namespace, subresource: 'status' });
  d.metadata.resourceVersion = written.metadata.resourceVersion;
  const revision = d.metadata.annotations?.[Annotation.Revision];
  if (revision !== undefined && written.metadata.annotations?.[Annotation.Revision] !== revision) {
    const patched = await ctx.client.patch(Resources.deployments, d.metadata.name ?? '', { metadata: { annotations: { [Annotation.Revision]: revision } } }, 'merge', { namespace });
    d.metadata.resourceVersion = patched.metadata.resourceVersion;
  }
}

/** SetDeploymentRevision on the working copy; true when it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const ann = (d.metadata.annotations ??= {});
  if (ann[Annotation.Revision] === revision) return false;
  ann[Annotation.Revision] = revision;
  return true;
}
