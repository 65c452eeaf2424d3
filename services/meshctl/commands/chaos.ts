// meshctl chaos kill-node|partition|kill-leader|heal: failure drills against a local cluster.
import type { Command } from '../command.js';
import type { CommandContext } from '../command-context.js';
import { heal, killLeader, killNode, partitionNode } from '../cluster/chaos.js';
import { CliError } from '../errors.js';
import { existingPlan } from './cluster.js';

export const chaosCommand: Command = {
  name: 'chaos',
  summary: 'Kill or partition hosts of a local cluster, kill the store leader, heal',
  help: `Failure drills against a local cluster (meshctl cluster up).

Usage:
  meshctl chaos kill-node HOST     its processes SIGKILLed, its containers killed, its link down
  meshctl chaos partition HOST     its traffic dropped with nftables; its processes keep running
  meshctl chaos kill-leader        the store's Raft leader SIGKILLed (its supervisor restarts it)
  meshctl chaos heal [HOST]        undo kill-node and partition (all hosts, or HOST)

Each prints what it did and when.

Options:
      --name='local': The cluster.
      --state-dir='/var/lib/meshctl': Where clusters keep their state.
`,
  flags: {
    name: { type: 'string' },
    'state-dir': { type: 'string' },
  },
  run: async (ctx: CommandContext) => {
    const [sub, ...args] = ctx.positionals;
    const say = (line: string): void => ctx.out(`${line}\n`);
    const needHost = (): string => {
      const h = args[0];
      if (h === undefined) throw new CliError(`usage: meshctl chaos ${sub ?? ''} HOST`);
      return h;
    };
    if (sub === undefined) throw new CliError(`must specify a subcommand: kill-node, partition, kill-leader or heal\nSee 'meshctl chaos --help' for usage.`);
    if (!['kill-node', 'partition', 'kill-leader', 'heal'].includes(sub)) throw new CliError(`unknown command "${sub}" for "meshctl chaos"\nRun 'meshctl chaos --help' for usage.`);
    const plan = await existingPlan(ctx);
    if (sub === 'kill-node') await killNode(plan, needHost(), say);
    else if (sub === 'partition') await partitionNode(plan, needHost(), say);
    else if (sub === 'kill-leader') await killLeader(plan, say);
    else await heal(plan, args[0], say);
    return 0;
  },
};
