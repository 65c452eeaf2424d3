import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/controller/clock.js';
import type { LaunchSpec, LaunchedProcess, ProcessExit, ProcessLauncher } from './process-launcher.js';
import { Supervisor } from './supervisor.js';
import type { SupervisorOptions, SupervisorStatus } from './supervisor.js';

class FakeProcess implements LaunchedProcess {
  readonly signals: NodeJS.Signals[] = [];
  exited = false;

  constructor(
    readonly spec: LaunchSpec,
    readonly pid: number | undefined,
    private readonly onExit: (exit: ProcessExit) => void,
    private readonly killLog: string[],
  ) {}

  kill(signal: NodeJS.Signals): boolean {
    if (this.exited) return false;
    this.signals.push(signal);
    this.killLog.push(`${this.spec.name}:${signal}`);
    return true;
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null, error?: string): void {
    if (this.exited) throw new Error(`${this.spec.name} already exited`);
    this.exited = true;
    this.onExit(error === undefined ? { code, signal } : { code, signal, error });
  }
}

class FakeLauncher implements ProcessLauncher {
  readonly started: FakeProcess[] = [];
  readonly killLog: string[] = [];
  private nextPid = 1000;
  /** Names whose next start fails like a missing executable. */
  readonly failing = new Set<string>();

  start(spec: LaunchSpec, onExit: (exit: ProcessExit) => void): LaunchedProcess {
    const p = new FakeProcess(spec, this.failing.has(spec.name) ? undefined : this.nextPid++, onExit, this.killLog);
    this.started.push(p);
    return p;
  }

  /** The most recent process of a component. */
  last(name: string): FakeProcess {
    const p = [...this.started].reverse().find((s) => s.spec.name === name);
    if (!p) throw new Error(`${name} never started`);
    return p;
  }

  starts(name: string): number {
    return this.started.filter((s) => s.spec.name === name).length;
  }
}

interface Harness {
  sup: Supervisor;
  launcher: FakeLauncher;
  clock: FakeClock;
  statuses: SupervisorStatus[];
  logs: string[];
}

function harness(names: string[], over: Partial<SupervisorOptions> = {}): Harness {
  const launcher = new FakeLauncher();
  const clock = new FakeClock();
  const statuses: SupervisorStatus[] = [];
  const logs: string[] = [];
  const sup = new Supervisor({
    pid: 42,
    hostDir: '/state/local/hosts/cp1',
    components: names.map((name) => ({ name, path: `/opt/roles/${name}.sh` })),
    restartBackoffInitialMs: 500,
    restartBackoffMaxMs: 4000,
    stopTimeoutMs: 10_000,
    launcher,
    clock,
    log: (level, msg) => logs.push(`${level}: ${msg}`),
    onStatus: (s) => statuses.push(s),
    ...over,
  });
  return { sup, launcher, clock, statuses, logs };
}

function component(s: SupervisorStatus | undefined, name: string): SupervisorStatus['components'][number] {
  const c = s?.components.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} in status`);
  return c;
}

describe('Supervisor', () => {
  it('starts the components in order, in the host dir, each with its name in the environment and its own log', () => {
    const h = harness(['store', 'api', 'sched']);
    h.sup.start();
    expect(h.launcher.started.map((p) => p.spec)).toEqual(['store', 'api', 'sched'].map((name) => ({
      name,
      path: `/opt/roles/${name}.sh`,
      cwd: '/state/local/hosts/cp1',
      env: { SUPERVISOR_COMPONENT: name },
      logFile: `/state/local/hosts/cp1/logs/${name}.log`,
    })));
    expect(h.sup.status()).toEqual({
      pid: 42,
      startedAt: '2026-01-01T00:00:00.000Z',
      state: 'running',
      components: ['store', 'api', 'sched'].map((name, i) => ({
        name,
        pid: 1000 + i,
        state: 'running',
        restarts: 0,
        startedAt: '2026-01-01T00:00:00.000Z',
        lastExit: null,
        log: `/state/local/hosts/cp1/logs/${name}.log`,
      })),
    });
    expect(h.statuses.at(-1)).toEqual(h.sup.status());
    expect(h.logs).toContain('info: started component api (pid 1001)');
  });

  it('restarts a crashing component after 500ms, 1s, 2s, 4s, 4s (doubling, capped)', () => {
    const h = harness(['store']);
    h.sup.start();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      h.clock.advance(100);
      h.launcher.last('store').exit(1);
      const starts = h.launcher.starts('store');
      let waited = 0;
      while (h.launcher.starts('store') === starts) {
        h.clock.advance(50);
        waited += 50;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(component(h.sup.status(), 'store')).toMatchObject({ state: 'running', restarts: 5, pid: 1005 });
    expect(h.logs).toContain('warn: component store exited (code 1) after 100ms; restart 1 in 500ms');
    expect(h.logs).toContain('warn: component store exited (code 1) after 100ms; restart 2 in 1s');
    expect(h.logs).toContain('info: started component store (pid 1002) (restart 2)');
  });

  it('reports a component waiting to restart as backoff with its last exit and no pid', () => {
    const h = harness(['store', 'api']);
    h.sup.start();
    h.clock.advance(3200);
    h.launcher.last('store').exit(null, 'SIGKILL');
    const s = h.statuses.at(-1);
    expect(component(s, 'store')).toEqual({
      name: 'store',
      pid: null,
      state: 'backoff',
      restarts: 0,
      startedAt: null,
      lastExit: { code: null, signal: 'SIGKILL', at: '2026-01-01T00:00:03.200Z' },
      log: '/state/local/hosts/cp1/logs/store.log',
    });
    expect(component(s, 'api')).toMatchObject({ state: 'running', pid: 1001 });
    expect(h.logs).toContain('warn: component store exited (signal SIGKILL) after 3.2s; restart 1 in 500ms');
    h.clock.advance(500);
    expect(component(h.statuses.at(-1), 'store')).toMatchObject({ state: 'running', pid: 1002, restarts: 1, startedAt: '2026-01-01T00:00:03.700Z' });
  });

  it('resets the back-off after a run of at least 10s, not after a shorter one', () => {
    const h = harness(['store']);
    h.sup.start();
    const crashAfter = (ranMs: number): number => {
      h.clock.advance(ranMs);
      h.launcher.last('store').exit(2);
      const starts = h.launcher.starts('store');
      let waited = 0;
      while (h.launcher.starts('store') === starts) {
        h.clock.advance(10);
        waited += 10;
      }
      return waited;
    };
    expect([crashAfter(10), crashAfter(10), crashAfter(10)]).toEqual([500, 1000, 2000]);
    expect(crashAfter(9_990)).toBe(4000);
    expect(crashAfter(10_000)).toBe(500);
    expect(crashAfter(10)).toBe(1000);
  });

  it('restarts a component that could not be started, recording why', () => {
    const h = harness(['store']);
    h.launcher.failing.add('store');
    h.sup.start();
    h.launcher.last('store').exit(null, null, 'spawn /opt/roles/store.sh ENOENT');
    expect(component(h.sup.status(), 'store')).toMatchObject({
      state: 'backoff',
      pid: null,
      lastExit: { code: null, signal: null, error: 'spawn /opt/roles/store.sh ENOENT' },
    });
    expect(h.logs).toContain('error: component store exited (could not start: spawn /opt/roles/store.sh ENOENT) after 0ms; restart 1 in 500ms');
    h.launcher.failing.delete('store');
    h.clock.advance(500);
    expect(component(h.sup.status(), 'store')).toMatchObject({ state: 'running', pid: 1000, restarts: 1 });
  });

  it('stops: SIGTERM to running components last-started first, no restart of one in back-off, then stopped', async () => {
    const h = harness(['store', 'api', 'sched']);
    h.sup.start();
    h.launcher.last('api').exit(1);
    const stopped = h.sup.stop('SIGTERM');
    expect(h.launcher.killLog).toEqual(['sched:SIGTERM', 'store:SIGTERM']);
    expect(h.sup.status().state).toBe('stopping');
    expect(h.sup.status().components.map((c) => c.state)).toEqual(['stopping', 'stopped', 'stopping']);
    h.clock.advance(5000);
    expect(h.launcher.starts('api')).toBe(1);
    h.launcher.last('sched').exit(0);
    expect(component(h.sup.status(), 'sched')).toMatchObject({ state: 'stopped', pid: null, lastExit: { code: 0, signal: null } });
    h.launcher.last('store').exit(null, 'SIGTERM');
    await stopped;
    const final = h.statuses.at(-1);
    expect(final?.state).toBe('stopped');
    expect(final?.components.map((c) => [c.state, c.pid])).toEqual([['stopped', null], ['stopped', null], ['stopped', null]]);
    h.clock.advance(60_000);
    expect(h.launcher.killLog).toEqual(['sched:SIGTERM', 'store:SIGTERM']);
    expect(h.launcher.started).toHaveLength(3);
    expect(h.logs.at(-1)).toBe('info: all components stopped');
  });

  it('sends SIGKILL to a component still running after the stop timeout', async () => {
    const h = harness(['store', 'api'], { stopTimeoutMs: 10_000 });
    h.sup.start();
    const stopped = h.sup.stop('SIGINT');
    h.launcher.last('api').exit(0);
    h.clock.advance(9_999);
    expect(h.launcher.last('store').signals).toEqual(['SIGTERM']);
    h.clock.advance(1);
    expect(h.launcher.last('store').signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(h.launcher.last('api').signals).toEqual(['SIGTERM']);
    h.launcher.last('store').exit(null, 'SIGKILL');
    await stopped;
    expect(h.sup.status().state).toBe('stopped');
    expect(component(h.sup.status(), 'store').lastExit).toMatchObject({ signal: 'SIGKILL' });
  });

  it('gives up on a component that outlives SIGKILL after the kill grace', async () => {
    const h = harness(['store'], { stopTimeoutMs: 1000, killGraceMs: 2000 });
    h.sup.start();
    const stopped = h.sup.stop('SIGTERM');
    h.clock.advance(1000);
    h.clock.advance(1999);
    expect(h.sup.status().state).toBe('stopping');
    h.clock.advance(1);
    await stopped;
    expect(component(h.sup.status(), 'store')).toMatchObject({ state: 'stopped', pid: null });
    expect(h.logs.some((l) => l.startsWith('error: component store (pid 1000) did not exit after SIGKILL'))).toBe(true);
  });

  it('finishes a stop at once when nothing runs, and stop is idempotent', async () => {
    const h = harness(['store']);
    h.sup.start();
    h.launcher.last('store').exit(1);
    const a = h.sup.stop('SIGTERM');
    expect(h.sup.stop('SIGINT')).toBe(a);
    await a;
    expect(h.sup.status().state).toBe('stopped');
    expect(h.clock.pending).toBe(0);
  });

  it('writes a status after every state change', () => {
    const h = harness(['store', 'api']);
    h.sup.start();
    h.launcher.last('store').exit(1);
    h.clock.advance(500);
    const shape = h.statuses.map((s) => s.components.map((c) => `${c.name}=${c.state}`).join(','));
    expect(shape).toEqual([
      'store=running,api=running',
      'store=backoff,api=running',
      'store=running,api=running',
    ]);
  });
});
