// The API server's patch library: JSON Patch, JSON merge patch and strategic merge patch.
export { JSON_PATCH_REJECTED_MESSAGE, PatchError, isPatchError } from './errors.js';
export type { PatchErrorReason } from './errors.js';
export { applyJsonMergePatch, createJsonMergePatch, createThreeWayJsonMergePatch } from './json-merge-patch.js';
export { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch } from './json-patch.js';
export type { JsonPatchOperationName } from './json-patch.js';
export { NO_PATCH_META } from './patch-meta.js';
export type { FieldPatchMeta, PatchMeta, PatchStrategy } from './patch-meta.js';
export { mergeList, mergeSet, object, patchMetaFrom } from './patch-meta-builder.js';
export type { FieldPatchMetaSpec, PatchMetaSpec } from './patch-meta-builder.js';
export { PatchType, isPatchType } from './patch-type.js';
export { applyStrategicMergePatch, createThreeWayMergePatch, createTwoWayMergePatch } from './strategic-merge-patch.js';
