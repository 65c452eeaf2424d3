// rollout history: the Deployment's revisions and their change causes, or one revision's
// pod template (--revision).
import { groupKindLower } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { intFlag } from '../args.js';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../errors.js';
import { describePodTemplate } from '../describe/pod-template.js';
import { RawPrefixWriter } from '../output/prefix-writer.js';
import { tabbed } from '../output/tab-writer.js';
import { CHANGE_CAUSE, controlledReplicaSets, revisions } from './replica-set-history.js';
import { rolloutTargets } from './rollout-target.js';

/** ViewHistory's text for all revisions (or one), without the object name line. */
export function historyText(replicaSets: readonly KubeObject[], revision: number): string {
  const revs = revisions(replicaSets);
  if (revs.length === 0) return 'No rollout history found.';
  if (revision > 0) {
    const r = revs.find((x) => x.revision === revision);
    if (!r) throw new CliError('unable to find the specified revision');
    const w = new RawPrefixWriter();
    describePodTemplate(w, r.template);
    return w.toString();
  }
  const lines = ['REVISION\tCHANGE-CAUSE\n'];
  for (const r of revs) {
    const meta = r.template.metadata as { annotations?: Record<string, string> } | undefined;
    const cause = meta?.annotations?.[CHANGE_CAUSE];
    lines.push(`${r.revision}\t${cause === undefined || cause === '' ? '<none>' : cause}\n`);
  }
  return tabbed(lines.join(''));
}

export async function rolloutHistory(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const client = await ctx.client();
  const revision = intFlag(ctx.flags, 'revision', 0);
  if (revision < 0) throw new CliError(`revision must be a positive integer: ${revision}`);
  for (const info of await rolloutTargets(ctx, client, args, 'history')) {
    const d = await client.get(info.resource, info.name, { namespace: info.namespace });
    const text = historyText(await controlledReplicaSets(client, d), revision);
    const head = revision > 0 ? `with revision #${revision}` : '';
    ctx.out(`${groupKindLower(info.resource)}/${info.name} ${head}\n${text}\n`);
  }
  return 0;
}
