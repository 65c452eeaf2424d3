// Element identity and order in merged lists. Strategic merge keeps the relative order the
// patch (or its $setElementOrder list) gives to the items it names, keeps the live order of
// the items only the server has, and interleaves the two using the live order where both
// sides are known. An item the live list lacks goes before the server-only items it is
// compared with, which is why `kubectl patch` puts a new container first.
import { isRecord } from '../object.js';
import type { JsonKind, JsonObject } from './json-value.js';
import { getOwn, hasOwn, jsonEqual, jsonKind } from './json-value.js';
import { DELETE_DIRECTIVE, DIRECTIVE_MARKER, MAP_TYPE, smpErrors } from './smp-directives.js';

/** The kind shared by all elements of the lists (undefined if they are all empty). */
export function elementKind(...lists: readonly (readonly unknown[])[]): JsonKind | undefined {
  let kind: JsonKind | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = jsonKind(item);
      if (kind === undefined) {
        if (k === 'array') throw smpErrors.listOfLists();
        kind = k;
      } else if (k !== kind) {
        throw smpErrors.elementTypesDiffer(lists);
      }
    }
  }
  return kind;
}

/** Equality of merge key values (or of primitives, when there is no merge key). */
export function sameKeyValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && a !== null && jsonEqual(a, b));
}

export function isDeleteDirective(item: unknown): boolean {
  return isRecord(item) && getOwn(item, DIRECTIVE_MARKER) === DELETE_DIRECTIVE;
}

export function hasDirectiveMarker(item: unknown): boolean {
  return isRecord(item) && hasOwn(item, DIRECTIVE_MARKER);
}

/** The item as a map holding `mergeKey`, or the Go error for it. */
export function keyedItem(item: unknown, mergeKey: string): JsonObject {
  if (!isRecord(item)) throw smpErrors.badArgType(MAP_TYPE, item);
  if (!hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
  return item;
}

/** Go's mergeKeyValueEqual: primitives compare directly, maps by their merge key. */
export function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return sameKeyValue(left, right);
  return sameKeyValue(keyedItem(left, mergeKey)[mergeKey], keyedItem(right, mergeKey)[mergeKey]);
}

/** The index of the first list map whose merge key equals `value`; -1 if none. */
export function findByKey(list: readonly unknown[], mergeKey: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isRecord(item)) throw smpErrors.notAMap(i);
    if (hasOwn(item, mergeKey) && sameKeyValue(item[mergeKey], value)) return i;
  }
  return -1;
}

function positionIn(list: readonly unknown[], item: unknown, mergeKey: string, kind: JsonKind | undefined): number {
  if (kind === 'object') {
    const target = isRecord(item) ? getOwn(item, mergeKey) : undefined;
    return list.findIndex((v) => sameKeyValue(isRecord(v) ? getOwn(v, mergeKey) : undefined, target));
  }
  return list.findIndex((v) => sameKeyValue(v, item));
}

/**
 * `toSort` in the order `order` gives (stable; items `order` lacks keep their relative
 * order after the others). For maps, items carrying `$patch: delete` go last.
 */
export function normalizeSliceOrder(toSort: readonly unknown[], order: readonly unknown[], mergeKey: string, kind: JsonKind | undefined): unknown[] {
  let items = [...toSort];
  let deletions: unknown[] = [];
  if (kind === 'object') {
    for (const item of toSort) keyedItem(item, mergeKey);
    for (const item of order) keyedItem(item, mergeKey);
    deletions = items.filter(isDeleteDirective);
    items = items.filter((item) => !isDeleteDirective(item));
  }
  const ranked = items.map((item, i) => ({ item, i, at: positionIn(order, item, mergeKey, kind) }));
  ranked.sort((a, b) => {
    if (a.at >= 0 && b.at >= 0) return a.at - b.at || a.i - b.i;
    if (a.at >= 0) return -1;
    if (b.at >= 0) return 1;
    return a.i - b.i;
  });
  return [...ranked.map((r) => r.item), ...deletions];
}

/**
 * Interleaves server-only items (`left`, in live order) with patch items (`right`, in patch
 * order): a server-only item goes first only while the live list puts it before the patch item.
 */
function mergeSorted(left: readonly unknown[], right: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: JsonKind | undefined): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      out.push(right[j++]);
    } else if (j >= right.length) {
      out.push(left[i++]);
    } else {
      const li = positionIn(serverOrder, left[i], mergeKey, kind);
      const ri = positionIn(serverOrder, right[j], mergeKey, kind);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

export function normalizeElementOrder(
  patchItems: readonly unknown[],
  serverOnly: readonly unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: JsonKind | undefined,
): unknown[] {
  const patchSorted = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const serverSorted = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(serverSorted, patchSorted, serverOrder, mergeKey, kind);
}

/** Splits `items` into those `by` names (by merge key for maps) and the others. */
export function partitionByPresence(items: readonly unknown[], by: readonly unknown[], mergeKey: string, kind: JsonKind | undefined): [unknown[], unknown[]] {
  const named: unknown[] = [];
  const others: unknown[] = [];
  for (const item of items) {
    let present: boolean;
    if (kind === 'object') {
      present = findByKey(by, mergeKey, keyedItem(item, mergeKey)[mergeKey]) >= 0;
    } else {
      present = by.some((v) => sameKeyValue(v, item));
    }
    (present ? named : others).push(item);
  }
  return [named, others];
}

/** Primitives without repeats, first occurrence kept. */
export function dedupeScalars(items: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((v) => sameKeyValue(v, item))) out.push(item);
  return out;
}

/** The items that are not in `toDelete`. */
export function deleteFromSlice(items: readonly unknown[], toDelete: readonly unknown[]): unknown[] {
  return items.filter((item) => !toDelete.some((d) => sameKeyValue(d, item)));
}
