// meshctl rollout status|history|undo|restart|pause|resume for Deployments.
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { rolloutHistory } from '../rollout/rollout-history.js';
import { rolloutPause, rolloutRestart } from '../rollout/rollout-restart.js';
import { rolloutStatus } from '../rollout/rollout-status.js';
import { rolloutUndo } from '../rollout/rollout-undo.js';

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: 'Manage the rollout of a resource',
  help: `Manage the rollout of one or many deployments.

Usage:
  meshctl rollout SUBCOMMAND (TYPE NAME | TYPE/NAME) [flags]

Subcommands:
  status    Show the status of the rollout (waits until it completes; --watch=false to look once)
  history   View rollout history (--revision=N for one revision's pod template)
  undo      Undo a previous rollout (--to-revision=N, default the previous revision)
  restart   Restart a resource (new restartedAt annotation on the pod template)
  pause     Mark the provided resource as paused
  resume    Resume a paused resource

Examples:
  meshctl rollout status deployment/web --timeout=2m
  meshctl rollout history deployment/web
  meshctl rollout undo deployment/web --to-revision=2

Options:
  -f, --filename=[]: Files identifying the resources.
      --revision=0: (status, history) The revision to look at.
      --timeout=0s: (status) How long to wait (0: until done).
      --to-revision=0: (undo) The revision to roll back to (0: the previous one).
  -w, --watch=true: (status) Keep watching until the rollout is done.
`,
  flags: {
    filename: { type: 'string', short: 'f', multiple: true },
    recursive: { type: 'boolean', short: 'R' },
    revision: { type: 'string' },
    timeout: { type: 'string' },
    'to-revision': { type: 'string' },
    watch: { type: 'boolean', short: 'w' },
  },
  run: (ctx) => {
    const [sub, ...args] = ctx.positionals;
    switch (sub) {
      case 'status':
        return rolloutStatus(ctx, args);
      case 'history':
        return rolloutHistory(ctx, args);
      case 'undo':
        return rolloutUndo(ctx, args);
      case 'restart':
        return rolloutRestart(ctx, args);
      case 'pause':
        return rolloutPause(ctx, args, true);
      case 'resume':
        return rolloutPause(ctx, args, false);
      case undefined:
        return Promise.reject(new CliError(`must specify a subcommand: status, history, undo, restart, pause or resume\nSee 'meshctl rollout --help' for usage.`));
      default:
        return Promise.reject(new CliError(`unknown command "${sub}" for "meshctl rollout"\nRun 'meshctl rollout --help' for usage.`));
    }
  },
};
