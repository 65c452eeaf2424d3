// The kubelet's prober: one worker per running container and probe kind, on the container's
// own schedule (initialDelaySeconds, then every periodSeconds). A result changes only after
// successThreshold successes or failureThreshold failures in a row. Until a startup probe has
// succeeded, liveness and readiness are not run (readiness stays false, liveness true).
// Running a probe (HTTP, TCP, exec) is behind ProbeRunner so the schedule runs on virtual time.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Clock, TimerHandle } from '../../../lib/controller/clock.js';
import type { ContainerSpec, Handler, ProbeSpec } from './pod-spec.js';
import { resolvePort } from './pod-spec.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
/** 'unknown': not yet decided (a startup probe before its first verdict, as the kubelet's Unknown). */
export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeResult;
  /** What failed, for the Unhealthy event ("HTTP probe failed with statuscode: 500"). */
  output: string;
}

export interface ProbeTarget {
  podIP: string;
  containerId: string;
  container: ContainerSpec;
}

export interface ProbeRunner {
  run(handler: Handler, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome>;
}

export interface ExecFn {
  (containerId: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** Probes over real sockets and the runtime's exec, with the kubelet's failure texts. */
export class NetworkProbeRunner implements ProbeRunner {
  constructor(private readonly exec: ExecFn) {}

  async run(handler: Handler, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    switch (handler.kind) {
      case 'httpGet':
        return this.httpGet(handler.httpGet, target, timeoutMs);
      case 'tcpSocket':
        return this.tcp(handler.tcpSocket.host ?? target.podIP, resolvePort(handler.tcpSocket.port, target.container), timeoutMs);
      case 'exec':
        try {
          const r = await this.exec(target.containerId, handler.exec.command, timeoutMs);
          if (r.exitCode === 0) return { result: 'success', output: r.stdout };
          return { result: 'failure', output: `command ${JSON.stringify(handler.exec.command.join(' '))} exited with ${String(r.exitCode)}: ${(r.stdout + r.stderr).trim()}` };
        } catch (err) {
          return { result: 'failure', output: `command timed out or failed: ${err instanceof Error ? err.message : String(err)}` };
        }
      case 'sleep':
        return { result: 'success', output: '' };
    }
  }

  private httpGet(g: { path: string; port: number | string; host?: string; scheme: string; headers: { name: string; value: string }[] }, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    const port = resolvePort(g.port, target.container);
    if (port === undefined) return Promise.resolve({ result: 'failure', output: `unable to resolve port ${String(g.port)}` });
    const host = g.host ?? target.podIP;
    const lib = g.scheme === 'HTTPS' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of g.headers) headers[h.name] = h.value;
    const url = `${g.scheme.toLowerCase()}://${host}:${String(port)}${g.path.startsWith('/') ? '' : '/'}${g.path}`;
    return new Promise((resolve) => {
      const req = lib.get(url, { headers, timeout: timeoutMs, agent: false, ...(g.scheme === 'HTTPS' ? { rejectUnauthorized: false } : {}) }, (res) => {
        const code = res.statusCode ?? 0;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 10_240) body += d;
        });
        res.on('end', () => {
          if (code >= 200 && code < 400) resolve({ result: 'success', output: body });
          else resolve({ result: 'failure', output: `HTTP probe failed with statuscode: ${String(code)}` });
        });
        res.on('error', (err) => resolve({ result: 'failure', output: `Get "${url}": ${err.message}` }));
      });
      req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')));
      req.on('error', (err) => resolve({ result: 'failure', output: `Get "${url}": ${err.message}` }));
    });
  }

  private tcp(host: string, port: number | undefined, timeoutMs: number): Promise<ProbeOutcome> {
    if (port === undefined) return Promise.resolve({ result: 'failure', output: 'unable to resolve port' });
    return new Promise((resolve) => {
      const s = net.connect({ host, port });
      const done = (o: ProbeOutcome): void => {
        s.destroy();
        clearTimeout(t);
        resolve(o);
      };
      const t = setTimeout(() => done({ result: 'failure', output: `dial tcp ${host}:${String(port)}: i/o timeout` }), timeoutMs);
      s.on('connect', () => done({ result: 'success', output: '' }));
      s.on('error', (err) => done({ result: 'failure', output: `dial tcp ${host}:${String(port)}: ${err.message}` }));
    });
  }
}

interface Worker {
  kind: ProbeKind;
  spec: ProbeSpec;
  target: ProbeTarget;
  podUid: string;
  result: ProbeResult;
  successes: number;
  failures: number;
  timer?: TimerHandle;
  running: boolean;
  stopped: boolean;
  halted: boolean;
}

export interface ProbeEvents {
  /** A result changed: the pod needs a sync. */
  onChange(podUid: string, containerId: string, kind: ProbeKind, result: ProbeResult): void;
  /** A probe attempt failed (the Unhealthy event, emitted for each failure as the kubelet does). */
  onFailure?(podUid: string, container: ContainerSpec, kind: ProbeKind, output: string): void;
}

const INITIAL: Record<ProbeKind, ProbeResult> = { liveness: 'success', readiness: 'failure', startup: 'unknown' };

export class ProbeManager {
  private readonly workers = new Map<string, Worker>();

  constructor(
    private readonly runner: ProbeRunner,
    private readonly clock: Clock,
    private readonly events: ProbeEvents,
  ) {}

  private key(containerId: string, kind: ProbeKind): string {
    return `${containerId}/${kind}`;
  }

  /**
   * Keeps a worker for each probe of each running container of a pod: `running` lists them
   * with their start time; workers for containers not listed stop.
   */
  syncPod(podUid: string, podIP: string, running: { containerId: string; container: ContainerSpec; startedAt: number }[]): void {
    const wanted = new Set<string>();
    for (const r of running) {
      const probes: [ProbeKind, ProbeSpec | undefined][] = [
        ['startup', r.container.startupProbe],
        ['liveness', r.container.livenessProbe],
        ['readiness', r.container.readinessProbe],
      ];
      for (const [kind, spec] of probes) {
        if (!spec) continue;
        const key = this.key(r.containerId, kind);
        wanted.add(key);
        if (this.workers.has(key)) continue;
        const w: Worker = { kind, spec, podUid, target: { podIP, containerId: r.containerId, container: r.container }, result: INITIAL[kind], successes: 0, failures: 0, running: false, stopped: false, halted: false };
        this.workers.set(key, w);
        const firstAt = r.startedAt + spec.initialDelaySeconds * 1000;
        this.schedule(w, Math.max(0, firstAt - this.clock.now()));
      }
    }
    for (const [key, w] of this.workers) {
      if (w.podUid === podUid && !wanted.has(key)) this.stop(key, w);
    }
  }

  removePod(podUid: string): void {
    for (const [key, w] of this.workers) if (w.podUid === podUid) this.stop(key, w);
  }

  stopAll(): void {
    for (const [key, w] of this.workers) this.stop(key, w);
  }

  private stop(key: string, w: Worker): void {
    w.stopped = true;
    w.timer?.cancel();
    this.workers.delete(key);
  }

  /** The current result, or undefined if the container has no such probe. */
  result(containerId: string, kind: ProbeKind): ProbeResult | undefined {
    return this.workers.get(this.key(containerId, kind))?.result;
  }

  private schedule(w: Worker, ms: number): void {
    w.timer = this.clock.setTimeout(() => void this.tick(w), ms);
  }

  private startupPassed(w: Worker): boolean {
    const s = this.workers.get(this.key(w.target.containerId, 'startup'));
    return !s || s.result === 'success';
  }

  private async tick(w: Worker): Promise<void> {
    if (w.stopped || w.halted || w.running) return;
    // Startup gates the others; a startup probe that passed stops probing.
    const gated = w.kind !== 'startup' && !this.startupPassed(w);
    const done = w.kind === 'startup' && w.result === 'success';
    if (!gated && !done) {
      w.running = true;
      let outcome: ProbeOutcome;
      try {
        outcome = await this.runner.run(w.spec.handler, w.target, w.spec.timeoutSeconds * 1000);
      } catch (err) {
        outcome = { result: 'failure', output: err instanceof Error ? err.message : String(err) };
      }
      w.running = false;
      if (w.stopped) return;
      this.record(w, outcome);
    }
    if (!w.stopped && !w.halted && !(w.kind === 'startup' && w.result === 'success')) this.schedule(w, w.spec.periodSeconds * 1000);
  }

  private record(w: Worker, o: ProbeOutcome): void {
    if (o.result === 'success') {
      w.successes++;
      w.failures = 0;
    } else {
      w.failures++;
      w.successes = 0;
      this.events.onFailure?.(w.podUid, w.target.container, w.kind, o.output);
    }
    const threshold = o.result === 'success' ? (w.kind === 'readiness' ? w.spec.successThreshold : 1) : w.spec.failureThreshold;
    const count = o.result === 'success' ? w.successes : w.failures;
    if (o.result !== w.result && count >= threshold) {
      w.result = o.result;
      this.events.onChange(w.podUid, w.target.containerId, w.kind, o.result);
      // A failed liveness or startup probe restarts the container: this worker keeps its
      // failure for the kubelet to act on and probes no more; the new container gets a new one.
      if (o.result === 'failure' && w.kind !== 'readiness') {
        w.halted = true;
        w.timer?.cancel();
      }
    }
  }
}
