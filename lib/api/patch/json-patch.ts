// JSON Patch (RFC 6902), the application/json-patch+json PATCH body: a list of add, remove,
// replace, move, copy and test operations on JSON Pointer paths, applied in order; the first
// that fails aborts the whole patch. Failure texts follow evanphx/json-patch (v4), which
// kube-apiserver uses; see errors.ts for the response each failure becomes. Unlike that
// library, this follows the RFC where they differ: a missing "value" is an error rather than
// null, negative indices are not accepted, "" addresses the whole document, and a value
// cannot be moved into one of its own children.
import { isRecord } from '../object.js';
import { PatchError } from './errors.js';
import { parseArrayIndex, parseJsonPointer } from './json-pointer.js';
import type { JsonObject } from './json-value.js';
import { cloneJson, getOwn, hasOwn, jsonEqual, jsonKind, setOwn, deleteOwn } from './json-value.js';

/** kube-apiserver refuses JSON patches with more operations than this (413). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export type JsonPatchOperationName = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';

/** Applies the operations to a copy of `original` and returns the result. */
export function applyJsonPatch(original: unknown, operations: unknown): unknown {
  const ops = decodeOperations(operations);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError('too-large', `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  let doc = cloneJson(original);
  for (const op of ops) doc = applyOperation(doc, op);
  return doc;
}

// Mirrors Go's decoding into []map[string]json.RawMessage: null is an empty patch, a
// null element is an operation without fields, anything else of the wrong type is a 400.
function decodeOperations(operations: unknown): JsonObject[] {
  if (operations === null || operations === undefined) return [];
  if (!Array.isArray(operations)) {
    throw new PatchError('bad-request', `json: cannot unmarshal ${goJsonValueName(operations)} into Go value of type jsonpatch.Patch`);
  }
  return operations.map((op: unknown) => {
    if (op === null) return {};
    if (!isRecord(op)) {
      throw new PatchError('bad-request', `json: cannot unmarshal ${goJsonValueName(op)} into Go value of type jsonpatch.Operation`);
    }
    return op;
  });
}

function goJsonValueName(v: unknown): string {
  const kind = jsonKind(v);
  if (kind === 'boolean') return 'bool';
  if (kind === 'number') return `number ${String(v)}`;
  return kind;
}

function applyOperation(doc: unknown, op: JsonObject): unknown {
  const kind = getOwn(op, 'op');
  switch (kind) {
    case 'add':
      return add(doc, pointer(op, 'path', kind), requireValue(op, kind), stringField(op, 'path'));
    case 'remove':
      return remove(doc, pointer(op, 'path', kind), stringField(op, 'path'));
    case 'replace':
      return replace(doc, pointer(op, 'path', kind), requireValue(op, kind), stringField(op, 'path'));
    case 'move':
      return move(doc, op);
    case 'copy':
      return copy(doc, op);
    case 'test':
      test(doc, pointer(op, 'path', kind), requireValue(op, kind), stringField(op, 'path'));
      return doc;
    default:
      throw new PatchError('invalid', `Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`);
  }
}

function stringField(op: JsonObject, field: 'path' | 'from'): string {
  const v = getOwn(op, field);
  return typeof v === 'string' ? v : '';
}

function pointer(op: JsonObject, field: 'path' | 'from', kind: JsonPatchOperationName): string[] {
  const v = getOwn(op, field);
  if (typeof v !== 'string') {
    const what = field === 'path' ? 'operation missing path field' : 'operation, missing from field';
    throw new PatchError('invalid', `${kind} operation failed to decode ${field}: ${what}: missing value`);
  }
  const tokens = parseJsonPointer(v);
  if (tokens === undefined) {
    throw new PatchError('invalid', `${kind} operation does not apply: doc is missing path: "${v}": missing value`);
  }
  return tokens;
}

function requireValue(op: JsonObject, kind: JsonPatchOperationName): unknown {
  if (!hasOwn(op, 'value')) {
    throw new PatchError('invalid', `${kind} operation, missing value field: missing value`);
  }
  return cloneJson(op['value']);
}

/** The object or array holding the last token of `tokens`, if it exists. */
function parentOf(doc: unknown, tokens: readonly string[]): JsonObject | unknown[] | undefined {
  const parent = valueAt(doc, tokens.slice(0, -1));
  return isRecord(parent) || Array.isArray(parent) ? parent : undefined;
}

function valueAt(doc: unknown, tokens: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const token of tokens) {
    if (isRecord(cur)) {
      if (!hasOwn(cur, token)) return undefined;
      cur = cur[token];
    } else if (Array.isArray(cur)) {
      const index = parseArrayIndex(token, cur.length, false);
      if (index === undefined) return undefined;
      cur = cur[index];
    } else {
      return undefined;
    }
  }
  return cur;
}

function exists(doc: unknown, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return true;
  const parent = parentOf(doc, tokens);
  const key = tokens[tokens.length - 1] ?? '';
  if (isRecord(parent)) return hasOwn(parent, key);
  if (Array.isArray(parent)) return parseArrayIndex(key, parent.length, false) !== undefined;
  return false;
}

function add(doc: unknown, tokens: readonly string[], value: unknown, path: string): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const key = tokens[tokens.length - 1] ?? '';
  if (isRecord(parent)) {
    setOwn(parent, key, value);
  } else if (Array.isArray(parent)) {
    if (key === '-') {
      parent.push(value);
    } else {
      const index = parseArrayIndex(key, parent.length, true);
      if (index === undefined) {
        throw new PatchError('invalid', `error in add for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`);
      }
      parent.splice(index, 0, value);
    }
  } else {
    throw new PatchError('invalid', `add operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return doc;
}

function remove(doc: unknown, tokens: readonly string[], path: string): unknown {
  const parent = tokens.length === 0 ? undefined : parentOf(doc, tokens);
  const key = tokens[tokens.length - 1] ?? '';
  if (isRecord(parent)) {
    if (!hasOwn(parent, key)) {
      throw new PatchError('invalid', `error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`);
    }
    deleteOwn(parent, key);
  } else if (Array.isArray(parent)) {
    const index = parseArrayIndex(key, parent.length, false);
    if (index === undefined) {
      throw new PatchError('invalid', `error in remove for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`);
    }
    parent.splice(index, 1);
  } else {
    throw new PatchError('invalid', `remove operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return doc;
}

function replace(doc: unknown, tokens: readonly string[], value: unknown, path: string): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const key = tokens[tokens.length - 1] ?? '';
  if (parent === undefined) {
    throw new PatchError('invalid', `replace operation does not apply: doc is missing path: ${path}: missing value`);
  }
  if (!exists(doc, tokens)) {
    throw new PatchError('invalid', `replace operation does not apply: doc is missing key: ${path}: missing value`);
  }
  if (Array.isArray(parent)) {
    parent[Number(key)] = value;
  } else {
    setOwn(parent, key, value);
  }
  return doc;
}

function move(doc: unknown, op: JsonObject): unknown {
  const fromTokens = pointer(op, 'from', 'move');
  const pathTokens = pointer(op, 'path', 'move');
  const from = stringField(op, 'from');
  const path = stringField(op, 'path');
  if (!exists(doc, fromTokens)) {
    throw new PatchError('invalid', `move operation does not apply: doc is missing from path: ${from}: missing value`);
  }
  if (fromTokens.length < pathTokens.length && fromTokens.every((t, i) => t === pathTokens[i])) {
    throw new PatchError('invalid', `move operation does not apply: cannot move ${from} into its own child ${path}`);
  }
  if (fromTokens.length === pathTokens.length && fromTokens.every((t, i) => t === pathTokens[i])) return doc;
  const value = valueAt(doc, fromTokens);
  const afterRemove = remove(doc, fromTokens, from);
  return add(afterRemove, pathTokens, value, path);
}

function copy(doc: unknown, op: JsonObject): unknown {
  const fromTokens = pointer(op, 'from', 'copy');
  const pathTokens = pointer(op, 'path', 'copy');
  const from = stringField(op, 'from');
  if (!exists(doc, fromTokens)) {
    throw new PatchError('invalid', `copy operation does not apply: doc is missing from path: ${from}: missing value`);
  }
  return add(doc, pathTokens, cloneJson(valueAt(doc, fromTokens)), stringField(op, 'path'));
}

function test(doc: unknown, tokens: readonly string[], expected: unknown, path: string): void {
  if (!exists(doc, tokens)) {
    throw new PatchError('invalid', `test operation does not apply: is missing path: ${path}: missing value`);
  }
  if (!jsonEqual(valueAt(doc, tokens), expected)) {
    throw new PatchError('conflict', `testing value ${path} failed: test failed`);
  }
}
