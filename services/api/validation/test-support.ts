// Helpers for this folder's tests: reach into a JSON object tree by path, to change it in
// place, without giving up type checking (objects are untyped JSON here).
import { isRecord } from '../../../lib/api/object.js';
import { fieldErrors, fieldErrorText } from '../../../lib/api/field-errors.js';

/** The object at `path` under `root` (e.g. at(pod, 'spec', 'containers', 0)); throws when absent. */
export function at(root: unknown, ...path: (string | number)[]): Record<string, unknown> {
  const v = path.reduce<unknown>((cur, k) => (Array.isArray(cur) ? cur[Number(k)] : isRecord(cur) ? cur[String(k)] : undefined), root);
  if (!isRecord(v)) throw new Error(`no object at ${path.join('.')}`);
  return v;
}

/** The array at `path` under `root`; throws when absent. */
export function arr(root: unknown, ...path: (string | number)[]): unknown[] {
  const parent = path.length > 1 ? at(root, ...path.slice(0, -1)) : isRecord(root) ? root : undefined;
  const v = parent?.[String(path[path.length - 1])];
  if (!Array.isArray(v)) throw new Error(`no array at ${path.join('.')}`);
  return v;
}

// Expected error texts for values that are objects or lists, built with the same printer the
// server uses, so the tests pin paths, values and details rather than value formatting.
export const invalidText = (path: string, value: unknown, detail: string): string => fieldErrorText(fieldErrors.invalid(path, value, detail));
export const duplicateText = (path: string, value: unknown, detail = ''): string => fieldErrorText({ ...fieldErrors.duplicate(path, value), detail });
export const notSupportedText = (path: string, value: unknown, supported: readonly string[]): string =>
  fieldErrorText(fieldErrors.notSupported(path, value, supported));
