// The garbage collector's dependency graph: one node per object uid, with the owners its
// ownerReferences name and the dependents that name it. An owner known only from a
// dependent's reference is "virtual" until an informer shows it (or the API says it is gone).
import type { OwnerReference } from '../../../../lib/api/object.js';

export const Finalizer = {
  /** metav1.FinalizerOrphanDependents: the owner waits for its dependents to be orphaned. */
  orphan: 'orphan',
  /** metav1.FinalizerDeleteDependents: the owner waits for its blocking dependents to be deleted. */
  foregroundDeletion: 'foregroundDeletion',
} as const;

/** Where an object is: apiVersion/kind/namespace/name and the uid that tells incarnations apart. */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  uid: string;
}

export function formatIdentity(id: ObjectIdentity): string {
  return `[${id.apiVersion}/${id.kind}, namespace: ${id.namespace}, name: ${id.name}, uid: ${id.uid}]`;
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  /** The object is being deleted (deletionTimestamp set). */
  beingDeleted = false;
  /** Being deleted in the foreground: it waits for its blocking dependents. */
  deletingDependents = false;

  constructor(
    public identity: ObjectIdentity,
    public owners: OwnerReference[],
    /** Known only from references; not yet observed through an informer. */
    public virtual: boolean,
  ) {}

  /** Dependents whose reference to this node has blockOwnerDeletion: true. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }
}
