export { DockerRuntime } from './docker-runtime.js';
export type { DockerRuntimeOptions } from './docker-runtime.js';
export { ContainerNotFoundError, ExecTimeoutError, ImageNotPresentError } from './errors.js';
export * from './naming.js';
export { containerCpuShares, milliCpuToQuota, milliCpuToShares, resolvConf } from './docker-config.js';
export { familiarImageRef, normalizeImageRef, parseImageRef } from './image-ref.js';
export type { ImageRef } from './image-ref.js';
export type * from './types.js';
