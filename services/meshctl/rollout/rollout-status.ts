// rollout status: the Deployment's progress, printed at each change until it is rolled out.
import { ApiError, isStatus } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { boolFlag, intFlag, stringFlag } from '../args.js';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../errors.js';
import { parseGoDuration } from '../go-duration.js';
import { deploymentStatus } from './deployment-status.js';
import { rolloutTargets } from './rollout-target.js';
import { sleep } from '../wait/sleep.js';

export async function rolloutStatus(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const client = await ctx.client();
  const [info, ...more] = await rolloutTargets(ctx, client, args, 'status');
  if (info === undefined) throw new CliError('no objects passed to rollout status');
  if (more.length > 0) throw new CliError('rollout status is only supported on individual resources and resource collections, but 2 resources were found');
  const revision = intFlag(ctx.flags, 'revision', 0);
  const timeoutMs = parseGoDuration(stringFlag(ctx.flags, 'timeout') ?? '0s');
  const signals = [ctx.io.signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  const show = (d: KubeObject): boolean => {
    let st;
    try {
      st = deploymentStatus(d, revision);
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err));
    }
    ctx.out(st.message);
    return st.done;
  };
  const current = await client.get(info.resource, info.name, { namespace: info.namespace });
  if (show(current) || !boolFlag(ctx.flags, 'watch', true)) return 0;
  // Like kubectl's UntilWithSync: when the server ends a watch, watch again from the last version seen.
  let resourceVersion = current.metadata.resourceVersion;
  while (signal?.aborted !== true) {
    const events = client.watch(info.resource, {
      namespace: info.namespace,
      fieldSelector: `metadata.name=${info.name}`,
      resourceVersion,
      ...(signal ? { signal } : {}),
    });
    for await (const ev of events) {
      if (isStatus(ev.object) && ev.object.code === 410) {
        // Too old to resume: start over from the current object.
        const fresh = await client.get(info.resource, info.name, { namespace: info.namespace });
        if (show(fresh)) return 0;
        resourceVersion = fresh.metadata.resourceVersion;
        break;
      }
      if (ev.type === 'ERROR' || isStatus(ev.object)) throw isStatus(ev.object) ? new ApiError(ev.object) : new CliError('watch error');
      resourceVersion = ev.object.metadata?.resourceVersion ?? resourceVersion;
      if (ev.type === 'BOOKMARK') continue;
      if (ev.type === 'DELETED') throw new CliError('object has been deleted');
      if (show(ev.object)) return 0;
    }
    await sleep(100, signal);
  }
  if (ctx.io.signal?.aborted === true) return 130;
  throw new CliError('timed out waiting for the condition');
}
