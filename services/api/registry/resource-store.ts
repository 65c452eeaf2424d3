// Generic storage of one resource (kube-apiserver's registry.Store): create, get, list,
// update, patch and delete with optimistic concurrency, metadata bookkeeping, admission,
// graceful deletion and finalizers. Kind-specific rules come in through admission plugins.
import { randomUUID } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../../../lib/api/object.js';
import { formatTime } from '../../../lib/api/time.js';
import { isRecord } from '../../../lib/api/object.js';
import type { AdmissionAttributes, AdmissionChain, RequestUser } from '../admission/types.js';
import { Errors, StatusError } from '../../../lib/api/status-error.js';
import type { EtcdStorage, StoredValue, WriteOptions } from '../storage/etcd-storage.js';
import { WatchCache } from '../storage/watch-cache.js';
import type { ResourceInfo } from './resources.js';
import { apiVersionOf } from './resources.js';
import { conflictError, serverSideApply, updateManagedFields } from '../apply/index.js';
import { preparePodForCreate } from './pod-strategy.js';
import { namespacePrefix, objectKey, resourcePrefix } from './storage-keys.js';

export interface RequestContext {
  user: RequestUser;
  /** The version the client addressed (e.g. v1beta1 of an Istio kind). */
  version: string;
  dryRun: boolean;
  /** Who makes the change, for managedFields (?fieldManager=, else from the User-Agent). */
  fieldManager?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  /** Deprecated form of propagationPolicy: Orphan. */
  orphanDependents?: boolean;
}

/** Metadata a status write may change (the kind's status strategy PrepareForUpdate). */
function statusWritableMetadata(group: string, kind: string): ReadonlyArray<'labels' | 'annotations'> {
  if (group === 'apps' && kind === 'Deployment') return ['annotations'];
  if (group === '' || group === 'apps') return ['labels', 'annotations'];
  return [];
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/**
 * The finalizers a delete leaves on the object for the garbage collector (the generic
 * registry's deletionFinalizersForGarbageCollection): Orphan adds "orphan", Foreground adds
 * "foregroundDeletion"; without a policy, finalizers the object already has decide. Every
 * resource here defaults to background deletion, as apps/v1 does.
 */
export function finalizersForDeletion(current: readonly string[], opts: DeleteOptions): string[] {
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
  const orphan = policy === 'Orphan' || (policy === undefined && current.includes(ORPHAN));
  const foreground = policy === 'Foreground' || (policy === undefined && current.includes(FOREGROUND));
  const out = current.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (orphan) out.push(ORPHAN);
  if (foreground) out.push(FOREGROUND);
  return out;
}

export type PatchFn = (patchType: string, current: KubeObject, patch: unknown) => KubeObject;

export interface ResourceStoreDeps {
  storage: EtcdStorage;
  admission: AdmissionChain;
  now: () => Date;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Called after an object is removed from the store (e.g. to free a Service's ClusterIP). */
  onDeleted?: (obj: KubeObject) => Promise<void>;
  /**
   * How long the store keeps an object after its last write (kube-apiserver's TTLFunc: Events,
   * --event-ttl); undefined keeps it until deleted.
   */
  ttlSeconds?: number;
}

/**
 * Which part of the object a write may change. main: spec and metadata; status: the status
 * subresource; binding: pods/binding, which sets spec.nodeName and the PodScheduled condition
 * in one write without the pod update rules (Kubernetes' binding registry writes storage
 * directly too).
 */
export type WriteScope = 'main' | 'status' | 'binding';

function clone<T>(v: T): T {
  return structuredClone(v);
}

function stripForCompare(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class ResourceStore {
  readonly cache: WatchCache;
  private readonly gr: { group: string; resource: string };
  private readonly storageVersion: string;
  private readonly writeOptions: WriteOptions;

  constructor(
    readonly info: ResourceInfo,
    private readonly deps: ResourceStoreDeps,
  ) {
    this.gr = { group: info.group, resource: info.resource };
    this.storageVersion = info.versions[0] ?? 'v1';
    this.cache = new WatchCache(deps.storage, resourcePrefix(info), (key, value, rev) => this.decode(value, rev), { log: deps.log });
    this.writeOptions = deps.ttlSeconds === undefined ? {} : { ttlSeconds: deps.ttlSeconds };
  }

  private get hasStatus(): boolean {
    return this.info.subresources.includes('status');
  }

  // ---- encoding -------------------------------------------------------------------------

  private decode(value: Buffer, revision: number): KubeObject {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (!isRecord(parsed) || !isRecord(parsed.metadata)) throw new Error('stored value is not an object');
    const obj = parsed as KubeObject;
    obj.metadata.resourceVersion = String(revision);
    return obj;
  }

  private encode(obj: KubeObject): Buffer {
    const { resourceVersion: _rv, ...meta } = obj.metadata;
    return Buffer.from(JSON.stringify({ ...obj, apiVersion: apiVersionOf(this.info.group, this.storageVersion), metadata: meta }), 'utf8');
  }

  /** The object as served in the requested version (Istio kinds share one schema across versions). */
  present(obj: KubeObject, version: string): KubeObject {
    return { ...obj, apiVersion: apiVersionOf(this.info.group, version), kind: this.info.kind };
  }

  key(namespace: string, name: string): string {
    return objectKey(this.info, namespace, name);
  }

  prefixFor(namespace: string): string {
    return namespacePrefix(this.info, namespace);
  }

  // ---- reads ----------------------------------------------------------------------------

  async get(namespace: string, name: string, version: string): Promise<KubeObject> {
    const got = await this.deps.storage.get(this.key(namespace, name));
    if (!got) throw Errors.notFound(this.gr, name);
    return this.present(this.decode(got.value, got.modRevision), version);
  }

  /** The store's current revision (a linearizable read). */
  currentRevision(): Promise<number> {
    return this.deps.storage.currentRevision();
  }

  /** One page of decoded objects straight from the store, from startKey, at revision (0 = now). */
  async listRaw(prefix: string, startKey: string, limit: number, revision: number): Promise<{ items: { key: string; obj: KubeObject }[]; revision: number; more: boolean; remaining: number }> {
    const page = await this.deps.storage.list(prefix, { startKey, limit, revision });
    return { items: page.items.map((i) => ({ key: i.key, obj: this.decode(i.value, i.modRevision) })), revision: page.revision, more: page.more, remaining: page.remaining };
  }

  /** The object as the watch cache has it (not to be mutated), shaped like a store read; undefined to read the store. */
  private cachedForUpdate(namespace: string, name: string, pinnedVersion: string | undefined): { obj: KubeObject; stored: StoredValue } | undefined {
    if (!this.cache.isReady) return undefined;
    const key = this.key(namespace, name);
    const c = this.cache.get(key);
    if (!c || (pinnedVersion !== undefined && String(c.revision) !== pinnedVersion)) return undefined;
    // Shared with the cache and only read: guaranteedUpdate hands transforms a clone.
    return { obj: c.obj, stored: { key, value: Buffer.alloc(0), modRevision: c.revision, createRevision: 0 } };
  }

  private async getStored(namespace: string, name: string): Promise<{ obj: KubeObject; stored: StoredValue } | undefined> {
    const got = await this.deps.storage.get(this.key(namespace, name));
    return got ? { obj: this.decode(got.value, got.modRevision), stored: got } : undefined;
  }

  // ---- writes ---------------------------------------------------------------------------

  private attrs(op: AdmissionAttributes['operation'], ctx: RequestContext, namespace: string, name: string, subresource: string, object?: KubeObject, oldObject?: KubeObject): AdmissionAttributes {
    const a: AdmissionAttributes = { operation: op, resource: this.info, version: ctx.version, subresource, namespace, name, user: ctx.user, dryRun: ctx.dryRun };
    if (object) a.object = object;
    if (oldObject) a.oldObject = oldObject;
    return a;
  }

  /** Checks apiVersion/kind of a body against this resource and returns it as an object. */
  checkBody(body: unknown, version: string): KubeObject {
    if (!isRecord(body)) throw Errors.badRequest('the body of the request must be a JSON or YAML object');
    const expected = apiVersionOf(this.info.group, version);
    if (body.apiVersion !== undefined && body.apiVersion !== '' && body.apiVersion !== expected && !this.info.versions.some((v) => apiVersionOf(this.info.group, v) === body.apiVersion)) {
      throw Errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`);
    }
    if (body.kind !== undefined && body.kind !== '' && body.kind !== this.info.kind) {
      throw Errors.badRequest(`${String(body.kind)} in version "${version}" cannot be handled as a ${this.info.kind}: the kind in the data (${String(body.kind)}) does not match the expected kind (${this.info.kind})`);
    }
    if (body.metadata !== undefined && !isRecord(body.metadata)) {
      throw Errors.badRequest(`${this.info.kind} in version "${version}" cannot be handled as a ${this.info.kind}: json: cannot unmarshal ${typeof body.metadata} into Go struct field ${this.info.kind}.metadata of type v1.ObjectMeta`);
    }
    const obj = clone(body) as KubeObject;
    obj.apiVersion = expected;
    obj.kind = this.info.kind;
    obj.metadata = (obj.metadata ?? {}) as ObjectMeta;
    return obj;
  }

  private checkNamespace(obj: KubeObject, namespace: string): void {
    if (!this.info.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const ns = obj.metadata.namespace;
    if (ns !== undefined && ns !== '' && ns !== namespace) {
      throw Errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace;
  }

  async create(namespace: string, body: unknown, ctx: RequestContext): Promise<KubeObject> {
    const obj = this.checkBody(body, ctx.version);
    this.checkNamespace(obj, namespace);
    const meta = obj.metadata;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      throw Errors.badRequest('resourceVersion should not be set on objects to be created');
    }
    if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
      meta.name = meta.generateName + randomSuffix();
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTime(this.deps.now().getTime());
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.hasStatus && this.info.group === '' && this.info.kind !== 'Namespace' && this.info.kind !== 'Node') {
      // Status is written through the status subresource; kube-apiserver resets it on create for most kinds.
      delete obj.status;
    }
    const name = meta.name ?? '';
    const attrs = this.attrs('CREATE', ctx, namespace, name, '', obj);
    await this.deps.admission.admit(attrs);
    if (this.info.group === '' && this.info.kind === 'Pod') preparePodForCreate(obj);
    await this.deps.admission.validate(attrs);
    const finalName = obj.metadata.name ?? '';
    const tracked = this.track(undefined, obj, ctx, '');
    if (ctx.dryRun) return this.present(tracked, ctx.version);
    const res = await this.deps.storage.create(this.key(namespace, finalName), this.encode(tracked), this.writeOptions);
    if (!res.ok) throw Errors.alreadyExists(this.gr, finalName);
    tracked.metadata.resourceVersion = String(res.revision);
    return this.present(tracked, ctx.version);
  }

  /** Records the write in managedFields (server-side apply writes have done so already). */
  private track(live: KubeObject | undefined, next: KubeObject, ctx: RequestContext, subresource: string): KubeObject {
    if (ctx.fieldManager === undefined) return next;
    return updateManagedFields({
      live,
      next,
      manager: ctx.fieldManager,
      ...(subresource !== '' ? { subresource } : {}),
      apiVersion: apiVersionOf(this.info.group, ctx.version),
      now: this.deps.now(),
    });
  }

  /**
   * Replaces an object (PUT). The body's resourceVersion, if set, must match the stored one.
   * scope 'status' takes only .status from the body; 'main' keeps the stored status for
   * kinds with a status subresource.
   */
  async update(namespace: string, name: string, body: unknown, ctx: RequestContext, scope: WriteScope = 'main'): Promise<KubeObject> {
    const obj = this.checkBody(body, ctx.version);
    this.checkNamespace(obj, namespace);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw Errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    const wanted = obj.metadata.resourceVersion;
    return this.guaranteedUpdate(namespace, name, ctx, scope, wanted === undefined || wanted === '' ? undefined : wanted, () => obj);
  }

  /** Applies a patch to the current object, retrying on conflicts unless the patch pins a resourceVersion. */
  async patch(namespace: string, name: string, patchType: string, patch: unknown, patchFn: PatchFn, ctx: RequestContext, scope: WriteScope = 'main'): Promise<KubeObject> {
    return this.guaranteedUpdate(namespace, name, ctx, scope, undefined, (current) => {
      const patched = patchFn(patchType, this.present(current, ctx.version), patch);
      return this.checkBody(patched, ctx.version);
    });
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): merges the applied configuration
   * owned by `manager`, creating the object if it does not exist.
   */
  async apply(namespace: string, name: string, applied: unknown, manager: string, force: boolean, ctx: RequestContext, scope: WriteScope = 'main'): Promise<{ obj: KubeObject; created: boolean }> {
    const run = (live: KubeObject | undefined): KubeObject => {
      const r = serverSideApply({
        live: live ? this.present(live, ctx.version) : undefined,
        applied,
        manager,
        force,
        group: this.info.group,
        version: ctx.version,
        kind: this.info.kind,
        now: this.deps.now(),
        ...(scope === 'status' ? { subresource: 'status' } : {}),
      });
      if (!r.ok) throw conflictError(r.conflicts);
      return r.object;
    };
    const applyCtx: RequestContext = { ...ctx };
    delete applyCtx.fieldManager; // ownership is already recorded by the apply
    for (let attempt = 0; ; attempt++) {
      const exists = await this.getStored(namespace, name);
      if (!exists) {
        if (scope === 'status') throw Errors.notFound(this.gr, name);
        const obj = run(undefined);
        if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
          throw Errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
        }
        obj.metadata.name = name;
        try {
          return { obj: await this.create(namespace, obj, applyCtx), created: true };
        } catch (err) {
          if (err instanceof StatusError && err.code === 409 && err.reason === 'AlreadyExists' && attempt < 5) continue;
          throw err;
        }
      }
      return { obj: await this.guaranteedUpdate(namespace, name, applyCtx, scope, undefined, (current) => this.checkBody(run(current), ctx.version)), created: false };
    }
  }

  /** Read, transform, validate, compare-and-swap; on a conflict with no pinned version, again. */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    ctx: RequestContext,
    scope: WriteScope,
    pinnedVersion: string | undefined,
    transform: (current: KubeObject) => KubeObject,
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      // The first attempt starts from the watch cache, as Kubernetes' GuaranteedUpdate does:
      // the write compares mod_revision, so a stale copy costs a conflict and a store read
      // instead of every update paying that read.
      const fromCache = attempt === 0 ? this.cachedForUpdate(namespace, name, pinnedVersion) : undefined;
      const cur = fromCache ?? (await this.getStored(namespace, name));
      if (!cur) throw Errors.notFound(this.gr, name);
      const old = cur.obj;
      if (pinnedVersion !== undefined && pinnedVersion !== old.metadata.resourceVersion) throw Errors.staleUpdate(this.gr, name);
      // A binding's transform copies what it changes (binding.ts), so the pod is not cloned
      // whole for it: on a scheduler's bind burst that copy was a twentieth of the server's time.
      const incoming = transform(scope === 'binding' ? { ...old, metadata: { ...old.metadata } } : clone(old));
      const merged = this.mergeForUpdate(old, incoming, scope);
      const subresource = scope === 'main' ? '' : scope;
      const attrs = this.attrs('UPDATE', ctx, namespace, name, subresource, merged, old);
      if (scope !== 'binding') {
        await this.deps.admission.admit(attrs);
        await this.deps.admission.validate(attrs);
      }
      // Kubernetes' binding registry writes the pod straight to storage: a bind leaves the
      // pod's managedFields as they were.
      const next = scope === 'binding' ? (attrs.object ?? merged) : this.track(old, attrs.object ?? merged, ctx, subresource);
      // A binding sets spec.nodeName, which it refuses to do when it is set already: never a
      // no-op, so the comparison (two serializations of the pod) is skipped on the hot path.
      if (scope !== 'binding' && sameJson({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }, { ...old, metadata: { ...old.metadata, resourceVersion: undefined } })) {
        if (fromCache) continue; // a no-op against a cached copy: confirm against the store
        return this.present(old, ctx.version); // no-op update: nothing is written, as in Kubernetes
      }
      if (ctx.dryRun) return this.present(next, ctx.version);
      if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0 && this.readyToDelete(next)) {
        const del = await this.deps.storage.delete(this.key(namespace, name), cur.stored.modRevision);
        if (del.ok) {
          next.metadata.resourceVersion = String(del.revision);
          await this.deps.onDeleted?.(next);
          return this.present(next, ctx.version);
        }
      } else {
        const res = await this.deps.storage.update(this.key(namespace, name), this.encode(next), cur.stored.modRevision, this.writeOptions);
        if (res.ok) {
          next.metadata.resourceVersion = String(res.revision);
          return this.present(next, ctx.version);
        }
        if (res.reason === 'not-found') throw Errors.notFound(this.gr, name);
      }
      if (pinnedVersion !== undefined || attempt >= 20) throw Errors.staleUpdate(this.gr, name);
    }
  }

  /** A terminating object without finalizers goes once its grace period is over (pods) or at once. */
  private readyToDelete(obj: KubeObject): boolean {
    const grace = obj.metadata.deletionGracePeriodSeconds;
    return grace === undefined || grace === 0;
  }

  /** What an update may change: metadata bookkeeping stays, status or spec per scope, generation. */
  private mergeForUpdate(old: KubeObject, incoming: KubeObject, scope: WriteScope): KubeObject {
    let next: KubeObject;
    if (scope === 'status') {
      next = clone(old);
      if (incoming.status !== undefined) next.status = incoming.status;
      else delete next.status;
      // The built-in kinds' status strategies reset only the spec (and for Deployments the
      // labels), so labels and annotations sent with a status write stay; custom resources
      // (the Istio kinds) keep all metadata.
      const carried = statusWritableMetadata(this.info.group, this.info.kind);
      for (const field of carried) {
        const v = incoming.metadata[field];
        if (v !== undefined) next.metadata[field] = v;
        else delete next.metadata[field];
      }
    } else {
      next = incoming;
      // pods/binding writes status (PodScheduled) together with spec.nodeName.
      if (this.hasStatus && scope !== 'binding') {
        if (old.status !== undefined) next.status = clone(old.status);
        else delete next.status;
      }
    }
    const m = next.metadata;
    const o = old.metadata;
    m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    m.namespace = o.namespace;
    m.name = o.name;
    if (o.deletionTimestamp !== undefined) m.deletionTimestamp = o.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (!this.info.namespaced) delete m.namespace;
    const specChanged = scope === 'main' && !sameJson(stripForCompare(next), stripForCompare(old));
    m.generation = (o.generation ?? 1) + (specChanged ? 1 : 0);
    m.resourceVersion = o.resourceVersion;
    return next;
  }

  /**
   * DELETE. Pods bound to a node are deleted gracefully (deletionTimestamp set, the node agent
   * finishes the deletion); objects with finalizers are marked and kept until they are removed.
   */
  async delete(namespace: string, name: string, opts: DeleteOptions, ctx: RequestContext): Promise<{ obj: KubeObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.getStored(namespace, name);
      if (!cur) throw Errors.notFound(this.gr, name);
      const obj = cur.obj;
      const pre = opts.preconditions;
      if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) {
        throw Errors.conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
        throw Errors.conflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`);
      }
      await this.deps.admission.validate(this.attrs('DELETE', ctx, namespace, name, '', undefined, obj));
      const grace = this.gracePeriod(obj, opts);
      const finalizers = this.info.kind === 'Namespace' ? (obj.metadata.finalizers ?? []) : finalizersForDeletion(obj.metadata.finalizers ?? [], opts);
      if (grace > 0 || finalizers.length > 0 || this.info.kind === 'Namespace') {
        const marked = clone(obj);
        if (finalizers.length > 0) marked.metadata.finalizers = finalizers;
        else delete marked.metadata.finalizers;
        const now = this.deps.now();
        const m = marked.metadata;
        const due = new Date(now.getTime() + grace * 1000);
        if (m.deletionTimestamp === undefined || new Date(m.deletionTimestamp) > due) {
          m.deletionTimestamp = formatTime(due.getTime());
          m.deletionGracePeriodSeconds = grace;
        }
        if (this.info.kind === 'Namespace') marked.status = { ...(isRecord(marked.status) ? marked.status : {}), phase: 'Terminating' };
        if (grace === 0 && finalizers.length === 0 && this.info.kind !== 'Namespace') {
          // falls through to the immediate delete below
        } else {
          if (ctx.dryRun) return { obj: this.present(marked, ctx.version), deleted: false };
          if (sameJson(marked, obj)) return { obj: this.present(obj, ctx.version), deleted: false };
          const res = await this.deps.storage.update(cur.stored.key, this.encode(marked), cur.stored.modRevision, this.writeOptions);
          if (res.ok) {
            marked.metadata.resourceVersion = String(res.revision);
            return { obj: this.present(marked, ctx.version), deleted: false };
          }
          if (attempt < 20) continue;
          throw Errors.staleUpdate(this.gr, name);
        }
      }
      if (ctx.dryRun) return { obj: this.present(obj, ctx.version), deleted: true };
      const res = await this.deps.storage.delete(cur.stored.key, cur.stored.modRevision);
      if (res.ok) {
        obj.metadata.resourceVersion = String(res.revision);
        await this.deps.onDeleted?.(obj);
        return { obj: this.present(obj, ctx.version), deleted: true };
      }
      if (res.reason === 'not-found') throw Errors.notFound(this.gr, name);
      if (attempt >= 20) throw Errors.staleUpdate(this.gr, name);
    }
  }

  /** Removes an object that is already terminating and has nothing left to wait for. */
  async removeTerminated(namespace: string, name: string): Promise<void> {
    const cur = await this.getStored(namespace, name);
    if (!cur || cur.obj.metadata.deletionTimestamp === undefined) return;
    const res = await this.deps.storage.delete(cur.stored.key, cur.stored.modRevision);
    if (res.ok) await this.deps.onDeleted?.(cur.obj);
  }

  /** Pods bound to a node get a grace period; everything else is deleted at once. */
  private gracePeriod(obj: KubeObject, opts: DeleteOptions): number {
    if (this.info.kind !== 'Pod' || this.info.group !== '') return 0;
    const spec = isRecord(obj.spec) ? obj.spec : {};
    const status = isRecord(obj.status) ? obj.status : {};
    // Unscheduled or finished pods have nothing to stop.
    if (typeof spec.nodeName !== 'string' || spec.nodeName === '') return 0;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
    if (opts.gracePeriodSeconds !== undefined) return Math.max(0, opts.gracePeriodSeconds);
    const g = spec.terminationGracePeriodSeconds;
    return typeof g === 'number' && g >= 0 ? g : 30;
  }
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters as Kubernetes' generateName adds (no vowels, no look-alikes). */
export function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return s;
}

