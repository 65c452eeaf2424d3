// Command-line parsing with node:util parseArgs, shaped like kubectl's (pflag): global flags
// anywhere, --flag=value and -f=value, --bool=false, and kubectl's texts for flag errors.
import { parseArgs } from 'node:util';
import { FlagError } from './errors.js';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[];
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Flags every verb takes (kubectl's global flags). */
export const GLOBAL_FLAGS: FlagSpecs = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  cluster: { type: 'string' },
  user: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  server: { type: 'string', short: 's' },
  token: { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean' },
  'request-timeout': { type: 'string' },
  v: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
}

function specByShort(specs: FlagSpecs, short: string): [string, FlagSpec] | undefined {
  return Object.entries(specs).find(([, s]) => s.short === short);
}

/**
 * Rewrites what parseArgs does not take as pflag does: `-o=yaml` (short flag, "=value") and
 * `--bool=true|false`. Returns the rewritten arguments and the booleans explicitly set false.
 */
function normalize(argv: readonly string[], specs: FlagSpecs): { args: string[]; falses: string[] } {
  const args: string[] = [];
  const falses: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const long = /^--([^=]+)=(.*)$/s.exec(a);
    if (long && specs[long[1] ?? '']?.type === 'boolean') {
      const v = (long[2] ?? '').toLowerCase();
      if (v === 'true' || v === '1') args.push(`--${long[1] ?? ''}`);
      else if (v === 'false' || v === '0') falses.push(long[1] ?? '');
      else throw new FlagError(`invalid argument "${long[2] ?? ''}" for "--${long[1] ?? ''}" flag: strconv.ParseBool: parsing "${long[2] ?? ''}": invalid syntax`);
      continue;
    }
    const short = /^-([A-Za-z])=(.*)$/s.exec(a);
    if (short && specByShort(specs, short[1] ?? '')?.[1].type === 'string') {
      args.push(`-${short[1] ?? ''}`, short[2] ?? '');
      continue;
    }
    args.push(a);
  }
  return { args, falses };
}

function flagError(err: unknown): FlagError {
  const msg = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(msg);
  if (unknown) {
    const [, dashes, name] = unknown;
    return new FlagError(dashes === '-' ? `unknown shorthand flag: '${name ?? ''}' in -${name ?? ''}` : `unknown flag: --${name ?? ''}`);
  }
  const missing = /Option '(?:-(\w), )?--([\w-]+) <value>' argument missing/.exec(msg);
  if (missing) return new FlagError(missing[1] !== undefined ? `flag needs an argument: '${missing[1]}' in -${missing[1]}` : `flag needs an argument: --${missing[2] ?? ''}`);
  return new FlagError(msg);
}

/** Parses one verb's arguments (global flags included). Throws CliError with kubectl's texts. */
export function parseVerbArgs(verb: string, argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const all: FlagSpecs = { ...GLOBAL_FLAGS, ...specs };
  const { args, falses } = normalize(argv, all);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (err) {
    throw flagError(err);
  }
  const flags: FlagValues = {};
  for (const [k, v] of Object.entries(parsed.values)) {
    if (typeof v === 'string' || typeof v === 'boolean' || Array.isArray(v)) flags[k] = v as string | boolean | string[];
  }
  for (const f of falses) flags[f] = false;
  return { flags, positionals: parsed.positionals };
}

/** The verb (and the arguments around it): the first argument that is not a flag or a flag's value. */
export function splitVerb(argv: readonly string[]): { verb: string | undefined; rest: string[] } {
  const takesValue = (a: string): boolean => {
    if (a.includes('=')) return false;
    if (a.startsWith('--')) return GLOBAL_FLAGS[a.slice(2)]?.type === 'string';
    return a.length === 2 && specByShort(GLOBAL_FLAGS, a.slice(1))?.[1].type === 'string';
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') break;
    if (a.startsWith('-') && a !== '-') {
      if (takesValue(a)) i++;
      continue;
    }
    return { verb: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { verb: undefined, rest: [...argv] };
}

export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(flags: FlagValues, name: string, dflt = false): boolean {
  const v = flags[name];
  return typeof v === 'boolean' ? v : dflt;
}

export function listFlag(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** An integer flag (kubectl's int flags), with pflag's error text. */
export function intFlag(flags: FlagValues, name: string, dflt: number): number {
  const v = stringFlag(flags, name);
  if (v === undefined) return dflt;
  if (!/^[-+]?\d+$/.test(v)) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}
