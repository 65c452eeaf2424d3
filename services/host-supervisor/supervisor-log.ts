// The supervisor's own log lines: the same JSON shape as lib/process/main-entry's logLine
// ({level, ts, msg, ...fields}), each appended to <host-dir>/logs/supervisor.log and written to
// stdout (logLine itself writes to stderr only).
import { appendFileSync } from 'node:fs';
import type { LogLevel } from '../../lib/process/main-entry.js';
import type { SupervisorLogger } from './supervisor.js';

export function formatLogLine(level: LogLevel, msg: string, fields: Record<string, unknown>, now: Date): string {
  return `${JSON.stringify({ level, ts: now.toISOString(), msg, ...fields })}\n`;
}

export function createSupervisorLog(file: string, out: NodeJS.WritableStream = process.stdout): SupervisorLogger {
  return (level, msg, fields) => {
    const line = formatLogLine(level, msg, fields, new Date());
    try {
      appendFileSync(file, line);
    } catch {
      // A full or vanished disk must not stop the supervisor; stdout still gets the line.
    }
    out.write(line);
  };
}
