// kube-controller-manager's garbage collector (pkg/controller/garbagecollector): ownerReferences
// cascade. Background: an object all of whose owners are gone is deleted; one with an owner
// left loses only the dangling references. Foreground: an owner being deleted with the
// foregroundDeletion finalizer has its dependents deleted, and loses the finalizer once no
// dependent with blockOwnerDeletion is left. Orphan: an owner being deleted with the orphan
// finalizer has its dependents' references to it removed, then loses the finalizer. Owners
// are always checked against the live API (by uid) before anything is deleted.
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { ApiResource } from '../../../../lib/api/kube-client/api-resource.js';
import { apiVersionOf, parseApiVersion } from '../../../../lib/api/kube-client/api-resource.js';
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { sleep } from '../../../../lib/controller/sleep.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import type { GraphNode, ObjectIdentity } from './graph.js';
import { Finalizer, formatIdentity } from './graph.js';
import { GraphBuilder } from './graph-builder.js';
import type { PropagationPolicy, ResourceResolver } from './operations.js';
import { GcOperations, RestMappingError } from './operations.js';

/** The resources whose objects carry (or are named in) ownerReferences here; events and leases are left out. */
export const DEFAULT_GC_RESOURCES: readonly ApiResource[] = [
  Resources.pods,
  Resources.replicaSets,
  Resources.deployments,
  Resources.services,
  Resources.endpoints,
  Resources.endpointSlices,
  Resources.configMaps,
  Resources.secrets,
];

export interface GarbageCollectorOptions {
  /** The resources to watch and build the graph from (default DEFAULT_GC_RESOURCES). */
  resources?: readonly ApiResource[];
  /**
   * Maps an ownerReference's apiVersion/kind to a resource, as discovery's REST mapper does;
   * default: the watched resources and lib/controller's Resources, by group and kind.
   */
  resolveResource?: ResourceResolver;
  /** How long run() waits for the informers before collecting anyway (default 30 s). */
  initialSyncTimeoutMs?: number;
  /** How often an owner of a kind no informer watches is checked again (default 60 s). */
  unwatchedOwnerRecheckMs?: number;
}

/** Owners that exist but no informer has shown yet are checked again after this. */
const VIRTUAL_RECHECK_MS = 1_000;

function byGroupKind(resources: readonly ApiResource[]): ResourceResolver {
  return (apiVersion, kind) => {
    const { group } = parseApiVersion(apiVersion);
    return resources.find((r) => r.group === group && r.kind === kind);
  };
}

interface ClassifiedReferences {
  /** The owner exists and is not waiting for its dependents. */
  solid: OwnerReference[];
  /** The owner does not exist (not found, or another uid under its name). */
  dangling: OwnerReference[];
  /** The owner is being deleted in the foreground. */
  waitingForDependentsDeletion: OwnerReference[];
}

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector-controller';
  /** Uids of objects that may be garbage, or owners that may be done waiting. */
  readonly attemptToDelete: WorkQueue;
  /** Uids of owners whose dependents are to be orphaned. */
  readonly attemptToOrphan: WorkQueue;
  readonly graph: GraphBuilder;
  private readonly ops: GcOperations;
  private readonly informers: Informer[] = [];
  private readonly watched: ResourceResolver;
  private readonly syncTimeoutMs: number;
  private readonly unwatchedRecheckMs: number;

  constructor(
    private readonly deps: ControllerDeps,
    options: GarbageCollectorOptions = {},
  ) {
    const resources = options.resources ?? DEFAULT_GC_RESOURCES;
    this.watched = byGroupKind(resources);
    const fallback = byGroupKind([...resources, ...Object.values(Resources)]);
    this.ops = new GcOperations(deps.client, options.resolveResource ?? fallback);
    this.syncTimeoutMs = options.initialSyncTimeoutMs ?? 30_000;
    this.unwatchedRecheckMs = options.unwatchedOwnerRecheckMs ?? 60_000;
    this.attemptToDelete = new WorkQueue({ clock: deps.clock });
    this.attemptToOrphan = new WorkQueue({ clock: deps.clock });
    this.graph = new GraphBuilder({ attemptToDelete: this.attemptToDelete, attemptToOrphan: this.attemptToOrphan }, deps.log);
    for (const r of resources) {
      const informer = deps.informers.for(r);
      this.informers.push(informer);
      const identity = (o: KubeObject): ObjectIdentity => ({
        apiVersion: apiVersionOf(r),
        kind: r.kind,
        namespace: o.metadata.namespace ?? '',
        name: o.metadata.name ?? '',
        uid: o.metadata.uid ?? '',
      });
      informer.addEventHandler({
        onAdd: (o) => this.graph.observe('add', identity(o), o),
        onUpdate: (old, o) => this.graph.observe('update', identity(o), o, old),
        onDelete: (o) => this.graph.observe('delete', identity(o), o),
      });
    }
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    // Like Kubernetes, collect even if some resource never syncs: live lookups keep it safe.
    const waiting = new AbortController();
    const stopWaiting = (): void => waiting.abort();
    signal.addEventListener('abort', stopWaiting, { once: true });
    const synced = Promise.all(this.informers.map((i) => i.waitForSync(waiting.signal))).then(stopWaiting);
    await Promise.race([synced, sleep(this.deps.clock, this.syncTimeoutMs, waiting.signal)]);
    stopWaiting();
    signal.removeEventListener('abort', stopWaiting);
    if (signal.aborted) return;
    await Promise.all([
      runWorkers(this.name, this.attemptToDelete, (uid) => this.sync(uid), workers, signal, this.deps.log),
      runWorkers(`${this.name}-orphan`, this.attemptToOrphan, (uid) => this.orphan(uid), workers, signal, this.deps.log),
    ]);
  }

  /** attemptToDeleteItem: deletes the object if it is garbage, or finishes its foreground deletion. */
  async sync(uid: string): Promise<void> {
    const item = this.graph.node(uid);
    if (!item) return;
    // Being deleted is a one-way trip; its dependents are handled when it is gone.
    if (item.beingDeleted && !item.deletingDependents) return;
    let latest: KubeObject;
    try {
      latest = await this.ops.getObject(item.identity);
    } catch (err) {
      if (isApiError(err, 404)) {
        this.graph.virtualDelete(item.identity);
        return;
      }
      if (err instanceof RestMappingError) {
        this.deps.log('garbage collector: cannot look up an object of an unknown kind; leaving it', { item: formatIdentity(item.identity) });
        return;
      }
      throw err;
    }
    if (latest.metadata.uid !== uid) {
      // Another object now has the name: the one this node stands for is gone.
      this.graph.virtualDelete(item.identity);
      return;
    }
    if (item.deletingDependents) {
      await this.processDeletingDependents(item);
    } else {
      await this.collect(item, latest);
    }
    if (item.virtual && this.graph.node(uid) === item) {
      // It exists but no informer has shown it yet; look again until one does (or, for a kind
      // no informer watches, now and then, since its deletion would go unseen).
      const watched = this.watched(item.identity.apiVersion, item.identity.kind) !== undefined;
      this.attemptToDelete.addAfter(uid, watched ? VIRTUAL_RECHECK_MS : this.unwatchedRecheckMs);
    }
  }

  /** attemptToOrphanWorker: removes the owner from its dependents' references, then its orphan finalizer. */
  async orphan(uid: string): Promise<void> {
    const owner = this.graph.node(uid);
    if (!owner) return;
    const failures: string[] = [];
    for (const dep of [...owner.dependents]) {
      try {
        await this.ops.removeOwnerReferences(dep.identity, [uid]);
      } catch (err) {
        failures.push(`${formatIdentity(dep.identity)}: ${String(err)}`);
      }
    }
    if (failures.length > 0) throw new Error(`failed to orphan dependents of owner ${formatIdentity(owner.identity)}: ${failures.join('; ')}`);
    await this.ops.removeFinalizer(owner.identity, Finalizer.orphan);
  }

  /** processDeletingDependentsItem: the owner waits for its blocking dependents, then loses its finalizer. */
  private async processDeletingDependents(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) {
      await this.ops.removeFinalizer(item.identity, Finalizer.foregroundDeletion);
      return;
    }
    for (const dep of blocking) {
      if (!dep.deletingDependents) this.attemptToDelete.add(dep.identity.uid);
    }
  }

  private async collect(item: GraphNode, latest: KubeObject): Promise<void> {
    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const { solid, dangling, waitingForDependentsDeletion: waiting } = await this.classify(item, refs);
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // An owner left keeps it; references to owners gone (or going in the foreground) go.
      const drop = [...dangling, ...waiting].map((r) => r.uid);
      await this.ops.removeOwnerReferences(item.identity, drop, latest);
      return;
    }
    let policy: PropagationPolicy;
    if (waiting.length > 0 && item.dependents.size > 0) {
      if ([...item.dependents].some((d) => d.deletingDependents)) {
        // A dependent is also deleting in the foreground: unblock our own references so the
        // two cannot wait on each other forever.
        await this.ops.patchOwnerReferences(item.identity, (rs) => rs.map((r) => (r.blockOwnerDeletion === true ? { ...r, blockOwnerDeletion: false } : r)), latest);
      }
      policy = 'Foreground';
    } else {
      const finalizers = latest.metadata.finalizers ?? [];
      policy = finalizers.includes(Finalizer.orphan) ? 'Orphan' : finalizers.includes(Finalizer.foregroundDeletion) ? 'Foreground' : 'Background';
    }
    this.deps.log('garbage collector: deleting', { item: formatIdentity(item.identity), propagationPolicy: policy });
    const deleted = await this.ops.deleteObject(item.identity, latest.metadata.resourceVersion, refs, policy);
    if (!deleted) this.graph.virtualDelete(item.identity);
  }

  /** classifyReferences: each owner is looked up live, by name, and must have the referenced uid. */
  private async classify(item: GraphNode, refs: readonly OwnerReference[]): Promise<ClassifiedReferences> {
    const out: ClassifiedReferences = { solid: [], dangling: [], waitingForDependentsDeletion: [] };
    for (const ref of refs) {
      if (this.graph.absentOwners.has(ref.uid)) {
        out.dangling.push(ref);
        continue;
      }
      let r: ApiResource;
      try {
        r = this.ops.resource(ref);
      } catch {
        // An owner we cannot look up might exist: never collect on its account.
        out.solid.push(ref);
        continue;
      }
      if (item.identity.namespace === '' && r.namespaced) {
        // A cluster-scoped object cannot have a namespaced owner; the reference is invalid, not absent.
        out.solid.push(ref);
        continue;
      }
      const ownerId: ObjectIdentity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: r.namespaced ? item.identity.namespace : '' };
      let owner: KubeObject;
      try {
        owner = await this.ops.getObject(ownerId);
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
        this.graph.absentOwners.add(ref.uid);
        out.dangling.push(ref);
        continue;
      }
      if (owner.metadata.uid !== ref.uid) {
        this.graph.absentOwners.add(ref.uid);
        out.dangling.push(ref);
        continue;
      }
      const foreground = owner.metadata.deletionTimestamp !== undefined && (owner.metadata.finalizers ?? []).includes(Finalizer.foregroundDeletion);
      (foreground ? out.waitingForDependentsDeletion : out.solid).push(ref);
    }
    return out;
  }
}
