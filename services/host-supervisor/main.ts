// bin/host-supervisor: wires flags, the log, the status and pid files, real processes and
// signals around the Supervisor core.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { realClock } from '../../lib/controller/clock.js';
import { runMain } from '../../lib/process/main-entry.js';
import { ChildProcessLauncher } from './child-process-launcher.js';
import { ConfigError, HELP, parseHostSupervisorArgs } from './config.js';
import type { HostSupervisorConfig } from './config.js';
import { liveSupervisorPid, removePidFile, writePidFile, writeStatusFile } from './status-file.js';
import { Supervisor } from './supervisor.js';
import { createSupervisorLog } from './supervisor-log.js';

// Returns once the components are started; the signal handlers end the process.
async function run(cfg: HostSupervisorConfig): Promise<void> {
  mkdirSync(path.join(cfg.hostDir, 'logs'), { recursive: true });
  const other = liveSupervisorPid(cfg.hostDir);
  if (other !== undefined) throw new Error(`another host-supervisor (pid ${other}) runs for ${cfg.hostDir}`);
  // Whoever started us may go away and close our stdout; the log file still gets every line.
  process.stdout.on('error', () => {});
  const log = createSupervisorLog(path.join(cfg.hostDir, 'logs', 'supervisor.log'));
  writePidFile(cfg.hostDir, process.pid);

  const supervisor = new Supervisor({
    ...cfg,
    pid: process.pid,
    launcher: new ChildProcessLauncher(),
    clock: realClock,
    log,
    onStatus: (status) => {
      try {
        writeStatusFile(cfg.hostDir, status);
      } catch (err) {
        log('error', 'could not write supervisor.json', { error: err instanceof Error ? err.message : String(err) });
      }
    },
  });
  // realClock's timers do not hold the process open, and while every component waits in
  // back-off nothing else would.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const stop = (signal: NodeJS.Signals): void => {
    void supervisor.stop(signal).then(() => {
      removePidFile(cfg.hostDir);
      log('info', 'supervisor exiting', { pid: process.pid });
      clearInterval(keepAlive);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  supervisor.start();
}

runMain({ name: 'host-supervisor', help: HELP, parse: (argv) => parseHostSupervisorArgs(argv), isUsageError: (err): err is ConfigError => err instanceof ConfigError, run });
