// Reading fields of JSON objects the way Go reads its internal types: a missing or mistyped
// field is the zero value ("" / 0 / empty list), which is what the Kubernetes printers see.
import { isRecord } from '../../../lib/api/object.js';

/** The value at path, or undefined when any step is missing or not an object/array. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let cur = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[step];
    }
  }
  return cur;
}

export function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Integer fields (int32/int64); a fractional JSON number is truncated as Go's decoder would not accept it anyway. */
export function asInt(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}

export function asBool(value: unknown): boolean {
  return value === true;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A map[string]string; non-string values are dropped. */
export function asStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Number of keys of a JSON object (len() of a Go map). */
export function mapSize(value: unknown): number {
  return isRecord(value) ? Object.keys(value).length : 0;
}
