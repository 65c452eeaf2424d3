// JSON as Go's encoding/json writes an unstructured object: map keys sorted, and <, >, & and
// the line/paragraph separators escaped. kubectl's -o json indents by four spaces.

export function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeysDeep((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function escapeHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c] ?? c);
}

/** json.Marshal of an unstructured value (compact). */
export function goJson(v: unknown): string {
  return escapeHtml(JSON.stringify(sortKeysDeep(v)) ?? 'null');
}

/** kubectl -o json: json.MarshalIndent(obj, "", "    ") plus a newline. */
export function goJsonIndent(v: unknown): string {
  return `${escapeHtml(JSON.stringify(sortKeysDeep(v), null, 4) ?? 'null')}\n`;
}
