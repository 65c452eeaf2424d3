// Command lines of Kubernetes-style components: every flag takes a string value
// ("--flag value" or "--flag=value"), plus -h/--help. Values are checked by the caller.
import { parseArgs } from 'node:util';

/**
 * Parses argv against `names`; 'help' for -h/--help, else a lookup of each flag's value.
 * An unknown flag or a missing value is reported through `usageError`.
 */
export function parseStringFlags<N extends string>(argv: readonly string[], names: readonly N[], usageError: (message: string) => Error): 'help' | ((name: N) => string | undefined) {
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const n of names) options[n] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) return 'help';
  return (n: N): string | undefined => {
    const v = values[n];
    return typeof v === 'string' ? v : undefined;
  };
}
