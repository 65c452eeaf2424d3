// meshctl logs: a container's log from pods/<name>/log, optionally followed (-f).
import { isApiError } from '../../../lib/api/kube-client/index.js';
import { isRecord } from '../../../lib/api/object.js';
import { boolFlag, intFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../errors.js';
import { parseGoDuration } from '../go-duration.js';

const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print the logs for a container in a pod',
  help: `Print the logs for a container in a pod. With one container it is chosen by default.

Usage:
  meshctl logs [-f] [-p] (POD | pod/NAME) [-c CONTAINER] [flags]

Examples:
  meshctl logs web-0
  meshctl logs -f web-0 -c proxy --tail=20

Options:
  -c, --container='': The container to print the logs of.
  -f, --follow=false: Keep streaming new log lines.
  -p, --previous=false: The previous instance of the container.
      --since=0s: Only lines newer than this (e.g. 5s, 2m).
      --tail=-1: Only the last lines (-1: all).
      --timestamps=false: Prefix each line with its timestamp.
`,
  flags: {
    container: { type: 'string', short: 'c' },
    follow: { type: 'boolean', short: 'f' },
    previous: { type: 'boolean', short: 'p' },
    since: { type: 'string' },
    tail: { type: 'string' },
    timestamps: { type: 'boolean' },
  },
  run: runLogs,
};

function containerNames(spec: unknown, field: 'containers' | 'initContainers' | 'ephemeralContainers'): string[] {
  if (!isRecord(spec) || !Array.isArray(spec[field])) return [];
  return spec[field].filter(isRecord).map((c) => (typeof c.name === 'string' ? c.name : ''));
}

async function runLogs(ctx: CommandContext): Promise<number> {
  const [target, container2, ...extra] = ctx.positionals;
  if (target === undefined) throw new CliError(`expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'meshctl logs -h' for help and examples`);
  if (extra.length > 0 || (container2 !== undefined && stringFlag(ctx.flags, 'container') !== undefined)) {
    throw new CliError(`expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nSee 'meshctl logs -h' for help and examples`);
  }
  const client = await ctx.client();
  let name = target;
  const slash = target.indexOf('/');
  if (slash >= 0) {
    const r = await client.discovery.resolve(target.slice(0, slash));
    if (!(r.group === '' && r.resource === 'pods')) throw new CliError(`meshctl logs reads pods only, not ${r.resource}`);
    name = target.slice(slash + 1);
  }
  const namespace = client.config.namespace;
  const podsResource = await client.discovery.resolve('pods');
  let pod;
  try {
    pod = await client.get(podsResource, name, { namespace });
  } catch (err) {
    if (isApiError(err, 404)) throw new CliError(`error from server (NotFound): pods "${name}" not found in namespace "${namespace}"`);
    throw err;
  }
  let container = stringFlag(ctx.flags, 'container') ?? container2;
  if (container !== undefined) {
    const known = [...containerNames(pod.spec, 'containers'), ...containerNames(pod.spec, 'initContainers'), ...containerNames(pod.spec, 'ephemeralContainers')];
    if (!known.includes(container)) throw new CliError(`container ${container} is not valid for pod ${name}`);
  } else {
    const names = containerNames(pod.spec, 'containers');
    const preferred = pod.metadata.annotations?.[DEFAULT_CONTAINER];
    container = preferred !== undefined && names.includes(preferred) ? preferred : names[0];
    if (names.length > 1 && preferred === undefined && container !== undefined) {
      const all = [...names, ...containerNames(pod.spec, 'initContainers').map((n) => `${n} (init)`)];
      ctx.err(`Defaulted container "${container}" out of: ${all.join(', ')}\n`);
    }
  }
  const since = stringFlag(ctx.flags, 'since');
  const sinceSeconds = since === undefined ? undefined : Math.ceil(parseGoDuration(since, 'since') / 1000);
  const tail = intFlag(ctx.flags, 'tail', -1);
  const stream = await client.podLogs(namespace, name, {
    ...(container !== undefined ? { container } : {}),
    follow: boolFlag(ctx.flags, 'follow'),
    previous: boolFlag(ctx.flags, 'previous'),
    timestamps: boolFlag(ctx.flags, 'timestamps'),
    ...(tail >= 0 ? { tailLines: tail } : {}),
    ...(sinceSeconds !== undefined && sinceSeconds > 0 ? { sinceSeconds } : {}),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  });
  for await (const chunk of stream) ctx.out(chunk.toString('utf8'));
  return 0;
}
