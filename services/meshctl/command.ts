// A meshctl verb: its flags, its help, and what it does.
import type { FlagSpecs } from './args.js';
import type { CommandContext } from './command-context.js';

export interface Command {
  name: string;
  /** One line for `meshctl --help`. */
  summary: string;
  /** The text of `meshctl <verb> --help`. */
  help: string;
  flags: FlagSpecs;
  /** Resolves to the exit code. */
  run(ctx: CommandContext): Promise<number>;
}
