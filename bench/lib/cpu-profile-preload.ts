// Preloaded into our store members (NODE_OPTIONS=--import=<this file>) by `store-bench --profile`.
// `node --cpu-prof` is not allowed in NODE_OPTIONS and would profile the whole life of the
// process; this drives the V8 sampling profiler through the inspector instead, so the bench can
// profile exactly its measured windows: each SIGUSR2 toggles the profiler, and stopping writes
// <dir>/<member>-<pid>-<n>.cpuprofile for the n-th window (n = 1, 2, ...). A window still open at
// a normal exit is written too. Without STORE_BENCH_PROFILE_DIR this does nothing (and SIGUSR2
// keeps its default action).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { Profiler } from 'node:inspector';
import path from 'node:path';

const dir = process.env['STORE_BENCH_PROFILE_DIR'];
if (dir) {
  const nameAt = process.argv.indexOf('--name');
  const name = (nameAt >= 0 ? process.argv[nameAt + 1] : undefined) ?? 'member';
  const intervalUs = Number(process.env['STORE_BENCH_PROFILE_INTERVAL_US'] ?? 500);
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  let running = false;
  let windows = 0;
  const stop = (): void => {
    if (!running) return;
    running = false;
    const n = ++windows;
    // A session on the same thread answers synchronously, so this also completes inside 'exit'.
    session.post('Profiler.stop', (err: Error | null, res: Profiler.StopReturnType) => {
      if (err) process.stderr.write(`cpu profile: ${err.message}\n`);
      else writeFileSync(path.join(dir, `${name}-${process.pid}-${n}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (running) {
      stop();
      return;
    }
    running = true;
    session.post('Profiler.start');
  });
  process.on('exit', stop);
}
