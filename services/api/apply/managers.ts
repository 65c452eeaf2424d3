// The managers of an object: metadata.managedFields decoded into field sets keyed by manager
// identifier, and encoded back. The identifier is the JSON of the entry's manager, operation,
// apiVersion (Update entries only) and subresource, as kube-apiserver's BuildManagerIdentifier
// makes it: an Apply entry keeps its identity across apiVersions, an Update entry does not.
import { isRecord } from '../../../lib/api/object.js';
import type { ManagedFieldsEntry } from '../../../lib/api/object.js';
import { FieldSet } from './field-set.js';
import { compareStrings, goJsonString, goQuote } from './json-value.js';

export type ManagedOperation = 'Apply' | 'Update';

/** The fields one manager owns, at the apiVersion it wrote them with. */
export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  /** True for an Apply entry. */
  readonly applied: boolean;
}

/** Field ownership of an object: sets and timestamps by manager identifier. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

export function copyManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

export interface ManagerInfo {
  manager: string;
  operation: ManagedOperation;
  apiVersion?: string;
  subresource?: string;
}

/** The identifier of a manager entry (BuildManagerIdentifier): Go's JSON of the identifying fields. */
export function managerIdentifier(info: ManagerInfo): string {
  const parts: string[] = [];
  if (info.manager !== '') parts.push(`"manager":${goJsonString(info.manager)}`);
  parts.push(`"operation":${goJsonString(info.operation)}`);
  if (info.operation !== 'Apply' && info.apiVersion) parts.push(`"apiVersion":${goJsonString(info.apiVersion)}`);
  if (info.subresource) parts.push(`"subresource":${goJsonString(info.subresource)}`);
  return `{${parts.join(',')}}`;
}

/** The fields an identifier carries. */
export function parseManagerIdentifier(id: string): ManagerInfo {
  const parsed = JSON.parse(id) as unknown;
  const r = isRecord(parsed) ? parsed : {};
  const info: ManagerInfo = {
    manager: typeof r.manager === 'string' ? r.manager : '',
    operation: r.operation === 'Apply' ? 'Apply' : 'Update',
  };
  if (typeof r.apiVersion === 'string' && r.apiVersion !== '') info.apiVersion = r.apiVersion;
  if (typeof r.subresource === 'string' && r.subresource !== '') info.subresource = r.subresource;
  return info;
}

/**
 * How a conflict names a manager (printManager): `"kubectl"` for an applier, `"kubectl-edit"
 * using apps/v1` for an updater, with `with subresource "status"` after the name when set.
 */
export function printManager(id: string): string {
  let info: ManagerInfo;
  try {
    info = parseManagerIdentifier(id);
  } catch {
    return goQuote(id);
  }
  let s = goQuote(info.manager);
  if (info.subresource) s = `${s} with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') s = `${s} using ${info.apiVersion ?? ''}`;
  return s;
}

/** An empty list, or a list of one empty entry: the client asks to drop all managed fields. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  if (entries.length !== 1) return false;
  const only: unknown = entries[0];
  return isRecord(only) && Object.values(only).every((v) => v === undefined || v === null || v === '');
}

/** Decodes metadata.managedFields; throws with kube-apiserver's reason for an invalid entry. */
export function decodeManagedFields(entries: unknown): Managed {
  const managed = emptyManaged();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((entry: unknown, i) => {
    if (!isRecord(entry)) throw new Error(`managed fields entry ${i} must be an object`);
    const operation = entry.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    const apiVersion = typeof entry.apiVersion === 'string' ? entry.apiVersion : '';
    if (apiVersion === '') throw new Error('apiVersion must not be empty');
    const fieldsType = typeof entry.fieldsType === 'string' ? entry.fieldsType : '';
    if (fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${goQuote(fieldsType)} in managed fields entry ${i}`);
    const info: ManagerInfo = { manager: typeof entry.manager === 'string' ? entry.manager : '', operation, apiVersion };
    if (typeof entry.subresource === 'string' && entry.subresource !== '') info.subresource = entry.subresource;
    const id = managerIdentifier(info);
    managed.fields.set(id, { set: FieldSet.fromFieldsV1(entry.fieldsV1), apiVersion, applied: operation === 'Apply' });
    managed.times.set(id, typeof entry.time === 'string' ? entry.time : undefined);
  });
  return managed;
}

function unixSeconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Encodes managed fields as metadata.managedFields, in kube-apiserver's order; undefined when none. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const info = parseManagerIdentifier(id);
    // Field order follows metav1.ManagedFieldsEntry, as the server serializes it.
    const e: ManagedFieldsEntry = {};
    if (info.manager !== '') e.manager = info.manager;
    e.operation = vs.applied ? 'Apply' : info.operation;
    if (vs.apiVersion !== '') e.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time !== undefined) e.time = time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    entries.push(e);
  }
  entries.sort((p, q) => {
    if (p.operation !== q.operation) return compareStrings(p.operation ?? '', q.operation ?? '');
    const ps = unixSeconds(p.time);
    const qs = unixSeconds(q.time);
    if (ps !== qs) return ps < qs ? -1 : 1;
    if (p.manager !== q.manager) return compareStrings(p.manager ?? '', q.manager ?? '');
    if (p.apiVersion !== q.apiVersion) return compareStrings(p.apiVersion ?? '', q.apiVersion ?? '');
    return compareStrings(p.subresource ?? '', q.subresource ?? '');
  });
  return entries;
}

/** metav1.Time as it is written: RFC 3339 in UTC, whole seconds. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
