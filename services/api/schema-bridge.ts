// The kind schemas as the REST front uses them: patch meta for strategic merge patch, field
// validation of bodies (fieldValidation=Strict|Warn|Ignore) and the OpenAPI documents kubectl reads.
import { isRecord } from '../../lib/api/object.js';
import type { FieldValidator, OpenApiSource } from './http/api-handler.js';
import type { PatchMeta } from '../../lib/api/patch/index.js';
import type { ResourceInfo } from './registry/resources.js';
import { RESOURCES } from './registry/resources.js';
import { checkFields, strictFieldValidationError, typeErrorStatus, unknownFieldWarnings } from './schema/field-check.js';
import { openApiV2, openApiV3ForGroupVersion, openApiV3Index } from './schema/openapi.js';
import { patchMetaFor as schemaPatchMeta } from './schema/patch-meta-for.js';

export function patchMetaFor(res: ResourceInfo, version: string): PatchMeta {
  return schemaPatchMeta(res.group, version, res.kind);
}

/**
 * Type errors are always refused (Kubernetes could not decode the body); unknown fields are
 * refused under Strict, reported as warnings under Warn (kubectl's default), ignored under Ignore.
 */
export const validateFields: FieldValidator = (res, version, body, mode) => {
  // Unknown fields are also removed from the body, as decoding into Go types drops them.
  const { unknown, errors } = checkFields(res.group, version, res.kind, body, { prune: mode !== 'Strict' });
  const name = isRecord(body) && isRecord(body.metadata) && typeof body.metadata.name === 'string' ? body.metadata.name : '';
  const custom = res.group.endsWith('.istio.io');
  // Kubernetes decodes built-in kinds before it looks for unknown fields; CRDs the other way round.
  if (!custom) {
    const typeErr = typeErrorStatus(res.group, version, res.kind, name, errors);
    if (typeErr) throw typeErr;
  }
  if (unknown.length > 0 && mode === 'Strict') throw strictFieldValidationError(res.kind, version, unknown);
  if (custom) {
    const typeErr = typeErrorStatus(res.group, version, res.kind, name, errors);
    if (typeErr) throw typeErr;
  }
  return mode === 'Warn' ? unknownFieldWarnings(unknown) : [];
};

export const openapi: OpenApiSource = {
  v2: () => openApiV2(RESOURCES),
  v3Index: () => openApiV3Index(RESOURCES),
  v3: (path) => {
    // "api/v1" or "apis/<group>/<version>"
    const parts = path.split('/');
    if (parts[0] === 'api' && parts.length === 2) return openApiV3ForGroupVersion('', parts[1] ?? '', RESOURCES);
    if (parts[0] === 'apis' && parts.length === 3) return openApiV3ForGroupVersion(parts[1] ?? '', parts[2] ?? '', RESOURCES);
    return undefined;
  },
};
