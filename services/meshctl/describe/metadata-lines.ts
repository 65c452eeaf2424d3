// The multi-line fields of describe output: labels, annotations, tolerations, taints.
import { isRecord } from '../../../lib/api/object.js';
import type { LineWriter } from '../output/prefix-writer.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_ANNOTATION_LENGTH = 140;

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : String(x);
  return out;
}

/** printLabelsMultilineWithIndent: "Title:\tk=v" then one "\tk=v" line per further label. */
export function printLabels(w: LineWriter, title: string, labels: unknown, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const map = stringMap(labels);
  const keys = Object.keys(map).sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    w.write(0, `${k}=${map[k] ?? ''}\n`);
  });
}

/** printAnnotationsMultiline: sorted, last-applied-configuration left out, long values on their own lines. */
export function printAnnotations(w: LineWriter, title: string, annotations: unknown): void {
  w.write(0, `${title}:\t`);
  const map = stringMap(annotations);
  const keys = Object.keys(map).filter((k) => k !== LAST_APPLIED).sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = (map[k] ?? '').replace(/\n$/, '');
    if (value.length + k.length + 2 > MAX_ANNOTATION_LENGTH || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const line of value.split('\n')) {
        const shown = line.length > MAX_ANNOTATION_LENGTH - 2 ? `${line.slice(0, MAX_ANNOTATION_LENGTH - 2)}...` : line;
        w.write(0, `\t  ${shown}\n`);
      }
    } else w.write(0, `${k}: ${value}\n`);
  });
}

/** printTolerationsMultilineWithIndent. */
export function printTolerations(w: LineWriter, title: string, tolerations: unknown, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const list = (Array.isArray(tolerations) ? tolerations.filter(isRecord) : []).map((t) => ({
    key: typeof t.key === 'string' ? t.key : '',
    value: typeof t.value === 'string' ? t.value : '',
    effect: typeof t.effect === 'string' ? t.effect : '',
    operator: typeof t.operator === 'string' ? t.operator : '',
    seconds: typeof t.tolerationSeconds === 'number' ? t.tolerationSeconds : undefined,
  }));
  if (list.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    let s = t.key;
    if (t.value !== '') s += `=${t.value}`;
    if (t.effect !== '') s += `:${t.effect}`;
    if (t.operator === 'Exists' && t.value === '') s += t.key !== '' || t.effect !== '' ? ' op=Exists' : 'op=Exists';
    if (t.seconds !== undefined) s += ` for ${t.seconds}s`;
    w.write(0, `${s}\n`);
  });
}

/** printTaintsMultilineWithIndent: key=value:effect, sorted by effect then key. */
export function printTaints(w: LineWriter, title: string, taints: unknown): void {
  w.write(0, `${title}:\t`);
  const list = (Array.isArray(taints) ? taints.filter(isRecord) : []).map((t) => ({
    key: typeof t.key === 'string' ? t.key : '',
    value: typeof t.value === 'string' ? t.value : '',
    effect: typeof t.effect === 'string' ? t.effect : '',
  }));
  if (list.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  const sortKey = (t: { key: string; effect: string }): string => `${t.effect},${t.key}`;
  list.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${t.key}${t.value !== '' ? `=${t.value}` : ''}:${t.effect}\n`);
  });
}
