// The real ProcessLauncher: node:child_process spawn, not detached (the child stays in the
// supervisor's process group and session), stdin from /dev/null, stdout and stderr written
// straight into the log file opened for appending, so the child needs no pipe to the supervisor.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type { LaunchSpec, LaunchedProcess, ProcessExit, ProcessLauncher } from './process-launcher.js';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ChildProcessLauncher implements ProcessLauncher {
  constructor(private readonly baseEnv: NodeJS.ProcessEnv = process.env) {}

  start(spec: LaunchSpec, onExit: (exit: ProcessExit) => void): LaunchedProcess {
    let reported = false;
    const report = (exit: ProcessExit): void => {
      if (reported) return;
      reported = true;
      onExit(exit);
    };
    const failed = (err: unknown): LaunchedProcess => {
      setImmediate(() => report({ code: null, signal: null, error: message(err) }));
      return { pid: undefined, kill: () => false };
    };

    let fd: number;
    try {
      mkdirSync(path.dirname(spec.logFile), { recursive: true });
      fd = openSync(spec.logFile, 'a');
    } catch (err) {
      return failed(err);
    }
    let child: ChildProcess;
    try {
      child = spawn(spec.path, [], { cwd: spec.cwd, env: { ...this.baseEnv, ...spec.env }, stdio: ['ignore', fd, fd], detached: false });
    } catch (err) {
      return failed(err);
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(fd);
    }
    child.once('exit', (code, signal) => report({ code, signal }));
    child.on('error', (err) => {
      // Without a pid the process never started (ENOENT, EACCES...); otherwise this is a failed
      // kill() of a running process, which its later exit report makes moot.
      if (child.pid === undefined) report({ code: null, signal: null, error: message(err) });
    });
    return {
      pid: child.pid,
      kill: (signal) => child.exitCode === null && child.signalCode === null && child.kill(signal),
    };
  }
}
