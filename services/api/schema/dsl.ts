// A small language for writing kind schemas: builders that produce OpenAPI v3-style schema
// objects carrying Kubernetes' extensions (patch strategy, list type, group-version-kind).
// The schema objects are the one source of truth: OpenAPI documents, strict field checking and
// strategic-merge patch meta are all derived from them.

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface GroupVersionKind {
  group: string;
  kind: string;
  version: string;
}

/** Facts about the Go type behind a schema, used only to word decode errors as Kubernetes does. */
export interface GoTypeInfo {
  /** The Go type as encoding/json prints it, e.g. "int32", "v1.Protocol", "[]string". */
  type?: string;
  /** For structs: fields that come from an embedded struct (field name -> embedded struct name). */
  embedded?: Readonly<Record<string, string>>;
}

export interface Schema {
  description?: string;
  type?: SchemaType;
  format?: string;
  properties?: Readonly<Record<string, Schema>>;
  required?: readonly string[];
  additionalProperties?: Schema;
  items?: Schema;
  enum?: readonly (string | number | boolean)[];
  oneOf?: readonly Schema[];
  /** A definition name, e.g. "io.k8s.api.core.v1.Container"; documents render it as a JSON pointer. */
  $ref?: string;
  minimum?: number;
  maximum?: number;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: readonly string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
  /** Not rendered into documents. */
  go?: GoTypeInfo;
}

/** Well-known definition names the builders refer to. */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

function withDescription(s: Schema, description: string | undefined): Schema {
  return description === undefined || description === '' ? s : { description, ...s };
}

export function str(description?: string, go?: string): Schema {
  return withDescription({ type: 'string', ...(go ? { go: { type: go } } : {}) }, description);
}

/** A string restricted to values (rendered as "enum"); `go` names its Go string type, e.g. "v1.Protocol". */
export function enumOf(values: readonly string[], description?: string, go?: string): Schema {
  return withDescription({ type: 'string', enum: values, ...(go ? { go: { type: go } } : {}) }, description);
}

export function int32(description?: string): Schema {
  return withDescription({ type: 'integer', format: 'int32' }, description);
}

export function int64(description?: string): Schema {
  return withDescription({ type: 'integer', format: 'int64' }, description);
}

/** An unsigned 32-bit integer as CRDs (Istio) declare it. */
export function uint32(description?: string): Schema {
  return withDescription({ type: 'integer', minimum: 0, maximum: 4294967295 }, description);
}

export function num(description?: string): Schema {
  return withDescription({ type: 'number', format: 'double' }, description);
}

export function bool(description?: string): Schema {
  return withDescription({ type: 'boolean' }, description);
}

/** Base64-encoded bytes ([]byte in Go). */
export function bytes(description?: string): Schema {
  return withDescription({ type: 'string', format: 'byte', go: { type: '[]uint8' } }, description);
}

export function ref(definition: string, description?: string): Schema {
  return withDescription({ $ref: definition }, description);
}

export function intOrString(description?: string): Schema {
  return ref(INT_OR_STRING, description);
}

/** A string or number such as "500m" or 2 (resource.Quantity). */
export function quantity(description?: string): Schema {
  return ref(QUANTITY, description);
}

/** An RFC 3339 date-time string (metav1.Time). */
export function time(description?: string): Schema {
  return ref(TIME, description);
}

/** An RFC 3339 date-time string with microseconds (metav1.MicroTime). */
export function microTime(description?: string): Schema {
  return ref(MICRO_TIME, description);
}

/** Any JSON value, kept as is and never checked (x-kubernetes-preserve-unknown-fields). */
export function preserveUnknown(description?: string, opts: { type?: 'object' } = {}): Schema {
  return withDescription({ ...(opts.type ? { type: opts.type } : {}), 'x-kubernetes-preserve-unknown-fields': true }, description);
}

/** An int-or-string written inline, as CRD schemas (Istio) carry it. */
export function inlineIntOrString(description?: string): Schema {
  return withDescription({ 'x-kubernetes-int-or-string': true }, description);
}

export interface MapOptions {
  description?: string;
  mapType?: 'atomic' | 'granular';
  /** The Go type when it is a named map type, e.g. "v1.ResourceList". */
  go?: string;
}

export function map(value: Schema, opts: MapOptions | string = {}): Schema {
  const o: MapOptions = typeof opts === 'string' ? { description: opts } : opts;
  const s: Schema = { type: 'object', additionalProperties: value };
  if (o.mapType) s['x-kubernetes-map-type'] = o.mapType;
  if (o.go) s.go = { type: o.go };
  return withDescription(s, o.description);
}

export interface ListOptions {
  description?: string;
  /** Strategic merge patch strategy, as in Go's patchStrategy tag ("merge", "merge,retainKeys", "retainKeys"). */
  strategy?: string;
  /** Strategic merge patch key, as in Go's patchMergeKey tag. */
  mergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: readonly string[];
}

export function list(items: Schema, opts: ListOptions | string = {}): Schema {
  const o: ListOptions = typeof opts === 'string' ? { description: opts } : opts;
  const s: Schema = { type: 'array', items };
  if (o.strategy) s['x-kubernetes-patch-strategy'] = o.strategy;
  if (o.mergeKey) s['x-kubernetes-patch-merge-key'] = o.mergeKey;
  if (o.listType) s['x-kubernetes-list-type'] = o.listType;
  if (o.listMapKeys) s['x-kubernetes-list-map-keys'] = o.listMapKeys;
  return withDescription(s, o.description);
}

export interface ObjectOptions {
  description?: string;
  required?: readonly string[];
  /** Patch strategy of the object itself ("retainKeys" on e.g. a Deployment's strategy). */
  strategy?: string;
  mapType?: 'atomic' | 'granular';
  /** Go embedded structs: field name -> embedded struct name (e.g. hostPath -> VolumeSource). */
  embedded?: Readonly<Record<string, string>>;
}

export function obj(properties: Readonly<Record<string, Schema>>, opts: ObjectOptions | string = {}): Schema {
  const o: ObjectOptions = typeof opts === 'string' ? { description: opts } : opts;
  const s: Schema = { type: 'object', properties };
  if (o.required && o.required.length > 0) s.required = o.required;
  if (o.strategy) s['x-kubernetes-patch-strategy'] = o.strategy;
  if (o.mapType) s['x-kubernetes-map-type'] = o.mapType;
  if (o.embedded) s.go = { embedded: o.embedded };
  return withDescription(s, o.description);
}

/** Adds (or replaces) the description of a schema. */
export function describe(s: Schema, description: string): Schema {
  return { ...s, description };
}

/** Adds a patch strategy to a field whose schema comes from elsewhere (e.g. a ref). */
export function withStrategy(s: Schema, strategy: string): Schema {
  return { ...s, 'x-kubernetes-patch-strategy': strategy };
}

/** The `embedded` option for fields that all come from one Go embedded struct (field name -> struct name). */
export function embeddedNames(properties: Readonly<Record<string, Schema>>, struct: string): Record<string, string> {
  return Object.fromEntries(Object.keys(properties).map((k) => [k, struct]));
}

// ---- Top-level kinds ----

const API_VERSION_DESC = 'APIVersion defines the versioned schema of this representation of an object.';
const KIND_DESC = 'Kind is a string value representing the REST resource this object represents.';
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

/** The apiVersion and kind fields every object starts with. */
export function typeMeta(): Record<string, Schema> {
  return { apiVersion: str(API_VERSION_DESC), kind: str(KIND_DESC) };
}

export function gvk(group: string, version: string, kind: string): GroupVersionKind {
  return { group, kind, version };
}

/**
 * A top-level kind: apiVersion, kind, metadata (ObjectMeta) and the given fields, tagged with
 * its group-version-kind(s).
 */
export function kind(
  gvks: readonly GroupVersionKind[],
  description: string,
  properties: Readonly<Record<string, Schema>>,
  opts: { required?: readonly string[]; metadata?: Schema } = {},
): Schema {
  const s = obj(
    { ...typeMeta(), metadata: opts.metadata ?? ref(OBJECT_META, "Standard object's metadata."), ...properties },
    { description, ...(opts.required ? { required: opts.required } : {}) },
  );
  return { ...s, 'x-kubernetes-group-version-kind': gvks };
}

/** The list kind of `itemDefinition` ("DeploymentList"), as Kubernetes publishes it. */
export function listKind(gvks: readonly GroupVersionKind[], itemDefinition: string, description: string): Schema {
  const s = obj(
    {
      ...typeMeta(),
      items: list(ref(itemDefinition), 'List of objects.'),
      metadata: ref(LIST_META, 'Standard list metadata.'),
    },
    { description, required: ['items'] },
  );
  return { ...s, 'x-kubernetes-group-version-kind': gvks };
}
