// Strict field checking: walks an object against its kind's schema the way kube-apiserver's
// decoding does, collecting unknown fields (reported under fieldValidation=Strict/Warn) and type
// errors. Built-in kinds word type errors as Go's encoding/json does ("json: cannot unmarshal
// string into Go struct field DeploymentSpec.spec.replicas of type int32"); CRD-served kinds
// (Istio) word them as CRD schema validation does ("spec.x in body must be of type integer").
import { isRecord } from '../../../lib/api/object.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { Errors } from '../../../lib/api/status-error.js';
import type { StatusError } from '../../../lib/api/status-error.js';
import type { Schema } from './dsl.js';
import { INT_OR_STRING, MICRO_TIME, QUANTITY, TIME } from './dsl.js';
import { RFC3339, RFC3339_MICRO, base64Error, quantityError, timeError } from './go-values.js';
import { resolveRef, schemaFor } from './kind-schemas.js';

export interface FieldCheckResult {
  /** Unknown field paths as kube-apiserver names them: "spec.foo", "spec.containers[0].foo". */
  unknown: string[];
  /**
   * Type errors, in document order except that for built-in kinds errors[0] is the one
   * kube-apiserver reports (Go's decoder stops at errors raised by custom unmarshalers).
   */
  errors: FieldError[];
}

/** kube-apiserver reports at most this many strict decoding errors. */
const MAX_STRICT_ERRORS = 100;

interface GoContext {
  /** Name of the Go struct holding the current field, e.g. "DeploymentSpec". */
  struct: string;
  /** JSON names (and embedded struct names) from the root, without indices or map keys. */
  fields: readonly string[];
}

interface Walk {
  custom: boolean;
  unknown: string[];
  errors: FieldError[];
  /** Index in errors of the first error that stops Go's decoder. */
  firstFatal: number | undefined;
  /** Delete unknown fields from the value as they are found (Kubernetes drops them on decode). */
  prune?: boolean;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** "io.k8s.api.core.v1.Container" -> "v1.Container", as Go prints the type. */
function goNameOfDefinition(name: string): string {
  const parts = name.split('.');
  const last = parts[parts.length - 1] ?? name;
  const pkg = parts[parts.length - 2];
  return pkg === undefined ? last : `${pkg}.${last}`;
}

function structNameOfDefinition(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The Go type encoding/json names in its errors for a value described by `s`. */
function goTypeOf(s: Schema): string {
  if (s.go?.type) return s.go.type;
  if (s.$ref !== undefined) return goNameOfDefinition(s.$ref);
  switch (s.type) {
    case 'array':
      return `[]${s.items ? goTypeOf(s.items) : 'interface {}'}`;
    case 'object':
      return s.additionalProperties ? `map[string]${goTypeOf(s.additionalProperties)}` : 'map[string]interface {}';
    case 'string':
      return s.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return s.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'interface {}';
  }
}

/** How Go's decoder names a JSON value in "cannot unmarshal X". */
function goValueName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** How CRD schema validation names a JSON value's type. */
function openApiTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return 'object';
}

/** "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32" */
export function goUnmarshalTypeMessage(valueName: string, goType: string, ctx: GoContext | undefined): string {
  if (ctx && ctx.fields.length > 0) {
    return `json: cannot unmarshal ${valueName} into Go struct field ${ctx.struct}.${ctx.fields.join('.')} of type ${goType}`;
  }
  return `json: cannot unmarshal ${valueName} into Go value of type ${goType}`;
}

function addError(w: Walk, path: string, value: unknown, detail: string, fatal = false): void {
  if (fatal && w.firstFatal === undefined) w.firstFatal = w.errors.length;
  w.errors.push(fieldErrors.typeInvalid(path, value, detail));
}

function typeMismatch(w: Walk, path: string, value: unknown, expected: string, s: Schema, go: GoContext | undefined, goValue = goValueName(value)): void {
  if (w.custom) {
    const actual = openApiTypeName(value);
    addError(w, path, actual, `${path} in body must be of type ${expected}: ${JSON.stringify(actual)}`);
  } else {
    addError(w, path, value, goUnmarshalTypeMessage(goValue, goTypeOf(s), go));
  }
}

function isIntegerInRange(v: number, format: string | undefined): boolean {
  if (!Number.isInteger(v)) return false;
  if (format === 'int64') return v >= -(2 ** 63) && v < 2 ** 63;
  if (format === 'int32') return v >= -2147483648 && v <= 2147483647;
  return true;
}

/** The fields of a well-known type with its own Go decoding (Time, Quantity, IntOrString). */
function checkSpecialType(w: Walk, name: string, value: unknown, path: string, go: GoContext | undefined): boolean {
  switch (name) {
    case TIME:
    case MICRO_TIME: {
      if (typeof value !== 'string') {
        if (w.custom) typeMismatch(w, path, value, 'string', { type: 'string' }, go);
        else addError(w, path, value, goUnmarshalTypeMessage(goValueName(value), 'string', go), true);
        return true;
      }
      const err = timeError(value, name === TIME ? RFC3339 : RFC3339_MICRO);
      if (err !== undefined && !w.custom) addError(w, path, value, err, true);
      return true;
    }
    case QUANTITY: {
      if (typeof value === 'number') return true;
      if (typeof value === 'string') {
        const err = quantityError(value);
        if (err !== undefined && !w.custom) addError(w, path, value, err, true);
        return true;
      }
      if (w.custom) typeMismatch(w, path, value, 'string', { type: 'string' }, go);
      else addError(w, path, value, quantityError(JSON.stringify(value)) ?? '', true);
      return true;
    }
    case INT_OR_STRING: {
      if (typeof value === 'string') return true;
      if (typeof value === 'number' && isIntegerInRange(value, 'int32')) return true;
      if (w.custom) {
        typeMismatch(w, path, value, 'integer,string', {}, go);
      } else {
        const valueName = typeof value === 'number' ? `number ${String(value)}` : goValueName(value);
        addError(w, path, value, goUnmarshalTypeMessage(valueName, 'int32', go), true);
      }
      return true;
    }
    default:
      return false;
  }
}

function walk(w: Walk, value: unknown, schema: Schema, path: string, go: GoContext | undefined, structName: string): void {
  if (value === null || value === undefined) return; // null means "unset" for every field
  let s = schema;
  let struct = structName;
  // Follow $refs; a ref'd definition is a Go struct of that name.
  for (let depth = 0; s.$ref !== undefined && depth < 8; depth++) {
    if (checkSpecialType(w, s.$ref, value, path, go)) return;
    const target = resolveRef(s.$ref);
    if (!target) return;
    struct = structNameOfDefinition(s.$ref);
    // The value's Go type is the definition's (v1.PodSpec) unless the field names its own.
    const goType = s.go?.type ?? goNameOfDefinition(s.$ref);
    s = { ...target, go: { ...target.go, type: goType } };
  }
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) {
    if (s.type === 'object' && !isRecord(value)) typeMismatch(w, path, value, 'object', s, go);
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) typeMismatch(w, path, value, 'integer,string', s, go);
    return;
  }
  switch (s.type) {
    case 'object':
      walkObject(w, value, s, path, go, struct);
      return;
    case 'array':
      if (!Array.isArray(value)) return typeMismatch(w, path, value, 'array', s, go);
      value.forEach((item, i) => {
        if (s.items) walk(w, item, s.items, `${path}[${i}]`, go, struct);
      });
      return;
    case 'string':
      if (typeof value !== 'string') return typeMismatch(w, path, value, 'string', s, go);
      if (s.format === 'byte' && !w.custom) {
        const err = base64Error(value);
        if (err !== undefined) addError(w, path, value, err);
      }
      return;
    case 'integer':
      if (typeof value !== 'number') return typeMismatch(w, path, value, 'integer', s, go);
      if (!isIntegerInRange(value, s.format)) typeMismatch(w, path, value, 'integer', s, go, `number ${String(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') typeMismatch(w, path, value, 'number', s, go);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeMismatch(w, path, value, 'boolean', s, go);
      return;
    default:
      return; // no type in the schema: every value is accepted
  }
}

function walkObject(w: Walk, value: unknown, s: Schema, path: string, go: GoContext | undefined, struct: string): void {
  if (!isRecord(value)) return typeMismatch(w, path, value, 'object', s, go);
  const props = s.properties;
  const additional = s.additionalProperties;
  if (!props && !additional) return; // a free-form object
  for (const [key, child] of Object.entries(value)) {
    const childPath = join(path, key);
    const known = props?.[key];
    if (known) {
      const embedded = s.go?.embedded?.[key];
      const fields = [...(go?.fields ?? []), ...(embedded ? [embedded] : []), key];
      walk(w, child, known, childPath, { struct, fields }, struct);
    } else if (additional && !props) {
      walk(w, child, additional, childPath, go, struct);
    } else {
      w.unknown.push(childPath);
      if (w.prune) delete (value as Record<string, unknown>)[key];
    }
  }
}

/**
 * Checks `obj` against the schema of group/version/kind. Unknown kinds (no schema) yield no
 * findings. Subtrees marked x-kubernetes-preserve-unknown-fields are not looked into.
 */
export function checkFields(group: string, version: string, kind: string, obj: unknown, opts: { prune?: boolean } = {}): FieldCheckResult {
  const ks = schemaFor(group, version, kind);
  if (!ks) return { unknown: [], errors: [] };
  const w: Walk = { custom: ks.custom, unknown: [], errors: [], firstFatal: undefined, prune: opts.prune === true };
  walk(w, obj, { $ref: ks.name }, '', undefined, structNameOfDefinition(ks.name));
  const unknown = [...new Set(w.unknown)].slice(0, MAX_STRICT_ERRORS);
  const errors = [...w.errors];
  if (!ks.custom && w.firstFatal !== undefined && w.firstFatal > 0) {
    const [fatal] = errors.splice(w.firstFatal, 1);
    if (fatal) errors.unshift(fatal);
  }
  return { unknown, errors };
}

// ---- Messages kube-apiserver sends ----

/** One warning per unknown field, as sent (Warning header) under fieldValidation=Warn: `unknown field "spec.foo"`. */
export function unknownFieldWarnings(unknown: readonly string[]): string[] {
  return unknown.map((p) => `unknown field ${JSON.stringify(p)}`);
}

/** `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"` */
export function strictDecodingMessage(unknown: readonly string[]): string {
  return `strict decoding error: ${unknownFieldWarnings(unknown).join(', ')}`;
}

/** `Deployment in version "v1" cannot be handled as a Deployment: <cause>` */
export function cannotBeHandledMessage(kind: string, version: string, cause: string): string {
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${cause}`;
}

/** The 400 BadRequest kube-apiserver answers a create/update with unknown fields under fieldValidation=Strict. */
export function strictFieldValidationError(kind: string, version: string, unknown: readonly string[]): StatusError {
  return Errors.badRequest(cannotBeHandledMessage(kind, version, strictDecodingMessage(unknown)));
}

/**
 * The message of the 400 BadRequest for a built-in kind's decode (type) error:
 * `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string
 * into Go struct field DeploymentSpec.spec.replicas of type int32`.
 */
export function decodeErrorMessage(kind: string, version: string, error: FieldError): string {
  return cannotBeHandledMessage(kind, version, error.detail);
}

/**
 * The error kube-apiserver answers type errors with: for built-in kinds a 400 BadRequest naming
 * the first error (decoding stops there); for CRD-served kinds a 422 Invalid listing them all.
 * Note the order of checks differs too: built-in kinds report type errors before unknown fields,
 * CRD-served kinds report unknown fields (a decode step) before type errors (a validation step).
 */
export function typeErrorStatus(group: string, version: string, kind: string, name: string, errors: readonly FieldError[]): StatusError | undefined {
  const first = errors[0];
  if (!first) return undefined;
  if (schemaFor(group, version, kind)?.custom) return Errors.invalid({ group, kind }, name, errors);
  return Errors.badRequest(decodeErrorMessage(kind, version, first));
}
