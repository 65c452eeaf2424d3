// What strategic merge patch needs to know about a kind's fields: which lists merge by a key
// instead of being replaced, and under which key. Kubernetes reads this from struct tags
// (patchStrategy, patchMergeKey); here the kind schemas (services/api/schema) provide it.
// A field the meta does not know is treated as JSON merge patch treats it (lists replaced).

export type PatchStrategy = 'merge' | 'retainKeys' | 'replace';

export interface FieldPatchMeta {
  /** For lists: "merge" (by mergeKey, or as a set for lists of primitives); retainKeys for objects. */
  strategies: readonly PatchStrategy[];
  /** For lists of objects merged by key, e.g. "name" for containers, "containerPort" for ports. */
  mergeKey?: string;
  /** For object fields: the object's own fields. For list fields: the items' fields. For maps: the values' fields. */
  nested?: PatchMeta;
}

export interface PatchMeta {
  /** The meta of field `name` of an object at this level, or undefined if the field is unknown. */
  lookup(name: string): FieldPatchMeta | undefined;
}

/** Meta for a value nothing is known about: every list is replaced (JSON merge semantics). */
export const NO_PATCH_META: PatchMeta = { lookup: () => undefined };
