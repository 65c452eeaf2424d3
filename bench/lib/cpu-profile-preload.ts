// Preloaded into our store members (NODE_OPTIONS=--import <this file>) by `store-bench --profile`:
// `node --cpu-prof` is not allowed in NODE_OPTIONS, so this starts the V8 sampling profiler
// through the inspector and writes a .cpuprofile when the process exits normally (the member
// exits through process.exit after SIGTERM; a SIGKILLed member writes nothing).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { Profiler } from 'node:inspector';
import path from 'node:path';

const dir = process.env['STORE_BENCH_PROFILE_DIR'];
if (dir) {
  const nameAt = process.argv.indexOf('--name');
  const name = (nameAt >= 0 ? process.argv[nameAt + 1] : undefined) ?? 'member';
  const intervalUs = Number(process.env['STORE_BENCH_PROFILE_INTERVAL_US'] ?? 1000);
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  session.post('Profiler.start');
  process.on('exit', () => {
    // A session on the same thread answers synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err: Error | null, res: Profiler.StopReturnType) => {
      if (err) {
        process.stderr.write(`cpu profile: ${err.message}\n`);
        return;
      }
      writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
