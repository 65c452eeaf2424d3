// Protobuf message <-> Kubernetes JSON, field by field, the way Kubernetes' Go types do it:
// decoding a protobuf body into the Go struct and encoding that with encoding/json must give
// the same document as messageToGoJson. What protobuf alone cannot tell (pointer fields,
// omitempty, inlined structs) comes from the gojson options in proto/k8s (see gojson.proto).
//
// Cases handled (Go behaviour in brackets):
//  - scalars: a zero value on the wire is dropped unless the Go field is a pointer or has no
//    omitempty [Go's encoder writes every value field, JSON omitempty drops the zeros];
//    absent ones are nil (pointer) or the zero value (no omitempty);
//  - repeated and map fields: empty is omitted, or null without omitempty [nil slice/map];
//  - message fields: emitted when present on the wire [value structs are always written,
//    pointers when non-nil]; absent ones are null or the zero struct without omitempty;
//  - inlined structs (Volume.volumeSource, Probe.handler, ...localObjectReference) are merged;
//  - metav1.Time: RFC 3339 seconds, null when the message is empty [zero time]
//    (so metadata.creationTimestamp: null); MicroTime: six fractional digits; Duration: "1h0m0s";
//  - IntOrString: number or string; Quantity: its string ("0" when empty);
//  - bytes (Secret.data, ConfigMap.binaryData): base64; FieldsV1 and RawExtension: the JSON
//    document they carry; int64: JSON numbers (exact up to 2^53).
import protobuf from 'protobufjs';
import { isRecord } from '../../../lib/api/object.js';
import { formatGoDuration, formatRfc3339, formatRfc3339Micro, parseGoDuration, parseRfc3339 } from './go-time.js';
import type { UnixInstant } from './go-time.js';
import { ProtobufDecodeError, ProtobufEncodeError } from './protobuf-errors.js';

type Fields = Record<string, unknown>;

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const DURATION = `${META}.Duration`;
const FIELDS_V1 = `${META}.FieldsV1`;
const RAW_EXTENSION = '.k8s.io.apimachinery.pkg.runtime.RawExtension';
const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';

/** Messages whose JSON null is a present-but-empty message rather than an absent field. */
const NULL_AS_EMPTY_MESSAGE: ReadonlySet<string> = new Set([TIME, MICRO_TIME, FIELDS_V1, RAW_EXTENSION]);

/** A field with how its Go struct field renders it in JSON. */
interface GoJsonField {
  readonly field: protobuf.Field;
  readonly name: string;
  readonly jsonName: string;
  readonly pointer: boolean;
  readonly noOmitempty: boolean;
  readonly inline: boolean;
  readonly isMap: boolean;
  /** The message type of the field (of the values, for maps); undefined for scalars. */
  readonly messageType: protobuf.Type | undefined;
}

const fieldCache = new WeakMap<protobuf.Type, readonly GoJsonField[]>();

function option(field: protobuf.Field, name: string): unknown {
  return field.options?.[name];
}

function goJsonFields(type: protobuf.Type): readonly GoJsonField[] {
  const cached = fieldCache.get(type);
  if (cached) return cached;
  const fields = type.fieldsArray.map((field): GoJsonField => {
    field.resolve();
    const jsonName = option(field, 'json_name');
    return {
      field,
      name: field.name,
      jsonName: typeof jsonName === 'string' ? jsonName : field.name,
      pointer: option(field, '(gojson.pointer)') === true,
      noOmitempty: option(field, '(gojson.no_omitempty)') === true,
      inline: option(field, '(gojson.inline)') === true,
      isMap: field instanceof protobuf.MapField,
      messageType: field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined,
    };
  });
  fieldCache.set(type, fields);
  return fields;
}

function own(obj: Fields, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function childPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function asFields(v: unknown): Fields {
  return typeof v === 'object' && v !== null ? (v as Fields) : {};
}

const INT64_TYPES: ReadonlySet<string> = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** A decoded int64: a Long when the long package is present, else a number. */
function longToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && 'toNumber' in v && typeof v.toNumber === 'function') return Number(v.toNumber());
  return Number(v);
}

function longToBigInt(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  return BigInt(String(v));
}

// ---------------------------------------------------------------------------
// Protobuf message -> JSON
// ---------------------------------------------------------------------------

/** The Kubernetes JSON of a decoded message (an object, or the JSON value of a special type). */
export function messageToGoJson(type: protobuf.Type, message: protobuf.Message | Fields): unknown {
  return messageJson(type, asFields(message), '');
}

function scalarJson(type: string, v: unknown): unknown {
  if (type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (INT64_TYPES.has(type)) return longToNumber(v);
  return v;
}

function isZeroScalar(type: string, v: unknown): boolean {
  if (type === 'string') return v === '';
  if (type === 'bool') return v === false;
  if (type === 'bytes') return (v as Uint8Array).length === 0;
  return longToNumber(v) === 0;
}

function zeroScalarJson(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return null; // a nil []byte
  return 0;
}

function elementJson(f: GoJsonField, v: unknown, path: string): unknown {
  return f.messageType ? messageJson(f.messageType, asFields(v), path) : scalarJson(f.field.type, v);
}

function messageJson(type: protobuf.Type, msg: Fields, path: string): unknown {
  switch (type.fullName) {
    case TIME:
      return timeJson(msg, formatRfc3339, path);
    case MICRO_TIME:
      return timeJson(msg, formatRfc3339Micro, path);
    case DURATION:
      return formatGoDuration(own(msg, 'duration') ? longToBigInt(msg['duration']) : 0n);
    case INT_OR_STRING:
      return intOrStringJson(msg, path);
    case QUANTITY:
      return own(msg, 'string') && msg['string'] !== '' ? msg['string'] : '0';
    case FIELDS_V1:
      return embeddedJson(msg, 'Raw', path);
    case RAW_EXTENSION:
      return embeddedJson(msg, 'raw', path);
    default:
      return structJson(type, msg, path);
  }
}

function structJson(type: protobuf.Type, msg: Fields, path: string): Fields {
  const out: Fields = {};
  for (const f of goJsonFields(type)) {
    const present = own(msg, f.name) && msg[f.name] !== null && msg[f.name] !== undefined;
    const v = msg[f.name];
    const p = childPath(path, f.jsonName);
    if (f.inline && f.messageType) {
      Object.assign(out, asFields(messageJson(f.messageType, present ? asFields(v) : {}, path)));
    } else if (f.isMap) {
      const entries = isRecord(v) ? Object.entries(v) : [];
      if (entries.length > 0) out[f.jsonName] = Object.fromEntries(entries.map(([k, ev]) => [k, elementJson(f, ev, `${p}[${k}]`)]));
      else if (f.noOmitempty) out[f.jsonName] = null;
    } else if (f.field.repeated) {
      const items: unknown[] = Array.isArray(v) ? v : [];
      if (items.length > 0) out[f.jsonName] = items.map((ev, i) => elementJson(f, ev, `${p}[${i}]`));
      else if (f.noOmitempty) out[f.jsonName] = null;
    } else if (f.messageType) {
      if (present) out[f.jsonName] = messageJson(f.messageType, asFields(v), p);
      else if (f.noOmitempty) out[f.jsonName] = f.pointer ? null : messageJson(f.messageType, {}, p);
    } else if (present) {
      if (f.pointer || f.noOmitempty || !isZeroScalar(f.field.type, v)) out[f.jsonName] = scalarJson(f.field.type, v);
    } else if (f.noOmitempty) {
      out[f.jsonName] = f.pointer ? null : zeroScalarJson(f.field.type);
    }
  }
  return out;
}

function timeJson(msg: Fields, format: (t: UnixInstant) => string, path: string): string | null {
  // Go marshals the zero time as an empty message and any other instant with both fields.
  if (!own(msg, 'seconds') && !own(msg, 'nanos')) return null;
  const instant = {
    seconds: own(msg, 'seconds') ? longToNumber(msg['seconds']) : 0,
    nanos: own(msg, 'nanos') ? longToNumber(msg['nanos']) : 0,
  };
  try {
    return format(instant);
  } catch (err) {
    throw new ProtobufDecodeError(`${path}: ${(err as Error).message}`);
  }
}

function intOrStringJson(msg: Fields, path: string): number | string {
  const kind = own(msg, 'type') ? longToNumber(msg['type']) : 0;
  if (kind === 0) return own(msg, 'intVal') ? longToNumber(msg['intVal']) : 0;
  if (kind === 1) return own(msg, 'strVal') ? String(msg['strVal']) : '';
  throw new ProtobufDecodeError(`${path}: impossible IntOrString.Type ${kind}`);
}

function embeddedJson(msg: Fields, field: string, path: string): unknown {
  const raw = own(msg, field) ? msg[field] : undefined;
  if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
  } catch (err) {
    throw new ProtobufDecodeError(`${path}: embedded object is not JSON: ${(err as Error).message}`);
  }
}

// ---------------------------------------------------------------------------
// JSON -> protobuf message
// ---------------------------------------------------------------------------

/** The message for a Kubernetes JSON document (fields the message does not have are dropped). */
export function goJsonToMessage(type: protobuf.Type, json: unknown): protobuf.Message {
  return type.fromObject(messageValue(type, json, ''));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function mismatch(path: string, expected: string, got: unknown): ProtobufEncodeError {
  return new ProtobufEncodeError(`${path === '' ? '<root>' : path}: expected ${expected}, got ${describe(got)}`);
}

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function scalarValue(type: string, v: unknown, path: string): unknown {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') throw mismatch(path, 'a string', v);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw mismatch(path, 'a boolean', v);
      return v;
    case 'bytes':
      if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) throw mismatch(path, 'a base64 string', v);
      return Buffer.from(v, 'base64');
    case 'double':
    case 'float':
      if (typeof v !== 'number') throw mismatch(path, 'a number', v);
      return v;
    default: {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(path, 'an integer', v);
      const range = INT_RANGES[type];
      if (range && (v < range[0] || v > range[1])) throw mismatch(path, `an integer in [${range[0]}, ${range[1]}]`, v);
      return v;
    }
  }
}

function elementValue(f: GoJsonField, v: unknown, path: string): unknown {
  return f.messageType ? messageValue(f.messageType, v, path) : scalarValue(f.field.type, v, path);
}

/** The plain object (for Type.fromObject) of a message's JSON. */
function messageValue(type: protobuf.Type, json: unknown, path: string): Fields {
  switch (type.fullName) {
    case TIME:
    case MICRO_TIME:
      return timeValue(json, path);
    case DURATION: {
      const ns = typeof json === 'string' ? parseGoDuration(json) : undefined;
      if (ns === undefined) throw mismatch(path, 'a duration string', json);
      return { duration: ns.toString() };
    }
    case INT_OR_STRING:
      // Go writes all three fields of the value struct.
      if (typeof json === 'string') return { type: 1, intVal: 0, strVal: json };
      if (typeof json === 'number' && Number.isInteger(json) && Math.abs(json) < 2 ** 31) return { type: 0, intVal: json, strVal: '' };
      throw mismatch(path, 'an int32 or a string', json);
    case QUANTITY:
      if (typeof json === 'string') return { string: json };
      if (typeof json === 'number' && Number.isFinite(json)) return { string: String(json) };
      throw mismatch(path, 'a quantity string', json);
    case FIELDS_V1:
      return json === null ? {} : { Raw: Buffer.from(JSON.stringify(json)) };
    case RAW_EXTENSION:
      return json === null ? {} : { raw: Buffer.from(JSON.stringify(json)) };
    default:
      return structValue(type, json, path);
  }
}

function timeValue(json: unknown, path: string): Fields {
  if (json === null) return {}; // the zero time
  const instant = typeof json === 'string' ? parseRfc3339(json) : undefined;
  if (!instant) throw mismatch(path, 'an RFC 3339 time', json);
  return { seconds: instant.seconds, nanos: instant.nanos };
}

function structValue(type: protobuf.Type, json: unknown, path: string): Fields {
  if (!isRecord(json)) throw mismatch(path, 'an object', json);
  const out: Fields = {};
  for (const f of goJsonFields(type)) {
    if (f.inline && f.messageType) {
      out[f.name] = messageValue(f.messageType, json, path);
      continue;
    }
    const v = json[f.jsonName];
    const p = childPath(path, f.jsonName);
    if (v === undefined) continue;
    if (f.isMap) {
      if (v === null) continue;
      if (!isRecord(v)) throw mismatch(p, 'an object', v);
      out[f.name] = Object.fromEntries(Object.entries(v).map(([k, ev]) => [k, elementValue(f, ev, `${p}[${k}]`)]));
    } else if (f.field.repeated) {
      if (v === null) continue;
      if (!Array.isArray(v)) throw mismatch(p, 'an array', v);
      out[f.name] = v.map((ev: unknown, i) => elementValue(f, ev, `${p}[${i}]`));
    } else if (f.messageType) {
      if (v === null && !NULL_AS_EMPTY_MESSAGE.has(f.messageType.fullName)) continue;
      out[f.name] = messageValue(f.messageType, v, p);
    } else if (v !== null) {
      out[f.name] = scalarValue(f.field.type, v, p);
    }
  }
  return out;
}
