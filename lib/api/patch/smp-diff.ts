// Computing a strategic merge patch from two documents (diffMaps in strategicpatch/patch.go):
// added and changed fields, null for removed fields, `$patch: delete` items for removed
// elements of keyed lists, $deleteFromPrimitiveList for removed primitives, $setElementOrder
// for merged lists whose content or order changed, $retainKeys for retainKeys objects.
import { isRecord } from '../object.js';
import type { JsonObject } from './json-value.js';
import { cloneJson, hasOwn, jsonEqual, jsonKind, setOwn } from './json-value.js';
import type { PatchMeta } from './patch-meta.js';
import {
  DELETE_DIRECTIVE,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  MERGE_DIRECTIVE,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
  fieldStrategy,
  smpErrors,
} from './smp-directives.js';
import { elementKind, keyedItem, mergeKeyValueEqual, normalizeSliceOrder } from './smp-order.js';

export interface DiffOptions {
  /** Emit $setElementOrder lists for merged lists. */
  setElementOrder: boolean;
  /** Leave out additions and changes (kubectl's deletions pass). */
  ignoreChangesAndAdditions: boolean;
  /** Leave out deletions (kubectl's changes pass). */
  ignoreDeletions: boolean;
  /** Emit $retainKeys for this object (its field has the retainKeys strategy). */
  buildRetainKeys: boolean;
}

/** The patch that turns `original` into `modified`, within the limits of `options`. */
export function diffMaps(original: JsonObject, modified: JsonObject, meta: PatchMeta, options: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  const retained: string[] = [];

  for (const key of Object.keys(modified)) {
    const after = modified[key];
    if (options.buildRetainKeys && after !== null) retained.push(key);
    if (!hasOwn(original, key)) {
      if (!options.ignoreChangesAndAdditions) setOwn(patch, key, cloneJson(after));
      continue;
    }
    const before = original[key];
    if (key === DIRECTIVE_MARKER) {
      if (typeof before !== 'string' || typeof after !== 'string') throw smpErrors.invalidDirectiveValue();
      if (before !== after) setOwn(patch, key, after);
      continue;
    }
    if (jsonKind(before) !== jsonKind(after)) {
      if (!options.ignoreChangesAndAdditions) setOwn(patch, key, cloneJson(after));
      continue;
    }
    if (isRecord(before) && isRecord(after)) {
      diffMapField(key, before, after, patch, meta, options);
    } else if (Array.isArray(before) && Array.isArray(after)) {
      diffListField(key, before, after, patch, meta, options);
    } else if (!options.ignoreChangesAndAdditions && !jsonEqual(before, after)) {
      setOwn(patch, key, cloneJson(after));
    }
  }

  if (!options.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!hasOwn(modified, key)) setOwn(patch, key, null);
  }
  // $retainKeys goes out when the patch changes something or a field must be cleared.
  if (retained.length > 0 && (Object.keys(patch).length > 0 || hasFieldModifiedLacks(original, modified))) {
    setOwn(patch, RETAIN_KEYS_DIRECTIVE, sortByText(retained));
  }
  return patch;
}

function hasFieldModifiedLacks(original: JsonObject, modified: JsonObject): boolean {
  return Object.keys(original).some((key) => original[key] !== null && !hasOwn(modified, key));
}

function diffMapField(key: string, before: JsonObject, after: JsonObject, patch: JsonObject, meta: PatchMeta, options: DiffOptions): void {
  const field = fieldStrategy(meta, key);
  if (field.strategy === REPLACE_DIRECTIVE) {
    // Go sends a replace-strategy object whole, changed or not.
    if (!options.ignoreChangesAndAdditions) setOwn(patch, key, cloneJson(after));
    return;
  }
  const nested = diffMaps(before, after, field.nested, { ...options, buildRetainKeys: field.retainKeys });
  if (Object.keys(nested).length > 0) setOwn(patch, key, nested);
}

function diffListField(key: string, before: unknown[], after: unknown[], patch: JsonObject, meta: PatchMeta, options: DiffOptions): void {
  const field = fieldStrategy(meta, key);
  if (field.strategy !== MERGE_DIRECTIVE) {
    if (!options.ignoreChangesAndAdditions && !jsonEqual(before, after)) setOwn(patch, key, cloneJson(after));
    return;
  }
  const diff = diffLists(before, after, field.nested, field.mergeKey, { ...options, buildRetainKeys: field.retainKeys });
  if (diff.changes.length > 0) setOwn(patch, key, diff.changes);
  if (diff.deletions.length > 0) setOwn(patch, `${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/${key}`, diff.deletions);
  if (diff.order.length > 0) setOwn(patch, `${SET_ELEMENT_ORDER_PREFIX}/${key}`, diff.order);
}

interface ListDiff {
  /** Added and changed items (and, for keyed lists, `$patch: delete` items last). */
  changes: unknown[];
  /** Removed primitives ($deleteFromPrimitiveList). */
  deletions: unknown[];
  /** The $setElementOrder list. */
  order: unknown[];
}

function diffLists(before: unknown[], after: unknown[], itemMeta: PatchMeta, mergeKey: string, options: DiffOptions): ListDiff {
  const none: ListDiff = { changes: [], deletions: [], order: [] };
  if (before.length === 0) {
    if (after.length === 0 || options.ignoreChangesAndAdditions) return none;
    return { ...none, changes: cloneJson(after) };
  }
  const kind = elementKind(before, after);

  if (kind === 'object') {
    const { changes, deletions } = diffKeyedLists(before, after, itemMeta, mergeKey, options);
    const ordered = [...normalizeSliceOrder(changes, after, mergeKey, kind), ...deletions];
    const orderSame = isOrderSame(before, after, mergeKey);
    const wantOrder =
      options.setElementOrder &&
      ((!options.ignoreChangesAndAdditions && (ordered.length > 0 || !orderSame)) || (!options.ignoreDeletions && ordered.length > 0));
    const order = wantOrder ? after.map((item) => mergeKeyOnly(item, mergeKey)) : [];
    return { changes: ordered, deletions: [], order };
  }

  const { added, removed } = diffScalarLists(before, after, options);
  const changes = normalizeSliceOrder(added, after, '', kind);
  const wantOrder =
    options.setElementOrder &&
    ((!options.ignoreDeletions && removed.length > 0) || (!options.ignoreChangesAndAdditions && !jsonEqual(before, after)));
  return { changes, deletions: removed, order: wantOrder ? cloneJson(after) : [] };
}

function mergeKeyOnly(item: unknown, mergeKey: string): JsonObject {
  const out: JsonObject = {};
  setOwn(out, mergeKey, isRecord(item) && hasOwn(item, mergeKey) ? item[mergeKey] : null);
  return out;
}

function isOrderSame(before: unknown[], after: unknown[], mergeKey: string): boolean {
  if (before.length !== after.length) return false;
  return after.every((item, i) => mergeKeyValueEqual(before[i], item, mergeKey));
}

// Go walks both lists sorted by the text of their merge key (fmt "%v") in step.
function diffKeyedLists(before: unknown[], after: unknown[], itemMeta: PatchMeta, mergeKey: string, options: DiffOptions): { changes: unknown[]; deletions: unknown[] } {
  const sortByKey = (list: unknown[]): { item: JsonObject; text: string }[] =>
    list
      .map((item) => {
        const keyed = keyedItem(item, mergeKey);
        return { item: keyed, text: String(keyed[mergeKey]) };
      })
      .sort((a, b) => compareText(a.text, b.text));
  const olds = sortByKey(before);
  const news = sortByKey(after);
  const changes: unknown[] = [];
  const deletions: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < olds.length || j < news.length) {
    const old = olds[i];
    const cur = news[j];
    if (old !== undefined && cur !== undefined && old.text === cur.text) {
      const nested = diffMaps(old.item, cur.item, itemMeta, options);
      if (Object.keys(nested).length > 0) {
        setOwn(nested, mergeKey, cur.item[mergeKey]);
        changes.push(nested);
      }
      i++;
      j++;
    } else if (cur !== undefined && (old === undefined || old.text > cur.text)) {
      if (!options.ignoreChangesAndAdditions) changes.push(cloneJson(cur.item));
      j++;
    } else if (old !== undefined) {
      if (!options.ignoreDeletions) {
        const directive: JsonObject = {};
        setOwn(directive, mergeKey, old.item[mergeKey]);
        setOwn(directive, DIRECTIVE_MARKER, DELETE_DIRECTIVE);
        deletions.push(directive);
      }
      i++;
    }
  }
  return { changes, deletions };
}

function diffScalarLists(before: unknown[], after: unknown[], options: DiffOptions): { added: unknown[]; removed: unknown[] } {
  const olds = sortByText(before);
  const news = sortByText(after);
  const added: unknown[] = [];
  const removed: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < olds.length || j < news.length) {
    const oldText = i < olds.length ? String(olds[i]) : undefined;
    const newText = j < news.length ? String(news[j]) : undefined;
    if (oldText !== undefined && newText !== undefined && oldText === newText) {
      i++;
      j++;
    } else if (newText !== undefined && (oldText === undefined || oldText > newText)) {
      if (!options.ignoreChangesAndAdditions) added.push(news[j]);
      j++;
    } else {
      if (!options.ignoreDeletions && !removed.some((v) => v === olds[i])) removed.push(olds[i]);
      i++;
    }
  }
  return { added, removed };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortByText<T>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareText(String(a), String(b)));
}
