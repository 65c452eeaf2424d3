import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** Starts `file <args>` with stdout and stderr appended to logFile; `exited` resolves with the exit code after onExit ran. */
export function spawnLogged(file: string, args: readonly string[], logFile: string, onExit: () => void): { proc: ChildProcess; exited: Promise<number | null> } {
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Starts `node <args>` the same way. */
export function spawnNodeLogged(args: readonly string[], logFile: string, onExit: () => void): { proc: ChildProcess; exited: Promise<number | null> } {
  return spawnLogged(process.execPath, args, logFile, onExit);
}
