// Server-side apply (PATCH with application/apply-patch+yaml): merges an applied configuration
// into the live object (creating it when there is none) and records the applier's ownership,
// following kube-apiserver's field manager chain: version check, last-applied interplay for
// "kubectl", adopting untracked objects under "before-first-apply", then the structured merge.
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { Errors, StatusError } from '../../../lib/api/status-error.js';
import { toApplyConflict } from './conflict-error.js';
import type { ApplyConflict } from './conflict-error.js';
import type { FieldSet } from './field-set.js';
import { cloneValue } from './json-value.js';
import { LAST_APPLIED_MANAGER, buildLastApplied, fieldsStillAsLastApplied, lastAppliedOf, setLastApplied } from './last-applied.js';
import { BEFORE_FIRST_APPLY_MANAGER, NEVER_MANAGED, recordUpdateInManaged, withoutManagedFields } from './managed-fields.js';
import { copyManaged, decodeManagedFields, encodeManagedFields, formatTime, managerIdentifier } from './managers.js';
import type { Managed } from './managers.js';
import { kindAtom } from './schema-atoms.js';
import type { Atom } from './schema-atoms.js';
import { toFieldSet, violationsText } from './to-field-set.js';
import type { SchemaViolation } from './to-field-set.js';
import { recordApply } from './updater.js';
import type { FieldConflict, UpdaterContext } from './updater.js';
import { zeroObject } from './zero-object.js';

export { conflictError, conflictMessage } from './conflict-error.js';
export type { ApplyConflict } from './conflict-error.js';

export interface ServerSideApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The parsed apply body. */
  applied: unknown;
  /** ?fieldManager= (required for apply requests; the handler checks that). */
  manager: string;
  /** ?force=true: take the conflicting fields instead of failing. */
  force: boolean;
  group: string;
  version: string;
  kind: string;
  now: Date;
  /** "status", ... for applies to a subresource. */
  subresource?: string;
  /** Fields this write path resets anyway (e.g. status on the main resource); never owned. */
  resetFields?: FieldSet;
}

export type ServerSideApplyResult =
  | {
      ok: true;
      /** The merged object with its managedFields; not yet defaulted or validated. */
      object: KubeObject;
      /** False when the apply left the object as it was (only ownership may have changed). */
      changed: boolean;
    }
  | { ok: false; conflicts: ApplyConflict[] };

function groupVersionText(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** A GroupVersionKind as Go prints it: "apps/v1, Kind=Deployment", "/v1, Kind=Pod". */
function gvkText(group: string, version: string, kind: string): string {
  return `${group}/${version}, Kind=${kind}`;
}

function appliedGvk(applied: Record<string, unknown>): { group: string; version: string; kind: string } {
  const apiVersion = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  const kind = typeof applied.kind === 'string' ? applied.kind : '';
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] ?? '', kind };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '', kind };
  return { group: '', version: '', kind };
}

function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'value';
}

/** The name and namespace part of kube-apiserver's "(ns/name; gvk)" error prefix. */
function objectRef(applied: Record<string, unknown>, group: string, version: string, kind: string): string {
  const meta = isRecord(applied.metadata) ? applied.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  return `${ns}/${name}; ${gvkText(group, version, kind)}`;
}

/** Deletes map entries that are null in the result and null in one of `sources` (unset fields). */
function dropUnsetNulls(value: unknown, sources: readonly unknown[]): void {
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const inSources = sources.map((s) => (isRecord(s) ? s[key] : undefined));
    if (child === null && inSources.some((s) => s === null)) {
      delete value[key];
      continue;
    }
    dropUnsetNulls(
      child,
      inSources.filter((s) => isRecord(s)),
    );
  }
}

/** A copy of `value` whose map keys come in `template`'s order first. */
function orderLike(value: unknown, template: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((v: unknown, i) => orderLike(v, Array.isArray(template) ? (template as unknown[])[i] : undefined));
  }
  if (!isRecord(value)) return cloneValue(value);
  const t = isRecord(template) ? template : {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(t)) if (value[k] !== undefined) out[k] = orderLike(value[k], t[k]);
  for (const [k, v] of Object.entries(value)) if (!(k in out) && v !== undefined) out[k] = orderLike(v, undefined);
  return out;
}

interface ApplyContext {
  ctx: UpdaterContext;
  liveObject: Record<string, unknown>;
  config: Record<string, unknown>;
  apiVersion: string;
  managerId: string;
  now: Date;
}

type PipelineOutcome = { ok: true; object: Record<string, unknown>; changed: boolean; managed: Managed } | { ok: false; conflicts: FieldConflict[] };

/** skipNonApplied, managedFieldsUpdater, stripMeta and the structured merge, for one force setting. */
function applyToManaged(a: ApplyContext, start: Managed, zero: Record<string, unknown>, force: boolean): PipelineOutcome {
  let managed = start;
  if (managed.fields.size === 0) {
    // The object's fields so far belong to "before-first-apply", so that the apply may conflict with them.
    const adoptId = managerIdentifier({ manager: BEFORE_FIRST_APPLY_MANAGER, operation: 'Update', apiVersion: a.apiVersion });
    managed = recordUpdateInManaged(a.ctx, zero, a.liveObject, managed, adoptId, a.apiVersion, a.now);
  }
  const r = recordApply(a.ctx, a.liveObject, a.config, a.apiVersion, managed.fields, a.managerId, force);
  if (!r.ok) return r;
  const out = copyManaged(managed);
  const sets = new Map(r.managers);
  const own = sets.get(a.managerId);
  if (own) {
    const stripped = own.set.difference(NEVER_MANAGED);
    if (stripped.isEmpty()) sets.delete(a.managerId);
    else sets.set(a.managerId, { ...own, set: stripped });
  }
  out.fields = sets;
  if (r.changed) out.times.set(a.managerId, formatTime(a.now));
  const object = r.changed && isRecord(r.object) ? r.object : a.liveObject;
  return { ok: true, object, changed: r.changed, managed: out };
}

function checkConfig(applied: unknown, o: ServerSideApplyOptions, atom: Atom): Record<string, unknown> {
  if (applied === null || applied === undefined) applied = {};
  if (!isRecord(applied)) {
    throw Errors.badRequest(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goTypeName(applied)} into Go value of type map[string]interface {}`,
    );
  }
  const gvk = appliedGvk(applied);
  if (gvk.group !== o.group || gvk.version !== o.version || gvk.kind !== o.kind) {
    throw Errors.badRequest(`invalid object type: ${gvkText(gvk.group, gvk.version, gvk.kind)}`);
  }
  if (isRecord(applied.metadata) && applied.metadata.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw Errors.badRequest('metadata.managedFields must be nil');
  }
  const violations: SchemaViolation[] = [];
  toFieldSet(applied, atom, violations);
  if (violations.length > 0) {
    // kube-apiserver returns this as a plain (500) error without a reason.
    // A 500 in Kubernetes; a client error here, since bad input never gets a 5xx.
    throw new StatusError(400, 'BadRequest', `failed to create typed patch object (${objectRef(applied, o.group, o.version, o.kind)}): ${violationsText(violations)}`);
  }
  return applied;
}

/**
 * Applies `applied` as `manager`. Throws a StatusError for a malformed configuration (wrong
 * apiVersion/kind, managedFields set, fields the schema does not declare, list items without keys).
 */
export function serverSideApply(o: ServerSideApplyOptions): ServerSideApplyResult {
  const atom = kindAtom(o.group, o.version, o.kind);
  const config = checkConfig(o.applied, o, atom);
  const apiVersion = groupVersionText(o.group, o.version);
  const zero = zeroObject(o.group, o.version, o.kind);

  let start: Managed;
  try {
    start = decodeManagedFields(o.live?.metadata.managedFields);
  } catch (err) {
    throw new StatusError(500, '', `failed to decode managed fields: ${err instanceof Error ? err.message : String(err)}`);
  }

  const a: ApplyContext = {
    ctx: { atom, ...(o.resetFields ? { ignored: o.resetFields } : {}) },
    liveObject: o.live ? withoutManagedFields(o.live) : cloneValue(zero),
    config,
    apiVersion,
    managerId: managerIdentifier({ manager: o.manager === '' ? 'unknown' : o.manager, operation: 'Apply', ...(o.subresource ? { subresource: o.subresource } : {}) }),
    now: o.now,
  };

  let outcome = applyToManaged(a, start, zero, o.force);
  if (!outcome.ok && o.manager === LAST_APPLIED_MANAGER) {
    // Fields client-side apply last applied, still unchanged, are kubectl's to take over.
    const allowed = fieldsStillAsLastApplied(a.liveObject, atom, apiVersion);
    if (allowed) {
      const remaining = outcome.conflicts.filter((c) => !allowed.has(c.path));
      outcome = remaining.length > 0 ? { ok: false, conflicts: remaining } : applyToManaged(a, start, zero, true);
    }
  }
  if (!outcome.ok) return { ok: false, conflicts: outcome.conflicts.map(toApplyConflict) };

  // A created object keeps the configuration's field order, not the zero object's.
  const object = (o.live ? cloneValue(outcome.object) : orderLike(outcome.object, config)) as KubeObject;
  if (!isRecord(object.metadata)) object.metadata = {};
  dropUnsetNulls(object, [zero, config]);
  if (o.manager === LAST_APPLIED_MANAGER && lastAppliedOf(object) !== undefined) {
    setLastApplied(object, buildLastApplied(config));
  }
  delete object.metadata.managedFields;
  const entries = encodeManagedFields(outcome.managed);
  if (entries) object.metadata.managedFields = entries;
  return { ok: true, object, changed: outcome.changed };
}
