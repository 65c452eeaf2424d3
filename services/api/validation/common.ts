// Small checks many kinds share (pkg/apis/core/validation and apimachinery's api/validation):
// field-path-bound wrappers around the format primitives, with Kubernetes' messages.
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  parseIP,
} from '../../../lib/api/name-validation.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/api/field-errors.js';
import { semanticEqual } from './json-access.js';

export const IS_NEGATIVE_ERROR = 'must be greater than or equal to 0';
export const FIELD_IMMUTABLE_ERROR = 'field is immutable';
export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
export const MAX_INT32 = 2147483647;

/** The three port protocols, in the sorted order Kubernetes lists them. */
export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

export function validateNonnegative(value: unknown, path: FieldPath): FieldError[] {
  return typeof value === 'number' && value < 0 ? [fieldErrors.invalid(path, value, IS_NEGATIVE_ERROR)] : [];
}

export function validateDNS1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((msg) => fieldErrors.invalid(path, value, msg));
}

export function validateDNS1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => fieldErrors.invalid(path, value, msg));
}

export function validateQualifiedName(value: string, path: FieldPath): FieldError[] {
  return isQualifiedName(value).map((msg) => fieldErrors.invalid(path, value, msg));
}

/** ValidatePortNumOrName: an IntOrString naming a port by number or by IANA service name. */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => fieldErrors.invalid(path, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => fieldErrors.invalid(path, port, msg));
  return [];
}

/** validation.IsValidIP bound to a path. */
export function validateIP(value: string, path: FieldPath): FieldError[] {
  return isValidIP(value).map((msg) => fieldErrors.invalid(path, value, msg));
}

/**
 * ValidateNonSpecialIP: addresses a Service or endpoint may not point at (unspecified,
 * loopback, link-local unicast and multicast).
 */
export function validateNonSpecialIP(value: string, path: FieldPath): FieldError[] {
  const bytes = parseIP(value);
  if (bytes === undefined) return [fieldErrors.invalid(path, value, 'must be a valid IP address')];
  const v4 = bytes.length === 4 ? bytes : bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff ? bytes.slice(12) : undefined;
  const errs: FieldError[] = [];
  if (bytes.every((b) => b === 0) || (v4 !== undefined && v4.every((b) => b === 0))) {
    errs.push(fieldErrors.invalid(path, value, `may not be unspecified (${value})`));
  }
  const loopback = v4 !== undefined ? v4[0] === 127 : bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1;
  if (loopback) errs.push(fieldErrors.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocalUnicast = v4 !== undefined ? v4[0] === 169 && v4[1] === 254 : bytes[0] === 0xfe && ((bytes[1] ?? 0) & 0xc0) === 0x80;
  if (linkLocalUnicast) errs.push(fieldErrors.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const linkLocalMulticast = v4 !== undefined ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : bytes[0] === 0xff && ((bytes[1] ?? 0) & 0x0f) === 0x02;
  if (linkLocalMulticast) {
    errs.push(fieldErrors.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

/** ValidateImmutableField: "field is immutable" when the new value differs semantically. */
export function validateImmutable(newValue: unknown, oldValue: unknown, path: FieldPath): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [fieldErrors.invalid(path, newValue ?? null, FIELD_IMMUTABLE_ERROR)];
}

/** A 0..0777 file mode field. */
export function validateFileMode(value: unknown, path: FieldPath): FieldError[] {
  return typeof value === 'number' && (value > 0o777 || value < 0) ? [fieldErrors.invalid(path, value, FILE_MODE_ERROR)] : [];
}

/** Drops repeated errors (the same type, field, detail and value), keeping the first. */
export function dedupeErrors(errs: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errs) {
    let value: string;
    try {
      value = JSON.stringify(e.badValue) ?? '';
    } catch {
      value = String(e.badValue);
    }
    const key = `${e.type}\u0000${e.field}\u0000${e.detail}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

/** Go's %#v of a []string, as some messages print lists. */
export function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}
