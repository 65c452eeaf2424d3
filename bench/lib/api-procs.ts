// Finding the processes the API bench measures, and describing the machine and the build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The pid of this process's child whose command line has `flag value` (e.g. the API server
 * started with --secure-port 43117), from /proc; undefined if there is none.
 */
export function childPidWithArg(flag: string, value: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Field 4 (ppid) follows the state after the last ')' of the command name.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf(flag);
      if (at >= 0 && argv[at + 1] === value) return Number(e);
    } catch {
      // the process is gone, or not ours to read
    }
  }
  return undefined;
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
