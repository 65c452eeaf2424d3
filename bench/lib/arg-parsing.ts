// The pieces both bench command lines are parsed with: options as "--flag value" or
// "--flag=value", and value checks that fail with a UsageError naming the flag.

/** A bad command line; the bench prints it with the usage text. */
export class UsageError extends Error {}

/**
 * Walks the options of argv in order ("--flag value" or "--flag=value"), handing each to
 * `apply` with its value: the "=value" part, else the next argument (which value() then
 * consumes). Returns 'help' at -h or --help; an option `apply` does not take (it returns false)
 * is a UsageError.
 */
export function parseOptions(argv: readonly string[], apply: (name: string, value: () => string | undefined) => boolean): 'help' | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const [name, inline] = eq >= 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (name === '-h' || name === '--help') return 'help';
    if (!apply(name, () => inline ?? argv[++i])) throw new UsageError(`unknown option ${arg}`);
  }
  return undefined;
}

export function int(flag: string, v: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} needs an integer in [${min}, ${max}], got ${v ?? 'nothing'}`);
  }
  return n;
}

export function num(flag: string, v: string | undefined, min: number, max = Number.POSITIVE_INFINITY): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min || n > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new UsageError(`${flag} needs a number ${range}, got ${v ?? 'nothing'}`);
  }
  return n;
}

/** A comma-separated list of allowed names, without repeats, in the order given. */
export function list<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T[] {
  if (!v) throw new UsageError(`${flag} needs a list`);
  const out: T[] = [];
  for (const s of v.split(',')) {
    const hit = allowed.find((a) => a === s.trim());
    if (!hit) throw new UsageError(`${flag}: unknown "${s}" (known: ${allowed.join(', ')})`);
    if (!out.includes(hit)) out.push(hit);
  }
  return out;
}

/**
 * The command line parsed by `parse`, or the process ends: --help prints the usage (exit 0
 * after returning 'help' to the caller), a UsageError prints itself and the usage (exit 2).
 */
export function parseOrExit<A>(parse: (argv: readonly string[]) => A | 'help', usage: string, argv: readonly string[] = process.argv.slice(2)): A | 'help' {
  try {
    const a = parse(argv);
    if (a === 'help') process.stdout.write(usage);
    return a;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${usage}`);
      process.exit(2);
    }
    throw err;
  }
}
