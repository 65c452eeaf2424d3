import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChildProcessLauncher } from './child-process-launcher.js';
import type { LaunchSpec, ProcessExit } from './process-launcher.js';

describe('ChildProcessLauncher (real processes)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'host-supervisor-launch-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const script = (name: string, body: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  const spec = (p: string): LaunchSpec => ({ name: 'demo', path: p, cwd: dir, env: { SUPERVISOR_COMPONENT: 'demo' }, logFile: path.join(dir, 'logs', 'demo.log') });
  const run = (s: LaunchSpec): Promise<{ pid: number | undefined; exit: ProcessExit }> =>
    new Promise((resolve) => {
      const p = new ChildProcessLauncher().start(s, (exit) => resolve({ pid: p.pid, exit }));
    });

  it('runs in the given dir with the extra environment and stdin closed, appending stdout and stderr to the log', async () => {
    const p = script('a.sh', 'echo "out $SUPERVISOR_COMPONENT $(pwd)"; echo err >&2; read line || echo "stdin closed"; exit 3');
    expect((await run(spec(p))).exit).toEqual({ code: 3, signal: null });
    await run(spec(p));
    expect(readFileSync(path.join(dir, 'logs', 'demo.log'), 'utf8')).toBe(`out demo ${dir}\nerr\nstdin closed\n`.repeat(2));
  });

  it('reports the signal that ended a process', async () => {
    const p = script('b.sh', 'exec sleep 1000');
    const done = new Promise<ProcessExit>((resolve) => {
      const proc = new ChildProcessLauncher().start(spec(p), resolve);
      expect(proc.pid).toBeGreaterThan(0);
      expect(proc.kill('SIGKILL')).toBe(true);
    });
    expect(await done).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reports an executable that cannot be started', async () => {
    const r = await run(spec(path.join(dir, 'missing.sh')));
    expect(r.pid).toBeUndefined();
    expect(r.exit.code).toBeNull();
    expect(r.exit.error).toContain('ENOENT');
  });
});
