// client-go's reflector + informer: list a resource, then watch from the list's
// resourceVersion into an ObjectCache, calling handlers for each change. A watch that ends is
// resumed from the last resourceVersion seen (bookmarks keep it fresh); 410 Expired relists,
// and a relist reports the difference as adds, updates and deletes.
import type { ApiResource } from '../api/kube-client/api-resource.js';
import { isApiError } from '../api/kube-client/api-error.js';
import type { KubeObject, Status } from '../api/object.js';
import { isRecord } from '../api/object.js';
import type { ControllerClient } from './client.js';
import type { Clock } from './clock.js';
import { realClock } from './clock.js';
import { ObjectCache } from './object-cache.js';
import { objectKey, resourceId } from './resources.js';
import { sleep } from './sleep.js';

export interface EventHandler<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export type Logger = (msg: string, fields?: Record<string, unknown>) => void;

export interface InformerOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** '' (default): every namespace. */
  namespace?: string;
  clock?: Clock;
  log?: Logger;
  /** Items per list page. */
  pageSize?: number;
}

class ExpiredError extends Error {
  override readonly name = 'ExpiredError';
}

export class Informer<T extends KubeObject = KubeObject> {
  readonly cache = new ObjectCache<T>();
  private readonly handlers: Array<EventHandler<T>> = [];
  private synced = false;
  private readonly syncWaiters: Array<() => void> = [];
  private readonly clock: Clock;
  private readonly log: Logger;
  private resourceVersion: string | undefined;

  constructor(
    private readonly client: ControllerClient,
    readonly resource: ApiResource,
    private readonly o: InformerOptions = {},
  ) {
    this.clock = o.clock ?? realClock;
    this.log = o.log ?? (() => undefined);
  }

  /** Adds a handler; it first hears an add for every object already cached (as client-go does). */
  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    if (h.onAdd) for (const obj of this.cache.list()) this.call(() => h.onAdd?.(obj));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache, or when the signal aborts. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced || signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  get lastSyncResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** Lists and watches until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist(signal);
        await this.watchOnce(signal);
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof ExpiredError || isApiError(err, 410)) {
          this.resourceVersion = undefined;
          continue;
        }
        failures++;
        const delay = Math.min(30_000, 800 * 2 ** Math.min(failures - 1, 6));
        this.log('list/watch failed; retrying', { resource: resourceId(this.resource), error: String(err), retryInMs: delay });
        await sleep(this.clock, delay, signal);
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list(this.resource, {
        namespace: this.o.namespace ?? '',
        labelSelector: this.o.labelSelector,
        fieldSelector: this.o.fieldSelector,
        limit: this.o.pageSize ?? 500,
        continue: cont,
        signal,
      });
      for (const item of page.items) items.push(this.typed(item, page.kind));
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont !== undefined);
    this.replace(items);
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<void> {
    const stream = this.client.watch(this.resource, {
      namespace: this.o.namespace ?? '',
      labelSelector: this.o.labelSelector,
      fieldSelector: this.o.fieldSelector,
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      // Spread reconnections the way client-go does (5-10 minutes).
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
      signal,
    });
    for await (const ev of stream) {
      if (ev.type === 'ERROR') {
        const status = ev.object as Status;
        if (status.code === 410) throw new ExpiredError(status.message ?? 'too old resource version');
        throw new Error(`watch error: ${status.message ?? JSON.stringify(status)}`);
      }
      const obj = ev.object as T;
      const rv = obj.metadata.resourceVersion;
      if (ev.type === 'BOOKMARK') {
        if (rv !== undefined) this.resourceVersion = rv;
        continue;
      }
      if (ev.type === 'DELETED') this.removed(obj);
      else this.upserted(obj);
      if (rv !== undefined) this.resourceVersion = rv;
    }
  }

  /** Items of a list carry no apiVersion/kind; set them as client-go's decoder does. */
  private typed(item: KubeObject, listKind: string): T {
    if (isRecord(item) && (item.kind === undefined || item.apiVersion === undefined)) {
      item.kind = item.kind ?? (listKind.endsWith('List') ? listKind.slice(0, -4) : this.resource.kind);
      item.apiVersion = item.apiVersion ?? (this.resource.group === '' ? this.resource.version : `${this.resource.group}/${this.resource.version}`);
    }
    return item as T;
  }

  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(objectKey(obj));
      this.upserted(obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.remove(key);
      if (old) this.emit((h) => h.onDelete?.(old));
    }
  }

  private upserted(obj: T): void {
    const old = this.cache.upsert(obj);
    if (!old) this.emit((h) => h.onAdd?.(obj));
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit((h) => h.onUpdate?.(old, obj));
  }

  private removed(obj: T): void {
    // The DELETED event carries the object's final state; handlers get that.
    this.cache.remove(objectKey(obj));
    this.emit((h) => h.onDelete?.(obj));
  }

  private emit(fn: (h: EventHandler<T>) => void): void {
    for (const h of this.handlers) this.call(() => fn(h));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log('informer event handler failed', { resource: resourceId(this.resource), error: String(err) });
    }
  }
}

/** One informer per resource, shared by every controller in the process. */
export class InformerFactory {
  private readonly informers = new Map<string, Informer>();

  constructor(
    private readonly client: ControllerClient,
    private readonly o: Omit<InformerOptions, 'labelSelector' | 'fieldSelector' | 'namespace'> = {},
  ) {}

  for<T extends KubeObject = KubeObject>(resource: ApiResource): Informer<T> {
    const id = resourceId(resource);
    let inf = this.informers.get(id);
    if (!inf) {
      inf = new Informer(this.client, resource, this.o);
      this.informers.set(id, inf);
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer created so far (and no later ones). */
  start(signal: AbortSignal): Promise<void[]> {
    return Promise.all([...this.informers.values()].map((i) => i.run(signal)));
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return [...this.informers.values()].every((i) => i.hasSynced());
  }
}
