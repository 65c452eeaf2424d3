// The path element that names a list item: its index in an atomic list, its key fields in a
// keyed associative list (missing keys take their defaults), or its value in a set. The error
// texts are structured-merge-diff's, which kube-apiserver returns for bad apply configurations.
import { isRecord } from '../../../lib/api/object.js';
import { indexElement, keyElement, valueElement } from './field-set.js';
import type { KeyField, PathElement } from './field-set.js';
import type { ListAtom } from './schema-atoms.js';

export type ListItemElement = { element: PathElement } | { error: string };

export function listItemElement(list: ListAtom, index: number, item: unknown): ListItemElement {
  if (list.relationship === 'atomic') return { element: indexElement(index) };
  if (list.keys.length > 0) {
    if (item === null || item === undefined) return { error: 'associative list with keys may not have a null element' };
    if (!isRecord(item)) return { error: 'associative list with keys may not have non-map elements' };
    const fields: KeyField[] = [];
    for (const name of list.keys) {
      const value = Object.prototype.hasOwnProperty.call(item, name) ? item[name] : list.keyDefaults[name];
      if (value === undefined) {
        return { error: `associative list with keys has an element that omits key field "${name}" (and doesn't have default value)` };
      }
      fields.push({ name, value });
    }
    return { element: keyElement(fields) };
  }
  if (isRecord(item)) return { error: "associative list without keys has an element that's a map type" };
  if (Array.isArray(item)) return { error: 'not supported: associative list with lists as elements' };
  if (item === null || item === undefined) return { error: "associative list without keys has an element that's an explicit null" };
  return { element: valueElement(item) };
}
