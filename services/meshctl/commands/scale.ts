// meshctl scale: set spec.replicas through the scale subresource.
import { groupKindLower } from '../../../lib/api/kube-client/index.js';
import { isRecord } from '../../../lib/api/object.js';
import { boolFlag, intFlag, listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors } from '../errors.js';
import { readManifests } from '../resources/manifests.js';
import { parseResourceArgs, selectObjects } from '../resources/resource-args.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos, usable } from '../resources/resource-info.js';

export const scaleCommand: Command = {
  name: 'scale',
  summary: 'Set a new size for a deployment or replica set',
  help: `Set a new size for a deployment or replica set.

Usage:
  meshctl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)

Examples:
  meshctl scale deployment/web --replicas=3
  meshctl scale --current-replicas=2 --replicas=3 deployment/web

Options:
      --all=false: Every resource of the type in the namespace.
      --current-replicas=-1: Precondition: the current size must be this.
  -f, --filename=[]: Files identifying the resources.
      --replicas=-1: The new desired number of replicas. Required.
      --resource-version='': Precondition: the resource version must match.
  -l, --selector='': Selector (label query) to filter on.
`,
  flags: {
    all: { type: 'boolean' },
    'current-replicas': { type: 'string' },
    filename: { type: 'string', short: 'f', multiple: true },
    replicas: { type: 'string' },
    'resource-version': { type: 'string' },
    selector: { type: 'string', short: 'l' },
  },
  run: runScale,
};

async function runScale(ctx: CommandContext): Promise<number> {
  const { flags } = ctx;
  if (stringFlag(flags, 'replicas') === undefined) throw new CliError('required flag(s) "replicas" not set');
  const replicas = intFlag(flags, 'replicas', -1);
  if (replicas < 0) throw new CliError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const currentReplicas = intFlag(flags, 'current-replicas', -1);
  const resourceVersion = stringFlag(flags, 'resource-version');
  const client = await ctx.client();
  let infos: ResourceInfo[];
  const files = listFlag(flags, 'filename');
  if (files.length > 0) infos = await manifestInfos(client, await readManifests(ctx.io, files, false));
  else {
    const targets = await parseResourceArgs(client, ctx.positionals, 'scale');
    const bySelector = boolFlag(flags, 'all') || stringFlag(flags, 'selector') !== undefined;
    if (targets.length === 0 || (!bySelector && targets.some((t) => t.names.length === 0))) {
      throw new CliError('resource(s) were provided, but no name was specified');
    }
    infos = await selectObjects(client, targets, { namespace: client.config.namespace, labelSelector: stringFlag(flags, 'selector'), signal: ctx.io.signal });
  }
  if (infos.length === 0) throw new CliError('no objects passed to scale');
  const errors: unknown[] = [];
  for (const info of infos) {
    if (!usable(info, errors)) continue;
    try {
      if (currentReplicas >= 0 || resourceVersion !== undefined) {
        const scale = await client.get(info.resource, info.name, { namespace: info.namespace, subresource: 'scale' });
        const spec = isRecord(scale.spec) ? scale.spec : {};
        const now = typeof spec.replicas === 'number' ? spec.replicas : 0;
        if (currentReplicas >= 0 && now !== currentReplicas) throw new CliError(`Expected replicas to be ${currentReplicas}, was ${now}`);
        if (resourceVersion !== undefined && scale.metadata.resourceVersion !== resourceVersion) {
          throw new CliError(`Expected resource version to be ${resourceVersion}, was ${scale.metadata.resourceVersion ?? ''}`);
        }
      }
      const patch: Record<string, unknown> = { spec: { replicas } };
      if (resourceVersion !== undefined) patch.metadata = { resourceVersion };
      await client.patch(info.resource, info.name, patch, 'merge', { namespace: info.namespace, subresource: 'scale', fieldManager: 'kubectl-scale' });
      ctx.out(`${groupKindLower(info.resource)}/${info.name} scaled\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}
