// The kind schemas seen the way structured-merge-diff sees types: scalars, lists (atomic, or
// associative: keyed maps and sets), maps/structs (granular or atomic) and "deduced" values whose
// shape is read from the value itself (CRD fields that preserve unknown fields). The rules follow
// kube-openapi's schemaconv: x-kubernetes-list-type wins; otherwise, for built-in kinds, a list
// with patch strategy "merge" is associative (keyed by its merge key, or a set without one), and
// every other list is atomic, as for CRD-served kinds.
import { isRecord } from '../../../lib/api/object.js';
import type { Schema } from '../schema/dsl.js';
import { INT_OR_STRING, MICRO_TIME, QUANTITY, TIME } from '../schema/dsl.js';
import { schemaFor } from '../schema/kind-schemas.js';
import { resolveSchema } from './resolve-schema.js';

export interface ScalarAtom {
  readonly kind: 'scalar';
}

export interface ListAtom {
  readonly kind: 'list';
  /** Associative lists are merged item by item; atomic ones are replaced whole. */
  readonly relationship: 'atomic' | 'associative';
  /** Key fields of an associative list of maps; empty for a set of scalars. */
  readonly keys: readonly string[];
  /** Values the server defaults missing key fields to (e.g. protocol "TCP" for ports). */
  readonly keyDefaults: Readonly<Record<string, unknown>>;
  element(): Atom;
}

export interface MapAtom {
  readonly kind: 'map';
  /** Atomic maps and structs are replaced whole. */
  readonly relationship: 'atomic' | 'granular';
  /** The atom of a named struct field, if the map is a struct with that field. */
  field(name: string): Atom | undefined;
  /** The atom of entries that are not named fields; undefined when the struct allows none. */
  element(): Atom | undefined;
}

export interface DeducedAtom {
  readonly kind: 'deduced';
}

export type Atom = ScalarAtom | ListAtom | MapAtom | DeducedAtom;

export const SCALAR: ScalarAtom = { kind: 'scalar' };
export const DEDUCED: DeducedAtom = { kind: 'deduced' };

/** The map a deduced map value is: granular, every entry deduced. */
const DEDUCED_MAP: MapAtom = { kind: 'map', relationship: 'granular', field: () => undefined, element: () => DEDUCED };
/** The list a deduced list value is: atomic. */
const DEDUCED_LIST: ListAtom = { kind: 'list', relationship: 'atomic', keys: [], keyDefaults: {}, element: () => DEDUCED };

/**
 * Key fields kube-apiserver's OpenAPI gives a default, so an item may omit them: the key of
 * `- containerPort: 80` is {"containerPort":80,"protocol":"TCP"}.
 */
const KEY_FIELD_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.EndpointPort': { protocol: 'TCP' },
  'io.k8s.api.discovery.v1.EndpointPort': { protocol: 'TCP' },
};

const SCALAR_DEFINITIONS: ReadonlySet<string> = new Set([INT_OR_STRING, QUANTITY, TIME, MICRO_TIME]);

function listRelationship(field: Schema, target: Schema, custom: boolean): { relationship: 'atomic' | 'associative'; keys: readonly string[] } {
  const listType = field['x-kubernetes-list-type'] ?? target['x-kubernetes-list-type'];
  if (listType === 'atomic') return { relationship: 'atomic', keys: [] };
  if (listType === 'set') return { relationship: 'associative', keys: [] };
  if (listType === 'map') {
    const keys = field['x-kubernetes-list-map-keys'] ?? target['x-kubernetes-list-map-keys'] ?? [];
    return { relationship: 'associative', keys };
  }
  if (custom) return { relationship: 'atomic', keys: [] };
  const strategy = field['x-kubernetes-patch-strategy'] ?? target['x-kubernetes-patch-strategy'] ?? '';
  if (!strategy.split(',').includes('merge')) return { relationship: 'atomic', keys: [] };
  const mergeKey = field['x-kubernetes-patch-merge-key'] ?? target['x-kubernetes-patch-merge-key'];
  return { relationship: 'associative', keys: mergeKey === undefined ? [] : [mergeKey] };
}

/** Converts kind schemas into atoms, resolving nested types lazily and once. */
export class SchemaTypes {
  private readonly cache = new WeakMap<Schema, Atom>();

  constructor(private readonly custom: boolean) {}

  atomOf(field: Schema): Atom {
    const cached = this.cache.get(field);
    if (cached) return cached;
    const atom = this.build(field);
    this.cache.set(field, atom);
    return atom;
  }

  private build(field: Schema): Atom {
    const { schema: target, definition } = resolveSchema(field);
    if (definition !== undefined && SCALAR_DEFINITIONS.has(definition)) return SCALAR;
    if (target['x-kubernetes-int-or-string'] || field['x-kubernetes-int-or-string'] || target.oneOf) return SCALAR;
    switch (target.type) {
      case 'string':
      case 'integer':
      case 'number':
      case 'boolean':
        return SCALAR;
      case 'array':
        return this.list(field, target);
      default:
        break;
    }
    if (target.properties || target.additionalProperties) return this.map(field, target);
    return DEDUCED;
  }

  private list(field: Schema, target: Schema): ListAtom {
    const { relationship, keys } = listRelationship(field, target, this.custom);
    const items = target.items;
    const itemDefinition = items ? resolveSchema(items).definition : undefined;
    const keyDefaults = (itemDefinition !== undefined ? KEY_FIELD_DEFAULTS[itemDefinition] : undefined) ?? {};
    let element: Atom | undefined;
    return {
      kind: 'list',
      relationship,
      keys,
      keyDefaults,
      element: () => (element ??= items ? this.atomOf(items) : DEDUCED),
    };
  }

  private map(field: Schema, target: Schema): MapAtom {
    const mapType = field['x-kubernetes-map-type'] ?? target['x-kubernetes-map-type'];
    const properties = target.properties;
    const additional = target.additionalProperties;
    const preserve = target['x-kubernetes-preserve-unknown-fields'] === true;
    const fields = new Map<string, Atom>();
    let element: Atom | undefined;
    return {
      kind: 'map',
      relationship: mapType === 'atomic' ? 'atomic' : 'granular',
      field: (name: string): Atom | undefined => {
        if (!properties || !Object.prototype.hasOwnProperty.call(properties, name)) return undefined;
        let atom = fields.get(name);
        if (!atom) {
          const s = properties[name];
          atom = s ? this.atomOf(s) : DEDUCED;
          fields.set(name, atom);
        }
        return atom;
      },
      element: (): Atom | undefined => {
        if (additional) return (element ??= this.atomOf(additional));
        return preserve || !properties ? DEDUCED : undefined;
      },
    };
  }
}

const BUILT_IN_TYPES = new SchemaTypes(false);
const CUSTOM_TYPES = new SchemaTypes(true);

/** The atom of a whole object of group/version/kind; deduced when no schema describes the kind. */
export function kindAtom(group: string, version: string, kind: string): Atom {
  const ks = schemaFor(group, version, kind);
  if (!ks) return DEDUCED;
  return (ks.custom ? CUSTOM_TYPES : BUILT_IN_TYPES).atomOf(ks.schema);
}

/** The concrete atom a value has under `atom`: deduced atoms take their shape from the value. */
export function concreteAtom(atom: Atom, value: unknown): ScalarAtom | ListAtom | MapAtom {
  if (atom.kind !== 'deduced') return atom;
  if (isRecord(value)) return DEDUCED_MAP;
  if (Array.isArray(value)) return DEDUCED_LIST;
  return SCALAR;
}

/** The atom of a map entry: the named field's, else the map's element type. */
export function entryAtom(map: MapAtom, name: string): Atom | undefined {
  return map.field(name) ?? map.element();
}
