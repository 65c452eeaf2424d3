// Media types: parsing request bodies (JSON or YAML) and choosing the response form (plain
// JSON, or a server-side Table for kubectl get), as kube-apiserver negotiates them.
import { parse as parseYaml } from 'yaml';
import { Errors } from '../errors/status-error.js';
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
  if (type === '' || type === 'application/json' || type === '*/*') return parseJson(text);
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') return parseYamlBody(text);
  throw Errors.unsupportedMediaType(type, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
}

/** Decodes a PATCH body; returns the patch type and the parsed patch document. */
export function decodePatch(raw: Buffer, contentType: string | undefined): { patchType: string; patch: unknown } {
  const type = mediaType(contentType);
  const allowed = Object.values(PatchContentTypes) as string[];
  if (!allowed.includes(type)) throw Errors.unsupportedMediaType(type, allowed);
  const text = raw.toString('utf8');
  return { patchType: type, patch: type === PatchContentTypes.apply ? parseYamlBody(text) : parseJson(text) };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw Errors.badRequest('the body of the request is empty');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw Errors.badRequest(`the body of the request could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw Errors.badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
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
