// meshctl wait: until a condition holds on, or until the deletion of, one or more resources.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { groupKindLower, isApiError } from '../../../lib/api/kube-client/index.js';
import { listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors } from '../errors.js';
import { parseGoDuration } from '../go-duration.js';
import { readManifests } from '../resources/manifests.js';
import { parseResourceArgs } from '../resources/resource-args.js';
import { selectByFlags } from '../resources/select-by-flags.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos, usable } from '../resources/resource-info.js';
import { sleep } from '../wait/sleep.js';
import type { WaitFor } from '../wait/wait-condition.js';
import { conditionMet, parseWaitFor } from '../wait/wait-condition.js';
import { timeoutError, waitForDeletion } from '../wait/wait-deleted.js';

const POLL_MS = 200;

export const waitCommand: Command = {
  name: 'wait',
  summary: 'Wait for a specific condition on one or many resources',
  help: `Wait for a specific condition on one or many resources.

Usage:
  meshctl wait ([-f FILENAME] | TYPE/NAME | TYPE [(-l label | --all)]) [--for=create|--for=delete|--for=condition=available|--for=jsonpath='{}'[=value]] [flags]

Examples:
  meshctl wait --for=condition=Available deployment/web --timeout=60s
  meshctl wait --for=delete pod/web-0 --timeout=30s
  meshctl wait --for=jsonpath='{.status.phase}'=Running pod/web-0

Options:
      --all=false: Every resource of the type in the namespace.
  -A, --all-namespaces=false: Across all namespaces.
  -f, --filename=[]: Files identifying the resources.
      --for='': The condition to wait on: create, delete, condition=NAME[=VALUE] or jsonpath='{PATH}'[=VALUE].
  -l, --selector='': Selector (label query) to filter on.
      --timeout=30s: How long to wait before giving up (0: check once).
`,
  flags: {
    all: { type: 'boolean' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    filename: { type: 'string', short: 'f', multiple: true },
    for: { type: 'string' },
    selector: { type: 'string', short: 'l' },
    timeout: { type: 'string' },
  },
  run: runWait,
};

async function infosOf(ctx: CommandContext, client: KubeClient): Promise<ResourceInfo[]> {
  const files = listFlag(ctx.flags, 'filename');
  if (files.length > 0) return manifestInfos(client, await readManifests(ctx.io, files, false));
  const targets = await parseResourceArgs(client, ctx.positionals, 'wait');
  if (targets.length === 0) throw new CliError(`resource name may not be empty`);
  return selectByFlags(ctx, client, targets);
}

async function waitOne(client: KubeClient, info: ResourceInfo, w: WaitFor, timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const obj = await client.get(info.resource, info.name, { namespace: info.namespace, signal });
      if (w.kind === 'delete') {
        await waitForDeletion(client, info, obj.metadata.uid, Math.max(1, deadline - Date.now()), signal);
        return true;
      }
      if (conditionMet(obj, w)) return true;
    } catch (err) {
      if (!isApiError(err, 404)) throw err;
      // Already gone: nothing to report. Not there yet: keep waiting for --for=create.
      if (w.kind === 'delete') return false;
      if (w.kind !== 'create') throw err;
    }
    if (signal?.aborted === true || Date.now() >= deadline) throw timeoutError(info);
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), signal);
  }
}

async function runWait(ctx: CommandContext): Promise<number> {
  const w = parseWaitFor(stringFlag(ctx.flags, 'for'));
  const timeoutMs = parseGoDuration(stringFlag(ctx.flags, 'timeout') ?? '30s');
  const client = await ctx.client();
  const infos = await infosOf(ctx, client);
  if (infos.length === 0) throw new CliError('no matching resources found');
  const errors: unknown[] = [];
  for (const info of infos) {
    if (!usable(info, errors)) continue;
    try {
      if (await waitOne(client, info, w, Math.max(0, timeoutMs), ctx.io.signal)) ctx.out(`${groupKindLower(info.resource)}/${info.name} condition met\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}
