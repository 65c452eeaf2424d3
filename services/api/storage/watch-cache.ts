// One store watch per resource, fanned out to any number of API watchers (kube-apiserver's
// cacher). The cache holds the current objects and a window of recent events, so watches
// from a recent resourceVersion, and lists, are served without the store; a watcher that
// falls behind is closed on its own and never holds up the others.
import type { KubeObject } from '../../../lib/api/object.js';
import type { EtcdStorage, StorageEvent, StoreWatch } from './etcd-storage.js';

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  type: CacheEventType;
  key: string;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  obj: KubeObject;
  /** The object before the change, for MODIFIED and DELETED. */
  prevObj?: KubeObject;
  revision: number;
  /** Encoded watch event lines by version served, shared by the watchers of that version. */
  encoded?: Map<string, string>;
}

export interface CachedObject {
  key: string;
  obj: KubeObject;
  revision: number;
}

/** One API watch on the cache. deliver() must not block; close() ends the watch. */
export interface CacheWatcher {
  deliver(event: CacheEvent): void;
  /** The cache can no longer serve this watcher (e.g. the store watch was compacted away). */
  terminate(reason: 'expired' | 'stopped'): void;
}

export type Decode = (key: string, value: Buffer, revision: number) => KubeObject;

export class TooOldResourceVersionError extends Error {
  override readonly name = 'TooOldResourceVersionError';
  constructor(readonly requested: number, readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export class CacheNotReadyError extends Error {
  override readonly name = 'CacheNotReadyError';
}

interface Waiter {
  revision: number;
  resolve: () => void;
}

export interface WatchCacheOptions {
  /** Recent events kept for watches that start in the past. */
  capacity?: number;
  /** Pause before reconnecting a failed store watch. */
  retryMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class WatchCache {
  private readonly current = new Map<string, CachedObject>();
  private readonly events: CacheEvent[] = [];
  private readonly watchers = new Set<CacheWatcher>();
  private waiters: Waiter[] = [];
  private rev = 0;
  /** Every event after this revision is in `events`. */
  private oldest = 0;
  private ready = false;
  private storeWatch: StoreWatch | undefined;
  private progressRequested = false;
  private stopped = false;
  private readyPromise: Promise<void>;
  private markReady: () => void = () => {};
  private readonly capacity: number;
  private readonly retryMs: number;

  constructor(
    private readonly storage: EtcdStorage,
    readonly prefix: string,
    private readonly decode: Decode,
    opts: WatchCacheOptions = {},
  ) {
    this.capacity = opts.capacity ?? 10_000;
    this.retryMs = opts.retryMs ?? 500;
    this.log = opts.log ?? (() => {});
    this.readyPromise = new Promise((r) => (this.markReady = r));
  }

  private readonly log: (msg: string, fields?: Record<string, unknown>) => void;

  get revision(): number {
    return this.rev;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Starts filling the cache; resolves once the first list is loaded. */
  async start(): Promise<void> {
    void this.relist();
    await this.readyPromise;
  }

  stop(): void {
    this.stopped = true;
    this.storeWatch?.cancel();
    for (const w of this.watchers) w.terminate('stopped');
    this.watchers.clear();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  private async relist(): Promise<void> {
    while (!this.stopped) {
      try {
        const page = await this.storage.list(this.prefix);
        this.replaceAll(page.items.map((i) => ({ key: i.key, obj: this.decode(i.key, i.value, i.modRevision), revision: i.modRevision })), page.revision);
        this.startWatch(page.revision + 1);
        return;
      } catch (err) {
        this.log('watch cache list failed; retrying', { prefix: this.prefix, error: String(err) });
        await new Promise((r) => setTimeout(r, this.retryMs));
      }
    }
  }

  /** A fresh list: watchers that were following the old state cannot be continued exactly. */
  private replaceAll(items: CachedObject[], revision: number): void {
    const hadData = this.ready;
    this.current.clear();
    for (const i of items) this.current.set(i.key, i);
    this.events.length = 0;
    this.rev = Math.max(this.rev, revision);
    this.oldest = revision;
    if (hadData) {
      for (const w of this.watchers) w.terminate('expired');
      this.watchers.clear();
    }
    this.ready = true;
    this.markReady();
    this.releaseWaiters();
  }

  private startWatch(from: number): void {
    this.progressRequested = false;
    this.storeWatch = this.storage.watch(this.prefix, from, {
      onEvents: (events, headerRevision) => this.apply(events, headerRevision),
      onEnd: (reason) => {
        this.storeWatch = undefined;
        if (this.stopped) return;
        if (reason.compacted !== undefined) {
          this.log('store watch compacted; relisting', { prefix: this.prefix, compacted: reason.compacted });
          setTimeout(() => void this.relist(), 0);
        } else {
          this.log('store watch failed; resuming', { prefix: this.prefix, error: String(reason.error) });
          setTimeout(() => {
            if (!this.stopped) this.startWatch(this.rev + 1);
          }, this.retryMs);
        }
      },
    });
  }

  private apply(events: StorageEvent[], headerRevision: number): void {
    for (const e of events) {
      if (e.revision <= this.rev && e.revision !== 0) continue; // replayed after a resumed watch
      const prev = this.current.get(e.key);
      let ev: CacheEvent;
      if (e.type === 'put' && e.value) {
        let obj: KubeObject;
        try {
          obj = this.decode(e.key, e.value, e.revision);
        } catch (err) {
          this.log('undecodable object in store; skipped', { key: e.key, error: String(err) });
          continue;
        }
        this.current.set(e.key, { key: e.key, obj, revision: e.revision });
        ev = prev ? { type: 'MODIFIED', key: e.key, obj, prevObj: prev.obj, revision: e.revision } : { type: 'ADDED', key: e.key, obj, revision: e.revision };
      } else {
        if (!prev) {
          this.rev = Math.max(this.rev, e.revision);
          continue;
        }
        this.current.delete(e.key);
        const last: KubeObject = { ...prev.obj, metadata: { ...prev.obj.metadata, resourceVersion: String(e.revision) } };
        ev = { type: 'DELETED', key: e.key, obj: last, prevObj: prev.obj, revision: e.revision };
      }
      this.rev = Math.max(this.rev, e.revision);
      this.events.push(ev);
      if (this.events.length > this.capacity) {
        const dropped = this.events.shift();
        if (dropped) this.oldest = dropped.revision;
      }
      for (const w of this.watchers) w.deliver(ev);
    }
    // A progress notification: every change up to headerRevision has been seen.
    if (events.length === 0) {
      this.progressRequested = false;
      if (headerRevision > this.rev) this.rev = headerRevision;
    }
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.rev >= w.revision) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /**
   * Resolves once the cache has seen revision (true), or after timeoutMs (false). Changes to
   * other resources move the store's revision too, so the store is asked to confirm progress.
   */
  waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.ready && this.rev >= revision) return Promise.resolve(true);
    if (this.storeWatch && !this.progressRequested) {
      this.progressRequested = true;
      this.storeWatch.requestProgress();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.ready && this.rev >= revision);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** The current objects (a snapshot), sorted by key, and the revision they reflect. */
  snapshot(): { items: CachedObject[]; revision: number } {
    if (!this.ready) throw new CacheNotReadyError(`cache for ${this.prefix} is not ready`);
    const items = [...this.current.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { items, revision: this.rev };
  }

  /** The current objects in no particular order: for lookups that need no sorted list. */
  objects(): KubeObject[] {
    if (!this.ready) throw new CacheNotReadyError(`cache for ${this.prefix} is not ready`);
    return [...this.current.values()].map((o) => o.obj);
  }

  /** The current entries in no particular order. */
  entries(): IterableIterator<CachedObject> {
    if (!this.ready) throw new CacheNotReadyError(`cache for ${this.prefix} is not ready`);
    return this.current.values();
  }

  get(key: string): CachedObject | undefined {
    return this.current.get(key);
  }

  /**
   * Adds a watcher receiving every change after revision `from`. With from undefined, the
   * watcher first receives an ADDED event for every current object (a watch without a
   * resourceVersion). Throws TooOldResourceVersionError if the window no longer reaches back.
   */
  watch(watcher: CacheWatcher, from: number | undefined, keyPrefix: string): () => void {
    if (!this.ready) throw new CacheNotReadyError(`cache for ${this.prefix} is not ready`);
    if (from === undefined) {
      for (const o of this.snapshot().items) {
        if (o.key.startsWith(keyPrefix)) watcher.deliver({ type: 'ADDED', key: o.key, obj: o.obj, revision: o.revision });
      }
    } else {
      if (from < this.oldest) throw new TooOldResourceVersionError(from, this.oldest);
      for (const ev of this.events) {
        if (ev.revision > from && ev.key.startsWith(keyPrefix)) watcher.deliver(ev);
      }
    }
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  get watcherCount(): number {
    return this.watchers.size;
  }
}
