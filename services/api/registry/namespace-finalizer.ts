// Finishes the deletion of Terminating namespaces: deletes every namespaced object in them,
// then drops the "kubernetes" finalizer and the namespace itself. Kubernetes does this in its
// namespace controller; until the controllers exist (services/sched) the API server does it.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { StatusError } from '../../../lib/api/status-error.js';
import type { RequestContext, ResourceStore } from './resource-store.js';

/**
 * How long a namespace stays Terminating before its content goes (Kubernetes' namespace
 * controller's namespaceDeletionGracePeriod): other API servers see the deletion first, and a
 * client deleting a namespace and its objects (`kubectl delete -f` of a whole app) finds them.
 */
export const NAMESPACE_DELETION_GRACE_MS = 5000;

export class NamespaceFinalizer {
  private running = false;
  private again = false;
  /** When each terminating namespace was first seen by this server. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly namespaces: ResourceStore,
    private readonly namespaced: readonly ResourceStore[],
    private readonly ctx: RequestContext,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void,
    private readonly now: () => number = Date.now,
    private readonly graceMs = NAMESPACE_DELETION_GRACE_MS,
  ) {}

  /** Runs one pass now, or right after the pass in progress. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.pass().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async pass(): Promise<void> {
    let terminating: KubeObject[];
    try {
      terminating = this.namespaces.cache.objects().filter((ns) => ns.metadata.deletionTimestamp !== undefined);
    } catch {
      return;
    }
    const names = new Set(terminating.map((ns) => ns.metadata.name ?? ''));
    for (const name of [...this.seen.keys()]) if (!names.has(name)) this.seen.delete(name);
    for (const ns of terminating) {
      const name = ns.metadata.name ?? '';
      const first = this.seen.get(name) ?? this.now();
      this.seen.set(name, first);
      if (this.now() - first < this.graceMs) continue;
      try {
        if (await this.emptyNamespace(name)) await this.finish(ns);
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) continue; // finished meanwhile
        this.log('namespace cleanup failed; will retry', { namespace: name, error: String(err) });
      }
    }
  }

  /** Deletes what is left; true once nothing is left. */
  private async emptyNamespace(ns: string): Promise<boolean> {
    let remaining = 0;
    for (const store of this.namespaced) {
      const prefix = store.prefixFor(ns);
      for (const item of [...store.cache.entries()]) {
        if (!item.key.startsWith(prefix)) continue;
        remaining++;
        if (item.obj.metadata.deletionTimestamp !== undefined) continue;
        try {
          await store.delete(ns, item.obj.metadata.name ?? '', {}, { ...this.ctx, version: store.info.versions[0] ?? 'v1' });
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }
    }
    return remaining === 0;
  }

  private async finish(ns: KubeObject): Promise<void> {
    const name = ns.metadata.name ?? '';
    await this.namespaces.guaranteedUpdate('', name, this.ctx, 'main', undefined, (cur) => {
      const spec = isRecord(cur.spec) ? { ...cur.spec } : {};
      const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f) => f !== 'kubernetes') : [];
      if (finalizers.length > 0) spec.finalizers = finalizers;
      else delete spec.finalizers;
      return { ...cur, spec };
    });
    const after = await this.namespaces.get('', name, 'v1');
    const left = isRecord(after.spec) && Array.isArray(after.spec.finalizers) ? after.spec.finalizers.length : 0;
    if (left === 0 && (after.metadata.finalizers ?? []).length === 0) await this.namespaces.removeTerminated('', name);
  }
}
