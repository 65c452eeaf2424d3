// The describer for kinds without their own (Istio's among them): metadata, then every other
// field with a readable label, then events.
import { isRecord } from '../../../lib/api/object.js';
import { PrefixWriter } from '../output/prefix-writer.js';
import type { LineWriter } from '../output/prefix-writer.js';
import type { Describer } from './describe-deps.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotations, printLabels } from './metadata-lines.js';

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** fatih/camelcase.Split: runs of lower case, upper case, digits and other characters. */
export function splitCamelCase(src: string): string[] {
  const runs: string[][] = [];
  let last = 0;
  for (const ch of src) {
    const cls = /\p{Ll}/u.test(ch) ? 1 : /\p{Lu}/u.test(ch) ? 2 : /\p{Nd}/u.test(ch) ? 3 : 4;
    if (cls === last && runs.length > 0) runs[runs.length - 1]?.push(ch);
    else runs.push([ch]);
    last = cls;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const cur = runs[i] ?? [];
    const next = runs[i + 1] ?? [];
    if (/\p{Lu}/u.test(cur[0] ?? '') && /\p{Ll}/u.test(next[0] ?? '')) {
      const moved = cur.pop();
      if (moved !== undefined) next.unshift(moved);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** smartLabelFor: "apiVersion" → "API Version", "creationTimestamp" → "Creation Timestamp". */
export function smartLabel(field: string): string {
  if ([...field].some((ch) => !/\p{L}/u.test(ch) && ch !== '-')) return field;
  return splitCamelCase(field)
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

/** Go's %v of a JSON value. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isRecord(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  return String(v);
}

const SKIP = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

export function printUnstructured(w: LineWriter, level: number, content: Record<string, unknown>, prefix: string): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (SKIP.has(path)) continue;
    if (isRecord(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      printUnstructured(w, level + 1, value, path);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const child of value) {
        if (isRecord(child)) printUnstructured(w, level + 1, child, path);
        else w.write(level + 1, `${goValue(child)}\n`);
      }
    } else w.write(level, `${smartLabel(field)}:\t${goValue(value)}\n`);
  }
}

export const describeGeneric: Describer = async (deps, obj) => {
  const events = deps.showEvents ? await searchEvents(deps.client, { name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '', kind: obj.kind, uid: obj.metadata.uid }) : undefined;
  const w = new PrefixWriter();
  w.write(0, `Name:\t${obj.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${obj.metadata.namespace ?? ''}\n`);
  printLabels(w, 'Labels', obj.metadata.labels);
  printAnnotations(w, 'Annotations', obj.metadata.annotations);
  printUnstructured(w, 0, obj, '');
  if (events) describeEvents(w, events, deps.now);
  return w.toString();
};
