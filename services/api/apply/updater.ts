// Ownership bookkeeping of structured-merge-diff's merge.Updater: what an update takes from the
// other managers, and how an apply merges a configuration, drops what the applier stopped
// applying and detects conflicts with the fields other managers own.
import type { FieldSet, FieldSetPath } from './field-set.js';
import { compareValues, excludeFields, mergeValues } from './merge-walker.js';
import type { Comparison } from './merge-walker.js';
import type { VersionedSet } from './managers.js';
import { ensureNamedFieldsAreMembers, removeItems } from './remove-items.js';
import type { Atom } from './schema-atoms.js';
import { toFieldSet } from './to-field-set.js';
import { compareStrings, valuesEqual } from './json-value.js';

export type ManagerSets = Map<string, VersionedSet>;

/** One field another manager owns that a write would change. */
export interface FieldConflict {
  /** The owner's manager identifier. */
  managerId: string;
  path: FieldSetPath;
}

export interface UpdaterContext {
  /** The atom of the whole object. */
  atom: Atom;
  /** Fields the write path resets anyway (e.g. status on the main resource): never owned, never conflicting. */
  ignored?: FieldSet;
}

/**
 * Takes the fields `newObject` changes from every manager but `workflow`. Without force, any
 * change to a field another manager owns is a conflict and nothing is taken.
 */
function takeChangedFields(
  ctx: UpdaterContext,
  oldObject: unknown,
  newObject: unknown,
  managers: ManagerSets,
  workflow: string,
  force: boolean,
): { managers: ManagerSets; comparison: Comparison } | { conflicts: FieldConflict[] } {
  const comparison = excludeFields(compareValues(oldObject, newObject, ctx.atom), ctx.ignored);
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, vs] of managers) {
    if (id === workflow) continue;
    const taken = vs.set.intersection(changed);
    if (!taken.isEmpty()) conflicts.set(id, taken);
  }
  if (!force && conflicts.size > 0) {
    const out: FieldConflict[] = [];
    for (const id of [...conflicts.keys()].sort(compareStrings)) {
      for (const path of conflicts.get(id)?.paths() ?? []) out.push({ managerId: id, path });
    }
    return { conflicts: out };
  }
  const next: ManagerSets = new Map();
  for (const [id, vs] of managers) {
    let set = vs.set;
    if (id !== workflow) {
      const taken = conflicts.get(id);
      if (taken) set = set.difference(taken);
      set = set.difference(comparison.removed);
    }
    if (!set.isEmpty()) next.set(id, { ...vs, set });
  }
  return { managers: next, comparison };
}

/**
 * A non-apply write (merge.Updater.Update): the fields it added or modified move to `manager`,
 * removed fields leave every manager, and managers left with nothing are dropped.
 */
export function recordUpdate(ctx: UpdaterContext, liveObject: unknown, newObject: unknown, apiVersion: string, managers: ManagerSets, manager: string): ManagerSets {
  const r = takeChangedFields(ctx, liveObject, newObject, managers, manager, true);
  if ('conflicts' in r) return managers; // Not reached: updates always force.
  const { comparison } = r;
  const previous = r.managers.get(manager)?.set;
  let set = comparison.modified.union(comparison.added);
  if (previous) set = previous.union(set);
  set = set.difference(comparison.removed);
  if (ctx.ignored) set = set.recursiveDifference(ctx.ignored);
  const out = new Map(r.managers);
  if (set.isEmpty()) out.delete(manager);
  else out.set(manager, { set, apiVersion, applied: false });
  return out;
}

export type ApplyOutcome =
  | { ok: true; object: unknown; changed: boolean; managers: ManagerSets }
  | { ok: false; conflicts: FieldConflict[] };

/**
 * Server-side apply (merge.Updater.Apply): merges `config` into `liveObject`, makes the
 * configuration's fields the applier's, removes the fields it applied last time but not now
 * (unless someone else owns them), then checks what the merge changed against other owners.
 */
export function recordApply(
  ctx: UpdaterContext,
  liveObject: unknown,
  config: unknown,
  apiVersion: string,
  managers: ManagerSets,
  manager: string,
  force: boolean,
): ApplyOutcome {
  let newObject = mergeValues(liveObject, config, ctx.atom);
  const lastSet = managers.get(manager);
  let set = toFieldSet(config, ctx.atom);
  if (ctx.ignored) set = set.recursiveDifference(ctx.ignored);
  const withApplier: ManagerSets = new Map(managers);
  withApplier.set(manager, { set, apiVersion, applied: true });
  newObject = prune(ctx, newObject, withApplier, lastSet);
  const r = takeChangedFields(ctx, liveObject, newObject, withApplier, manager, force);
  if ('conflicts' in r) return { ok: false, conflicts: r.conflicts };
  return { ok: true, object: newObject, changed: !valuesEqual(liveObject, newObject), managers: r.managers };
}

/**
 * Removes what the applier owned last time and no longer applies, keeping what any manager
 * (including the applier's new configuration) owns, and anything the applier did not own.
 */
function prune(ctx: UpdaterContext, merged: unknown, managers: ManagerSets, lastSet: VersionedSet | undefined): unknown {
  if (!lastSet || lastSet.set.isEmpty()) return merged;
  const ensure = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, ctx.atom);
  let pruned = removeItems(merged, ensure(lastSet.set), ctx.atom) ?? {};

  // Add back items other managers (or the applier's new configuration) own.
  let managed: FieldSet | undefined;
  for (const vs of managers.values()) managed = managed ? managed.union(vs.set) : vs.set;
  const mergedSet = ensure(toFieldSet(merged, ctx.atom));
  let prunedSet = ensure(toFieldSet(pruned, ctx.atom));
  const keep = managed ? prunedSet.union(ensure(managed)) : prunedSet;
  pruned = removeItems(merged, mergedSet.difference(keep), ctx.atom) ?? {};

  // Only what the applier owned may go: add back the rest.
  prunedSet = ensure(toFieldSet(pruned, ctx.atom));
  return removeItems(merged, mergedSet.difference(prunedSet).intersection(ensure(lastSet.set)), ctx.atom) ?? {};
}
