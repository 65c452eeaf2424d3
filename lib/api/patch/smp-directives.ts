// The vocabulary of strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch):
// directive keys, a field's patch strategy, and the errors with their Go texts
// (pkg/util/mergepatch/errors.go and strategicpatch/patch.go).
import { PatchError } from './errors.js';
import { goFormat, goTypeName } from './json-value.js';
import type { FieldPatchMeta, PatchMeta } from './patch-meta.js';
import { NO_PATCH_META } from './patch-meta.js';

/** `$patch: replace | delete | merge` in a map or a list element. */
export const DIRECTIVE_MARKER = '$patch';
export const DELETE_DIRECTIVE = 'delete';
export const REPLACE_DIRECTIVE = 'replace';
export const MERGE_DIRECTIVE = 'merge';
/** The keys of a retainKeys object to keep; the others are cleared. */
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
/** `$deleteFromPrimitiveList/<field>`: values to remove from a merged list of primitives. */
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
/** `$setElementOrder/<field>`: the order of a merged list (merge keys, or the primitives). */
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

/** What strategic merge does with one field, from its PatchMeta. */
export interface FieldStrategy {
  /** The field's name, for error texts. */
  name: string;
  /** 'merge' merges lists (by key, or as a set) ; 'replace' replaces maps and lists; '' is the default. */
  strategy: 'merge' | 'replace' | '';
  /** The retainKeys strategy: a patch clears the object's keys it does not list in $retainKeys. */
  retainKeys: boolean;
  mergeKey: string;
  /** The object's fields (for objects) or the items' fields (for lists). */
  nested: PatchMeta;
}

export function fieldStrategy(meta: PatchMeta, name: string): FieldStrategy {
  return strategyOf(name, meta.lookup(name));
}

/** The strategy of a list's items: plain objects described by the list's nested meta. */
export function itemStrategy(list: FieldStrategy): FieldStrategy {
  return { name: list.name, strategy: '', retainKeys: false, mergeKey: '', nested: list.nested };
}

function strategyOf(name: string, field: FieldPatchMeta | undefined): FieldStrategy {
  const strategies = field?.strategies ?? [];
  const base = { name, mergeKey: field?.mergeKey ?? '', nested: field?.nested ?? NO_PATCH_META };
  const [first, second] = strategies;
  if (strategies.length === 0) return { ...base, strategy: '', retainKeys: false };
  if (strategies.length === 1 && first !== undefined) {
    return first === 'retainKeys' ? { ...base, strategy: '', retainKeys: true } : { ...base, strategy: first, retainKeys: false };
  }
  if (strategies.length === 2 && first !== undefined && second !== undefined) {
    if (first === 'retainKeys' && second !== 'retainKeys') return { ...base, strategy: second, retainKeys: true };
    if (second === 'retainKeys' && first !== 'retainKeys') return { ...base, strategy: first, retainKeys: true };
  }
  throw new PatchError('unclassified', `unexpected patch strategy: [${strategies.join(' ')}]`);
}

/** The field a `<prefix>/<field>` directive key names. */
export function directiveField(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw smpErrors.badPrimitiveListFormat();
    throw smpErrors.badSetElementOrderFormat();
  }
  return key.slice(slash + 1);
}

export const smpErrors = {
  badJsonDocument: (): PatchError => new PatchError('bad-request', 'invalid JSON document'),
  badPrimitiveListFormat: (): PatchError => new PatchError('bad-request', 'invalid patch format of primitive list'),
  badRetainKeysFormat: (): PatchError => new PatchError('bad-request', 'invalid patch format of retainKeys'),
  badSetElementOrderFormat: (): PatchError => new PatchError('bad-request', 'invalid patch format of setElementOrder list'),
  listOfLists: (): PatchError => new PatchError('invalid', 'lists of lists are not supported'),
  noMergeKey: (item: unknown, mergeKey: string): PatchError =>
    new PatchError('unclassified', `map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`),
  badArgType: (expected: string, actual: unknown): PatchError =>
    new PatchError('unclassified', `expected a ${expected}, but received a ${goTypeName(actual)}`),
  badPatchType: (directive: unknown, map: unknown): PatchError =>
    new PatchError('unclassified', `unknown patch type: ${goFormat(directive)} in map: ${goFormat(map)}`),
  mergeDirectiveInList: (): PatchError => new PatchError('unclassified', 'merging lists cannot yet be specified in the patch'),
  listWithoutMergeKey: (field: string): PatchError => new PatchError('unclassified', `cannot merge lists without merge key for ${field}`),
  elementTypesDiffer: (lists: readonly (readonly unknown[])[]): PatchError =>
    new PatchError('unclassified', `list element types are not identical: ${goFormat(lists)}`),
  notAMap: (index: number): PatchError => new PatchError('unclassified', `value for key ${index} is not a map`),
  orderMismatch: (patchList: unknown, order: unknown): PatchError =>
    new PatchError('unclassified', `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(order)}`),
  invalidDirectiveValue: (): PatchError => new PatchError('unclassified', `invalid value for special key: ${DIRECTIVE_MARKER}`),
  retainKeysDiffer: (a: unknown, b: unknown): PatchError =>
    new PatchError(
      'unclassified',
      `${goFormat(a)} and ${goFormat(b)} are not deep equal: this may happen when calculating the 3-way diff patch`,
    ),
};

export const MAP_TYPE = 'map[string]interface {}';
export const SLICE_TYPE = '[]interface {}';
