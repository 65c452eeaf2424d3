// bin/meshctl: runs the CLI with the process's arguments, streams and exit code. The first
// Ctrl-C ends watches and follows cleanly; a second one exits at once.
import { run } from './cli.js';
import { processIo } from './io.js';

const abort = new AbortController();
const interrupt = (): void => {
  if (abort.signal.aborted) process.exit(130);
  abort.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
process.exitCode = await run(process.argv.slice(2), processIo(abort.signal));
process.off('SIGINT', interrupt);
process.off('SIGTERM', interrupt);
