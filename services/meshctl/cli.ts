// meshctl's entry point as a function: finds the verb, parses its flags, runs it, and turns
// failures into kubectl's messages and exit code 1.
import { parseVerbArgs, splitVerb } from './args.js';
import type { Command } from './command.js';
import { CommandContext } from './command-context.js';
import { annotateCommand } from './commands/annotate.js';
import { applyCommand } from './commands/apply.js';
import { chaosCommand } from './commands/chaos.js';
import { clusterCommand } from './commands/cluster.js';
import { createCommand } from './commands/create.js';
import { deleteCommand } from './commands/delete.js';
import { describeCommand } from './commands/describe.js';
import { getCommand } from './commands/get.js';
import { labelCommand } from './commands/label.js';
import { logsCommand } from './commands/logs.js';
import { rolloutCommand } from './commands/rollout.js';
import { scaleCommand } from './commands/scale.js';
import { waitCommand } from './commands/wait.js';
import { imageCommand } from './image/image-command.js';
import { finalErrorText } from './errors.js';
import type { CliIo } from './io.js';

const COMMANDS: readonly Command[] = [
  createCommand,
  getCommand,
  describeCommand,
  deleteCommand,
  applyCommand,
  logsCommand,
  scaleCommand,
  rolloutCommand,
  labelCommand,
  annotateCommand,
  waitCommand,
  imageCommand,
  clusterCommand,
  chaosCommand,
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 3;
  return [
    'meshctl controls the meshkube cluster manager (a kubectl for its API server).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Global flags: --kubeconfig, --context, --cluster, --user, -n/--namespace, -s/--server, --token,',
    '  --insecure-skip-tls-verify. The kubeconfig is found as kubectl finds it: --kubeconfig, else',
    '  $KUBECONFIG (several files merged), else ~/.kube/config.',
    '',
    'Usage:',
    '  meshctl [flags] [command]',
    '',
    'Use "meshctl <command> --help" for more information about a given command.',
    '',
  ].join('\n');
}

/** Runs meshctl with `argv` (without the program name); resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { verb, rest } = splitVerb(argv);
  if (verb === undefined) {
    io.stdout.write(mainHelp());
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === verb);
  if (!cmd) {
    io.stderr.write(`error: unknown command "${verb}" for "meshctl"\nRun 'meshctl --help' for usage.\n`);
    return 1;
  }
  let ctx: CommandContext | undefined;
  try {
    const parsed = parseVerbArgs(verb, rest, cmd.flags);
    if (parsed.flags.help === true) {
      io.stdout.write(cmd.help);
      return 0;
    }
    ctx = new CommandContext(io, parsed.flags, parsed.positionals);
    return await cmd.run(ctx);
  } catch (err) {
    io.stderr.write(`${finalErrorText(err, verb)}\n`);
    return 1;
  } finally {
    await ctx?.close();
  }
}
