// Managed-fields tracking on every non-apply write (create, update, patch), as kube-apiserver's
// field manager does it: the fields a write changes move to the writer's Update entry (and leave
// every other manager), fields it removes leave every manager, empty entries are dropped, the
// writer's timestamp is set when it took any field, and at most 10 Update entries are kept.
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { FieldSet, fieldPath } from './field-set.js';
import { cloneValue } from './json-value.js';
import { copyManaged, decodeManagedFields, emptyManaged, encodeManagedFields, formatTime, isResetManagedFields, managerIdentifier } from './managers.js';
import type { Managed } from './managers.js';
import { kindAtom } from './schema-atoms.js';
import { recordUpdate } from './updater.js';
import type { UpdaterContext } from './updater.js';
import { isStored, zeroObject } from './zero-object.js';

/** Fields no manager ever owns: type meta and the server-managed parts of metadata (stripMeta). */
export const NEVER_MANAGED: FieldSet = FieldSet.of([
  fieldPath('apiVersion'),
  fieldPath('kind'),
  fieldPath('metadata'),
  fieldPath('metadata', 'name'),
  fieldPath('metadata', 'namespace'),
  fieldPath('metadata', 'creationTimestamp'),
  fieldPath('metadata', 'selfLink'),
  fieldPath('metadata', 'uid'),
  fieldPath('metadata', 'clusterName'),
  fieldPath('metadata', 'generation'),
  fieldPath('metadata', 'managedFields'),
  fieldPath('metadata', 'resourceVersion'),
]);

/** kube-apiserver's DefaultMaxUpdateManagers. */
export const MAX_UPDATE_MANAGERS = 10;

/** The manager older Update entries are merged into once there are too many. */
const OLD_UPDATES_MANAGER = 'ancient-changes';

/** The manager that owns what an object held before its first apply. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

/** Stands for the writer while its changes are computed; never an identifier itself. */
const CURRENT_OPERATION = 'current-operation';

export interface UpdateManagedFieldsOptions {
  /** The stored object; undefined for a create. */
  live: KubeObject | undefined;
  /** The object about to be stored. Its metadata.managedFields, if the client sent some, are taken as the new ownership. */
  next: KubeObject;
  /** The field manager (see managerOrUserAgent); "" becomes "unknown". */
  manager: string;
  operation?: 'Update';
  /** "status", "scale", ... for writes to a subresource. */
  subresource?: string;
  /** The group/version of the request, e.g. "apps/v1". */
  apiVersion: string;
  now: Date;
  /** Fields this write path resets anyway (e.g. status on the main resource); never owned. */
  resetFields?: FieldSet;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** A copy of an object without metadata.managedFields. */
export function withoutManagedFields<T extends KubeObject>(obj: T): T {
  const copy = cloneValue(obj);
  if (isRecord(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return emptyManaged();
  }
}

/** Which ownership a write starts from (decodeLiveOrNew). */
function startingManaged(live: KubeObject | undefined, next: KubeObject, subresource: string | undefined): Managed {
  const liveEntries = live?.metadata.managedFields;
  // Subresource writes cannot touch managedFields.
  if (subresource) return decodeOrEmpty(liveEntries);
  const sent: unknown = isRecord(next.metadata) ? next.metadata.managedFields : undefined;
  if (isResetManagedFields(sent)) return emptyManaged();
  try {
    const m = decodeManagedFields(sent);
    if (m.fields.size > 0) return m;
  } catch {
    // Clients that do not understand managedFields must not lose them: use the live ones.
  }
  return decodeOrEmpty(liveEntries);
}

/**
 * Records a non-apply write by `managerId` in `managed` (the managedFieldsUpdater, stripMeta and
 * capManagers steps around merge.Updater.Update). `liveObject` and `newObject` carry no managedFields.
 */
export function recordUpdateInManaged(
  ctx: UpdaterContext,
  liveObject: unknown,
  newObject: unknown,
  managed: Managed,
  managerId: string,
  apiVersion: string,
  now: Date,
): Managed {
  const out = copyManaged(managed);
  let sets = recordUpdate(ctx, liveObject, newObject, apiVersion, out.fields, CURRENT_OPERATION);
  const current = sets.get(CURRENT_OPERATION);
  sets = new Map(sets);
  sets.delete(CURRENT_OPERATION);
  const taken = current?.set.difference(NEVER_MANAGED);
  if (current && taken && !taken.isEmpty()) {
    const previous = sets.get(managerId);
    sets.set(managerId, { set: previous ? taken.union(previous.set) : taken, apiVersion: current.apiVersion, applied: current.applied });
    out.times.set(managerId, formatTime(now));
  }
  out.fields = sets;
  return capUpdateManagers(out);
}

/** Merges the oldest Update entries into per-version "ancient-changes" entries beyond the cap. */
function capUpdateManagers(managed: Managed): Managed {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managed;
  const seconds = (id: string): number => {
    const t = managed.times.get(id);
    const ms = t === undefined ? NaN : Date.parse(t);
    return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
  };
  updaters.sort((a, b) => seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (const id of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const vs = managed.fields.get(id);
    if (!vs) continue;
    const time = managed.times.get(id);
    const bucket = managerIdentifier({ manager: OLD_UPDATES_MANAGER, operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      const firstSet = managed.fields.get(first);
      managed.fields.delete(first);
      if (firstSet) managed.fields.set(bucket, firstSet);
    }
    const bucketSet = managed.fields.get(bucket);
    managed.fields.set(bucket, { set: bucketSet ? vs.set.union(bucketSet.set) : vs.set, apiVersion: vs.apiVersion, applied: vs.applied });
    managed.fields.delete(id);
    length--;
    // The bucket takes the time of the more recent update merged into it.
    managed.times.set(bucket, time);
  }
  return managed;
}

/**
 * The object to store after a create, update or non-apply patch, with metadata.managedFields
 * updated for the write. A write to an object that has no managedFields is not tracked
 * (its managedFields stay empty) until the object is next applied.
 */
export function updateManagedFields(options: UpdateManagedFieldsOptions): KubeObject {
  const { live, next, subresource, apiVersion, now } = options;
  const managed = startingManaged(live, next, subresource);
  const result = withoutManagedFields(next);
  if (managed.fields.size === 0 && isStored(live)) return result;

  const { group, version } = parseApiVersion(apiVersion);
  const kind = typeof next.kind === 'string' && next.kind !== '' ? next.kind : (live?.kind ?? '');
  const ctx: UpdaterContext = { atom: kindAtom(group, version, kind), ...(options.resetFields ? { ignored: options.resetFields } : {}) };
  const liveObject = live ? withoutManagedFields(live) : zeroObject(group, version, kind);
  const managerId = managerIdentifier({
    manager: options.manager === '' ? 'unknown' : options.manager,
    operation: 'Update',
    apiVersion,
    ...(subresource ? { subresource } : {}),
  });
  const updated = recordUpdateInManaged(ctx, liveObject, result, managed, managerId, apiVersion, now);
  const entries = encodeManagedFields(updated);
  if (entries) result.metadata.managedFields = entries;
  return result;
}
