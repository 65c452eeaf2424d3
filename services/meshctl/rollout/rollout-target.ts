// The Deployments a rollout subcommand acts on (TYPE NAME, TYPE/NAME or -f); other kinds are
// refused with kubectl's "no ... has been implemented" message.
import type { ApiResource, KubeClient } from '../../../lib/api/kube-client/index.js';
import { boolFlag, listFlag } from '../args.js';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../errors.js';
import { readManifests } from '../resources/manifests.js';
import { parseResourceArgs, selectObjects } from '../resources/resource-args.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos } from '../resources/resource-info.js';

export function isDeployment(r: ApiResource): boolean {
  return r.group === 'apps' && r.kind === 'Deployment';
}

export type RolloutAction = 'status' | 'history' | 'undo' | 'restart' | 'pause' | 'resume';

/** kubectl's refusal for a kind the action does not handle. */
function unsupported(info: ResourceInfo, action: RolloutAction): CliError {
  const r = info.resource;
  const gk = r.group === '' ? r.kind : `${r.kind}.${r.group}`;
  const hasVisitor = r.group === 'apps' || (r.group === 'batch' && (r.kind === 'Job' || r.kind === 'CronJob'));
  switch (action) {
    case 'status':
      return new CliError(`no status viewer has been implemented for ${gk}`);
    case 'history':
    case 'undo': {
      const thing = action === 'history' ? 'history viewer' : 'rollbacker';
      if (hasVisitor) return new CliError(`no ${thing} has been implemented for ${JSON.stringify(gk)}`);
      return new CliError(`error retrieving ${action === 'history' ? 'history' : 'rollbacker'} for ${JSON.stringify(r.kind)}, no visitor method exists for {${r.group} ${r.kind}}`);
    }
    default: {
      const gr = r.group === '' ? r.resource : `${r.resource}.${r.group}`;
      const verb = action === 'restart' ? 'restarting' : action === 'pause' ? 'pausing' : 'resuming';
      return new CliError(`${gr} ${JSON.stringify(info.name)} ${verb} is not supported`);
    }
  }
}

export async function rolloutTargets(ctx: CommandContext, client: KubeClient, args: readonly string[], action: RolloutAction): Promise<ResourceInfo[]> {
  const files = listFlag(ctx.flags, 'filename');
  let infos: ResourceInfo[];
  if (files.length > 0) infos = await manifestInfos(client, await readManifests(ctx.io, files, boolFlag(ctx.flags, 'recursive')));
  else {
    if (args.length === 0) throw new CliError(`required resource not specified`);
    const targets = await parseResourceArgs(client, args, 'rollout');
    if (targets.some((t) => t.names.length === 0)) throw new CliError('resource(s) were provided, but no name was specified');
    infos = await selectObjects(client, targets, { namespace: client.config.namespace });
  }
  for (const info of infos) {
    if (info.error !== undefined) throw info.error;
    if (!isDeployment(info.resource)) throw unsupported(info, action);
  }
  return infos;
}
