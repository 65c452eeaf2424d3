// The OpenAPI documents kube-apiserver serves: Swagger 2.0 at /openapi/v2, the v3 index at
// /openapi/v3 and one OpenAPI 3.0 document per group-version at /openapi/v3/apis/<g>/<v>.
// kubectl explain reads the v3 documents (paths carry x-kubernetes-group-version-kind, schemas
// are found by it); kubectl apply --validate=strict looks for a fieldValidation parameter on the
// PATCH operation of the kind, and computes strategic merge patches from the patch extensions.
import { createHash } from 'node:crypto';
import { RESOURCES } from '../registry/resources.js';
import type { ResourceInfo } from '../registry/resources.js';
import type { Schema } from './dsl.js';
import { INT_OR_STRING, QUANTITY } from './dsl.js';
import { DEFINITIONS } from './definitions/index.js';
import { groupVersionKey, resourcePaths, servedGroupVersions, STATUS_DEFINITION } from './openapi-operations.js';
import type { OperationSpec, ParameterSpec, PathSpec } from './openapi-operations.js';

/** The version the documents' info block names. */
export const OPENAPI_INFO = { title: 'Kubernetes', version: 'v1.32.0' } as const;

type Json = Record<string, unknown>;
type Flavor = 'v2' | 'v3';

const REF_PREFIX: Record<Flavor, string> = { v2: '#/definitions/', v3: '#/components/schemas/' };

/** A schema as a document carries it: refs as JSON pointers, internal annotations dropped. */
function renderSchema(s: Schema, flavor: Flavor): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (value === undefined || key === 'go') continue;
    switch (key) {
      case '$ref':
        out.$ref = `${REF_PREFIX[flavor]}${String(value)}`;
        break;
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, renderSchema(v, flavor)]));
        break;
      case 'items':
      case 'additionalProperties':
        out[key] = renderSchema(value as Schema, flavor);
        break;
      case 'oneOf':
        out.oneOf = (value as Schema[]).map((v) => renderSchema(v, flavor));
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

/** Swagger 2.0 has no oneOf: Quantity and IntOrString are published as formatted strings there. */
function renderDefinition(name: string, s: Schema, flavor: Flavor): Json {
  if (flavor === 'v2' && name === QUANTITY) return { description: s.description, type: 'string' };
  if (flavor === 'v2' && name === INT_OR_STRING) return { description: s.description, type: 'string', format: 'int-or-string' };
  return renderSchema(s, flavor);
}

function collectRefs(s: Schema, into: Set<string>): void {
  if (s.$ref !== undefined && !into.has(s.$ref)) {
    into.add(s.$ref);
    const target = DEFINITIONS.get(s.$ref);
    if (target) collectRefs(target, into);
  }
  for (const child of Object.values(s.properties ?? {})) collectRefs(child, into);
  if (s.items) collectRefs(s.items, into);
  if (s.additionalProperties) collectRefs(s.additionalProperties, into);
  for (const child of s.oneOf ?? []) collectRefs(child, into);
}

/** Every definition the operations mention, with everything they refer to. */
function definitionsFor(paths: readonly PathSpec[]): string[] {
  const names = new Set<string>();
  for (const p of paths) {
    for (const o of p.operations) {
      for (const n of [o.body, o.response, STATUS_DEFINITION]) if (n !== undefined && n !== 'string') collectRefs({ $ref: n }, names);
    }
  }
  return [...names].filter((n) => DEFINITIONS.has(n)).sort();
}

function allPaths(resources: readonly ResourceInfo[], group?: string, version?: string): PathSpec[] {
  const out: PathSpec[] = [];
  for (const r of resources) {
    if (group !== undefined && r.group !== group) continue;
    for (const v of r.versions) {
      if (version !== undefined && v !== version) continue;
      out.push(...resourcePaths(r, v));
    }
  }
  return out;
}

// ---- v2 ----

function v2Parameter(p: ParameterSpec): Json {
  return { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in, ...(p.required ? { required: true } : {}) };
}

const V2_PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

function v2Operation(o: OperationSpec): Json {
  const params = o.parameters.map(v2Parameter);
  if (o.body !== undefined) params.unshift({ name: 'body', in: 'body', required: true, schema: { $ref: `${REF_PREFIX.v2}${o.body}` } });
  const schema = o.response === 'string' ? { type: 'string' } : { $ref: `${REF_PREFIX.v2}${o.response}` };
  const responses: Json = { '200': { description: 'OK', schema } };
  for (const code of o.extraCodes) responses[code] = { description: code === '201' ? 'Created' : 'Accepted', schema };
  responses['401'] = { description: 'Unauthorized' };
  return {
    description: o.description,
    consumes: o.patchTypes ?? ['*/*'],
    produces: o.response === 'string' ? ['text/plain', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] : o.action === 'list' ? [...V2_PRODUCES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'] : V2_PRODUCES,
    schemes: ['https'],
    tags: [o.tag],
    operationId: o.operationId,
    parameters: params,
    responses,
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': o.gvk,
  };
}

function renderPathsV2(paths: readonly PathSpec[]): Json {
  const out: Json = {};
  for (const p of [...paths].sort((a, b) => a.path.localeCompare(b.path))) {
    const item: Json = { parameters: p.parameters.map(v2Parameter) };
    for (const o of p.operations) item[o.method] = v2Operation(o);
    out[p.path] = item;
  }
  return out;
}

const v2Cache = new WeakMap<readonly ResourceInfo[], Json>();

/** The Swagger 2.0 document served at /openapi/v2. */
export function openApiV2(resources: readonly ResourceInfo[] = RESOURCES): Json {
  const cached = v2Cache.get(resources);
  if (cached) return cached;
  const paths = allPaths(resources);
  const definitions = Object.fromEntries(definitionsFor(paths).map((n) => [n, renderDefinition(n, DEFINITIONS.get(n) ?? {}, 'v2')]));
  const doc: Json = {
    swagger: '2.0',
    info: { ...OPENAPI_INFO },
    paths: renderPathsV2(paths),
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
  v2Cache.set(resources, doc);
  return doc;
}

// ---- v3 ----

function v3Parameter(p: ParameterSpec): Json {
  return { name: p.name, in: p.in, description: p.description, ...(p.required ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } };
}

function v3Content(schema: Json, types: readonly string[]): Json {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

const V3_TYPES = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];

function v3Operation(o: OperationSpec): Json {
  const schema = o.response === 'string' ? { type: 'string' } : { $ref: `${REF_PREFIX.v3}${o.response}` };
  const types = o.response === 'string' ? ['*/*'] : o.action === 'list' ? [...V3_TYPES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'] : V3_TYPES;
  const responses: Json = { '200': { description: 'OK', content: v3Content(schema, types) } };
  for (const code of o.extraCodes) responses[code] = { description: code === '201' ? 'Created' : 'Accepted', content: v3Content(schema, types) };
  responses['401'] = { description: 'Unauthorized' };
  const out: Json = {
    tags: [o.tag],
    description: o.description,
    operationId: o.operationId,
    ...(o.parameters.length > 0 ? { parameters: o.parameters.map(v3Parameter) } : {}),
  };
  if (o.body !== undefined) {
    out.requestBody = { content: v3Content({ $ref: `${REF_PREFIX.v3}${o.body}` }, o.patchTypes ?? ['*/*']), required: true };
  }
  out.responses = responses;
  out['x-kubernetes-action'] = o.action;
  out['x-kubernetes-group-version-kind'] = o.gvk;
  return out;
}

const v3Cache = new WeakMap<readonly ResourceInfo[], Map<string, Json>>();

function v3Documents(resources: readonly ResourceInfo[]): Map<string, Json> {
  const cached = v3Cache.get(resources);
  if (cached) return cached;
  const docs = new Map<string, Json>();
  for (const { group, version } of servedGroupVersions(resources)) {
    const paths = allPaths(resources, group, version);
    if (paths.length === 0) continue;
    const renderedPaths: Json = {};
    for (const p of [...paths].sort((a, b) => a.path.localeCompare(b.path))) {
      const item: Json = {};
      for (const o of p.operations) item[o.method] = v3Operation(o);
      item.parameters = p.parameters.map(v3Parameter);
      renderedPaths[p.path] = item;
    }
    const schemas = Object.fromEntries(definitionsFor(paths).map((n) => [n, renderDefinition(n, DEFINITIONS.get(n) ?? {}, 'v3')]));
    docs.set(groupVersionKey(group, version), {
      openapi: '3.0.0',
      info: { ...OPENAPI_INFO },
      paths: renderedPaths,
      components: {
        schemas,
        securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
      },
      security: [{ BearerToken: [] }],
    });
  }
  v3Cache.set(resources, docs);
  return docs;
}

/** The OpenAPI 3.0 document of one group-version, or undefined if nothing is served there. Shared: do not mutate. */
export function openApiV3ForGroupVersion(group: string, version: string, resources: readonly ResourceInfo[] = RESOURCES): Json | undefined {
  return v3Documents(resources).get(groupVersionKey(group, version));
}

const hashCache = new WeakMap<Json, string>();

/** The hash kube-apiserver puts in serverRelativeURL and the ETag: upper-case hex SHA-512 of the document. */
export function openApiDocumentHash(doc: Json): string {
  const cached = hashCache.get(doc);
  if (cached) return cached;
  const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
  hashCache.set(doc, hash);
  return hash;
}

/** The index served at /openapi/v3: one entry per group-version with a hash-pinned URL. */
export function openApiV3Index(resources: readonly ResourceInfo[] = RESOURCES): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, doc] of v3Documents(resources)) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${openApiDocumentHash(doc)}` };
  }
  return { paths };
}
