// rollout restart: a new template annotation, so the Deployment rolls out its pods again.
import { groupKindLower } from '../../../lib/api/kube-client/index.js';
import { isRecord } from '../../../lib/api/object.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors } from '../errors.js';
import { rolloutTargets } from './rollout-target.js';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** time.Now().Format(time.RFC3339) in the local zone. */
export function localRfc3339(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

export async function rolloutRestart(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const client = await ctx.client();
  const errors: unknown[] = [];
  for (const info of await rolloutTargets(ctx, client, args, 'restart')) {
    try {
      const d = await client.get(info.resource, info.name, { namespace: info.namespace });
      if (isRecord(d.spec) && d.spec.paused === true) throw new CliError("can't restart paused deployment (run rollout resume first)");
      const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: localRfc3339(new Date()) } } } } };
      await client.patch(info.resource, info.name, patch, 'strategic', { namespace: info.namespace, fieldManager: 'kubectl-rollout' });
      ctx.out(`${groupKindLower(info.resource)}/${info.name} restarted\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}

/** rollout pause / resume: set spec.paused. */
export async function rolloutPause(ctx: CommandContext, args: readonly string[], paused: boolean): Promise<number> {
  const client = await ctx.client();
  const errors: unknown[] = [];
  for (const info of await rolloutTargets(ctx, client, args, paused ? 'pause' : 'resume')) {
    try {
      const d = await client.get(info.resource, info.name, { namespace: info.namespace });
      const isPaused = isRecord(d.spec) && d.spec.paused === true;
      if (isPaused === paused) throw new CliError(`deployments.apps ${JSON.stringify(info.name)} is ${paused ? 'already paused' : 'not paused'}`);
      await client.patch(info.resource, info.name, { spec: { paused } }, 'strategic', { namespace: info.namespace, fieldManager: 'kubectl-rollout' });
      ctx.out(`${groupKindLower(info.resource)}/${info.name} ${paused ? 'paused' : 'resumed'}\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}
