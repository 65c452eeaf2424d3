// Kubernetes' ControllerRefManager: a controller claims the objects it should manage. Objects it
// controls that still match its selector are kept; ones that stopped matching are released
// (the ownerReference removed); orphans that match are adopted (a controller ownerReference
// added), after one fresh read of the owner confirms it is not being deleted.
import type { ApiResource } from '../../../../lib/api/kube-client/api-resource.js';
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import type { LabelSelector } from '../../../../lib/api/labels.js';
import { matchesLabels } from '../../../../lib/api/labels.js';
import type { ControllerClient } from '../../../../lib/controller/client.js';
import { controllerOf } from '../pod-util.js';

/** The group/version and kind written into the ownerReferences a controller sets. */
export interface ControllerKind {
  apiVersion: string;
  kind: string;
}

export const REPLICA_SET_KIND: ControllerKind = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
export const DEPLOYMENT_KIND: ControllerKind = { apiVersion: 'apps/v1', kind: 'Deployment' };

/** metav1.NewControllerRef. */
export function newControllerRef(owner: KubeObject, kind: ControllerKind): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The strategic merge patch that adds the controller reference; metadata.uid guards against a re-created object. */
export function adoptPatch(owner: KubeObject, kind: ControllerKind, objUid: string): Record<string, unknown> {
  return { metadata: { ownerReferences: [newControllerRef(owner, kind)], uid: objUid } };
}

/** The strategic merge patch that removes the owner's reference (ownerReferences merge by uid). */
export function releasePatch(ownerUid: string, objUid: string): Record<string, unknown> {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: objUid } };
}

/** Re-reads the owner: it must still be the same object and not being deleted (RecheckDeletionTimestamp). */
export type CanAdopt = () => Promise<void>;

export function recheckDeletion(client: ControllerClient, resource: ApiResource, owner: KubeObject): CanAdopt {
  let once: Promise<void> | undefined;
  const check = async (): Promise<void> => {
    const ns = owner.metadata.namespace ?? '';
    const name = owner.metadata.name ?? '';
    const fresh = await client.get(resource, name, { namespace: ns });
    if (fresh.metadata.uid !== owner.metadata.uid) {
      throw new Error(`original ${owner.kind} ${ns}/${name} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${owner.metadata.uid ?? ''}`);
    }
    if (fresh.metadata.deletionTimestamp !== undefined) {
      throw new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
  return () => (once ??= check());
}

export interface ClaimTarget {
  /** The resource of the claimed objects (pods, replicasets). */
  resource: ApiResource;
  /** The controller's selector over the objects' labels. */
  selector: LabelSelector;
}

/** Several adoptions or releases failed; the claim still returns what it could claim. */
export class ClaimError extends Error {
  override readonly name = 'ClaimError';
  constructor(readonly errors: readonly Error[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export class ControllerRefManager {
  constructor(
    private readonly client: ControllerClient,
    private readonly owner: KubeObject,
    private readonly kind: ControllerKind,
    private readonly canAdopt: CanAdopt,
  ) {}

  /**
   * Returns the objects the owner controls after adopting and releasing (ClaimPods /
   * ClaimReplicaSets). Failed adoptions and releases are reported together as a ClaimError
   * thrown after every object was looked at.
   */
  async claim<T extends KubeObject>(objs: readonly T[], target: ClaimTarget): Promise<T[]> {
    const claimed: T[] = [];
    const errors: Error[] = [];
    const ownerUid = this.owner.metadata.uid ?? '';
    const ownerDeleting = this.owner.metadata.deletionTimestamp !== undefined;
    for (const obj of objs) {
      const matches = matchesLabels(target.selector, obj.metadata.labels);
      const ref = controllerOf(obj);
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (matches) {
          claimed.push(obj);
          continue;
        }
        // Ours but no longer selected: let go, unless we are being deleted ourselves.
        if (ownerDeleting) continue;
        try {
          await this.release(obj, target.resource);
        } catch (err) {
          errors.push(asError(err));
        }
        continue;
      }
      // An orphan.
      if (ownerDeleting || !matches) continue;
      if (obj.metadata.deletionTimestamp !== undefined) continue;
      const ns = this.owner.metadata.namespace ?? '';
      if (ns !== '' && ns !== (obj.metadata.namespace ?? '')) continue;
      try {
        if (await this.adopt(obj, target.resource)) claimed.push(obj);
      } catch (err) {
        errors.push(asError(err));
      }
    }
    if (errors.length > 0) throw new ClaimError(errors);
    return claimed;
  }

  /** True when adopted; false when the object is gone. */
  private async adopt(obj: KubeObject, resource: ApiResource): Promise<boolean> {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    try {
      await this.canAdopt();
    } catch (err) {
      throw new Error(`can't adopt ${obj.kind} ${ns}/${name} (${obj.metadata.uid ?? ''}): ${asError(err).message}`, { cause: err });
    }
    try {
      await this.client.patch(resource, name, adoptPatch(this.owner, this.kind, obj.metadata.uid ?? ''), 'strategic', { namespace: ns });
      return true;
    } catch (err) {
      if (isApiError(err, 404)) return false;
      throw err;
    }
  }

  private async release(obj: KubeObject, resource: ApiResource): Promise<void> {
    const ns = obj.metadata.namespace ?? '';
    try {
      await this.client.patch(resource, obj.metadata.name ?? '', releasePatch(this.owner.metadata.uid ?? '', obj.metadata.uid ?? ''), 'strategic', { namespace: ns });
    } catch (err) {
      // Gone, or the reference is already gone (Invalid): nothing left to release.
      if (isApiError(err, 404) || isApiError(err, 422)) return;
      throw err;
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
