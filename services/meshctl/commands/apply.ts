// meshctl apply -f: create what is missing, patch what differs from the last applied
// configuration (client-side, like kubectl), or --server-side apply patches.
import type { ApiResource, KubeClient } from '../../../lib/api/kube-client/index.js';
import { ApiError, groupKindLower, groupResource, isApiError } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { applyPatch } from '../apply/apply-patch.js';
import { lastAppliedOf, withLastApplied } from '../apply/last-applied.js';
import { boolFlag, listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError, MultipleErrors, withPrefix } from '../errors.js';
import { readManifests } from '../resources/manifests.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { manifestInfos, usable } from '../resources/resource-info.js';
import { fieldValidationOf } from './validate-flag.js';

const CLIENT_SIDE_MANAGER = 'kubectl-client-side-apply';
const MAX_PATCH_ATTEMPTS = 5;

export const applyCommand: Command = {
  name: 'apply',
  summary: 'Apply a configuration to a resource by file name or stdin',
  help: `Apply a configuration to a resource by file name or stdin. The resource is created if it does not
exist yet; otherwise the changes since the last apply are patched in (three-way merge).

Usage:
  meshctl apply (-f FILENAME) [flags]

Examples:
  meshctl apply -f app.yaml
  meshctl apply -f manifests/ -R
  cat app.yaml | meshctl apply -f -

Options:
  -f, --filename=[]: Files, directories or - (stdin) with the configuration.
  -R, --recursive=false: Read directories recursively.
      --server-side=false: Apply on the server (server-side apply) instead.
      --force-conflicts=false: With --server-side, take over fields other managers own.
      --field-manager='': The field manager (default kubectl-client-side-apply, or kubectl with --server-side).
      --validate='strict': strict, warn or ignore: what the server does with unknown fields.
`,
  flags: {
    filename: { type: 'string', short: 'f', multiple: true },
    recursive: { type: 'boolean', short: 'R' },
    'server-side': { type: 'boolean' },
    'force-conflicts': { type: 'boolean' },
    'field-manager': { type: 'string' },
    validate: { type: 'string' },
  },
  run: runApply,
};

async function runApply(ctx: CommandContext): Promise<number> {
  const files = listFlag(ctx.flags, 'filename');
  if (files.length === 0) throw new CliError('must specify one of -f and -k');
  const client = await ctx.client();
  const infos = await manifestInfos(client, await readManifests(ctx.io, files, boolFlag(ctx.flags, 'recursive')));
  if (infos.length === 0) throw new CliError('no objects passed to apply');
  const fieldValidation = fieldValidationOf(stringFlag(ctx.flags, 'validate'));
  const serverSide = boolFlag(ctx.flags, 'server-side');
  const errors: unknown[] = [];
  for (const info of infos) {
    if (!usable(info, errors)) continue;
    try {
      const verb = serverSide
        ? await applyServerSide(client, info, stringFlag(ctx.flags, 'field-manager') ?? 'kubectl', boolFlag(ctx.flags, 'force-conflicts'), fieldValidation)
        : await applyClientSide(ctx, client, info, stringFlag(ctx.flags, 'field-manager') ?? CLIENT_SIDE_MANAGER, fieldValidation);
      ctx.out(`${groupKindLower(info.resource)}/${info.name} ${verb}\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultipleErrors(errors);
  return 0;
}

type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

async function applyClientSide(ctx: CommandContext, client: KubeClient, info: ResourceInfo, fieldManager: string, fieldValidation: FieldValidation): Promise<string> {
  const { resource, namespace, name, source = '' } = info;
  const modified = withLastApplied(info.object as KubeObject);
  let current: KubeObject;
  try {
    current = await client.get(resource, name, { namespace });
  } catch (err) {
    if (!isApiError(err, 404)) throw withPrefix(err, `error when retrieving current configuration of:\nResource: "${gvrText(resource)}", GroupVersionKind: "${gvkText(resource)}"\nName: "${name}", Namespace: "${namespace}"\nfrom server for: "${source}": `);
    try {
      await client.create(resource, modified, { namespace, fieldManager, fieldValidation });
    } catch (e) {
      throw withPrefix(e, `error when creating "${source}": `);
    }
    return 'created';
  }
  let warned = false;
  for (let attempt = 1; ; attempt++) {
    const original = lastAppliedOf(current);
    if (original === undefined && !warned) {
      ctx.err(`Warning: resource ${groupResource(resource)}/${name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by meshctl apply. meshctl apply should only be used on resources created declaratively by either meshctl create --save-config or meshctl apply. The missing annotation will be patched automatically.\n`);
      warned = true;
    }
    const { type, patch } = applyPatch(resource, original, modified, current);
    if (Object.keys(patch).length === 0) return 'unchanged';
    try {
      await client.patch(resource, name, patch, type, { namespace, fieldManager, fieldValidation });
      return 'configured';
    } catch (err) {
      // Someone changed the object between our read and our patch: read it again and retry.
      if (isApiError(err, 409) && attempt < MAX_PATCH_ATTEMPTS) {
        current = await client.get(resource, name, { namespace });
        continue;
      }
      throw withPrefix(err, `error when applying patch:\n${JSON.stringify(patch)}\nto:\nResource: "${gvrText(resource)}", GroupVersionKind: "${gvkText(resource)}"\nName: "${name}", Namespace: "${namespace}"\nfor: "${source}": error when patching "${source}": `);
    }
  }
}

async function applyServerSide(client: KubeClient, info: ResourceInfo, fieldManager: string, force: boolean, fieldValidation: FieldValidation): Promise<string> {
  try {
    await client.patch(info.resource, info.name, info.object, 'apply', { namespace: info.namespace, fieldManager, force, fieldValidation });
  } catch (err) {
    if (err instanceof ApiError && err.code === 409) {
      throw new CliError(`${err.message}
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`);
    }
    throw err;
  }
  return 'serverside-applied';
}

function gvrText(r: ApiResource): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

function gvkText(r: ApiResource): string {
  return `${r.group}/${r.version}, Kind=${r.kind}`;
}
