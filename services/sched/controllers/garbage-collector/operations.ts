// The garbage collector's API calls (operations.go): get, delete with preconditions, drop
// ownerReferences, drop a finalizer. Every write names the uid it means, directly (delete
// preconditions) or through the resourceVersion of the object it read, so an object
// recreated under the same name is never touched.
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { ApiResource } from '../../../../lib/api/kube-client/api-resource.js';
import type { DeleteOptions } from '../../../../lib/api/kube-client/kube-client.js';
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import type { ControllerClient } from '../../../../lib/controller/client.js';
import type { ObjectIdentity } from './graph.js';
import { formatIdentity } from './graph.js';

export type PropagationPolicy = NonNullable<DeleteOptions['propagationPolicy']>;

/** apiVersion + kind → resource (the REST mapping); undefined for kinds it does not know. */
export type ResourceResolver = (apiVersion: string, kind: string) => ApiResource | undefined;

/** The kind of an owner or dependent has no known resource, so it cannot be looked up. */
export class RestMappingError extends Error {
  override readonly name = 'RestMappingError';
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`unable to get REST mapping for ${kind}.${apiVersion}`);
  }
}

/** Conflicts on finalizer removal are retried this many times before the queue takes over. */
const UPDATE_RETRIES = 3;

export class GcOperations {
  constructor(
    private readonly client: ControllerClient,
    private readonly resolve: ResourceResolver,
  ) {}

  resource(id: Pick<ObjectIdentity, 'apiVersion' | 'kind'>): ApiResource {
    const r = this.resolve(id.apiVersion, id.kind);
    if (!r) throw new RestMappingError(id.apiVersion, id.kind);
    return r;
  }

  private namespace(r: ApiResource, id: ObjectIdentity): string | undefined {
    return r.namespaced ? id.namespace : undefined;
  }

  /** The live object; ApiError 404 when it is gone. */
  getObject(id: ObjectIdentity): Promise<KubeObject> {
    const r = this.resource(id);
    return this.client.get(r, id.name, { namespace: this.namespace(r, id) });
  }

  /**
   * Deletes the object if it still has its uid (and, when given, the resourceVersion it was
   * judged at). If only the resourceVersion moved and the owners are the same, it retries on
   * the uid alone. Returns false when the object is gone.
   */
  async deleteObject(id: ObjectIdentity, resourceVersion: string | undefined, ownersAtVersion: readonly OwnerReference[], policy: PropagationPolicy): Promise<boolean> {
    const r = this.resource(id);
    const namespace = this.namespace(r, id);
    const preconditions = resourceVersion !== undefined && resourceVersion !== '' ? { uid: id.uid, resourceVersion } : { uid: id.uid };
    try {
      await this.client.delete(r, id.name, { namespace, propagationPolicy: policy, preconditions });
      return true;
    } catch (err) {
      if (isApiError(err, 404)) return false;
      if (!isApiError(err, 409) || preconditions.resourceVersion === undefined) throw err;
      let live: KubeObject;
      try {
        live = await this.client.get(r, id.name, { namespace });
      } catch (getErr) {
        if (isApiError(getErr, 404)) return false;
        throw getErr;
      }
      if (live.metadata.uid !== id.uid) return false;
      if (JSON.stringify(live.metadata.ownerReferences ?? []) !== JSON.stringify(ownersAtVersion)) throw err;
      try {
        await this.client.delete(r, id.name, { namespace, propagationPolicy: policy, preconditions: { uid: id.uid } });
        return true;
      } catch (retryErr) {
        if (isApiError(retryErr, 404)) return false;
        throw retryErr;
      }
    }
  }

  /**
   * Rewrites the object's ownerReferences with `edit` (a JSON merge patch carrying the
   * resourceVersion it was read at). `latest` saves the read when the caller has one.
   */
  async patchOwnerReferences(id: ObjectIdentity, edit: (refs: OwnerReference[]) => OwnerReference[], latest?: KubeObject): Promise<void> {
    const r = this.resource(id);
    let obj = latest;
    if (!obj) {
      try {
        obj = await this.getObject(id);
      } catch (err) {
        if (isApiError(err, 404)) return;
        throw err;
      }
    }
    if (obj.metadata.uid !== id.uid) return;
    const refs = obj.metadata.ownerReferences ?? [];
    const next = edit(structuredClone(refs));
    if (JSON.stringify(next) === JSON.stringify(refs)) return;
    try {
      await this.client.patch(r, id.name, { metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: next } }, 'merge', { namespace: this.namespace(r, id) });
    } catch (err) {
      if (isApiError(err, 404)) return;
      throw err;
    }
  }

  /** Drops the owner reference(s) with these uids from the object. */
  removeOwnerReferences(id: ObjectIdentity, ownerUids: readonly string[], latest?: KubeObject): Promise<void> {
    return this.patchOwnerReferences(id, (refs) => refs.filter((ref) => !ownerUids.includes(ref.uid)), latest);
  }

  /** Drops a finalizer from the object (the API server then deletes it if none is left). */
  async removeFinalizer(id: ObjectIdentity, finalizer: string): Promise<void> {
    const r = this.resource(id);
    for (let attempt = 1; ; attempt++) {
      let obj: KubeObject;
      try {
        obj = await this.getObject(id);
      } catch (err) {
        if (isApiError(err, 404)) return;
        throw err;
      }
      if (obj.metadata.uid !== id.uid) return;
      const finalizers = obj.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      try {
        await this.client.patch(
          r,
          id.name,
          { metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== finalizer) } },
          'merge',
          { namespace: this.namespace(r, id) },
        );
        return;
      } catch (err) {
        if (isApiError(err, 404)) return;
        if (!isApiError(err, 409) || attempt >= UPDATE_RETRIES) {
          throw new Error(`cannot remove finalizer ${finalizer} from ${formatIdentity(id)}: ${String(err)}`, { cause: err });
        }
      }
    }
  }
}
