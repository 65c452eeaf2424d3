// Typed views of the core/v1 fields the scheduler reads, narrowed from the JSON objects the
// informers hand over. Missing or malformed fields read as their Go zero values, as a decoded
// v1.Pod would have them.
import { isRecord } from '../../../lib/api/object.js';

export function recordOf(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}

export function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function numberOf(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function arrayOf(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A map[string]string field; non-string values are dropped. */
export function stringMapOf(v: unknown): Readonly<Record<string, string>> {
  if (!isRecord(v)) return EMPTY_MAP;
  let out: Record<string, string> | undefined;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') continue;
    (out ??= {})[k] = val;
  }
  return out ?? EMPTY_MAP;
}

export const EMPTY_MAP: Readonly<Record<string, string>> = Object.freeze({});

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}

export interface Toleration {
  readonly key: string;
  /** '' means Equal. */
  readonly operator: string;
  readonly value: string;
  /** '' matches every effect. */
  readonly effect: string;
}

export { TaintEffect } from '../../../lib/api/taints.js';

export function taintsOf(v: unknown): readonly Taint[] {
  const out: Taint[] = [];
  for (const t of arrayOf(v)) {
    if (!isRecord(t)) continue;
    out.push({ key: stringOf(t.key), value: stringOf(t.value), effect: stringOf(t.effect) });
  }
  return out;
}

export function tolerationsOf(v: unknown): readonly Toleration[] {
  const out: Toleration[] = [];
  for (const t of arrayOf(v)) {
    if (!isRecord(t)) continue;
    out.push({ key: stringOf(t.key), operator: stringOf(t.operator), value: stringOf(t.value), effect: stringOf(t.effect) });
  }
  return out;
}

export function specOf(obj: { [field: string]: unknown }): Record<string, unknown> {
  return recordOf(obj.spec) ?? {};
}

export function statusOf(obj: { [field: string]: unknown }): Record<string, unknown> {
  return recordOf(obj.status) ?? {};
}
