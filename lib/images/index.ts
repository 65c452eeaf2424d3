export { ensureBaseImages, ensureImage, hostImagePlans, stampSources, HOST_BUSYBOX } from './ensure-base-images.js';
export type { ImageLog } from './ensure-base-images.js';
export {
  BASE_IMAGE,
  PAUSE_IMAGE,
  IMAGE_PATH,
  NODE_ON_PATH,
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
export { BASE_ID_LABEL, appImagePlan } from './app-image-plan.js';
export type { AppImageInput } from './app-image-plan.js';
export { DEMO_APP_DIR, DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, DEMO_PORT, DEMO_SHARED_PATH, demoPlans, demoServerPath } from './demo-plans.js';
export type { DemoApp, DemoPlanInput } from './demo-plans.js';
export { IMAGE_HOME, PROXY_IMAGE, PROXY_MAIN, productionPackageDirs, proxyPlan } from './proxy-plan.js';
export type { CheckoutEntry, ProxyPlanInput } from './proxy-plan.js';
export { DEMO_DIR, DEMO_MANIFEST, DEMO_NODE_PORT, checkoutRoot } from './checkout-root.js';
export { proxyImageEntries, walkCheckout } from './checkout-files.js';
export { PROXY_NOT_BUILT, appImagePlans } from './app-image-plans.js';
export type { AppImagePlans, SkippedImage } from './app-image-plans.js';
