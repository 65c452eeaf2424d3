// Typed views of untrusted JSON. Objects reach defaulting and validation before anything has
// checked their field types, so every accessor answers "absent" for a value of the wrong type
// instead of throwing; type errors are reported by the schema checks, not here.
import { isRecord } from '../../../lib/api/object.js';

export type JsonRecord = Record<string, unknown>;

/** The value as an object, or undefined when it is absent or not an object. */
export function rec(v: unknown): JsonRecord | undefined {
  return isRecord(v) ? v : undefined;
}

/** The value as an array; absent or not an array reads as empty. */
export function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string; absent or not a string reads as "" (Go's zero value). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A finite number, or undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

/** Absent or the empty string: what Go's `len(s) == 0` sees. */
export function emptyString(v: unknown): boolean {
  return absent(v) || v === '';
}

/** Absent or an empty array. */
export function emptyList(v: unknown): boolean {
  return absent(v) || (Array.isArray(v) && v.length === 0);
}

/** The string entries of a map, in key order; entries of the wrong type are skipped. */
export function stringEntries(v: unknown): [string, string][] {
  const r = rec(v);
  if (!r) return [];
  return Object.entries(r)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The child object `key` of `parent`, created when absent; undefined when it has the wrong type. */
export function ensureRecord(parent: JsonRecord, key: string): JsonRecord | undefined {
  const v = parent[key];
  if (absent(v)) {
    const created: JsonRecord = {};
    parent[key] = created;
    return created;
  }
  return rec(v);
}

/** The elements of an array that are objects, with their indexes (for field paths). */
export function indexedRecords(v: unknown): [number, JsonRecord][] {
  const out: [number, JsonRecord][] = [];
  list(v).forEach((x, i) => {
    if (isRecord(x)) out.push([i, x]);
  });
  return out;
}

/** Sets `obj[key] = value` when the field is absent (null counts as absent). */
export function setDefault(obj: JsonRecord, key: string, value: unknown): void {
  if (absent(obj[key])) obj[key] = value;
}

/** Sets a string field when it is absent or "" (Go's `if x == "" { x = ... }`). */
export function setDefaultString(obj: JsonRecord, key: string, value: string): void {
  if (emptyString(obj[key])) obj[key] = value;
}

/** Sets a number field when it is absent or 0 (Go's `if x == 0 { x = ... }`). */
export function setDefaultNonZero(obj: JsonRecord, key: string, value: number): void {
  const v = obj[key];
  if (absent(v) || v === 0) obj[key] = value;
}

/** Go's %q for strings, close enough for ASCII: a double-quoted string with escapes. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Semantic equality of JSON values as apimachinery's equality.Semantic sees Go values decoded
 * from them: null, an empty list and an empty map equal an absent field.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const na = normalize(a);
  const nb = normalize(b);
  return deepEqual(na, nb);
}

function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(normalize);
  if (isRecord(v)) {
    const out: JsonRecord = {};
    for (const [k, x] of Object.entries(v)) {
      const n = normalize(x);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The paths (in "a.b[0].c" form) where two JSON values differ, for error messages. */
export function differingPaths(a: unknown, b: unknown, prefix: string, out: string[] = [], limit = 20): string[] {
  if (out.length >= limit) return out;
  const na = normalize(a);
  const nb = normalize(b);
  if (deepEqual(na, nb)) return out;
  if (isRecord(na) && isRecord(nb)) {
    const keys = [...new Set([...Object.keys(na), ...Object.keys(nb)])].sort();
    for (const k of keys) differingPaths(na[k], nb[k], prefix === '' ? k : `${prefix}.${k}`, out, limit);
    return out;
  }
  if (Array.isArray(na) && Array.isArray(nb) && na.length === nb.length) {
    na.forEach((x, i) => differingPaths(x, nb[i], `${prefix}[${i}]`, out, limit));
    return out;
  }
  out.push(prefix);
  return out;
}
