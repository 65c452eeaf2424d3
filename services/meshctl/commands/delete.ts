// meshctl delete: by name, by label selector, --all, or everything in files (-f); waits until
// the objects are gone unless --wait=false.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { groupKindLower, isApiError, isStatus } from '../../../lib/api/kube-client/index.js';
import { boolFlag, intFlag, listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors, withPrefix } from '../errors.js';
import { parseGoDuration } from '../go-duration.js';
import { readManifests } from '../resources/manifests.js';
import { parseResourceArgs, selectObjects } from '../resources/resource-args.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos, usable } from '../resources/resource-info.js';
import { waitForDeletion } from '../wait/wait-deleted.js';

const POLICIES: Record<string, 'Background' | 'Foreground' | 'Orphan'> = { background: 'Background', true: 'Background', foreground: 'Foreground', orphan: 'Orphan', false: 'Orphan' };

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'Delete resources by file names, stdin, resources and names, or by resources and label selector',
  help: `Delete resources by file names, stdin, resources and names, or by resources and label selector.

Usage:
  meshctl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [flags]

Examples:
  meshctl delete pod web-0
  meshctl delete -f app.yaml
  meshctl delete pods -l app=web --grace-period=0 --force

Options:
      --all=false: Delete all resources of the type in the namespace.
  -A, --all-namespaces=false: With --all or -l, across all namespaces.
      --cascade='background': background, foreground or orphan.
      --field-selector='': Selector (field query) to filter on.
  -f, --filename=[]: Files, directories or - identifying the resources.
      --force=false: Delete at once (with --grace-period=0), without waiting for the kubelet.
      --grace-period=-1: Seconds given to the resource to terminate gracefully (-1: its default).
      --ignore-not-found=false: Treat "resource not found" as a successful delete.
      --now=false: Signal the resource for immediate shutdown (--grace-period=1).
  -R, --recursive=false: Read directories given with -f recursively.
  -l, --selector='': Selector (label query) to filter on.
      --timeout=0s: How long to wait for the deletion (0: until done).
      --wait=true: Wait until the resources are gone.
`,
  flags: {
    all: { type: 'boolean' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    cascade: { type: 'string' },
    'field-selector': { type: 'string' },
    filename: { type: 'string', short: 'f', multiple: true },
    force: { type: 'boolean' },
    'grace-period': { type: 'string' },
    'ignore-not-found': { type: 'boolean' },
    now: { type: 'boolean' },
    recursive: { type: 'boolean', short: 'R' },
    selector: { type: 'string', short: 'l' },
    timeout: { type: 'string' },
    wait: { type: 'boolean' },
  },
  run: runDelete,
};

async function targetsOf(ctx: CommandContext, client: KubeClient): Promise<{ infos: ResourceInfo[]; fromFiles: boolean; bySelector: boolean }> {
  const files = listFlag(ctx.flags, 'filename');
  if (files.length > 0) {
    return { infos: await manifestInfos(client, await readManifests(ctx.io, files, boolFlag(ctx.flags, 'recursive'))), fromFiles: true, bySelector: false };
  }
  if (ctx.positionals.length === 0) {
    throw new CliError(`You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`);
  }
  const targets = await parseResourceArgs(client, ctx.positionals, 'delete');
  const selector = stringFlag(ctx.flags, 'selector');
  const fieldSelector = stringFlag(ctx.flags, 'field-selector');
  const bySelector = boolFlag(ctx.flags, 'all') || selector !== undefined || fieldSelector !== undefined;
  if (!bySelector && targets.some((t) => t.names.length === 0)) throw new CliError('resource(s) were provided, but no name was specified');
  const infos = await selectObjects(client, targets, {
    namespace: client.config.namespace,
    allNamespaces: boolFlag(ctx.flags, 'all-namespaces'),
    labelSelector: selector,
    fieldSelector,
    signal: ctx.io.signal,
  });
  return { infos, fromFiles: false, bySelector };
}

async function runDelete(ctx: CommandContext): Promise<number> {
  const { flags } = ctx;
  const force = boolFlag(flags, 'force');
  let grace = intFlag(flags, 'grace-period', -1);
  if (boolFlag(flags, 'now')) {
    if (grace !== -1) throw new CliError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (force && grace === -1) grace = 0;
  if (grace === 0 && !force) grace = 1;
  const cascade = POLICIES[(stringFlag(flags, 'cascade') ?? 'background').toLowerCase()];
  if (cascade === undefined) throw new CliError(`invalid cascade value (${stringFlag(flags, 'cascade') ?? ''}). Must be "background", "foreground", or "orphan"`);
  const timeoutMs = parseGoDuration(stringFlag(flags, 'timeout') ?? '0s');
  const client = await ctx.client();
  const { infos, fromFiles, bySelector } = await targetsOf(ctx, client);
  if (force && grace === 0) ctx.err('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  if (infos.length === 0 && bySelector) {
    ctx.out('No resources found\n');
    return 0;
  }
  const errors: unknown[] = [];
  const deleted: { info: ResourceInfo; uid: string | undefined }[] = [];
  for (const info of infos) {
    if (!usable(info, errors)) continue;
    try {
      const res = await client.delete(info.resource, info.name, {
        namespace: info.namespace,
        propagationPolicy: cascade,
        ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}),
      });
      ctx.out(`${groupKindLower(info.resource)} "${info.name}" ${force && grace === 0 ? 'force deleted' : 'deleted'}\n`);
      const uid = isStatus(res) ? res.details?.uid : res.metadata?.uid;
      deleted.push({ info, uid });
    } catch (err) {
      if (isApiError(err, 404) && boolFlag(flags, 'ignore-not-found')) continue;
      errors.push(fromFiles ? withPrefix(err, `error when deleting "${info.source ?? ''}": `) : err);
    }
  }
  if (boolFlag(flags, 'wait', true) && !(force && grace === 0)) {
    for (const d of deleted) {
      try {
        await waitForDeletion(client, d.info, d.uid, timeoutMs, ctx.io.signal);
      } catch (err) {
        errors.push(err);
      }
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}
