// <host-dir>/supervisor.json (the supervisor's state, replaced atomically on every change) and
// <host-dir>/supervisor.pid; meshctl reads both.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isRecord } from '../../lib/api/object.js';
import type { SupervisorStatus } from './supervisor.js';

export type { ComponentState, ComponentStatus, LastExit, SupervisorState, SupervisorStatus } from './supervisor.js';

export const STATUS_FILE = 'supervisor.json';
export const PID_FILE = 'supervisor.pid';

export function statusFilePath(hostDir: string): string {
  return path.join(hostDir, STATUS_FILE);
}

export function pidFilePath(hostDir: string): string {
  return path.join(hostDir, PID_FILE);
}

/** Writes the file next to its final place and renames it there, so readers never see half of it. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function writeStatusFile(hostDir: string, status: SupervisorStatus): void {
  writeAtomically(statusFilePath(hostDir), `${JSON.stringify(status, null, 2)}\n`);
}

export class StatusFileError extends Error {
  override readonly name = 'StatusFileError';
}

/** Reads and checks supervisor.json; throws StatusFileError when it is not one. */
export function readStatusFile(hostDir: string): SupervisorStatus {
  const file = statusFilePath(hostDir);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StatusFileError(`${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!isRecord(v) || typeof v.pid !== 'number' || typeof v.startedAt !== 'string' || !Array.isArray(v.components)) {
    throw new StatusFileError(`${file}: not a supervisor status`);
  }
  for (const c of v.components as unknown[]) {
    if (!isRecord(c) || typeof c.name !== 'string' || (c.pid !== null && typeof c.pid !== 'number') || typeof c.state !== 'string' || typeof c.restarts !== 'number' || typeof c.log !== 'string') {
      throw new StatusFileError(`${file}: a component entry is malformed`);
    }
  }
  return v as unknown as SupervisorStatus;
}

export function writePidFile(hostDir: string, pid: number): void {
  writeAtomically(pidFilePath(hostDir), `${pid}\n`);
}

export function removePidFile(hostDir: string): void {
  rmSync(pidFilePath(hostDir), { force: true });
}

/** The pid in supervisor.pid, or undefined when there is no such file or it holds no pid. */
export function readPidFile(hostDir: string): number | undefined {
  try {
    const n = Number(readFileSync(pidFilePath(hostDir), 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid of another supervisor still running for this host directory (its pid file names a live
 * process whose command line mentions host-supervisor), else undefined. A pid file left by a
 * supervisor that was SIGKILLed names a dead or unrelated process and is ignored.
 */
export function liveSupervisorPid(hostDir: string, self = process.pid): number | undefined {
  const pid = readPidFile(hostDir);
  if (pid === undefined || pid === self) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('host-supervisor') ? pid : undefined;
  } catch {
    return undefined;
  }
}
