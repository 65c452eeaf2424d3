// Builds a PatchMeta from a nested literal that mirrors Go struct tags, e.g. for a PodSpec:
//   { containers: { strategies: ['merge'], mergeKey: 'name', fields: { ports: {...} } } }
// Fields not listed are unknown (lists replaced, objects merged), which is what
// strategic merge does for fields without patch tags.
import type { FieldPatchMeta, PatchMeta, PatchStrategy } from './patch-meta.js';

export interface FieldPatchMetaSpec {
  strategies?: readonly PatchStrategy[];
  mergeKey?: string;
  /** The object's fields (object fields) or the items' fields (list fields). */
  fields?: PatchMetaSpec;
}

export type PatchMetaSpec = Readonly<Record<string, FieldPatchMetaSpec>>;

export function patchMetaFrom(spec: PatchMetaSpec): PatchMeta {
  const table = new Map<string, FieldPatchMeta>();
  for (const [name, field] of Object.entries(spec)) {
    const meta: FieldPatchMeta = { strategies: field.strategies ?? [] };
    if (field.mergeKey !== undefined) meta.mergeKey = field.mergeKey;
    if (field.fields !== undefined) meta.nested = patchMetaFrom(field.fields);
    table.set(name, meta);
  }
  return { lookup: (name) => table.get(name) };
}

/** A list merged by `mergeKey` (patchStrategy:"merge" patchMergeKey:"<key>"). */
export function mergeList(mergeKey: string, fields?: PatchMetaSpec): FieldPatchMetaSpec {
  return fields === undefined ? { strategies: ['merge'], mergeKey } : { strategies: ['merge'], mergeKey, fields };
}

/** A list of primitives merged as a set (patchStrategy:"merge", no key). */
export const mergeSet: FieldPatchMetaSpec = { strategies: ['merge'] };

/** An object whose own fields are described by `fields`. */
export function object(fields: PatchMetaSpec, strategies: readonly PatchStrategy[] = []): FieldPatchMetaSpec {
  return { strategies, fields };
}
