// Validation of objects before they are stored, as kube-apiserver's strategies (and Istio's
// validating webhook, for Istio's kinds) do it.
export { validateCreate, validateUpdate, VALIDATORS } from './validators.js';
export type { KindValidator } from './validators.js';
export { validateVirtualServiceSubsets, resolveIstioHost } from './istio-subsets.js';
export { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
export type { NameValidator, ObjectMetaRules } from './object-meta.js';
export { canonicalQuantity, compareQuantities, parseQuantity, quantityString } from '../../../lib/api/quantity.js';
export type { Quantity, QuantityFormat } from '../../../lib/api/quantity.js';
