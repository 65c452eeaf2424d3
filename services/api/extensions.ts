// Adapters between the REST front and the kind-aware libraries: patching by content type,
// Table printing, field validation against the kind schemas, and the OpenAPI documents.
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { Errors } from '../../lib/api/status-error.js';
import type { PatchApplier } from './http/api-handler.js';
import { PatchContentTypes } from './http/content.js';
import { applyJsonMergePatch, applyJsonPatch, applyStrategicMergePatch, isPatchError, NO_PATCH_META } from '../../lib/api/patch/index.js';
import type { PatchMeta } from '../../lib/api/patch/index.js';
import type { ResourceInfo } from './registry/resources.js';

/** Kinds served like custom resources (Istio's): no strategic merge patch, as for CRDs in Kubernetes. */
export function isCustomResource(res: ResourceInfo): boolean {
  return res.group.endsWith('.istio.io');
}

function asStatus(err: unknown): never {
  if (isPatchError(err)) throw err.toStatusError();
  throw err;
}

/** Builds the PATCH applier for the API handler, given the patch meta of each kind. */
export function patchApplier(metaFor: (res: ResourceInfo, version: string) => PatchMeta): PatchApplier {
  return (res, version, patchType, current, patch): KubeObject => {
    try {
      switch (patchType) {
        case PatchContentTypes.json:
          return applyJsonPatch(current, patch) as KubeObject;
        case PatchContentTypes.merge:
          // evanphx/json-patch refuses a merge patch that is not an object; so does kube-apiserver.
          if (!isRecord(patch)) throw Errors.badRequest('Invalid JSON Patch');
          return applyJsonMergePatch(current, patch) as KubeObject;
        case PatchContentTypes.strategic:
          if (!isRecord(patch)) throw Errors.badRequest('Invalid JSON Patch');
          if (isCustomResource(res)) {
            throw Errors.unsupportedMediaType(patchType, [PatchContentTypes.json, PatchContentTypes.merge, PatchContentTypes.apply]);
          }
          return applyStrategicMergePatch(current, patch, metaFor(res, version)) as KubeObject;
        default:
          throw Errors.unsupportedMediaType(patchType, [PatchContentTypes.json, PatchContentTypes.merge, PatchContentTypes.strategic]);
      }
    } catch (err) {
      return asStatus(err);
    }
  };
}

/** Patches of objects without merge-keyed lists (e.g. the Scale subresource). */
export function genericPatch(patchType: string, current: unknown, patch: unknown): unknown {
  try {
    if (patchType === PatchContentTypes.json) return applyJsonPatch(current, patch);
    if (patchType === PatchContentTypes.strategic) return applyStrategicMergePatch(current, patch, NO_PATCH_META);
    return applyJsonMergePatch(current, patch);
  } catch (err) {
    return asStatus(err);
  }
}
