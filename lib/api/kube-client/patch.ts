// Client-side apply's patch computation, re-exported from the API server's patch library until
// that library moves to lib/ (meshctl must not import another service's internals directly).
export { createThreeWayJsonMergePatch, createThreeWayMergePatch } from '../patch/index.js';
export type { PatchMeta } from '../patch/index.js';
export { patchMetaFor } from '../../../services/api/schema/patch-meta-for.js';
