// The 409 a conflicting server-side apply gets, worded as kube-apiserver's NewConflictError:
//   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
// and, for several, one line per field grouped by manager:
//   Apply failed with 2 conflicts: conflicts with "a" using v1:
//   - .data.x
//   - .data.y
import type { StatusCause } from '../../../lib/api/object.js';
import { StatusError } from '../../../lib/api/status-error.js';
import type { FieldSetPath } from './field-set.js';
import { pathToString } from './field-set.js';
import { compareStrings } from './json-value.js';
import { managerIdentifier, parseManagerIdentifier, printManager } from './managers.js';
import type { ManagedOperation } from './managers.js';
import type { FieldConflict } from './updater.js';

/** A field another manager owns with a different value. */
export interface ApplyConflict {
  /** The owner's manager name, e.g. "kubectl-client-side-apply". */
  manager: string;
  operation: ManagedOperation;
  /** The apiVersion of an Update owner. */
  apiVersion?: string;
  subresource?: string;
  /** The field as Kubernetes prints it, e.g. ".spec.replicas". */
  field: string;
  path: FieldSetPath;
}

export function toApplyConflict(c: FieldConflict): ApplyConflict {
  const info = parseManagerIdentifier(c.managerId);
  const out: ApplyConflict = { manager: info.manager, operation: info.operation, field: pathToString(c.path), path: c.path };
  if (info.apiVersion !== undefined) out.apiVersion = info.apiVersion;
  if (info.subresource !== undefined) out.subresource = info.subresource;
  return out;
}

function idOf(c: ApplyConflict): string {
  return managerIdentifier({
    manager: c.manager,
    operation: c.operation,
    ...(c.apiVersion !== undefined ? { apiVersion: c.apiVersion } : {}),
    ...(c.subresource !== undefined ? { subresource: c.subresource } : {}),
  });
}

/** The message of the conflict error. */
export function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  const first = conflicts[0];
  if (conflicts.length === 1 && first) return `Apply failed with 1 conflict: conflict with ${printManager(idOf(first))}: ${first.field}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const id = idOf(c);
    const fields = byManager.get(id) ?? [];
    fields.push(c.field);
    byManager.set(id, fields);
  }
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort(compareStrings)) {
    lines.push(`conflicts with ${printManager(id)}:`);
    for (const f of byManager.get(id) ?? []) lines.push(`- ${f}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 Conflict StatusError for apply conflicts, with one FieldManagerConflict cause per field. */
export function conflictError(conflicts: readonly ApplyConflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(idOf(c))}`,
    field: c.field,
  }));
  return new StatusError(409, 'Conflict', conflictMessage(conflicts), { causes });
}
