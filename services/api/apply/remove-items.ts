// Removing a set of fields from a value (typed.RemoveItems), and widening a set so that struct
// fields holding owned fields count as owned themselves (Set.EnsureNamedFieldsAreMembers): what
// apply uses to drop the fields a manager stopped applying.
import { isRecord } from '../../../lib/api/object.js';
import { FieldSet, fieldElement } from './field-set.js';
import type { FieldSetPath, SetNode } from './field-set.js';
import { listItemElement } from './list-item-key.js';
import { DEDUCED, concreteAtom, entryAtom } from './schema-atoms.js';
import type { Atom } from './schema-atoms.js';

/**
 * `value` without the fields in `toRemove`: a removed member goes with everything below it; a
 * list or map left empty disappears (returns undefined), as it would from the typed Go object.
 */
export function removeItems(value: unknown, toRemove: FieldSet, atom: Atom): unknown {
  if (toRemove.isEmpty()) return value;
  const a = concreteAtom(atom, value);
  switch (a.kind) {
    case 'scalar':
      return value;
    case 'list': {
      if (!Array.isArray(value)) return value;
      if (a.relationship === 'atomic') return undefined;
      const out: unknown[] = [];
      value.forEach((item: unknown, i) => {
        const pe = listItemElement(a, i, item);
        if ('error' in pe) {
          out.push(item);
          return;
        }
        const path: FieldSetPath = [pe.element];
        if (toRemove.has(path)) return;
        const sub = toRemove.withPrefix(pe.element);
        const kept = sub.isEmpty() ? item : removeItems(item, sub, a.element());
        if (kept !== undefined) out.push(kept);
      });
      return out.length > 0 ? out : undefined;
    }
    case 'map': {
      if (!isRecord(value)) return value;
      if (a.relationship === 'atomic') return undefined;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const pe = fieldElement(key);
        if (toRemove.has([pe])) continue;
        const sub = toRemove.withPrefix(pe);
        const kept = sub.isEmpty() ? child : removeItems(child, sub, entryAtom(a, key) ?? DEDUCED);
        if (kept !== undefined) out[key] = kept;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
  }
}

interface Node {
  members: SetNode['members'][number][];
  children: { element: SetNode['children'][number]['element']; node: Node }[];
}

function ensureNode(node: SetNode, atom: Atom | undefined): Node {
  const a = atom && atom.kind !== 'deduced' ? atom : undefined;
  const members = [...node.members];
  const children: Node['children'] = [];
  for (const c of node.children) {
    let childAtom: Atom | undefined;
    const el = c.element;
    if (el.kind === 'field' && a?.kind === 'map') {
      const named = a.field(el.name);
      // Only named struct fields become members; map entries and list items are members already.
      if (named !== undefined && !members.some((m) => m.kind === 'field' && m.name === el.name)) members.push(el);
      childAtom = named ?? a.element();
    } else if (el.kind === 'key' && a?.kind === 'list') {
      childAtom = a.element();
    }
    children.push({ element: c.element, node: ensureNode(c.node, childAtom) });
  }
  return { members, children };
}

/** The set plus every named struct field that has owned fields below it. */
export function ensureNamedFieldsAreMembers(set: FieldSet, atom: Atom): FieldSet {
  const widened = ensureNode(set.node(), atom);
  // Re-insert through the builder so that members stay sorted.
  return FieldSet.of(pathsOf(widened));
}

function pathsOf(node: Node, prefix: FieldSetPath = []): FieldSetPath[] {
  const out: FieldSetPath[] = node.members.map((m) => [...prefix, m]);
  for (const c of node.children) out.push(...pathsOf(c.node, [...prefix, c.element]));
  return out;
}
