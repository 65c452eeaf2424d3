// The objects that resource arguments name, narrowed by the usual flags (--all, -l, -A): the
// selection label, annotate and wait share.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { boolFlag, stringFlag } from '../args.js';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../errors.js';
import type { Target } from './resource-args.js';
import { selectObjects } from './resource-args.js';
import type { ResourceInfo } from './resource-info.js';

export async function selectByFlags(ctx: CommandContext, client: KubeClient, targets: readonly Target[]): Promise<ResourceInfo[]> {
  const bySelector = boolFlag(ctx.flags, 'all') || stringFlag(ctx.flags, 'selector') !== undefined;
  if (!bySelector && targets.some((t) => t.names.length === 0)) throw new CliError('resource(s) were provided, but no name was specified');
  return selectObjects(client, targets, {
    namespace: client.config.namespace,
    allNamespaces: boolFlag(ctx.flags, 'all-namespaces'),
    labelSelector: stringFlag(ctx.flags, 'selector'),
    signal: ctx.io.signal,
  });
}
