// JSON as Go's encoding/json.Marshal writes it for decoded JSON values: object keys sorted,
// and <, >, &, U+2028, U+2029 escaped. CRD printer columns print arrays and objects this way.
import { isRecord } from '../../../lib/api/object.js';
import { compareStrings } from './label-format.js';

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort(compareStrings);
    return `{${keys.map((k) => `${goString(k)}:${goJsonMarshal(value[k])}`).join(',')}}`;
  }
  return 'null';
}
