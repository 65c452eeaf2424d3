// Walks two values of one type side by side, as structured-merge-diff's merging walker does:
// leaves (scalars, atomic lists and maps, and containers empty on both sides) go to a rule;
// granular maps and associative lists are descended into, matching items by key. merge() keeps
// the right-hand side's leaves (applying a configuration); compare() reports the fields the right
// side added, modified or removed (what a write changed).
import { isRecord } from '../../../lib/api/object.js';
import { FieldSetBuilder, fieldElement, serializePathElement } from './field-set.js';
import type { FieldSet, PathElement } from './field-set.js';
import { valuesEqual } from './json-value.js';
import { listItemElement } from './list-item-key.js';
import { DEDUCED, concreteAtom, entryAtom } from './schema-atoms.js';
import type { Atom, ListAtom, MapAtom } from './schema-atoms.js';

/** Sees a leaf: lhs/rhs undefined means absent (null is a value). Returns the merged output. */
type LeafRule = (lhs: unknown, rhs: unknown, path: readonly PathElement[]) => unknown;
/** Sees a container once its items were walked. */
type ItemHook = (lhs: unknown, rhs: unknown, path: readonly PathElement[]) => void;

interface Walker {
  rule: LeafRule;
  postItem?: ItemHook;
}

function walk(w: Walker, lhs: unknown, rhs: unknown, atom: Atom, path: PathElement[]): unknown {
  if (lhs === undefined && rhs === undefined) return undefined;
  const al = lhs === undefined ? undefined : concreteAtom(atom, lhs);
  const ar = rhs === undefined ? undefined : concreteAtom(atom, rhs);
  const a = ar ?? al;
  if (a === undefined) return undefined;
  // Deduced values of different shapes on each side are compared as a whole.
  if (al !== undefined && ar !== undefined && al.kind !== ar.kind) return w.rule(lhs, rhs, path);
  let out: unknown;
  let leaf = false;
  switch (a.kind) {
    case 'scalar':
      return w.rule(lhs, rhs, path);
    case 'list': {
      const l = Array.isArray(lhs) ? lhs : undefined;
      const r = Array.isArray(rhs) ? rhs : undefined;
      const emptyBoth = (l === undefined || l.length === 0) && (r === undefined || r.length === 0);
      if (a.relationship === 'atomic' || emptyBoth) {
        out = w.rule(lhs, rhs, path);
        leaf = true;
      } else {
        out = walkList(w, a, l ?? [], r ?? [], path);
      }
      break;
    }
    case 'map': {
      const l = isRecord(lhs) ? lhs : undefined;
      const r = isRecord(rhs) ? rhs : undefined;
      const emptyBoth = (l === undefined || Object.keys(l).length === 0) && (r === undefined || Object.keys(r).length === 0);
      if (a.relationship === 'atomic' || emptyBoth) {
        out = w.rule(lhs, rhs, path);
        leaf = true;
      } else {
        out = walkMap(w, a, l ?? {}, r ?? {}, path);
      }
      break;
    }
  }
  if (!leaf) w.postItem?.(lhs, rhs, path);
  return out;
}

interface IndexedItems {
  order: PathElement[];
  byId: Map<string, unknown>;
}

function indexItems(list: ListAtom, items: readonly unknown[]): IndexedItems {
  const order: PathElement[] = [];
  const byId = new Map<string, unknown>();
  items.forEach((item, i) => {
    const pe = listItemElement(list, i, item);
    // Items without a valid key were rejected when the configuration was checked; repeats of a
    // key in a stored object are kept once.
    if ('error' in pe) return;
    const id = serializePathElement(pe.element);
    if (byId.has(id)) return;
    byId.set(id, item);
    order.push(pe.element);
  });
  return { order, byId };
}

/**
 * Merges associative-list items. Items both sides share follow the right side's order; items
 * only the left side has stay near where they were; new right-side items come in right-side order.
 */
function walkList(w: Walker, list: ListAtom, lhs: readonly unknown[], rhs: readonly unknown[], path: PathElement[]): unknown {
  const left = indexItems(list, lhs);
  const right = indexItems(list, rhs);
  const shared = right.order.filter((pe) => left.byId.has(serializePathElement(pe)));
  let sharedAt = 0;
  const nextShared = (): string | undefined => {
    const pe = shared[sharedAt];
    return pe ? serializePathElement(pe) : undefined;
  };
  const out: unknown[] = [];
  const visit = (pe: PathElement, id: string, l: unknown, r: unknown): void => {
    path.push(pe);
    const v = walk(w, l, r, list.element(), path);
    path.pop();
    if (v !== undefined) out.push(v);
    if (id === nextShared()) sharedAt++;
  };
  let li = 0;
  let ri = 0;
  while (li < left.order.length || ri < right.order.length) {
    const lpe = left.order[li];
    const rpe = right.order[ri];
    const lid = lpe ? serializePathElement(lpe) : undefined;
    const rid = rpe ? serializePathElement(rpe) : undefined;
    if (lpe && rpe && lid !== undefined && rid !== undefined) {
      if (lid === rid) {
        visit(lpe, lid, left.byId.get(lid), right.byId.get(rid));
        li++;
        ri++;
        continue;
      }
      const next = nextShared();
      if (right.byId.has(lid) && next !== undefined && next !== lid) {
        // A shared item the right side wants later: it is merged when the right side reaches it.
        li++;
        continue;
      }
    }
    if (lpe && lid !== undefined && !right.byId.has(lid)) {
      visit(lpe, lid, left.byId.get(lid), undefined);
      li++;
      continue;
    }
    if (rpe && rid !== undefined) {
      visit(rpe, rid, left.byId.get(rid), right.byId.get(rid));
      ri++;
      continue;
    }
    li++;
  }
  return out.length > 0 ? out : undefined;
}

function walkMap(w: Walker, map: MapAtom, lhs: Record<string, unknown>, rhs: Record<string, unknown>, path: PathElement[]): unknown {
  const out: Record<string, unknown> = {};
  const keys = [...Object.keys(lhs), ...Object.keys(rhs).filter((k) => !Object.prototype.hasOwnProperty.call(lhs, k))];
  for (const key of keys) {
    path.push(fieldElement(key));
    const v = walk(w, lhs[key], rhs[key], entryAtom(map, key) ?? DEDUCED, path);
    path.pop();
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `lhs` with `rhs` merged in (typed.Merge): nothing is removed; leaves both set take rhs's value;
 * associative lists and granular maps merge item by item.
 */
export function mergeValues(lhs: unknown, rhs: unknown, atom: Atom): unknown {
  return walk({ rule: (l, r) => (r !== undefined ? r : l) }, lhs, rhs, atom, []);
}

/** What changed from lhs to rhs (typed.Compare). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compareValues(lhs: unknown, rhs: unknown, atom: Atom): Comparison {
  const added = new FieldSetBuilder();
  const modified = new FieldSetBuilder();
  const removed = new FieldSetBuilder();
  const rule: LeafRule = (l, r, path) => {
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
    else if (!valuesEqual(l, r)) modified.insert(path);
    return undefined;
  };
  const postItem: ItemHook = (l, r, path) => {
    if (l === undefined) added.insert(path);
    else if (r === undefined) removed.insert(path);
  };
  walk({ rule, postItem }, lhs, rhs, atom, []);
  return { added: added.build(), modified: modified.build(), removed: removed.build() };
}

/** True when a comparison found no change. */
export function isSame(c: Comparison): boolean {
  return c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();
}

/** The comparison with `ignored` fields (and everything below them) left out. */
export function excludeFields(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (!ignored || ignored.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}
