// GraphBuilder (graph_builder.go): folds informer events into the dependency graph and
// enqueues (by uid) what may now be garbage: dependents of an owner that went away, owners
// whose blocking dependents changed, owners that started foreground or orphan deletion, and
// virtual owners to verify against the API. Events are handled as they arrive: JavaScript's
// single thread gives the one-at-a-time processing Kubernetes gets from its graphChanges queue.
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import type { Logger } from '../../../../lib/controller/informer.js';
import type { WorkQueue } from '../../../../lib/controller/work-queue.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import type { ObjectIdentity } from './graph.js';
import { Finalizer, GraphNode, formatIdentity } from './graph.js';

export type GraphEventType = 'add' | 'update' | 'delete';

function beingDeleted(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined;
}

function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return (obj.metadata.finalizers ?? []).includes(finalizer);
}

/** The object now is being deleted with the finalizer, and was not before. */
function deletionStartsWithFinalizer(old: KubeObject | undefined, obj: KubeObject, finalizer: string): boolean {
  if (!beingDeleted(obj) || !hasFinalizer(obj, finalizer)) return false;
  return old === undefined || !beingDeleted(old) || !hasFinalizer(old, finalizer);
}

interface ReferenceDiff {
  added: OwnerReference[];
  removed: OwnerReference[];
  changed: Array<{ old: OwnerReference; now: OwnerReference }>;
}

function referencesDiff(old: readonly OwnerReference[], now: readonly OwnerReference[]): ReferenceDiff {
  const byUid = new Map(old.map((r) => [r.uid, r]));
  const diff: ReferenceDiff = { added: [], removed: [], changed: [] };
  for (const ref of now) {
    const prev = byUid.get(ref.uid);
    if (!prev) diff.added.push(ref);
    else if (JSON.stringify(prev) !== JSON.stringify(ref)) diff.changed.push({ old: prev, now: ref });
    byUid.delete(ref.uid);
  }
  diff.removed.push(...byUid.values());
  return diff;
}

export interface GraphQueues {
  attemptToDelete: WorkQueue;
  attemptToOrphan: WorkQueue;
}

export class GraphBuilder {
  private readonly uidToNode = new Map<string, GraphNode>();
  readonly absentOwners = new AbsentOwnerCache();

  constructor(
    private readonly queues: GraphQueues,
    private readonly log: Logger,
  ) {}

  node(uid: string): GraphNode | undefined {
    return this.uidToNode.get(uid);
  }

  get size(): number {
    return this.uidToNode.size;
  }

  /** An informer event for an object of the kind `identity` describes. */
  observe(type: GraphEventType, identity: ObjectIdentity, obj: KubeObject, old?: KubeObject): void {
    if (identity.uid === '') return;
    const existing = this.uidToNode.get(identity.uid);
    if (existing?.virtual === true) {
      // The informer has now shown the object: its own coordinates replace the guessed ones.
      existing.identity = identity;
      existing.virtual = false;
    }
    if (type === 'delete') {
      if (existing) this.removeAndNotify(existing);
      return;
    }
    const owners = structuredClone(obj.metadata.ownerReferences ?? []);
    if (!existing) {
      const node = new GraphNode(identity, owners, false);
      node.beingDeleted = beingDeleted(obj);
      node.deletingDependents = node.beingDeleted && hasFinalizer(obj, Finalizer.foregroundDeletion);
      this.uidToNode.set(identity.uid, node);
      this.addDependentToOwners(node, owners);
      this.processTransitions(old, obj, node);
      return;
    }
    const diff = referencesDiff(existing.owners, owners);
    if (diff.added.length + diff.removed.length + diff.changed.length > 0) {
      this.addUnblockedOwnersToDeleteQueue(diff);
      existing.owners = owners;
      this.addDependentToOwners(existing, diff.added);
      for (const ref of diff.removed) this.uidToNode.get(ref.uid)?.dependents.delete(existing);
    }
    if (beingDeleted(obj)) existing.beingDeleted = true;
    this.processTransitions(old, obj, existing);
  }

  /** The API said the object is gone (not found, or another uid under its name). */
  virtualDelete(identity: ObjectIdentity): void {
    const existing = this.uidToNode.get(identity.uid);
    if (!existing) return;
    this.log('garbage collector: object is gone, removing it from the graph', { item: formatIdentity(identity), virtual: existing.virtual });
    this.removeAndNotify(existing);
  }

  private removeAndNotify(node: GraphNode): void {
    this.uidToNode.delete(node.identity.uid);
    for (const ref of node.owners) this.uidToNode.get(ref.uid)?.dependents.delete(node);
    if (node.dependents.size > 0) this.absentOwners.add(node.identity.uid);
    for (const dep of node.dependents) this.queues.attemptToDelete.add(dep.identity.uid);
    // An owner waiting for its dependents may be done now.
    for (const ref of node.owners) {
      const owner = this.uidToNode.get(ref.uid);
      if (owner?.deletingDependents === true) this.queues.attemptToDelete.add(owner.identity.uid);
    }
  }

  /** Adds `node` to its owners' dependents; an owner not in the graph becomes a virtual node to verify. */
  private addDependentToOwners(node: GraphNode, owners: readonly OwnerReference[]): void {
    for (const ref of owners) {
      let owner = this.uidToNode.get(ref.uid);
      if (!owner) {
        // A dependent's namespace is its owner's (or the owner is cluster-scoped: the lookup decides).
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: node.identity.namespace, name: ref.name, uid: ref.uid }, [], true);
        this.uidToNode.set(ref.uid, owner);
        owner.dependents.add(node);
        this.queues.attemptToDelete.add(ref.uid);
        continue;
      }
      owner.dependents.add(node);
    }
  }

  /** A blocking reference removed or made non-blocking may let its owner finish deleting. */
  private addUnblockedOwnersToDeleteQueue(diff: ReferenceDiff): void {
    for (const ref of diff.removed) {
      if (ref.blockOwnerDeletion === true && this.uidToNode.has(ref.uid)) this.queues.attemptToDelete.add(ref.uid);
    }
    for (const c of diff.changed) {
      if (c.old.blockOwnerDeletion === true && c.now.blockOwnerDeletion !== true && this.uidToNode.has(c.now.uid)) this.queues.attemptToDelete.add(c.now.uid);
    }
  }

  private processTransitions(old: KubeObject | undefined, obj: KubeObject, node: GraphNode): void {
    if (deletionStartsWithFinalizer(old, obj, Finalizer.orphan)) {
      this.queues.attemptToOrphan.add(node.identity.uid);
      return;
    }
    if (deletionStartsWithFinalizer(old, obj, Finalizer.foregroundDeletion)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.queues.attemptToDelete.add(dep.identity.uid);
      this.queues.attemptToDelete.add(node.identity.uid);
    }
  }
}
