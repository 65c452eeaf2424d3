// An in-memory API for controller tests: the ControllerClient surface over tables of objects,
// recording every action (as client-go's fake clientset does) so a test can call sync(key)
// and assert exactly what the controller asked for. Watches see later writes (from a
// resourceVersion: every write after it), selected by namespace, labels and fields as the API
// server selects them, so informers and whole controllers can run against it too. Writes
// follow the API server's rules that controllers depend on: generated names, uids,
// resourceVersions (409 on a stale one), generation on spec changes, status only through
// /status, finalizers and propagation policy on delete, pods/binding and pods/eviction.
import { randomUUID } from 'node:crypto';
import type { ApiResource } from '../api/kube-client/api-resource.js';
import { apiVersionOf } from '../api/kube-client/api-resource.js';
import { ApiError } from '../api/kube-client/api-error.js';
import type { DeleteOptions, GetOptions, ListOptions, PatchType, WatchOptions, WriteOptions } from '../api/kube-client/kube-client.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/object.js';
import { isRecord } from '../api/object.js';
import { formatTime } from '../api/time.js';
import { matchesLabels, parseLabelSelector } from '../api/labels.js';
import { matchesFields, parseFieldSelector } from '../api/fields.js';
import { applyJsonMergePatch, applyJsonPatch, applyStrategicMergePatch, isPatchError, NO_PATCH_META } from '../api/patch/index.js';
import type { ControllerClient } from './client.js';
import { objectKey, resourceId } from './resources.js';

export type ActionVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface Action {
  verb: ActionVerb;
  /** Plural resource name, e.g. "pods". */
  resource: string;
  group: string;
  namespace: string;
  name: string;
  subresource: string;
  /** The body of create/update (as sent). */
  object?: KubeObject;
  patch?: unknown;
  patchType?: PatchType;
  deleteOptions?: DeleteOptions;
}

type Reactor = (a: Action) => Error | undefined;

interface WatchSubscriber {
  push(c: Change): void;
}

/** One write as watches see it; `prev` is the object before a MODIFIED. */
interface Change {
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
  prev?: KubeObject;
}

/** Writes kept for watches that start from a resourceVersion. */
const MAX_HISTORY = 10_000;

export function statusError(code: number, reason: string, message: string, details?: Status['details']): ApiError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new ApiError(status);
}

function gr(r: ApiResource): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** Field values the fake understands in field selectors. */
function fieldValue(obj: KubeObject, field: string): string | undefined {
  if (field === 'metadata.name') return obj.metadata.name;
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (!isRecord(cur)) return '';
    cur = cur[part];
  }
  return typeof cur === 'string' ? cur : cur === undefined ? '' : String(cur);
}

export class FakeClient implements ControllerClient {
  readonly actions: Action[] = [];
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private readonly resources = new Map<string, ApiResource>();
  private readonly reactors: Array<{ verb: ActionVerb | '*'; resource: string; fn: Reactor }> = [];
  private readonly subscribers = new Set<WatchSubscriber>();
  private revision = 1000;
  private readonly history: Change[] = [];
  /** Watches from a resourceVersion below this get 410 Expired (its events were dropped). */
  private oldestServable = 0;
  /** Time source for creation and deletion timestamps. */
  now: () => number = () => Date.now();

  /** Preloads objects (not recorded as actions); returns the stored copies. */
  seed(r: ApiResource, ...objs: KubeObject[]): KubeObject[] {
    return objs.map((o) => this.store(r, this.prepareNew(r, structuredClone(o), o.metadata.namespace ?? '')));
  }

  /** Every stored object of a resource (copies), for assertions. */
  objects(r: ApiResource): KubeObject[] {
    return [...this.table(r).values()].map((o) => structuredClone(o));
  }

  stored(r: ApiResource, namespace: string, name: string): KubeObject | undefined {
    const o = this.table(r).get(namespace === '' || !r.namespaced ? name : `${namespace}/${name}`);
    return o ? structuredClone(o) : undefined;
  }

  /** Actions other than reads, optionally of one verb: what a controller changed. */
  writes(verb?: ActionVerb): Action[] {
    return this.actions.filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch' && (verb === undefined || a.verb === verb));
  }

  clearActions(): void {
    this.actions.length = 0;
  }

  /** Makes matching calls fail: fn returns the error to throw, or undefined to go on. */
  react(verb: ActionVerb | '*', resource: string, fn: Reactor): void {
    this.reactors.push({ verb, resource, fn });
  }

  private table(r: ApiResource): Map<string, KubeObject> {
    const id = resourceId(r);
    this.resources.set(id, r);
    let t = this.tables.get(id);
    if (!t) this.tables.set(id, (t = new Map()));
    return t;
  }

  private record(a: Action): void {
    this.actions.push(a);
    for (const r of this.reactors) {
      if ((r.verb === '*' || r.verb === a.verb) && (r.resource === '*' || r.resource === a.resource || r.resource === `${a.resource}/${a.subresource}`)) {
        const err = r.fn(a);
        if (err) throw err;
      }
    }
  }

  private action(verb: ActionVerb, r: ApiResource, namespace: string | undefined, name: string, extra: Partial<Action> = {}): Action {
    return { verb, resource: r.resource, group: r.group, namespace: r.namespaced ? (namespace ?? '') : '', name, subresource: '', ...extra };
  }

  private key(r: ApiResource, namespace: string | undefined, name: string): string {
    return r.namespaced && namespace !== undefined && namespace !== '' ? `${namespace}/${name}` : name;
  }

  private prepareNew(r: ApiResource, obj: KubeObject, namespace: string): KubeObject {
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    const m = (obj.metadata ??= {});
    if (r.namespaced) m.namespace = namespace || m.namespace || 'default';
    else delete m.namespace;
    if ((m.name === undefined || m.name === '') && m.generateName !== undefined) m.name = `${m.generateName}${randomSuffix()}`;
    m.uid ??= randomUUID();
    m.creationTimestamp ??= formatTime(this.now());
    m.generation ??= 1;
    return obj;
  }

  private store(r: ApiResource, obj: KubeObject): KubeObject {
    const t = this.table(r);
    const key = objectKey(obj);
    const prev = t.get(key);
    obj.metadata.resourceVersion = String(++this.revision);
    t.set(key, obj);
    this.notify(r, prev ? 'MODIFIED' : 'ADDED', obj, prev);
    return structuredClone(obj);
  }

  private remove(r: ApiResource, obj: KubeObject): KubeObject {
    this.table(r).delete(objectKey(obj));
    obj.metadata.resourceVersion = String(++this.revision);
    this.notify(r, 'DELETED', obj);
    return structuredClone(obj);
  }

  private notify(r: ApiResource, type: Change['type'], obj: KubeObject, prev?: KubeObject): void {
    const change: Change = { resource: resourceId(r), type, obj: structuredClone(obj), ...(prev ? { prev: structuredClone(prev) } : {}) };
    this.history.push(change);
    if (this.history.length > MAX_HISTORY) this.oldestServable = Number(this.history.shift()?.obj.metadata.resourceVersion);
    for (const s of this.subscribers) s.push(change);
  }

  private existing(r: ApiResource, namespace: string | undefined, name: string): KubeObject {
    const o = this.table(r).get(this.key(r, namespace, name));
    if (!o) throw statusError(404, 'NotFound', `${gr(r)} "${name}" not found`, { name, group: r.group, kind: r.resource });
    return o;
  }

  async get(r: ApiResource, name: string, o: GetOptions = {}): Promise<KubeObject> {
    await Promise.resolve();
    this.record(this.action('get', r, o.namespace, name, { subresource: o.subresource ?? '' }));
    return structuredClone(this.existing(r, o.namespace, name));
  }

  async list(r: ApiResource, o: ListOptions = {}): Promise<KubeList> {
    await Promise.resolve();
    this.record(this.action('list', r, o.namespace, ''));
    const labels = parseLabelSelector(o.labelSelector ?? '');
    const fields = parseFieldSelector(o.fieldSelector ?? '');
    const items = [...this.table(r).values()]
      .filter((x) => !r.namespaced || o.namespace === undefined || o.namespace === '' || x.metadata.namespace === o.namespace)
      .filter((x) => matchesLabels(labels, x.metadata.labels) && matchesFields(fields, (f) => fieldValue(x, f)))
      .map((x) => structuredClone(x));
    return { apiVersion: apiVersionOf(r), kind: `${r.kind}List`, metadata: { resourceVersion: String(this.revision) }, items };
  }

  async *watch(r: ApiResource, o: WatchOptions = {}): AsyncGenerator<WatchEvent<KubeObject | Status>> {
    this.record(this.action('watch', r, o.namespace, ''));
    const pending: Array<WatchEvent<KubeObject>> = [];
    let wake: (() => void) | undefined;
    const labels = parseLabelSelector(o.labelSelector ?? '');
    const fields = parseFieldSelector(o.fieldSelector ?? '');
    const id = resourceId(r);
    const namespace = r.namespaced ? (o.namespace ?? '') : '';
    const selected = (x: KubeObject | undefined): x is KubeObject =>
      x !== undefined && (namespace === '' || x.metadata.namespace === namespace) && matchesLabels(labels, x.metadata.labels) && matchesFields(fields, (f) => fieldValue(x, f));
    const sub: WatchSubscriber = {
      push: (c) => {
        if (c.resource !== id) return;
        // As the API server's watch cache does: an object entering the selection is ADDED, one
        // leaving it is DELETED (its last selected state, at the new resourceVersion).
        const now = c.type !== 'DELETED' && selected(c.obj);
        const before = c.type === 'DELETED' ? selected(c.obj) : selected(c.prev);
        let ev: WatchEvent<KubeObject> | undefined;
        if (now) ev = { type: before ? 'MODIFIED' : 'ADDED', object: structuredClone(c.obj) };
        else if (before && c.type === 'DELETED') ev = { type: 'DELETED', object: structuredClone(c.obj) };
        else if (before && c.prev) {
          const last = structuredClone(c.prev);
          last.metadata.resourceVersion = c.obj.metadata.resourceVersion;
          ev = { type: 'DELETED', object: last };
        }
        if (!ev) return;
        pending.push(ev);
        wake?.();
      },
    };
    // A watch from a resourceVersion first sees every write after it, as the API server's does.
    const from = o.resourceVersion !== undefined && o.resourceVersion !== '' && o.resourceVersion !== '0' ? Number(o.resourceVersion) : NaN;
    if (!Number.isNaN(from)) {
      if (from < this.oldestServable) {
        yield { type: 'ERROR', object: statusError(410, 'Expired', `too old resource version: ${from} (${this.oldestServable})`).status };
        return;
      }
      for (const c of this.history) if (Number(c.obj.metadata.resourceVersion) > from) sub.push(c);
    }
    this.subscribers.add(sub);
    const onAbort = (): void => wake?.();
    o.signal?.addEventListener('abort', onAbort);
    try {
      while (o.signal?.aborted !== true) {
        const ev = pending.shift();
        if (ev) {
          yield ev;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      this.subscribers.delete(sub);
    }
  }

  async create(r: ApiResource, obj: unknown, o: WriteOptions = {}): Promise<KubeObject> {
    await Promise.resolve();
    if (!isRecord(obj) || !isRecord(obj.metadata)) throw statusError(400, 'BadRequest', 'the object has no metadata');
    const body = structuredClone(obj) as KubeObject;
    const namespace = o.namespace ?? body.metadata.namespace ?? '';
    if (o.subresource !== undefined && o.subresource !== '') return this.createSubresource(r, body, namespace, o.subresource);
    const prepared = this.prepareNew(r, body, namespace);
    this.record(this.action('create', r, prepared.metadata.namespace, prepared.metadata.name ?? '', { object: structuredClone(obj) as KubeObject }));
    if (o.dryRun === true) return prepared;
    const name = prepared.metadata.name ?? '';
    if (this.table(r).has(objectKey(prepared))) throw statusError(409, 'AlreadyExists', `${gr(r)} "${name}" already exists`, { name, group: r.group, kind: r.resource });
    return this.store(r, prepared);
  }

  private createSubresource(r: ApiResource, body: KubeObject, namespace: string, subresource: string): KubeObject {
    const name = body.metadata.name ?? '';
    this.record(this.action('create', r, namespace, name, { subresource, object: structuredClone(body) }));
    const cur = this.existing(r, namespace, name);
    if (subresource === 'binding') {
      const target = isRecord(body.target) && typeof body.target.name === 'string' ? body.target.name : '';
      if (cur.metadata.deletionTimestamp !== undefined) {
        throw statusError(409, 'Conflict', `Operation cannot be fulfilled on pods "${name}": pod is being deleted, cannot be assigned to a host`);
      }
      const spec = isRecord(cur.spec) ? cur.spec : {};
      if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
        throw statusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${spec.nodeName}"`);
      }
      const next = structuredClone(cur);
      next.spec = { ...spec, nodeName: target };
      // The binding registry marks the pod scheduled in the same write.
      const status = isRecord(next.status) ? next.status : (next.status = {});
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => !isRecord(c) || c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: formatTime(this.now()) });
      status.conditions = conditions;
      this.store(r, next);
      return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 } as unknown as KubeObject;
    }
    if (subresource === 'eviction') {
      this.deleteStored(r, cur, {});
      return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 } as unknown as KubeObject;
    }
    throw statusError(404, 'NotFound', `the server could not find the requested resource`);
  }

  async update(r: ApiResource, obj: KubeObject, o: WriteOptions = {}): Promise<KubeObject> {
    await Promise.resolve();
    const namespace = o.namespace ?? obj.metadata.namespace;
    const name = obj.metadata.name ?? '';
    const subresource = o.subresource ?? '';
    this.record(this.action('update', r, namespace, name, { subresource, object: structuredClone(obj) }));
    const cur = this.existing(r, namespace, name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== cur.metadata.resourceVersion) {
      throw statusError(409, 'Conflict', `Operation cannot be fulfilled on ${gr(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    return this.writeUpdate(r, cur, structuredClone(obj), subresource, o.dryRun === true);
  }

  private writeUpdate(r: ApiResource, cur: KubeObject, next: KubeObject, subresource: string, dryRun: boolean): KubeObject {
    let result: KubeObject;
    if (subresource === 'status') {
      result = structuredClone(cur);
      result.status = next.status;
    } else {
      result = next;
      result.apiVersion = cur.apiVersion;
      result.kind = cur.kind;
      // Immutable metadata stays; status changes only through /status where it exists.
      result.metadata = { ...next.metadata, uid: cur.metadata.uid, creationTimestamp: cur.metadata.creationTimestamp, namespace: cur.metadata.namespace, name: cur.metadata.name };
      if (cur.metadata.deletionTimestamp !== undefined) result.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
      if (r.subresources.includes('status')) result.status = cur.status;
      const specChanged = JSON.stringify(cur.spec) !== JSON.stringify(result.spec);
      result.metadata.generation = (cur.metadata.generation ?? 1) + (specChanged && r.kind !== 'Pod' ? 1 : 0);
      if (!r.namespaced) delete result.metadata.namespace;
    }
    if (dryRun) return result;
    if (result.metadata.deletionTimestamp !== undefined && (result.metadata.finalizers ?? []).length === 0) return this.remove(r, result);
    return this.store(r, result);
  }

  async patch(r: ApiResource, name: string, patch: unknown, type: PatchType, o: WriteOptions = {}): Promise<KubeObject> {
    await Promise.resolve();
    const subresource = o.subresource ?? '';
    this.record(this.action('patch', r, o.namespace, name, { subresource, patch: structuredClone(patch), patchType: type }));
    const cur = this.existing(r, o.namespace, name);
    const body = typeof patch === 'string' ? (JSON.parse(patch) as unknown) : patch;
    let next: unknown;
    try {
      if (type === 'json') next = applyJsonPatch(cur, body);
      else if (type === 'strategic') next = applyStrategicMergePatch(cur, body, NO_PATCH_META);
      else next = applyJsonMergePatch(cur, body);
    } catch (err) {
      // The API server's answer (400, 422...), not the patch library's error.
      if (isPatchError(err)) throw new ApiError(err.toStatusError().toStatus());
      throw err;
    }
    const obj = next as KubeObject;
    const rv = isRecord(body) && isRecord(body.metadata) ? body.metadata.resourceVersion : undefined;
    if (typeof rv === 'string' && rv !== cur.metadata.resourceVersion) {
      throw statusError(409, 'Conflict', `Operation cannot be fulfilled on ${gr(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    if (subresource === 'status') return this.writeUpdate(r, cur, obj, 'status', o.dryRun === true);
    // A patch of the main resource may not change status where /status exists.
    if (r.subresources.includes('status')) obj.status = cur.status;
    return this.writeUpdate(r, cur, obj, '', o.dryRun === true);
  }

  async delete(r: ApiResource, name: string, o: DeleteOptions = {}): Promise<KubeObject | Status> {
    await Promise.resolve();
    this.record(this.action('delete', r, o.namespace, name, { deleteOptions: { ...o, signal: undefined } }));
    const cur = this.existing(r, o.namespace, name);
    const pre = o.preconditions;
    if (pre?.uid !== undefined && pre.uid !== cur.metadata.uid) {
      throw statusError(409, 'Conflict', `Operation cannot be fulfilled on ${gr(r)} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw statusError(409, 'Conflict', `Operation cannot be fulfilled on ${gr(r)} "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion ?? ''}`);
    }
    if (o.dryRun === true) return structuredClone(cur);
    return this.deleteStored(r, cur, o);
  }

  /** Finalizers and Orphan/Foreground policies keep the object, marked for deletion. */
  private deleteStored(r: ApiResource, cur: KubeObject, o: DeleteOptions): KubeObject {
    const finalizers = [...(cur.metadata.finalizers ?? [])];
    if (o.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (o.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (finalizers.length === 0) return this.remove(r, structuredClone(cur));
    const next = structuredClone(cur);
    next.metadata.finalizers = finalizers;
    next.metadata.deletionTimestamp ??= formatTime(this.now());
    next.metadata.deletionGracePeriodSeconds ??= 0;
    return this.store(r, next);
  }
}
