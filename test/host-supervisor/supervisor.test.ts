// bin/host-supervisor as built, with two shell-script components: one that runs until killed and
// one that exits at once. Restarts, a SIGKILL from outside (as `meshctl chaos kill-leader` sends)
// and the SIGTERM stop, observed through supervisor.json, the logs and the processes themselves.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatusFile } from '../../services/host-supervisor/status-file.js';
import type { ComponentStatus, SupervisorStatus } from '../../services/host-supervisor/status-file.js';
import { waitFor } from '../support/wait-for.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/host-supervisor');
const mainJs = path.join(root, 'dist/services/host-supervisor/main.js');

/** Whether pid is still one of this test's components (and not a stranger that reused the number). */
function ours(pid: number, dir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return cmdline.includes(dir) || cmdline.trim() === 'sleep 1000';
  } catch {
    return false;
  }
}

/** The process group of a live process, from /proc/<pid>/stat (field 5, after the parenthesised name). */
function pgid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bin/host-supervisor', () => {
  let dir: string;
  let hostDir: string;
  let sup: ChildProcess | undefined;
  let supExit: Promise<number | null>;
  let stdout = '';
  const seenPids = new Set<number>();

  const status = (): SupervisorStatus => {
    const s = readStatusFile(hostDir);
    for (const c of s.components) if (c.pid !== null) seenPids.add(c.pid);
    return s;
  };
  const component = (name: string): ComponentStatus => {
    const c = status().components.find((x) => x.name === name);
    if (!c) throw new Error(`no ${name} in supervisor.json`);
    return c;
  };

  beforeAll(() => {
    if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run npx tsc -p tsconfig.build.json first`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'host-supervisor-e2e-'));
    hostDir = path.join(dir, 'hosts', 'cp1');
    const script = (name: string, body: string): string => {
      const p = path.join(dir, name);
      writeFileSync(p, `#!/bin/sh\n${body}\n`);
      chmodSync(p, 0o755);
      return p;
    };
    const longRunning = script('long.sh', 'echo "long up as $SUPERVISOR_COMPONENT in $(pwd)"\nexec sleep 1000');
    const crashing = script('crash.sh', 'echo "crasher run as $SUPERVISOR_COMPONENT in $(pwd)"\necho "crasher stderr" >&2\nexit 3');
    sup = spawn(bin, ['--host-dir', hostDir, '--component', `long=${longRunning}`, '--component', `crasher=${crashing}`,
      '--restart-backoff-initial', '100ms', '--restart-backoff-max', '400ms', '--stop-timeout', '5s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    sup.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    sup.stderr?.on('data', (b: Buffer) => (stdout += b.toString()));
    const p = sup;
    supExit = new Promise((resolve) => p.once('exit', (code) => resolve(code)));
  });

  afterAll(() => {
    // After a failure midway: nothing of this test may outlive it.
    if (sup?.pid !== undefined && sup.exitCode === null && sup.signalCode === null) sup.kill('SIGKILL');
    for (const pid of seenPids) if (ours(pid, dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes its pid and starts both components, in its process group, in the host dir', async () => {
    const long = await waitFor('long running', () => {
      const c = component('long');
      return c.state === 'running' && c.pid !== null ? c : undefined;
    }, 20_000);
    expect(readFileSync(path.join(hostDir, 'supervisor.pid'), 'utf8')).toBe(`${sup?.pid}\n`);
    expect(status()).toMatchObject({ pid: sup?.pid, state: 'running' });
    expect(long).toMatchObject({ restarts: 0, lastExit: null, log: path.join(hostDir, 'logs', 'long.log') });
    expect(pgid(long.pid ?? 0)).toBe(pgid(sup?.pid ?? 0));
    await waitFor('long.log', () => readFileSync(long.log, 'utf8') === `long up as long in ${hostDir}\n`, 10_000);
  });

  it('restarts the crashing component with a growing count, appending to its log', async () => {
    const first = await waitFor('crasher restarted', () => (component('crasher').restarts >= 1 ? component('crasher').restarts : undefined), 20_000);
    const later = await waitFor('crasher restarted more', () => (component('crasher').restarts >= first + 2 ? component('crasher').restarts : undefined), 20_000);
    expect(later).toBeGreaterThan(first);
    const c = component('crasher');
    expect(c.lastExit).toMatchObject({ code: 3, signal: null });
    const runs = readFileSync(c.log, 'utf8').split('\n').filter((l) => l === `crasher run as crasher in ${hostDir}`).length;
    expect(runs).toBeGreaterThanOrEqual(later);
    expect(readFileSync(c.log, 'utf8')).toContain('crasher stderr\n');
    expect(stdout).toContain('component crasher exited (code 3)');
    const own = readFileSync(path.join(hostDir, 'logs', 'supervisor.log'), 'utf8');
    expect(own).toMatch(/"msg":"component crasher exited \(code 3\) after [0-9.]+m?s; restart \d+ in \d+ms"/);
  });

  it('restarts a component SIGKILLed from outside, with a new pid', async () => {
    const before = component('long');
    const oldPid = before.pid;
    if (oldPid === null) throw new Error('long has no pid');
    process.kill(oldPid, 'SIGKILL');
    const after = await waitFor('long restarted', () => {
      const c = component('long');
      return c.state === 'running' && c.pid !== null && c.pid !== oldPid ? c : undefined;
    }, 20_000);
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(ours(oldPid, dir)).toBe(false);
    expect(ours(after.pid ?? 0, dir)).toBe(true);
    await waitFor('second start in long.log', () => readFileSync(after.log, 'utf8') === `long up as long in ${hostDir}\n`.repeat(2), 10_000);
  });

  it('on SIGTERM stops both components and exits 0 with everything stopped', async () => {
    const s = status();
    const pids = s.components.map((c) => c.pid).filter((p): p is number => p !== null);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    sup?.kill('SIGTERM');
    expect(await supExit).toBe(0);
    const final = status();
    expect(final.state).toBe('stopped');
    expect(final.components.map((c) => [c.name, c.state, c.pid])).toEqual([['long', 'stopped', null], ['crasher', 'stopped', null]]);
    expect(component('long').lastExit).toMatchObject({ code: null, signal: 'SIGTERM' });
    for (const pid of pids) expect(ours(pid, dir)).toBe(false);
    for (const pid of seenPids) expect(ours(pid, dir)).toBe(false);
    expect(existsSync(path.join(hostDir, 'supervisor.pid'))).toBe(false);
    expect(stdout).toContain('all components stopped');
  });

  it('answers bad flags with one error line and exit 2', async () => {
    const r = await run(['--host-dir', dir, '--component', 'Bad=/bin/true']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('host-supervisor: invalid --component "Bad=/bin/true": the name must match [a-z][a-z0-9-]*');
    const missing = await run(['--host-dir', dir, '--component', `x=${path.join(dir, 'nope.sh')}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toContain('is not an executable file');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: host-supervisor');
  });
});
