// Finding the processes the API bench measures, and describing the machine and the build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProcs } from './startup-procs.js';

/**
 * The pid of this process's child whose command line has `flag value` (e.g. the API server
 * started with --secure-port 43117), from /proc; undefined if there is none.
 */
export function childPidWithArg(flag: string, value: string): number | undefined {
  return readProcs().find((p) => {
    const at = p.argv.indexOf(flag);
    return p.ppid === process.pid && at >= 0 && p.argv[at + 1] === value;
  })?.pid;
}

/** A fingerprint of the compiled code under `dir`, so results can be tied to a build. */
export function buildFingerprint(dir: string): { sha256: string; files: number; newestMtime: string } | null {
  if (!existsSync(dir)) return null;
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).sort();
  const hash = createHash('sha256');
  let newest = 0;
  for (const f of files) {
    const full = path.join(dir, f);
    hash.update(f).update('\0').update(readFileSync(full));
    newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return { sha256: hash.digest('hex').slice(0, 16), files: files.length, newestMtime: new Date(newest).toISOString() };
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string | null;
  totalMemBytes: number;
  platform: string;
  nodeVersion: string;
  version: string | null;
  apiBuild: ReturnType<typeof buildFingerprint>;
  storeBuild: ReturnType<typeof buildFingerprint>;
}

export function machineInfo(repoRoot: string): MachineInfo {
  let version: string | null = null;
  try {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: unknown };
    version = typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    // no package.json: leave the version out
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    version,
    apiBuild: buildFingerprint(path.join(repoRoot, 'dist', 'services', 'api')),
    storeBuild: buildFingerprint(path.join(repoRoot, 'dist', 'services', 'store')),
  };
}
