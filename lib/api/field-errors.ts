// Field errors as Kubernetes reports them (apimachinery util/validation/field): a type, the
// path of the offending field (spec.containers[0].image, metadata.labels[app]) and a detail.
// Their text is what kubectl prints, so it follows Kubernetes word for word.

export const FieldErrorType = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marks a field error whose value must not be printed. */
export const omitValue: unique symbol = Symbol('omitValue');

export interface FieldError {
  type: FieldErrorType;
  /** Path of the field, e.g. "spec.template.spec.containers[0].image". */
  field: string;
  badValue: unknown;
  detail: string;
}

/** A field path under construction: root('spec').child('containers').index(0).child('image'). */
export class FieldPath {
  private constructor(private readonly text: string) {}

  static root(name: string, ...more: string[]): FieldPath {
    return more.reduce((p, n) => p.child(n), new FieldPath(name));
  }

  child(name: string, ...more: string[]): FieldPath {
    const first = new FieldPath(this.text === '' ? name : `${this.text}.${name}`);
    return more.reduce((p, n) => p.child(n), first);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

function make(type: FieldErrorType, path: FieldPath | string, badValue: unknown, detail: string): FieldError {
  return { type, field: String(path), badValue, detail };
}

export const fieldErrors = {
  notFound: (path: FieldPath | string, value: unknown): FieldError => make(FieldErrorType.NotFound, path, value, ''),
  required: (path: FieldPath | string, detail = ''): FieldError => make(FieldErrorType.Required, path, '', detail),
  duplicate: (path: FieldPath | string, value: unknown): FieldError => make(FieldErrorType.Duplicate, path, value, ''),
  invalid: (path: FieldPath | string, value: unknown, detail: string): FieldError => make(FieldErrorType.Invalid, path, value, detail),
  typeInvalid: (path: FieldPath | string, value: unknown, detail: string): FieldError =>
    make(FieldErrorType.TypeInvalid, path, value, detail),
  notSupported: (path: FieldPath | string, value: unknown, supported: readonly string[]): FieldError =>
    make(
      FieldErrorType.NotSupported,
      path,
      value,
      supported.length > 0 ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '',
    ),
  forbidden: (path: FieldPath | string, detail: string): FieldError => make(FieldErrorType.Forbidden, path, '', detail),
  tooLong: (path: FieldPath | string, value: unknown, maxLength: number): FieldError =>
    make(FieldErrorType.TooLong, path, value, `may not be more than ${maxLength} bytes`),
  tooMany: (path: FieldPath | string, actual: number, max: number): FieldError =>
    make(FieldErrorType.TooMany, path, actual, `must have at most ${max} items`),
  internal: (path: FieldPath | string, detail: string): FieldError => make(FieldErrorType.Internal, path, '', detail),
};

/**
 * Values in messages: strings quoted, numbers and booleans bare, objects and arrays as compact
 * JSON (as Kubernetes prints them since 1.34; 1.32 used Go syntax such as map[string]string{...}).
 */
function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** The error's text without its field: what goes into a Status cause's message. */
export function fieldErrorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case FieldErrorType.Required:
    case FieldErrorType.Forbidden:
    case FieldErrorType.TooLong:
    case FieldErrorType.Internal:
      s = typeText[e.type];
      break;
    default:
      s = e.badValue === omitValue ? typeText[e.type] : `${typeText[e.type]}: ${formatValue(e.badValue)}`;
  }
  return e.detail === '' ? s : `${s}: ${e.detail}`;
}

/** "spec.replicas: Invalid value: -1: must be greater than or equal to 0" */
export function fieldErrorText(e: FieldError): string {
  const body = fieldErrorBody(e);
  return e.field === '' ? body : `${e.field}: ${body}`;
}

/** An error list as Kubernetes aggregates it: one message, or "[a, b]" (duplicates dropped). */
export function aggregateFieldErrors(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map(fieldErrorText))];
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}
