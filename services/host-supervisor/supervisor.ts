// The host supervisor's core: starts the components in order, restarts one that exits after a
// back-off, stops them all on request (SIGTERM, then SIGKILL after the stop timeout) and reports
// every state change as a status snapshot. Processes come through a ProcessLauncher and time
// through a Clock, so it runs unchanged against fakes in tests.
import path from 'node:path';
import type { Clock, TimerHandle } from '../../lib/controller/clock.js';
import type { LogLevel } from '../../lib/process/main-entry.js';
import type { ComponentSpec } from './config.js';
import { durationText } from './duration-text.js';
import type { LaunchedProcess, ProcessExit, ProcessLauncher } from './process-launcher.js';
import { DEFAULT_RESET_AFTER_MS, RestartBackoff } from './restart-backoff.js';

export type ComponentState = 'running' | 'backoff' | 'stopping' | 'stopped';
export type SupervisorState = 'running' | 'stopping' | 'stopped';

export interface LastExit {
  code: number | null;
  signal: string | null;
  /** ISO time of the exit. */
  at: string;
  /** Present when the process could not be started at all. */
  error?: string;
}

export interface ComponentStatus {
  name: string;
  /** The running process; null while in back-off or stopped. */
  pid: number | null;
  state: ComponentState;
  /** How many times it was started again after an exit. */
  restarts: number;
  /** ISO start time of the current process; null when none runs. */
  startedAt: string | null;
  lastExit: LastExit | null;
  /** Absolute path of its log file. */
  log: string;
}

/** The content of <host-dir>/supervisor.json. */
export interface SupervisorStatus {
  pid: number;
  startedAt: string;
  state: SupervisorState;
  components: ComponentStatus[];
}

export type SupervisorLogger = (level: LogLevel, msg: string, fields: Record<string, unknown>) => void;

/** After SIGKILL, how long a component gets to be reaped before the supervisor gives up on it. */
export const DEFAULT_KILL_GRACE_MS = 5_000;

export interface SupervisorOptions {
  /** The supervisor's own pid, reported in the status. */
  pid: number;
  /** Absolute; working directory of the components, logs under logs/. */
  hostDir: string;
  /** In start order. */
  components: readonly ComponentSpec[];
  restartBackoffInitialMs: number;
  restartBackoffMaxMs: number;
  stopTimeoutMs: number;
  /** A run at least this long resets the back-off (default 10 s). */
  resetBackoffAfterMs?: number;
  killGraceMs?: number;
  launcher: ProcessLauncher;
  clock: Clock;
  log: SupervisorLogger;
  /** Called with a fresh snapshot after every state change. */
  onStatus: (status: SupervisorStatus) => void;
}

interface Component {
  readonly spec: ComponentSpec;
  readonly logFile: string;
  readonly backoff: RestartBackoff;
  state: ComponentState;
  proc: LaunchedProcess | undefined;
  /** Identifies the current process, so a late exit report of an older one is ignored. */
  run: object | undefined;
  startedAt: number | undefined;
  restarts: number;
  lastExit: LastExit | undefined;
  restartTimer: TimerHandle | undefined;
}

function exitText(exit: ProcessExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error}`;
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return `code ${exit.code ?? 'unknown'}`;
}

export class Supervisor {
  private readonly components: Component[];
  private readonly startedAt: number;
  private state: SupervisorState = 'running';
  private started = false;
  private stopTimers: TimerHandle[] = [];
  private stopped: Promise<void> | undefined;
  private resolveStopped: (() => void) | undefined;

  constructor(private readonly opts: SupervisorOptions) {
    this.startedAt = opts.clock.now();
    const policy = {
      initialMs: opts.restartBackoffInitialMs,
      maxMs: opts.restartBackoffMaxMs,
      resetAfterMs: opts.resetBackoffAfterMs ?? DEFAULT_RESET_AFTER_MS,
    };
    this.components = opts.components.map((spec) => ({
      spec,
      logFile: path.join(opts.hostDir, 'logs', `${spec.name}.log`),
      backoff: new RestartBackoff(policy),
      state: 'stopped',
      proc: undefined,
      run: undefined,
      startedAt: undefined,
      restarts: 0,
      lastExit: undefined,
      restartTimer: undefined,
    }));
  }

  /** Starts every component, in the order given. */
  start(): void {
    if (this.started || this.state !== 'running') return;
    this.started = true;
    this.opts.log('info', `supervisor started with ${this.components.length} component(s)`, { pid: this.opts.pid, components: this.components.map((c) => c.spec.name) });
    for (const c of this.components) this.launch(c, false);
    this.emit();
  }

  /**
   * Stops restarting, sends SIGTERM to every running component (last started first), SIGKILL to
   * those still running after the stop timeout; resolves once none runs. Idempotent.
   */
  stop(reason: string): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
    this.state = 'stopping';
    this.opts.log('info', `stopping all components (${reason})`, { reason });
    for (const c of [...this.components].reverse()) {
      if (c.state === 'backoff') {
        c.restartTimer?.cancel();
        c.restartTimer = undefined;
        c.state = 'stopped';
        this.opts.log('info', `component ${c.spec.name} stopped (was waiting to restart)`, { component: c.spec.name });
      } else if (c.state === 'running') {
        c.state = 'stopping';
        const pid = c.proc?.pid;
        // No pid: it failed to start and its exit report is on its way.
        if (pid !== undefined && c.proc) {
          c.proc.kill('SIGTERM');
          this.opts.log('info', `sent SIGTERM to component ${c.spec.name} (pid ${pid})`, { component: c.spec.name, pid });
        }
      }
    }
    this.emit();
    if (!this.maybeFinishStop()) this.stopTimers.push(this.opts.clock.setTimeout(() => this.killRemaining(), this.opts.stopTimeoutMs));
    return this.stopped;
  }

  status(): SupervisorStatus {
    const iso = (ms: number): string => new Date(ms).toISOString();
    return {
      pid: this.opts.pid,
      startedAt: iso(this.startedAt),
      state: this.state,
      components: this.components.map((c) => ({
        name: c.spec.name,
        pid: c.proc?.pid ?? null,
        state: c.state,
        restarts: c.restarts,
        startedAt: c.startedAt === undefined ? null : iso(c.startedAt),
        lastExit: c.lastExit ?? null,
        log: c.logFile,
      })),
    };
  }

  private launch(c: Component, emit = true): void {
    const run = {};
    c.run = run;
    c.startedAt = this.opts.clock.now();
    c.state = 'running';
    const proc = this.opts.launcher.start(
      { name: c.spec.name, path: c.spec.path, cwd: this.opts.hostDir, env: { SUPERVISOR_COMPONENT: c.spec.name }, logFile: c.logFile },
      (exit) => this.onExit(c, run, exit),
    );
    c.proc = proc;
    if (proc.pid !== undefined) {
      const again = c.restarts > 0 ? ` (restart ${c.restarts})` : '';
      this.opts.log('info', `started component ${c.spec.name} (pid ${proc.pid})${again}`, { component: c.spec.name, pid: proc.pid, restarts: c.restarts, path: c.spec.path });
    }
    if (emit) this.emit();
  }

  private onExit(c: Component, run: object, exit: ProcessExit): void {
    if (c.run !== run) return;
    c.run = undefined;
    const now = this.opts.clock.now();
    const ranMs = now - (c.startedAt ?? now);
    const pid = c.proc?.pid ?? null;
    c.proc = undefined;
    c.startedAt = undefined;
    c.lastExit = { code: exit.code, signal: exit.signal, at: new Date(now).toISOString(), ...(exit.error !== undefined ? { error: exit.error } : {}) };
    const fields = { component: c.spec.name, pid, code: exit.code, signal: exit.signal, ranMs, ...(exit.error !== undefined ? { error: exit.error } : {}) };
    const what = `component ${c.spec.name} exited (${exitText(exit)}) after ${durationText(ranMs)}`;

    if (this.state !== 'running') {
      c.state = 'stopped';
      this.opts.log('info', `${what}; stopped`, fields);
      this.emit();
      this.maybeFinishStop();
      return;
    }
    const delayMs = c.backoff.next(ranMs);
    c.state = 'backoff';
    c.restartTimer = this.opts.clock.setTimeout(() => this.restart(c), delayMs);
    this.opts.log(exit.error !== undefined ? 'error' : 'warn', `${what}; restart ${c.restarts + 1} in ${durationText(delayMs)}`, { ...fields, restart: c.restarts + 1, delayMs });
    this.emit();
  }

  private restart(c: Component): void {
    c.restartTimer = undefined;
    if (this.state !== 'running' || c.state !== 'backoff') return;
    c.restarts++;
    this.launch(c);
  }

  private killRemaining(): void {
    if (this.state !== 'stopping') return;
    for (const c of this.components) {
      if (c.state !== 'stopping' || !c.proc || c.proc.pid === undefined) continue;
      c.proc.kill('SIGKILL');
      this.opts.log('warn', `component ${c.spec.name} (pid ${c.proc.pid}) did not stop within ${durationText(this.opts.stopTimeoutMs)}; sent SIGKILL`, { component: c.spec.name, pid: c.proc.pid });
    }
    this.stopTimers.push(this.opts.clock.setTimeout(() => this.abandonRemaining(), this.opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS));
  }

  /** Last resort: a process that outlives SIGKILL (stuck in the kernel) is no longer waited for. */
  private abandonRemaining(): void {
    if (this.state !== 'stopping') return;
    for (const c of this.components) {
      if (c.state !== 'stopping') continue;
      this.opts.log('error', `component ${c.spec.name} (pid ${c.proc?.pid ?? 'none'}) did not exit after SIGKILL; no longer waiting for it`, { component: c.spec.name, pid: c.proc?.pid ?? null });
      c.run = undefined;
      c.proc = undefined;
      c.startedAt = undefined;
      c.state = 'stopped';
    }
    this.emit();
    this.maybeFinishStop();
  }

  /** Completes the stop once no component runs; true if it did. */
  private maybeFinishStop(): boolean {
    if (this.state !== 'stopping' || this.components.some((c) => c.state !== 'stopped')) return false;
    for (const t of this.stopTimers) t.cancel();
    this.stopTimers = [];
    this.state = 'stopped';
    this.opts.log('info', 'all components stopped', {});
    this.emit();
    this.resolveStopped?.();
    return true;
  }

  private emit(): void {
    this.opts.onStatus(this.status());
  }
}
