// What every bin/ process does around its own work: JSON log lines on stderr, flags parsed with
// usage errors answered by exit 2 and the help text, --help, and exit 1 on a fatal error.

export type LogLevel = 'info' | 'warn' | 'error';

/** One JSON log line on stderr. */
export function logLine(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level, ts: new Date().toISOString(), msg, ...fields })}\n`);
}

export interface MainEntry<C> {
  /** The program's name in usage errors ("api: ..."). */
  name: string;
  help: string;
  parse(argv: readonly string[]): C | 'help';
  /** Whether a parse error is the user's (exit 2 with the help text) rather than a bug. */
  isUsageError(err: unknown): err is Error;
  run(cfg: C): Promise<void>;
}

export function runMain<C>(m: MainEntry<C>): void {
  let cfg: C | 'help';
  try {
    cfg = m.parse(process.argv.slice(2));
  } catch (err) {
    if (m.isUsageError(err)) {
      process.stderr.write(`${m.name}: ${err.message}\n\n${m.help}`);
      process.exit(2);
    }
    throw err;
  }
  if (cfg === 'help') {
    process.stdout.write(m.help);
    return;
  }
  m.run(cfg).catch((err: unknown) => {
    logLine('error', 'fatal', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
}
