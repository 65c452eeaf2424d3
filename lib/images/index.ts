export { ensureBaseImages, ensureImage, hostImagePlans, stampSources, HOST_BUSYBOX } from './ensure-base-images.js';
export type { ImageLog } from './ensure-base-images.js';
export {
  BASE_IMAGE,
  PAUSE_IMAGE,
  IMAGE_PATH,
  SOURCE_HASH_LABEL,
  GROUP,
  PASSWD,
  appletNames,
  basePlan,
  dockerfileWithHash,
  pausePlan,
  planSources,
  sourceHash,
} from './image-plan.js';
export type { BasePlanInput, FileStamp, ImagePlan, RootfsEntry } from './image-plan.js';
export { ImageBuildError, parseBuildOutput } from './build-output.js';
export type { BuildResult } from './build-output.js';
export { MissingLibraryError, parseLddOutput } from './ldd.js';
