// kubectl wait's conditions: --for=condition=Type[=status], --for=jsonpath='{.path}'=value,
// --for=create and --for=delete.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { CliError } from '../errors.js';

export type WaitFor =
  | { kind: 'delete' }
  | { kind: 'create' }
  | { kind: 'condition'; type: string; status: string }
  | { kind: 'jsonpath'; path: (string | number)[]; value: string | undefined };

export function parseWaitFor(text: string | undefined): WaitFor {
  if (text === undefined || text === '') throw new CliError('unrecognized condition: ""');
  const lower = text.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (lower === 'create') return { kind: 'create' };
  if (lower.startsWith('condition=')) {
    const rest = text.slice('condition='.length);
    const eq = rest.indexOf('=');
    const type = eq < 0 ? rest : rest.slice(0, eq);
    if (type === '') throw new CliError(`unrecognized condition: "${text}"`);
    return { kind: 'condition', type, status: eq < 0 ? 'true' : rest.slice(eq + 1) };
  }
  if (lower.startsWith('jsonpath=')) {
    const rest = text.slice('jsonpath='.length);
    const m = /^\{([^}]*)\}(?:=(.*))?$/s.exec(rest) ?? /^([^=]*)(?:=(.*))?$/s.exec(rest);
    const expr = (m?.[1] ?? '').trim();
    if (!expr.startsWith('.')) throw new CliError(`unrecognized jsonpath: "${rest}"`);
    return { kind: 'jsonpath', path: parsePath(expr), value: m?.[2] };
  }
  throw new CliError(`unrecognized condition: "${text}"`);
}

/** ".status.containerStatuses[0].ready" → ["status", "containerStatuses", 0, "ready"]. */
function parsePath(expr: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of expr.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? ''));
  return out;
}

function walk(obj: unknown, path: readonly (string | number)[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (typeof p === 'number') cur = Array.isArray(cur) ? cur[p] : undefined;
    else cur = isRecord(cur) ? cur[p] : undefined;
  }
  return cur;
}

function observedGeneration(obj: KubeObject, condition: Record<string, unknown>): number | undefined {
  if (typeof condition.observedGeneration === 'number') return condition.observedGeneration;
  const status = obj.status;
  return isRecord(status) && typeof status.observedGeneration === 'number' ? status.observedGeneration : undefined;
}

/** Whether `obj` satisfies a condition or jsonpath wait (ConditionalWait.checkCondition). */
export function conditionMet(obj: KubeObject, w: WaitFor): boolean {
  if (w.kind === 'jsonpath') {
    const v = walk(obj, w.path);
    if (w.value === undefined) return v !== undefined && v !== null;
    if (v === undefined || v === null || typeof v === 'object') return false;
    return String(v) === w.value;
  }
  if (w.kind !== 'condition') return true;
  const status = obj.status;
  const conditions = isRecord(status) && Array.isArray(status.conditions) ? status.conditions : [];
  for (const c of conditions) {
    if (!isRecord(c) || typeof c.type !== 'string' || c.type.toLowerCase() !== w.type.toLowerCase()) continue;
    if (typeof c.status !== 'string') continue;
    const generation = obj.metadata.generation;
    const observed = observedGeneration(obj, c);
    if (generation !== undefined && observed !== undefined && observed < generation) return false;
    return c.status.toLowerCase() === w.status.toLowerCase();
  }
  return false;
}
