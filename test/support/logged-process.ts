import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** Starts `node <args>` with stdout and stderr appended to logFile; `exited` resolves with the exit code after onExit ran. */
export function spawnNodeLogged(args: readonly string[], logFile: string, onExit: () => void): { proc: ChildProcess; exited: Promise<number | null> } {
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      onExit();
      resolve(code);
    }),
  );
  return { proc, exited };
}
