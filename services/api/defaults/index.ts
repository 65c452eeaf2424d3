// Defaulting of incoming objects, as kube-apiserver's defaulters do it before validation.
export { applyDefaults, DEFAULTERS } from './apply-defaults.js';
export type { Defaulter } from './apply-defaults.js';
export { preserveAllocatedServiceValues } from './core-v1.js';
export { defaultPullPolicy, imageTag } from './pod-spec.js';
