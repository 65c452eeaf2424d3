// meshctl describe: the details of objects, with their events.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { isApiError } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { boolFlag, listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors } from '../errors.js';
import { describerFor } from '../describe/describers.js';
import { readManifests } from '../resources/manifests.js';
import { parseResourceArgs, selectObjects, withTypeMeta } from '../resources/resource-args.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos, usable } from '../resources/resource-info.js';

export const describeCommand: Command = {
  name: 'describe',
  summary: 'Show details of a specific resource or group of resources',
  help: `Show details of a specific resource or group of resources, with the events about them. A NAME
that matches no object exactly describes every object whose name starts with it.

Usage:
  meshctl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [flags]

Examples:
  meshctl describe deploy web
  meshctl describe pods -l app=web
  meshctl describe node worker-1

Options:
  -A, --all-namespaces=false: Across all namespaces.
  -f, --filename=[]: Files identifying the resources.
  -R, --recursive=false: Read directories recursively.
  -l, --selector='': Selector (label query) to filter on.
      --show-events=true: Include the events about each object.
`,
  flags: {
    'all-namespaces': { type: 'boolean', short: 'A' },
    filename: { type: 'string', short: 'f', multiple: true },
    recursive: { type: 'boolean', short: 'R' },
    selector: { type: 'string', short: 'l' },
    'show-events': { type: 'boolean' },
  },
  run: runDescribe,
};

/** Every object whose name starts with `prefix` (kubectl's fallback for TYPE NAME). */
async function byPrefix(client: KubeClient, info: ResourceInfo): Promise<ResourceInfo[]> {
  const list = await client.list(info.resource, { namespace: info.namespace });
  return list.items
    .filter((o) => (o.metadata.name ?? '').startsWith(info.name))
    .map((o) => ({ ...info, name: o.metadata.name ?? '', object: withTypeMeta(o, info.resource) }));
}

async function runDescribe(ctx: CommandContext): Promise<number> {
  const client = await ctx.client();
  const allNamespaces = boolFlag(ctx.flags, 'all-namespaces');
  const files = listFlag(ctx.flags, 'filename');
  let infos: ResourceInfo[];
  if (files.length > 0) infos = await manifestInfos(client, await readManifests(ctx.io, files, boolFlag(ctx.flags, 'recursive')));
  else {
    if (ctx.positionals.length === 0) throw new CliError(`You must specify the type of resource to describe. Use "meshctl api-resources" for a complete list of supported resources.`);
    const targets = await parseResourceArgs(client, ctx.positionals, 'describe');
    infos = await selectObjects(client, targets, { namespace: client.config.namespace, allNamespaces, labelSelector: stringFlag(ctx.flags, 'selector'), signal: ctx.io.signal });
  }
  const errors: unknown[] = [];
  const found: ResourceInfo[] = [];
  const deps = { client, now: new Date(), showEvents: boolFlag(ctx.flags, 'show-events', true) };
  const singleName = files.length === 0 && ctx.positionals.length === 2 && !(ctx.positionals[0] ?? '').includes('/');
  for (const info of infos) {
    if (!usable(info, errors)) continue;
    if (info.object !== undefined && files.length === 0) {
      found.push(info);
      continue;
    }
    try {
      found.push({ ...info, object: withTypeMeta(await client.get(info.resource, info.name, { namespace: info.namespace }), info.resource) });
    } catch (err) {
      if (!(singleName && isApiError(err, 404))) {
        errors.push(err);
        continue;
      }
      // TYPE NAME that names nothing: describe what starts with NAME, each followed by a newline.
      const matches = await byPrefix(client, info);
      if (matches.length === 0) throw err;
      for (const m of matches) ctx.out(`${await describerFor(m.resource)(deps, m.object as KubeObject, m.resource)}\n`);
      return 0;
    }
  }
  let first = true;
  for (const info of found) {
    if (info.object === undefined) continue;
    try {
      const text = await describerFor(info.resource)(deps, info.object, info.resource);
      ctx.out(first ? text : `\n\n${text}`);
      first = false;
    } catch (err) {
      errors.push(err);
    }
  }
  if (found.length === 0 && errors.length === 0) {
    ctx.err(allNamespaces ? 'No resources found\n' : `No resources found in ${client.config.namespace} namespace.\n`);
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}
