import { describe, expect, it } from 'vitest';
import { ConfigError, parseHostSupervisorArgs } from './config.js';

const opts = { cwd: '/home/op', isExecutable: (p: string) => p.startsWith('/opt/') || p.startsWith('/home/op/') };

describe('bin/host-supervisor flags', () => {
  it('has the documented defaults and keeps components in order, paths made absolute', () => {
    const c = parseHostSupervisorArgs(['--host-dir', 'state/cp1', '--component', 'store=/opt/store.sh', '--component=api=roles/api.sh'], opts);
    expect(c).toEqual({
      hostDir: '/home/op/state/cp1',
      components: [
        { name: 'store', path: '/opt/store.sh' },
        { name: 'api', path: '/home/op/roles/api.sh' },
      ],
      restartBackoffInitialMs: 500,
      restartBackoffMaxMs: 10_000,
      stopTimeoutMs: 10_000,
    });
  });

  it('reads Go durations', () => {
    const c = parseHostSupervisorArgs(['--host-dir=/d', '--component', 'node-agent=/opt/a', '--restart-backoff-initial', '250ms', '--restart-backoff-max', '1m', '--stop-timeout', '1m30s'], opts);
    expect(c).toMatchObject({ restartBackoffInitialMs: 250, restartBackoffMaxMs: 60_000, stopTimeoutMs: 90_000 });
  });

  it('answers -h and --help', () => {
    expect(parseHostSupervisorArgs(['-h'], opts)).toBe('help');
    expect(parseHostSupervisorArgs(['--help'], opts)).toBe('help');
  });

  it.each([
    [[], '--host-dir is required'],
    [['--host-dir', '/d'], 'at least one --component'],
    [['--host-dir', '/d', '--component', 'store'], 'invalid --component "store": expected <name>=<path>'],
    [['--host-dir', '/d', '--component', 'Store=/opt/s'], 'invalid --component "Store=/opt/s": the name must match [a-z][a-z0-9-]*'],
    [['--host-dir', '/d', '--component', '1st=/opt/s'], 'the name must match'],
    [['--host-dir', '/d', '--component', 'store='], 'the path is empty'],
    [['--host-dir', '/d', '--component', 'store=/usr/bin/missing'], 'invalid --component "store=/usr/bin/missing": /usr/bin/missing is not an executable file'],
    [['--host-dir', '/d', '--component', 'store=/opt/a', '--component', 'store=/opt/b'], 'the name "store" is given twice'],
    [['--host-dir', '/d', '--component', 's=/opt/a', '--restart-backoff-initial', '5'], 'invalid --restart-backoff-initial "5"'],
    [['--host-dir', '/d', '--component', 's=/opt/a', '--restart-backoff-initial', '0s'], '--restart-backoff-initial must be positive'],
    [['--host-dir', '/d', '--component', 's=/opt/a', '--restart-backoff-initial', '2s', '--restart-backoff-max', '1s'], '--restart-backoff-max must not be less than'],
    [['--host-dir', '/d', '--component', 's=/opt/a', '--stop-timeout', 'soon'], 'invalid --stop-timeout "soon"'],
    [['--host-dir', '/d', '--component', 's=/opt/a', '--restart', '1s'], "Unknown option '--restart'"],
    [['--host-dir', '/d', 'extra'], 'extra'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseHostSupervisorArgs(argv, opts)).toThrow(ConfigError);
    expect(() => parseHostSupervisorArgs(argv, opts)).toThrow(message);
  });
});
