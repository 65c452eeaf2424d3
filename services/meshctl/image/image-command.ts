// meshctl image build|list: our local images (mesh/base, mesh/pause, the demo apps, mesh/proxy),
// built from this machine's files by the Docker daemon; nothing is pulled from a registry.
import { listFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../errors.js';
import { buildImages } from './build-images.js';
import { connectDocker, dockerHostFrom, DEFAULT_DOCKER_HOST } from './docker-host.js';
import { formatImageList, listMeshImages } from './image-list.js';
import { LOCAL_IMAGE_TAGS, selectImages } from './image-selection.js';

async function docker(ctx: CommandContext): ReturnType<typeof connectDocker> {
  try {
    return await connectDocker(dockerHostFrom(stringFlag(ctx.flags, 'docker-host'), ctx.io.env));
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

function noArguments(ctx: CommandContext, sub: string, args: readonly string[]): void {
  if (args.length > 0) throw new CliError(`unexpected arguments for "meshctl image ${sub}": ${args.join(' ')}\nSee 'meshctl image --help' for usage.`);
  if (sub === 'list' && listFlag(ctx.flags, 'only').length > 0) throw new CliError('--only applies to "meshctl image build"');
}

async function build(ctx: CommandContext, args: readonly string[]): Promise<number> {
  noArguments(ctx, 'build', args);
  // --only a --only b, or --only a,b as kubectl's string slices take it.
  const only = listFlag(ctx.flags, 'only').flatMap((v) => v.split(',')).filter((v) => v !== '');
  try {
    // Unknown --only names fail before the daemon is asked anything.
    selectImages(only);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const client = await docker(ctx);
  try {
    await buildImages(client, { only, log: (line) => ctx.out(`${line}\n`) });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  return 0;
}

async function list(ctx: CommandContext, args: readonly string[]): Promise<number> {
  noArguments(ctx, 'list', args);
  ctx.out(formatImageList(await listMeshImages(await docker(ctx))));
  return 0;
}

export const imageCommand: Command = {
  name: 'image',
  summary: 'Build and list the local images (mesh/base, mesh/pause, demo apps, mesh/proxy)',
  help: `Build and list the cluster's local images. They are built from this machine's files (a static
busybox, this Node.js, the checkout's demo/ and dist/) and never pulled: pods refer to them by tag
with imagePullPolicy: Never.

Usage:
  meshctl image build [--docker-host=ADDRESS] [--only=IMAGE]... [flags]
  meshctl image list [--docker-host=ADDRESS] [flags]

Subcommands:
  build     Build the images that are absent or stale (their inputs changed), in order:
            ${LOCAL_IMAGE_TAGS.join(', ')}.
            mesh/proxy is skipped until services/proxy is built (npm run build).
  list      List the mesh/* images present.

Examples:
  meshctl image build
  meshctl image build --only mesh/demo-backend:v1 --only mesh/demo-backend:v2
  meshctl image list --docker-host unix:///run/meshkube/docker.sock

Options:
      --docker-host='': The Docker daemon (unix:///path or tcp://host:port); default $DOCKER_HOST, else ${DEFAULT_DOCKER_HOST}.
      --only=[]: (build) Only these images, repeated or comma separated (a name without a tag means :latest);
          mesh/base is built too when they need it.
`,
  flags: {
    'docker-host': { type: 'string' },
    only: { type: 'string', multiple: true },
  },
  run: (ctx) => {
    const [sub, ...args] = ctx.positionals;
    switch (sub) {
      case 'build':
        return build(ctx, args);
      case 'list':
        return list(ctx, args);
      case undefined:
        return Promise.reject(new CliError(`must specify a subcommand: build or list\nSee 'meshctl image --help' for usage.`));
      default:
        return Promise.reject(new CliError(`unknown command "${sub}" for "meshctl image"\nRun 'meshctl image --help' for usage.`));
    }
  },
};
