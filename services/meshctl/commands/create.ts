// meshctl create: objects from files (-f), or a namespace, deployment or config map from flags.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { groupKindLower } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { withLastApplied } from '../apply/last-applied.js';
import { boolFlag, intFlag, listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors, withPrefix } from '../errors.js';
import { readManifests } from '../resources/manifests.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos, usable } from '../resources/resource-info.js';
import { fieldValidationOf } from './validate-flag.js';

export const createCommand: Command = {
  name: 'create',
  summary: 'Create a resource from a file or from stdin',
  help: `Create a resource from a file or from stdin, or one of these from flags:
  namespace NAME
  deployment NAME --image=IMAGE [--replicas=N] [--port=PORT]
  configmap NAME [--from-literal=key=value]...

Usage:
  meshctl create -f FILENAME [flags]

Options:
  -f, --filename=[]: Files, directories or - (stdin) with the objects to create.
  -R, --recursive=false: Read directories recursively.
      --save-config=false: Record the configuration in the last-applied annotation (for later applies).
      --validate='strict': strict, warn or ignore.
      --image=[]: (deployment) Container image(s).
      --replicas=1: (deployment) Number of replicas.
      --port=-1: (deployment) The container port.
      --from-literal=[]: (configmap) key=value entries.
`,
  flags: {
    filename: { type: 'string', short: 'f', multiple: true },
    recursive: { type: 'boolean', short: 'R' },
    'save-config': { type: 'boolean' },
    validate: { type: 'string' },
    image: { type: 'string', multiple: true },
    replicas: { type: 'string', short: 'r' },
    port: { type: 'string' },
    'from-literal': { type: 'string', multiple: true },
  },
  run: runCreate,
};

async function runCreate(ctx: CommandContext): Promise<number> {
  const files = listFlag(ctx.flags, 'filename');
  const client = await ctx.client();
  const fieldValidation = fieldValidationOf(stringFlag(ctx.flags, 'validate'));
  let infos: ResourceInfo[];
  if (files.length > 0) {
    infos = await manifestInfos(client, await readManifests(ctx.io, files, boolFlag(ctx.flags, 'recursive')));
  } else {
    const generated = generate(ctx, client);
    infos = await manifestInfos(client, [{ source: '', object: generated }]);
  }
  const errors: unknown[] = [];
  for (const info of infos) {
    if (!usable(info, errors)) continue;
    const obj = boolFlag(ctx.flags, 'save-config') ? withLastApplied(info.object as KubeObject) : (info.object as KubeObject);
    try {
      await client.create(info.resource, obj, { namespace: info.namespace, fieldManager: 'kubectl-create', fieldValidation });
      ctx.out(`${groupKindLower(info.resource)}/${info.name} created\n`);
    } catch (err) {
      errors.push(info.source !== undefined && info.source !== '' ? withPrefix(err, `error when creating "${info.source}": `) : err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}

function generate(ctx: CommandContext, client: KubeClient): KubeObject {
  const [kind, name, ...extra] = ctx.positionals;
  if (kind === undefined) throw new CliError(`must specify one of -f and -k\n\nSee 'meshctl create --help' for usage.`);
  if (name === undefined || extra.length > 0) throw new CliError(`exactly one NAME is required, got ${name === undefined ? 0 : 1 + extra.length}\nSee 'meshctl create ${kind} -h' for help and examples`);
  const namespace = client.config.namespace;
  switch (kind) {
    case 'namespace':
    case 'ns':
      return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    case 'configmap':
    case 'cm': {
      const data: Record<string, string> = {};
      for (const lit of listFlag(ctx.flags, 'from-literal')) {
        const eq = lit.indexOf('=');
        if (eq <= 0) throw new CliError(`invalid literal source ${lit}, expected key=value`);
        data[lit.slice(0, eq)] = lit.slice(eq + 1);
      }
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...(Object.keys(data).length > 0 ? { data } : {}) };
    }
    case 'deployment':
    case 'deploy': {
      const images = listFlag(ctx.flags, 'image');
      if (images.length === 0) throw new CliError('required flag(s) "image" not set');
      const port = intFlag(ctx.flags, 'port', -1);
      const containers = images.map((image, i) => {
        const base = image.split('/').pop()?.split(/[:@]/)[0] ?? 'container';
        const c: Record<string, unknown> = { name: images.length === 1 ? base : `${base}-${i}`, image, resources: {} };
        if (port >= 0) c.ports = [{ containerPort: port }];
        return c;
      });
      const labels = { app: name };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels },
        spec: { replicas: intFlag(ctx.flags, 'replicas', 1), selector: { matchLabels: labels }, strategy: {}, template: { metadata: { labels }, spec: { containers } } },
        status: {},
      };
    }
    default:
      throw new CliError(`unknown resource to create: "${kind}" (meshctl creates namespace, deployment and configmap from flags; use -f for the rest)`);
  }
}
