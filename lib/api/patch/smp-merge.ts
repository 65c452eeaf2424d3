// Merging a strategic merge patch into a document (mergeMap in strategicpatch/patch.go).
// One algorithm serves two purposes, as in Go:
//  - 'apply': the server applies a patch to an object. Nulls delete, directives are
//    consumed, $deleteFromPrimitiveList removes values. Every value taken from the patch
//    without merging (new fields, replaced lists, appended list items) is itself applied to
//    nothing, so no directive key and no null map field reaches the result. (Go leaves such
//    keys in place in a few corners, and drops a new map that says `$patch: replace`; here
//    that map's content is kept.)
//  - 'combine': kubectl merges its deletions patch with its changes patch into one patch.
//    Nulls and parallel lists are kept, $retainKeys and $setElementOrder must agree.
// Both functions work on documents the caller owns (copies) and change them in place.
import { isRecord } from '../object.js';
import type { JsonObject } from './json-value.js';
import { deleteOwn, getOwn, hasOwn, jsonEqual, jsonKind, setOwn } from './json-value.js';
import type { PatchMeta } from './patch-meta.js';
import type { FieldStrategy } from './smp-directives.js';
import {
  DELETE_DIRECTIVE,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  MAP_TYPE,
  MERGE_DIRECTIVE,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
  SLICE_TYPE,
  directiveField,
  fieldStrategy,
  itemStrategy,
  smpErrors,
} from './smp-directives.js';
import {
  dedupeScalars,
  deleteFromSlice,
  elementKind,
  findByKey,
  hasDirectiveMarker,
  isDeleteDirective,
  keyedItem,
  mergeKeyValueEqual,
  normalizeElementOrder,
  partitionByPresence,
} from './smp-order.js';

export type MergeMode = 'apply' | 'combine';

/** A value taken from a patch, or nothing when the patch says to drop it. */
type Taken = { keep: true; value: unknown } | { keep: false };

/** Merges `patch` into `original` (both owned by the caller) and returns the merged map. */
export function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta, mode: MergeMode): JsonObject {
  if (hasOwn(patch, DIRECTIVE_MARKER)) return mapDirective(patch, meta, mode);

  applyRetainKeys(original, patch, mode);
  mergeOrderedLists(original, patch, meta, mode);

  // Parallel deletion lists go last, after the lists they trim have been merged.
  const deletionLists: string[] = [];
  for (const key of Object.keys(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      if (mode === 'combine') setOwn(original, key, patch[key]);
      else deletionLists.push(key);
      continue;
    }
    mergeField(original, key, patch[key], meta, mode, false);
  }
  for (const key of deletionLists) {
    mergeField(original, directiveField(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX), patch[key], meta, mode, true);
  }
  return original;
}

function mapDirective(patch: JsonObject, meta: PatchMeta, mode: MergeMode): JsonObject {
  const directive = patch[DIRECTIVE_MARKER];
  if (directive === REPLACE_DIRECTIVE) {
    deleteOwn(patch, DIRECTIVE_MARKER);
    return mode === 'apply' ? mergeMap({}, patch, meta, mode) : patch;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw smpErrors.badPatchType(directive, patch);
}

function mergeField(target: JsonObject, key: string, patchValue: unknown, meta: PatchMeta, mode: MergeMode, isDeletionList: boolean): void {
  if (patchValue === null) {
    deleteOwn(target, key);
    // Applying, null means "delete"; combining, the null is kept as the deletion.
    if (mode === 'apply') return;
  }
  const field = fieldStrategy(meta, key);
  if (!hasOwn(target, key) || jsonKind(target[key]) !== jsonKind(patchValue)) {
    if (!isDeletionList) put(target, key, take(patchValue, field, mode));
    return;
  }
  const current = target[key];
  if (isRecord(current) && isRecord(patchValue)) {
    if (field.strategy === REPLACE_DIRECTIVE) put(target, key, take(patchValue, field, mode));
    else setOwn(target, key, mergeMap(current, patchValue, field.nested, mode));
  } else if (Array.isArray(current) && Array.isArray(patchValue)) {
    if (field.strategy === MERGE_DIRECTIVE || isDeletionList) {
      setOwn(target, key, mergeSlice(current, patchValue, field, mode, isDeletionList));
    } else {
      put(target, key, take(patchValue, field, mode));
    }
  } else {
    put(target, key, take(patchValue, field, mode));
  }
}

function put(target: JsonObject, key: string, taken: Taken): void {
  if (taken.keep) setOwn(target, key, taken.value);
  else deleteOwn(target, key);
}

/** A patch value used as is rather than merged with an existing one. */
function take(value: unknown, field: FieldStrategy, mode: MergeMode): Taken {
  return mode === 'apply' ? materialize(value, field) : stripPatchDirectives(value);
}

// Applies a patch value to nothing: directives are consumed, null map fields dropped.
function materialize(value: unknown, field: FieldStrategy): Taken {
  if (isRecord(value)) {
    if (hasOwn(value, DIRECTIVE_MARKER)) {
      const directive = value[DIRECTIVE_MARKER];
      if (directive === DELETE_DIRECTIVE) return { keep: false };
      if (directive !== REPLACE_DIRECTIVE) throw smpErrors.badPatchType(directive, value);
    }
    return { keep: true, value: mergeMap({}, value, field.nested, 'apply') };
  }
  if (Array.isArray(value)) {
    if (field.strategy === MERGE_DIRECTIVE && field.mergeKey !== '' && value.some(isRecord)) {
      return { keep: true, value: mergeSlice([], value, field, 'apply', false) };
    }
    const item = itemStrategy(field);
    const out: unknown[] = [];
    for (const v of value) {
      const taken = isRecord(v) ? materialize(v, item) : { keep: true as const, value: v };
      if (taken.keep) out.push(taken.value);
    }
    return { keep: true, value: out };
  }
  return { keep: true, value };
}

// Go's removeDirectives: maps carrying $patch are dropped, everything else kept as is.
function stripPatchDirectives(value: unknown): Taken {
  if (isRecord(value)) {
    if (hasOwn(value, DIRECTIVE_MARKER)) return { keep: false };
    for (const key of Object.keys(value)) put(value, key, stripPatchDirectives(value[key]));
    return { keep: true, value };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const taken = stripPatchDirectives(v);
      if (taken.keep) out.push(taken.value);
    }
    return { keep: true, value: out };
  }
  return { keep: true, value };
}

function applyRetainKeys(original: JsonObject, patch: JsonObject, mode: MergeMode): void {
  if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retained = patch[RETAIN_KEYS_DIRECTIVE];
  deleteOwn(patch, RETAIN_KEYS_DIRECTIVE);

  if (mode === 'combine') {
    if (!hasOwn(original, RETAIN_KEYS_DIRECTIVE)) setOwn(original, RETAIN_KEYS_DIRECTIVE, retained);
    else if (!jsonEqual(original[RETAIN_KEYS_DIRECTIVE], retained)) throw smpErrors.retainKeysDiffer(original[RETAIN_KEYS_DIRECTIVE], retained);
    return;
  }

  if (!Array.isArray(retained)) throw smpErrors.badRetainKeysFormat();
  const keep = (key: string): boolean => retained.includes(key);
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep(key)) throw smpErrors.badRetainKeysFormat();
  }
  for (const key of Object.keys(original)) if (!keep(key)) deleteOwn(original, key);
}

// $setElementOrder/<field>: merges the field's list (if the patch has one) and then orders the
// result: items the order names come in that order, server-only items keep their live order.
function mergeOrderedLists(original: JsonObject, patch: JsonObject, meta: PatchMeta, mode: MergeMode): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[key];
    if (mode === 'combine') {
      if (!hasOwn(original, key)) setOwn(original, key, order);
      else if (!jsonEqual(original[key], order)) throw smpErrors.badSetElementOrderFormat();
    }
    deleteOwn(patch, key);

    if (!Array.isArray(order)) throw smpErrors.badArgType(SLICE_TYPE, order);
    const name = directiveField(key, SET_ELEMENT_ORDER_PREFIX);
    const inOriginal = hasOwn(original, name);
    const inPatch = hasOwn(patch, name);
    const originalList = getOwn(original, name);
    const patchList = getOwn(patch, name);
    if (inOriginal && !Array.isArray(originalList)) throw smpErrors.badArgType(SLICE_TYPE, originalList);
    if (inPatch && !Array.isArray(patchList)) throw smpErrors.badArgType(SLICE_TYPE, patchList);
    const originalItems: unknown[] = Array.isArray(originalList) ? originalList : [];
    const patchItems: unknown[] = Array.isArray(patchList) ? patchList : [];

    const field = fieldStrategy(meta, name);
    validateAgainstOrder(patchItems, order, field.mergeKey);

    let merged: unknown[];
    let liveView: readonly unknown[] = originalItems;
    if (inOriginal && !inPatch) {
      merged = originalItems;
    } else if (!inOriginal && inPatch) {
      merged = asList(take(patchItems, field, mode));
    } else if (inOriginal && inPatch) {
      if (field.strategy === MERGE_DIRECTIVE) {
        ({ list: merged, liveView } = mergeSliceWithLiveView(originalItems, patchItems, field, mode, false));
      } else {
        merged = asList(take(patchItems, field, mode));
      }
    } else {
      continue;
    }

    const kind = elementKind(originalItems, patchItems) ?? elementKind(merged);
    // Go tells items apart by merge key when the field has one, by value otherwise.
    const [named, serverOnly] = partitionByPresence(merged, order, field.mergeKey, field.mergeKey === '' ? 'string' : 'object');
    setOwn(original, name, normalizeElementOrder(named, serverOnly, order, liveView, field.mergeKey, kind));
    deleteOwn(patch, name);
  }
}

function asList(taken: Taken): unknown[] {
  return taken.keep && Array.isArray(taken.value) ? taken.value : [];
}

// The items a patch list names must appear in $setElementOrder, in the same relative order.
function validateAgainstOrder(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const item of patchList) if (!isRecord(item)) throw smpErrors.badArgType(MAP_TYPE, item);
    items = patchList.filter((item) => !isDeleteDirective(item));
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (hasDirectiveMarker(items[p])) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(items[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) throw smpErrors.orderMismatch(patchList, order);
}

/** Merges a list field whose strategy is merge (or a parallel deletion list). */
export function mergeSlice(original: unknown[], patch: unknown[], field: FieldStrategy, mode: MergeMode, isDeletionList: boolean): unknown[] {
  return mergeSliceWithLiveView(original, patch, field, mode, isDeletionList).list;
}

interface MergedSlice {
  list: unknown[];
  /**
   * The live list as Go's $setElementOrder step sees it afterwards. Go drops `$patch: delete`
   * items and appends new items in the live slice's own backing array, so the first new
   * items take the places the deleted ones freed; the final ordering compares positions in
   * that array (apimachinery's "add map and delete map from merging list" depends on it).
   */
  liveView: readonly unknown[];
}

function mergeSliceWithLiveView(original: unknown[], patch: unknown[], field: FieldStrategy, mode: MergeMode, isDeletionList: boolean): MergedSlice {
  if (original.length === 0 && patch.length === 0) return { list: original, liveView: original };
  const kind = elementKind(original, patch);

  if (kind !== 'object') {
    if (mode === 'apply' && isDeletionList) return { list: deleteFromSlice(original, patch), liveView: original };
    const merged = dedupeScalars([...original, ...patch]);
    const [named, serverOnly] = partitionByPresence(merged, patch, '', kind);
    return { list: normalizeElementOrder(named, serverOnly, patch, original, '', kind), liveView: original };
  }

  const mergeKey = field.mergeKey;
  if (mergeKey === '') throw smpErrors.listWithoutMergeKey(field.name);

  // $patch elements: delete drops the matching items, replace makes the rest the whole list.
  let serverOrder = original;
  const plain: unknown[] = [];
  let replaceAll = false;
  for (const item of patch) {
    if (!isRecord(item) || !hasOwn(item, DIRECTIVE_MARKER)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
      const value = item[mergeKey];
      while (true) {
        const at = findByKey(serverOrder, mergeKey, value);
        if (at < 0) break;
        serverOrder = [...serverOrder.slice(0, at), ...serverOrder.slice(at + 1)];
      }
    } else if (directive === REPLACE_DIRECTIVE) {
      replaceAll = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw smpErrors.mergeDirectiveInList();
    } else {
      throw smpErrors.badPatchType(directive, item);
    }
  }
  if (replaceAll) return { list: asList(take(plain, itemsOnly(field), mode)), liveView: original };

  const merged = [...serverOrder];
  const appended: unknown[] = [];
  for (const item of plain) {
    const patchItem = keyedItem(item, mergeKey);
    const at = findByKey(merged, mergeKey, patchItem[mergeKey]);
    const existing = at >= 0 ? merged[at] : undefined;
    if (isRecord(existing)) {
      merged[at] = mergeMap(existing, patchItem, field.nested, mode);
    } else {
      const taken = take(patchItem, itemStrategy(field), mode);
      if (taken.keep) {
        merged.push(taken.value);
        appended.push(taken.value);
      }
    }
  }
  const [named, serverOnly] = partitionByPresence(merged, plain, mergeKey, kind);
  const freed = original.length - serverOrder.length;
  return {
    list: normalizeElementOrder(named, serverOnly, plain, serverOrder, mergeKey, kind),
    liveView: [...serverOrder, ...appended.slice(0, freed)],
  };
}

// A list replaced by its patch: its items are taken one by one, never merged by key.
function itemsOnly(field: FieldStrategy): FieldStrategy {
  return { ...field, strategy: '' };
}
