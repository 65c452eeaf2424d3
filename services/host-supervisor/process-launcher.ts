// The seam between the supervisor's core and real processes: start one, learn once how it
// ended, send it signals. child-process-launcher.ts is the real one; tests use a fake.

export interface LaunchSpec {
  /** The component's name. */
  name: string;
  /** Executable, run with no arguments. */
  path: string;
  /** Working directory. */
  cwd: string;
  /** Added to the supervisor's own environment. */
  env: Record<string, string>;
  /** stdout and stderr are appended here; stdin is closed. */
  logFile: string;
}

/** How a process ended; `error` when it could not be started at all (code and signal then null). */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
}

export interface LaunchedProcess {
  /** undefined when the process could not be started (onExit then follows with `error`). */
  readonly pid: number | undefined;
  /** Sends a signal; false when there was no process to send it to. */
  kill(signal: NodeJS.Signals): boolean;
}

export interface ProcessLauncher {
  /**
   * Starts a process. `onExit` is called exactly once, never before start returned: when the
   * process ended (and was reaped), or when it could not be started.
   */
  start(spec: LaunchSpec, onExit: (exit: ProcessExit) => void): LaunchedProcess;
}
