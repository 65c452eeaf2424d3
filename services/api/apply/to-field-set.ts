// The set of fields a value sets (typed.ToFieldSet): every leaf (scalars, atomic lists and maps),
// every list item and every map entry that is not a named struct field. Struct fields that hold
// other fields are not members themselves; that is why FieldsV1 shows "f:spec" without ".".
import { isRecord } from '../../../lib/api/object.js';
import { FieldSetBuilder, fieldElement, pathElementToString, pathToString, serializePathElement } from './field-set.js';
import type { FieldSet, FieldSetPath, PathElement } from './field-set.js';
import { listItemElement } from './list-item-key.js';
import { DEDUCED, concreteAtom, entryAtom } from './schema-atoms.js';
import type { Atom } from './schema-atoms.js';

/** A value that does not fit its schema, with the path kube-apiserver reports it at. */
export interface SchemaViolation {
  path: FieldSetPath;
  message: string;
}

/** The violations as structured-merge-diff words them: "path: message", several under "errors:". */
export function violationsText(errs: readonly SchemaViolation[]): string {
  const one = (e: SchemaViolation): string => (e.path.length === 0 ? e.message : `${pathToString(e.path)}: ${e.message}`);
  if (errs.length === 1 && errs[0]) return one(errs[0]);
  return ['errors:', ...errs.map((e) => `  ${one(e)}`)].join('\n');
}

/**
 * The field set of `value` typed by `atom`. With `violations` given, also checks what
 * structured-merge-diff checks of an applied configuration: fields the schema does not declare,
 * list items without their keys and duplicated keys.
 */
export function toFieldSet(value: unknown, atom: Atom, violations?: SchemaViolation[]): FieldSet {
  const b = new FieldSetBuilder();
  walk(value, atom, [], b, violations);
  return b.build();
}

function walk(value: unknown, atom: Atom, path: PathElement[], b: FieldSetBuilder, violations: SchemaViolation[] | undefined): void {
  const a = concreteAtom(atom, value);
  switch (a.kind) {
    case 'scalar':
      b.insert(path);
      return;
    case 'list': {
      if (a.relationship === 'atomic') {
        b.insert(path);
        return;
      }
      if (!Array.isArray(value)) {
        // A null list sets nothing; any other value is a leaf of the wrong type.
        if (value !== null && value !== undefined) b.insert(path);
        return;
      }
      const seen = new Set<string>();
      value.forEach((item: unknown, i) => {
        const pe = listItemElement(a, i, item);
        if ('error' in pe) {
          violations?.push({ path: [...path], message: `element ${i}: ${pe.error}` });
          return;
        }
        const id = serializePathElement(pe.element);
        if (seen.has(id)) {
          violations?.push({ path: [...path], message: `duplicate entries for key ${pathElementToString(pe.element)}` });
          return;
        }
        seen.add(id);
        path.push(pe.element);
        walk(item, a.element(), path, b, violations);
        b.insert(path);
        path.pop();
      });
      return;
    }
    case 'map': {
      if (a.relationship === 'atomic') {
        b.insert(path);
        return;
      }
      if (!isRecord(value)) {
        if (value !== null && value !== undefined) b.insert(path);
        return;
      }
      for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue;
        const named = a.field(key);
        let childAtom = entryAtom(a, key);
        path.push(fieldElement(key));
        if (childAtom === undefined) {
          violations?.push({ path: [...path], message: 'field not declared in schema' });
          childAtom = DEDUCED;
        }
        walk(child, childAtom, path, b, violations);
        if (named === undefined) b.insert(path);
        path.pop();
      }
      return;
    }
  }
}
