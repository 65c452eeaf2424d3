// Strategic-merge patch meta read from the kind schemas' x-kubernetes-patch-strategy and
// x-kubernetes-patch-merge-key, the way kubectl and kube-apiserver read Go struct tags.
import { NO_PATCH_META } from '../../../lib/api/patch/patch-meta.js';
import type { FieldPatchMeta, PatchMeta, PatchStrategy } from '../../../lib/api/patch/patch-meta.js';
import type { Schema } from './dsl.js';
import { resolveRef, schemaFor } from './kind-schemas.js';

const STRATEGIES: ReadonlySet<string> = new Set<PatchStrategy>(['merge', 'retainKeys', 'replace']);

function resolve(s: Schema): Schema {
  let cur = s;
  for (let depth = 0; cur.$ref !== undefined && depth < 8; depth++) {
    const target = resolveRef(cur.$ref);
    if (!target) return {};
    cur = target;
  }
  return cur;
}

function parseStrategies(text: string | undefined): PatchStrategy[] {
  if (!text) return [];
  return text.split(',').filter((x): x is PatchStrategy => STRATEGIES.has(x));
}

/** The meta of the fields of the object (or objects) a schema describes. */
function nestedMeta(s: Schema): PatchMeta | undefined {
  const r = resolve(s);
  if (r.type === 'array' && r.items) return nestedMeta(r.items);
  if (r.properties) return metaOfObject(r);
  if (r.additionalProperties) return nestedMeta(r.additionalProperties);
  return undefined;
}

const cache = new WeakMap<Schema, PatchMeta>();

function metaOfObject(objectSchema: Schema): PatchMeta {
  const cached = cache.get(objectSchema);
  if (cached) return cached;
  const fields = new Map<string, FieldPatchMeta | undefined>();
  const meta: PatchMeta = {
    lookup(name: string): FieldPatchMeta | undefined {
      if (fields.has(name)) return fields.get(name);
      const field = objectSchema.properties?.[name];
      let out: FieldPatchMeta | undefined;
      if (field) {
        const target = resolve(field);
        // The field's own extensions win over those of the definition it refers to.
        const strategies = parseStrategies(field['x-kubernetes-patch-strategy'] ?? target['x-kubernetes-patch-strategy']);
        const mergeKey = field['x-kubernetes-patch-merge-key'] ?? target['x-kubernetes-patch-merge-key'];
        const nested = nestedMeta(field);
        out = { strategies, ...(mergeKey !== undefined ? { mergeKey } : {}), ...(nested ? { nested } : {}) };
      }
      fields.set(name, out);
      return out;
    },
  };
  cache.set(objectSchema, meta);
  return meta;
}

/** Patch meta of the top level of group/version/kind; NO_PATCH_META when the kind is unknown. */
export function patchMetaFor(group: string, version: string, kind: string): PatchMeta {
  const ks = schemaFor(group, version, kind);
  return ks ? metaOfObject(resolve(ks.schema)) : NO_PATCH_META;
}
