// Following a schema's $ref chain to the type it names, as both the apply atoms and the zero
// object need: the target's schema and the definition name, which keys per-type tables.
import type { Schema } from '../schema/dsl.js';
import { resolveRef } from '../schema/kind-schemas.js';

/** Refs nest only a few levels in practice; the bound stops a cycle. */
const MAX_REF_DEPTH = 16;

/** The schema a $ref chain ends at ({} for a dangling ref), plus the name of the last definition followed. */
export function resolveSchema(s: Schema): { schema: Schema; definition: string | undefined } {
  let cur = s;
  let definition: string | undefined;
  for (let depth = 0; cur.$ref !== undefined && depth < MAX_REF_DEPTH; depth++) {
    definition = cur.$ref;
    const target = resolveRef(cur.$ref);
    if (!target) return { schema: {}, definition };
    cur = target;
  }
  return { schema: cur, definition };
}
