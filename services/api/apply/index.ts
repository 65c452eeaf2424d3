// Server-side apply and managed-fields tracking: the public API of services/api/apply.
export {
  FieldSet,
  FieldSetBuilder,
  comparePathElements,
  deserializePathElement,
  fieldElement,
  fieldPath,
  indexElement,
  keyElement,
  pathElementToString,
  pathToString,
  serializePathElement,
  valueElement,
} from './field-set.js';
export type { FieldSetPath, KeyField, PathElement } from './field-set.js';
export { toFieldSet, violationsText } from './to-field-set.js';
export type { SchemaViolation } from './to-field-set.js';
export { kindAtom } from './schema-atoms.js';
export type { Atom } from './schema-atoms.js';
export { decodeManagedFields, encodeManagedFields, managerIdentifier, printManager } from './managers.js';
export type { Managed, ManagedOperation, VersionedSet } from './managers.js';
export { BEFORE_FIRST_APPLY_MANAGER, MAX_UPDATE_MANAGERS, NEVER_MANAGED, updateManagedFields } from './managed-fields.js';
export type { UpdateManagedFieldsOptions } from './managed-fields.js';
export { FIELD_MANAGER_MAX_LENGTH, KUBECTL_FIELD_MANAGERS, managerOrUserAgent, prefixFromUserAgent } from './default-manager.js';
export { conflictError, conflictMessage, serverSideApply } from './server-side-apply.js';
export type { ApplyConflict, ServerSideApplyOptions, ServerSideApplyResult } from './server-side-apply.js';
export { LAST_APPLIED_ANNOTATION } from './last-applied.js';
