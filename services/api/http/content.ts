// Media types: parsing request bodies (JSON or YAML) and choosing the response form (plain
// JSON, or a server-side Table for kubectl get), as kube-apiserver negotiates them.
import { parse as parseYaml } from 'yaml';
import { Errors } from '../../../lib/api/status-error.js';
import { ProtobufDecodeError, decodeK8sProtobuf, isProtobufContentType } from '../protobuf/k8s-protobuf.js';

export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

export const PatchContentTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Decodes a create/update body. */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (isProtobufContentType(type)) {
    try {
      return decodeK8sProtobuf(raw).object;
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw Errors.badRequest(`the body of the request could not be decoded: ${err.message}`);
      throw err;
    }
  }
  const text = raw.toString('utf8');
  if (type === '' || type === 'application/json' || type === '*/*') return requireObject(parseJson(text, raw), raw);
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') return requireObject(parseYamlBody(text, raw), raw);
  throw Errors.unsupportedMediaType(type, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
}

/** Decodes a PATCH body; returns the patch type and the parsed patch document. */
export function decodePatch(raw: Buffer, contentType: string | undefined): { patchType: string; patch: unknown } {
  const type = mediaType(contentType);
  const allowed = Object.values(PatchContentTypes) as string[];
  if (!allowed.includes(type)) throw Errors.unsupportedMediaType(type, allowed);
  const text = raw.toString('utf8');
  try {
    return { patchType: type, patch: type === PatchContentTypes.apply ? parseYamlBody(text, raw) : parseJson(text, raw) };
  } catch (err) {
    // A patch is not an object of the kind yet: Kubernetes reports the decoder's error as is.
    if (err instanceof BodyDecodeError) throw Errors.badRequest(err.detail.replace("couldn't get version/kind; json parse error: ", ''));
    throw err;
  }
}

/** Deeper documents are refused before parsing: later recursive walks must not exhaust the stack. */
export const MAX_NESTING_DEPTH = 1000;

function checkNesting(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > MAX_NESTING_DEPTH) throw Errors.badRequest(`the body of the request is nested deeper than ${MAX_NESTING_DEPTH} levels`);
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
}

/**
 * A body that is not a JSON (or YAML) object. The handler, which knows the kind, turns it into
 * Kubernetes' "the object provided is unrecognized (must be of type X): ..." 400.
 */
export class BodyDecodeError extends Error {
  override readonly name = 'BodyDecodeError';
  constructor(
    /** The decoder's complaint, in encoding/json's words where we can match them. */
    readonly detail: string,
    readonly body: Buffer,
  ) {
    super(detail);
  }
}

/** The type Kubernetes first decodes a body into, as Go names it in its errors. */
const FIND_KIND_TYPE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

function jsonKindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** JavaScript's JSON.parse messages in the words of Go's encoding/json, for the usual cases. */
function goJsonError(err: unknown, text: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Unexpected end of JSON input|Unterminated string/.test(msg)) return 'unexpected end of JSON input';
  const at = /at position (\d+)/.exec(msg);
  if (at && Number(at[1]) >= text.length) return 'unexpected end of JSON input';
  const ch = at ? text[Number(at[1])] : undefined;
  if (ch !== undefined && /property name/.test(msg)) return `invalid character '${ch}' looking for beginning of object key string`;
  if (ch !== undefined) return `invalid character '${ch}' looking for beginning of value`;
  return msg.charAt(0).toLowerCase() + msg.slice(1);
}

function parseJson(text: string, raw: Buffer = Buffer.from(text)): unknown {
  if (text.trim() === '') throw new BodyDecodeError('unexpected end of JSON input', raw);
  checkNesting(text);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new BodyDecodeError(`couldn't get version/kind; json parse error: ${goJsonError(err, text)}`, raw);
  }
  return v;
}

/** Objects only: Kubernetes reads apiVersion and kind out of the body first. */
function requireObject(v: unknown, raw: Buffer): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new BodyDecodeError(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindOf(v)} into Go value of type ${FIND_KIND_TYPE}`, raw);
  }
  return v;
}

function parseYamlBody(text: string, raw: Buffer = Buffer.from(text)): unknown {
  checkNesting(text);
  try {
    const v: unknown = parseYaml(text, { maxAliasCount: 100 });
    if (nestedDeeperThan(v, MAX_NESTING_DEPTH)) throw new BodyDecodeError(`the body of the request is nested deeper than ${MAX_NESTING_DEPTH} levels`, raw);
    return v;
  } catch (err) {
    if (err instanceof BodyDecodeError) throw err;
    const e = err as { message?: string; linePos?: { line: number }[] };
    const line = e.linePos?.[0]?.line;
    const msg = (e.message ?? String(err)).split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
    throw new BodyDecodeError(`yaml: ${line !== undefined ? `line ${line}: ` : ''}${msg}`, raw);
  }
}

/** Block-style YAML nests by indentation, which the bracket count cannot see. */
function nestedDeeperThan(v: unknown, max: number): boolean {
  let level: unknown[] = [v];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > max) return true;
    const next: unknown[] = [];
    for (const x of level) if (typeof x === 'object' && x !== null) next.push(...Object.values(x));
    level = next;
  }
  return false;
}

/** handlers.summarizeData: how kube-apiserver quotes an undecodable body (30 bytes, hex unless JSON). */
export function summarizeBody(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const head = body.subarray(0, 30);
  const text = head[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return body.length > 30 ? `${text} ...` : text;
}

export type ResponseForm = { kind: 'object' } | { kind: 'table'; includeObject: 'None' | 'Metadata' | 'Object' };

/**
 * Reads the Accept header: `application/json;as=Table;v=v1;g=meta.k8s.io` asks for a Table.
 * Anything else JSON-compatible gets the object itself.
 */
export function responseForm(accept: string | undefined, query: URLSearchParams): ResponseForm {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    if ((type === 'application/json' || type === '*/*') && p.get('as') === 'Table' && p.get('g') === 'meta.k8s.io' && (p.get('v') === 'v1' || p.get('v') === 'v1beta1')) {
      const io = query.get('includeObject');
      return { kind: 'table', includeObject: io === 'None' || io === 'Object' ? io : 'Metadata' };
    }
  }
  return { kind: 'object' };
}
