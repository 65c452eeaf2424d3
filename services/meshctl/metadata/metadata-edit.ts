// The shared flow of label and annotate: find the objects, change one string map in their
// metadata, patch the difference (a JSON merge patch), report per object.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { groupKindLower } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { boolFlag, listFlag, stringFlag } from '../args.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors } from '../errors.js';
import { readManifests } from '../resources/manifests.js';
import { parseResourceArgs } from '../resources/resource-args.js';
import { selectByFlags } from '../resources/select-by-flags.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos, usable } from '../resources/resource-info.js';
import type { KeyValueChanges } from './key-value-args.js';
import { parseChanges, splitResourcesAndPairs } from './key-value-args.js';

export interface MetadataEditSpec {
  field: 'labels' | 'annotations';
  kind: 'label' | 'annotation';
  /** Throws when --overwrite is false and a key already has another value. */
  checkOverwrite(current: Record<string, string>, changes: KeyValueChanges): void;
  /** The word printed after the object's name. */
  message(before: KubeObject, after: KubeObject, overwrite: boolean): string;
  /** Written before the change, e.g. label "x" not found. */
  notices?(current: Record<string, string>, changes: KeyValueChanges): string[];
}

async function infosOf(ctx: CommandContext, client: KubeClient, resources: string[], verb: string): Promise<ResourceInfo[]> {
  const files = listFlag(ctx.flags, 'filename');
  if (files.length > 0) return manifestInfos(client, await readManifests(ctx.io, files, boolFlag(ctx.flags, 'recursive')));
  if (resources.length === 0) throw new CliError(`one or more resources must be specified as <resource> <name> or <resource>/<name>`);
  const targets = await parseResourceArgs(client, resources, verb);
  return selectByFlags(ctx, client, targets);
}

export async function runMetadataEdit(ctx: CommandContext, spec: MetadataEditSpec): Promise<number> {
  const { resources, pairs } = splitResourcesAndPairs(ctx.positionals, spec.kind);
  const list = boolFlag(ctx.flags, 'list');
  if (pairs.length === 0 && !list) throw new CliError(`at least one ${spec.kind} update is required`);
  const changes = parseChanges(pairs, spec.kind);
  const overwrite = boolFlag(ctx.flags, 'overwrite');
  const resourceVersion = stringFlag(ctx.flags, 'resource-version');
  const client = await ctx.client();
  const verb = spec.kind === 'label' ? 'label' : 'annotate';
  const infos = await infosOf(ctx, client, resources, verb);
  const errors: unknown[] = [];
  for (const info of infos) {
    if (!usable(info, errors)) continue;
    try {
      const before = await client.get(info.resource, info.name, { namespace: info.namespace });
      const current = { ...(before.metadata[spec.field] ?? {}) };
      if (list && pairs.length === 0) {
        for (const k of Object.keys(current).sort()) ctx.out(`${k}=${current[k] ?? ''}\n`);
        continue;
      }
      if (!overwrite) spec.checkOverwrite(current, changes);
      for (const line of spec.notices?.(current, changes) ?? []) ctx.out(`${line}\n`);
      const next: Record<string, string> = { ...current };
      const diff: Record<string, string | null> = {};
      for (const [k, v] of changes.set) {
        if (next[k] !== v) diff[k] = v;
        next[k] = v;
      }
      for (const k of changes.remove) {
        if (k in next) diff[k] = null;
        delete next[k];
      }
      const after: KubeObject = { ...before, metadata: { ...before.metadata, [spec.field]: next } };
      const metaPatch: Record<string, unknown> = {};
      if (Object.keys(diff).length > 0) metaPatch[spec.field] = diff;
      if (resourceVersion !== undefined) metaPatch.resourceVersion = resourceVersion;
      if (Object.keys(metaPatch).length > 0) {
        await client.patch(info.resource, info.name, { metadata: metaPatch }, 'merge', { namespace: info.namespace, fieldManager: `kubectl-${verb}` });
      }
      ctx.out(`${groupKindLower(info.resource)}/${info.name} ${spec.message(before, after, overwrite)}\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}

export const editFlags = {
  overwrite: { type: 'boolean' },
  all: { type: 'boolean' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  selector: { type: 'string', short: 'l' },
  filename: { type: 'string', short: 'f', multiple: true },
  recursive: { type: 'boolean', short: 'R' },
  'resource-version': { type: 'string' },
  list: { type: 'boolean' },
} as const;
