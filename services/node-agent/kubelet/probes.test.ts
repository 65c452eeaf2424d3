import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/controller/clock.js';
import { computePodActions } from './pod-actions.js';
import type { ContainerSpec, Handler } from './pod-spec.js';
import { parseContainer, parseHandler, podView } from './pod-spec.js';
import type { ExecFn, ProbeEvents, ProbeKind, ProbeOutcome, ProbeResult, ProbeRunner, ProbeTarget } from './probes.js';
import { NetworkProbeRunner, ProbeManager } from './probes.js';

type Json = Record<string, unknown>;

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
};

const ok: ProbeOutcome = { result: 'success', output: '' };
const fail = (output = 'nope'): ProbeOutcome => ({ result: 'failure', output });

/** Answers each probe from a per-command script (the exec command's first word names the probe). */
class ScriptedRunner implements ProbeRunner {
  readonly calls: string[] = [];
  readonly script = new Map<string, Array<ProbeOutcome | Error>>();
  fallback: ProbeOutcome = ok;
  constructor(private readonly clock: FakeClock) {}

  run(handler: Handler, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    const name = handler.kind === 'exec' ? (handler.exec.command[0] ?? '') : handler.kind;
    this.calls.push(`${String(this.clock.now() - T0)} ${name} ${target.containerId} ${target.podIP} timeout=${String(timeoutMs)}`);
    const next = this.script.get(name)?.shift() ?? this.fallback;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

class Events implements ProbeEvents {
  readonly changes: string[] = [];
  readonly failures: string[] = [];
  onChange(podUid: string, containerId: string, kind: ProbeKind, result: ProbeResult): void {
    this.changes.push(`${podUid} ${containerId} ${kind} ${result}`);
  }
  onFailure(podUid: string, container: ContainerSpec, kind: ProbeKind, output: string): void {
    this.failures.push(`${podUid} ${container.name} ${kind}: ${output}`);
  }
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

function setup(): { clock: FakeClock; runner: ScriptedRunner; events: Events; m: ProbeManager; step: (ms: number) => Promise<void> } {
  const clock = new FakeClock(T0);
  const runner = new ScriptedRunner(clock);
  const events = new Events();
  const m = new ProbeManager(runner, clock, events);
  const step = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await flush();
  };
  return { clock, runner, events, m, step };
}

const probe = (name: string, o: Json = {}): Json => ({ exec: { command: [name] }, ...o });
const container = (probes: Json): ContainerSpec => parseContainer({ name: 'app', image: 'x:1', ...probes });

describe('ProbeManager', () => {
  it('probes first after initialDelaySeconds from the container start, then every periodSeconds', async () => {
    const { m, runner, step, clock } = setup();
    m.syncPod('pod', '10.244.1.2', [{ containerId: 'c1', container: container({ readinessProbe: probe('ready', { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3 }) }), startedAt: clock.now() }]);
    await step(4999);
    expect(runner.calls).toEqual([]);
    await step(1);
    await step(1999);
    await step(1);
    expect(runner.calls).toEqual(['5000 ready c1 10.244.1.2 timeout=3000', '7000 ready c1 10.244.1.2 timeout=3000']);
  });

  it('probes at once a container that started longer ago than the initial delay', async () => {
    const { m, runner, step, clock } = setup();
    m.syncPod('pod', '10.244.1.2', [{ containerId: 'c1', container: container({ readinessProbe: probe('ready', { initialDelaySeconds: 5 }) }), startedAt: clock.now() - 10_000 }]);
    await step(0);
    expect(runner.calls).toEqual(['0 ready c1 10.244.1.2 timeout=1000']);
  });

  it('readiness: starts failed, needs successThreshold successes and failureThreshold failures in a row, and keeps probing', async () => {
    const { m, runner, events, step } = setup();
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: container({ readinessProbe: probe('ready', { periodSeconds: 1, successThreshold: 2, failureThreshold: 3 }) }), startedAt: T0 }]);
    expect(m.result('c1', 'readiness')).toBe('failure');
    runner.script.set('ready', [ok, fail('a'), ok, ok, fail('b'), fail('c'), ok, fail('d'), fail('e'), fail('f'), ok]);
    await step(0);
    expect(m.result('c1', 'readiness')).toBe('failure');
    await step(1000); // failure resets the run of successes
    await step(1000);
    expect(m.result('c1', 'readiness')).toBe('failure');
    await step(1000);
    expect(m.result('c1', 'readiness')).toBe('success');
    expect(events.changes).toEqual(['pod c1 readiness success']);
    await step(1000);
    await step(1000);
    await step(1000); // a success resets the run of failures
    expect(m.result('c1', 'readiness')).toBe('success');
    await step(1000);
    await step(1000);
    expect(m.result('c1', 'readiness')).toBe('success');
    await step(1000);
    expect(m.result('c1', 'readiness')).toBe('failure');
    expect(events.changes).toEqual(['pod c1 readiness success', 'pod c1 readiness failure']);
    expect(events.failures).toEqual(['pod app readiness: a', 'pod app readiness: b', 'pod app readiness: c', 'pod app readiness: d', 'pod app readiness: e', 'pod app readiness: f']);
    await step(1000);
    expect(runner.calls).toHaveLength(11);
  });

  it('liveness: starts succeeded, fails after failureThreshold failures and then probes no more', async () => {
    const { m, runner, events, step, clock } = setup();
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: container({ livenessProbe: probe('live', { periodSeconds: 2, failureThreshold: 2 }) }), startedAt: T0 }]);
    expect(m.result('c1', 'liveness')).toBe('success');
    runner.fallback = fail('HTTP probe failed with statuscode: 500');
    await step(0);
    expect(m.result('c1', 'liveness')).toBe('success');
    await step(2000);
    expect(m.result('c1', 'liveness')).toBe('failure');
    expect(events.changes).toEqual(['pod c1 liveness failure']);
    for (let i = 0; i < 5; i++) await step(2000);
    expect(runner.calls).toHaveLength(2);
    expect(clock.pending).toBe(0);
    expect(m.result('c1', 'liveness')).toBe('failure');
  });

  it('a startup probe holds back liveness and readiness until it succeeds, then stops', async () => {
    const { m, runner, events, step } = setup();
    const c = container({ startupProbe: probe('startup', { periodSeconds: 1, failureThreshold: 30 }), livenessProbe: probe('live', { periodSeconds: 1 }), readinessProbe: probe('ready', { periodSeconds: 1 }) });
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: c, startedAt: T0 }]);
    runner.script.set('startup', [fail(), fail(), ok]);
    await step(0);
    await step(1000);
    expect(m.result('c1', 'readiness')).toBe('failure');
    expect(m.result('c1', 'liveness')).toBe('success');
    await step(1000);
    expect(m.result('c1', 'startup')).toBe('success');
    await step(1000);
    await step(1000);
    expect(runner.calls.map((x) => x.split(' ').slice(0, 2).join(' '))).toEqual(['0 startup', '1000 startup', '2000 startup', '3000 live', '3000 ready', '4000 live', '4000 ready']);
    expect(events.changes).toEqual(['pod c1 startup success', 'pod c1 readiness success']);
  });

  it('a probe that throws counts as a failure with the error as output', async () => {
    const { m, runner, events, step } = setup();
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: container({ livenessProbe: probe('live', { failureThreshold: 1 }) }), startedAt: T0 }]);
    runner.script.set('live', [new Error('exec failed: no such container')]);
    await step(0);
    expect(events.failures).toEqual(['pod app liveness: exec failed: no such container']);
    expect(events.changes).toEqual(['pod c1 liveness failure']);
  });

  it('keeps one worker per container and probe across syncs, and stops those of containers no longer running', async () => {
    const { m, runner, step, clock } = setup();
    const c = container({ readinessProbe: probe('ready', { periodSeconds: 1 }) });
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: c, startedAt: T0 }]);
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: c, startedAt: T0 }]);
    m.syncPod('other', 'ip2', [{ containerId: 'c9', container: c, startedAt: T0 }]);
    await step(0);
    expect(runner.calls.map((x) => x.split(' ')[2])).toEqual(['c1', 'c9']);
    // c1 was replaced by c2 (a restart): c1's worker stops, c2 gets a new one with the initial result.
    m.syncPod('pod', 'ip', [{ containerId: 'c2', container: c, startedAt: clock.now() }]);
    expect(m.result('c1', 'readiness')).toBeUndefined();
    expect(m.result('c2', 'readiness')).toBe('failure');
    expect(m.result('c9', 'readiness')).toBe('success');
    await step(1000);
    expect(runner.calls.slice(2).map((x) => x.split(' ')[2]).sort()).toEqual(['c2', 'c9']);
  });

  it('removePod stops every worker of the pod, even one whose probe is in flight', async () => {
    const { m, events, step, clock } = setup();
    let release: (o: ProbeOutcome) => void = () => undefined;
    const slow: ProbeRunner = { run: () => new Promise<ProbeOutcome>((r) => (release = r)) };
    const m2 = new ProbeManager(slow, clock, events);
    m2.syncPod('pod', 'ip', [{ containerId: 'c1', container: container({ livenessProbe: probe('live', { failureThreshold: 1 }) }), startedAt: T0 }]);
    m.syncPod('pod', 'ip', [{ containerId: 'c3', container: container({ readinessProbe: probe('ready') }), startedAt: T0 }]);
    await step(0);
    m2.removePod('pod');
    m.removePod('pod');
    release(fail());
    await flush();
    expect(events.changes).toEqual(['pod c3 readiness success']);
    expect(m2.result('c1', 'liveness')).toBeUndefined();
    expect(m.result('c3', 'readiness')).toBeUndefined();
    expect(clock.pending).toBe(0);
  });

  it('result is undefined for a probe the container does not have', () => {
    const { m } = setup();
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: container({ readinessProbe: probe('ready') }), startedAt: T0 }]);
    expect(m.result('c1', 'liveness')).toBeUndefined();
    expect(m.result('c1', 'startup')).toBeUndefined();
    m.stopAll();
    expect(m.result('c1', 'readiness')).toBeUndefined();
  });

  // BUG: the kubelet's startup worker starts Unknown (prober/worker.go initialValue), and
  // computePodActions kills only on a startup result of Failure. Here a startup worker starts
  // at 'failure', so the first sync after the container starts (before any probe ran) kills it
  // with "failed startup probe".
  it('a container whose startup probe has not run yet is not killed', () => {
    const { m } = setup();
    const pod = podView({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u' },
      spec: { containers: [{ name: 'app', image: 'x:1', startupProbe: { exec: { command: ['startup'] }, failureThreshold: 30 } }] },
    });
    const spec = pod.containers[0];
    if (!spec) throw new Error('no container');
    const rt = { uid: 'u', sandboxes: [{ id: 'sb1', attempt: 0, ready: true, createdAt: T0, ip: '10.244.1.2' }], containers: [{ id: 'c1', name: 'app', sandboxId: 'sb1', attempt: 0, state: 'running' as const, createdAt: T0, startedAt: T0, image: 'x:1', imageId: '', hash: spec.hash, restartCount: 0 }] };
    m.syncPod('u', '10.244.1.2', [{ containerId: 'c1', container: spec, startedAt: T0 }]);
    expect(computePodActions(pod, rt, m).kill).toEqual([]);
  });

  // BUG: a startup probe that fails failureThreshold times must be reported (the kubelet sets
  // Failure, which syncs the pod and restarts the container) and stop probing. Here the result
  // was 'failure' from the start, so no onChange fires and the worker probes on forever.
  it('a startup probe failing failureThreshold times reports the failure and stops probing', async () => {
    const { m, runner, events, step } = setup();
    m.syncPod('pod', 'ip', [{ containerId: 'c1', container: container({ startupProbe: probe('startup', { periodSeconds: 1, failureThreshold: 3 }) }), startedAt: T0 }]);
    runner.fallback = fail();
    for (let i = 0; i < 6; i++) await step(i === 0 ? 0 : 1000);
    expect(events.changes).toEqual(['pod c1 startup failure']);
    expect(runner.calls).toHaveLength(3);
  });
});

describe('NetworkProbeRunner', () => {
  let server: http.Server;
  let port = 0;
  let tcp: net.Server;
  let tcpPort = 0;
  let closedPort = 0;
  const seen: http.IncomingHttpHeaders[] = [];
  const execCalls: string[] = [];
  const exec: ExecFn = (id, cmd, timeoutMs) => {
    execCalls.push(`${id} ${cmd.join(' ')} ${String(timeoutMs)}`);
    if (cmd[0] === 'boom') return Promise.reject(new Error('container not running'));
    if (cmd[0] === 'false') return Promise.resolve({ exitCode: 1, stdout: 'out ', stderr: 'no such file\n' });
    return Promise.resolve({ exitCode: 0, stdout: 'fine', stderr: '' });
  };
  const runner = new NetworkProbeRunner(exec);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/ok') res.end('healthy');
      else if (req.url === '/bad') {
        res.statusCode = 500;
        res.end('down');
      } else if (req.url === '/redirect') {
        res.statusCode = 302;
        res.setHeader('Location', '/elsewhere');
        res.end();
      } else if (req.url === '/slow') {
        // Never answers: the probe must time out.
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    tcp = net.createServer((s) => s.end());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    tcpPort = (tcp.address() as AddressInfo).port;
    const gone = net.createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    closedPort = (gone.address() as AddressInfo).port;
    await new Promise<void>((r) => gone.close(() => r()));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => tcp.close(() => r()));
  });

  const target = (ports: Json[] = []): ProbeTarget => ({ podIP: '127.0.0.1', containerId: 'c1', container: parseContainer({ name: 'app', image: 'x:1', ports }) });
  const handler = (h: Json): Handler => {
    const x = parseHandler(h);
    if (!x) throw new Error('bad handler');
    return x;
  };

  it('HTTP 2xx and 3xx succeed (with the body as output), sending kube-probe headers and the probe headers', async () => {
    seen.length = 0;
    expect(await runner.run(handler({ httpGet: { path: '/ok', port, httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }), target(), 1000)).toEqual({ result: 'success', output: 'healthy' });
    expect(seen[0]?.['user-agent']).toBe('kube-probe/1.32');
    expect(seen[0]?.accept).toBe('*/*');
    expect(seen[0]?.['x-probe']).toBe('yes');
    expect(await runner.run(handler({ httpGet: { path: '/redirect', port } }), target(), 1000)).toEqual({ result: 'success', output: '' });
  });

  it('resolves a named port and a path without a leading slash', async () => {
    expect(await runner.run(handler({ httpGet: { path: 'ok', port: 'http' } }), target([{ name: 'http', containerPort: port }]), 1000)).toEqual({ result: 'success', output: 'healthy' });
    expect(await runner.run(handler({ httpGet: { path: '/ok', port: 'nope' } }), target(), 1000)).toEqual({ result: 'failure', output: 'unable to resolve port nope' });
  });

  it('HTTP 4xx and 5xx fail with the status code', async () => {
    expect(await runner.run(handler({ httpGet: { path: '/bad', port } }), target(), 1000)).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect(await runner.run(handler({ httpGet: { path: '/missing', port } }), target(), 1000)).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 404' });
  });

  it('an HTTP server that does not answer in time fails with the client timeout text', async () => {
    expect(await runner.run(handler({ httpGet: { path: '/slow', port } }), target(), 200)).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${String(port)}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it('an HTTP probe to a closed port fails with the dial error', async () => {
    const r = await runner.run(handler({ httpGet: { path: '/', port: closedPort } }), target(), 1000);
    expect(r).toEqual({ result: 'failure', output: `Get "http://127.0.0.1:${String(closedPort)}/": connect ECONNREFUSED 127.0.0.1:${String(closedPort)}` });
  });

  it('TCP succeeds on an open port and fails on a closed one', async () => {
    expect(await runner.run(handler({ tcpSocket: { port: tcpPort } }), target(), 1000)).toEqual({ result: 'success', output: '' });
    expect(await runner.run(handler({ tcpSocket: { port: 'pg' } }), target([{ name: 'pg', containerPort: tcpPort }]), 1000)).toEqual({ result: 'success', output: '' });
    expect(await runner.run(handler({ tcpSocket: { port: closedPort } }), target(), 1000)).toEqual({
      result: 'failure',
      output: `dial tcp 127.0.0.1:${String(closedPort)}: connect ECONNREFUSED 127.0.0.1:${String(closedPort)}`,
    });
    expect(await runner.run(handler({ tcpSocket: { port: 'nope' } }), target(), 1000)).toEqual({ result: 'failure', output: 'unable to resolve port' });
  });

  it('exec runs the command through the runtime: exit 0 succeeds, others fail with the output', async () => {
    execCalls.length = 0;
    expect(await runner.run(handler({ exec: { command: ['cat', '/tmp/healthy'] } }), target(), 1500)).toEqual({ result: 'success', output: 'fine' });
    expect(await runner.run(handler({ exec: { command: ['false', 'x'] } }), target(), 1000)).toEqual({ result: 'failure', output: 'command "false x" exited with 1: out no such file' });
    expect(await runner.run(handler({ exec: { command: ['boom'] } }), target(), 1000)).toEqual({ result: 'failure', output: 'command timed out or failed: container not running' });
    expect(execCalls).toEqual(['c1 cat /tmp/healthy 1500', 'c1 false x 1000', 'c1 boom 1000']);
  });

  it('sleep always succeeds', async () => {
    expect(await runner.run({ kind: 'sleep', sleep: { seconds: 1 } }, target(), 1000)).toEqual({ result: 'success', output: '' });
  });
});
