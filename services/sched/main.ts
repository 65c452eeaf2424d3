// bin/sched: wires flags, API clients, shared informers, leader election, the health server
// and signals around the scheduler and the controllers.
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { InformerFactory } from '../../lib/controller/informer.js';
import type { Logger } from '../../lib/controller/informer.js';
import { LeaderElector } from '../../lib/controller/leader-election.js';
import { realClock } from '../../lib/controller/clock.js';
import { logLine as log, runMain } from '../../lib/process/main-entry.js';
import { ConfigError, HELP, parseSchedArgs } from './config.js';
import type { SchedConfig } from './config.js';
import { ControllerManager } from './controller-manager.js';
import type { Role } from './role.js';
import { SchedulerRole } from './scheduler-role.js';


const info: Logger = (msg, fields) => log('info', msg, fields);

async function client(kubeconfig: string | undefined, userAgent: string): Promise<KubeClient> {
  return KubeClient.fromKubeconfig({ explicitPath: kubeconfig, envValue: process.env.KUBECONFIG, homeDir: os.homedir(), userAgent });
}

function listen(server: http.Server, address: string): Promise<string> {
  const i = address.lastIndexOf(':');
  const host = i < 0 ? '0.0.0.0' : address.slice(0, i) || '0.0.0.0';
  const port = Number(i < 0 ? address : address.slice(i + 1));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? `${host}:${a.port}` : address);
    });
  });
}

async function run(cfg: SchedConfig): Promise<void> {
  const identity = `${os.hostname()}_${randomUUID()}`;
  const controllersClient = await client(cfg.kubeconfig, 'sched/controllers');
  const schedulerClient = cfg.schedulerKubeconfig === cfg.kubeconfig ? controllersClient : await client(cfg.schedulerKubeconfig, 'sched/scheduler');
  const informers = new InformerFactory(cfg.roles.controllers ? controllersClient : schedulerClient, { clock: realClock, log: info });

  const roles: Role[] = [];
  if (cfg.roles.scheduler) roles.push(new SchedulerRole(schedulerClient, informers, { identity, log: info }));
  if (cfg.roles.controllers) roles.push(new ControllerManager(controllersClient, informers, cfg, { identity, log: info }));

  const shutdown = new AbortController();
  // Every informer, elector and controller listens on it.
  setMaxListeners(0, shutdown.signal);
  const informersDone = informers.start(shutdown.signal);
  const running: Array<Promise<void>> = [];
  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { why });
    shutdown.abort();
    server.close();
    server.closeAllConnections();
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    void Promise.allSettled([...running, informersDone]).then(() => {
      controllersClient.close();
      schedulerClient.close();
      log('info', 'stopped');
      setTimeout(() => process.exit(0), 20).unref();
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const synced = informers.waitForSync(shutdown.signal);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Role name → its elector; undefined when leader election is off (the role always acts).
  const leaders = new Map<string, LeaderElector | undefined>();
  const leads = (e: LeaderElector | undefined): boolean => e === undefined || e.isLeader();
  new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
    labelNames: ['name'],
    registers: [registry],
    collect() {
      for (const [name, e] of leaders) this.set({ name }, leads(e) ? 1 : 0);
    },
  });
  const schedulerRole = roles.find((r): r is SchedulerRole => r instanceof SchedulerRole);
  if (schedulerRole) registerSchedulerMetrics(registry, schedulerRole);
  let ready = false;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/healthz' || url === '/livez') {
      res.end('ok');
    } else if (url === '/readyz') {
      res.statusCode = ready ? 200 : 503;
      res.end(ready ? 'ok' : 'informers not synced');
    } else if (url === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.setHeader('Content-Type', registry.contentType);
          res.end(text);
        },
        (err: unknown) => {
          res.statusCode = 500;
          res.end(String(err));
        },
      );
    } else if (url === '/leaders') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ identity, leading: [...leaders].filter(([, e]) => leads(e)).map(([n]) => n) }));
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  if (cfg.healthzBindAddress !== '') {
    const address = await listen(server, cfg.healthzBindAddress);
    log('info', 'serving health and metrics', { address });
  }

  await synced;
  if (shutdown.signal.aborted) return;
  ready = true;
  log('info', 'caches synced', { roles: roles.map((r) => r.name), identity });

  running.push(...roles.map(async (role) => {
    if (!cfg.leaderElect) {
      leaders.set(role.name, undefined);
      await role.run(shutdown.signal);
      return;
    }
    const elector = new LeaderElector({
      client: role.client,
      name: role.leaseName,
      namespace: cfg.leaseNamespace,
      identity,
      leaseDurationMs: cfg.leaseDurationMs,
      renewDeadlineMs: cfg.renewDeadlineMs,
      retryPeriodMs: cfg.retryPeriodMs,
      log: info,
    });
    leaders.set(role.name, elector);
    let acting: Promise<void> = Promise.resolve();
    await elector.run(shutdown.signal, {
      onStartedLeading: (signal) => {
        acting = role.run(signal).catch((err: unknown) => log('error', 'role failed', { role: role.name, error: String(err) }));
      },
      onStoppedLeading: () => {
        if (shutdown.signal.aborted) return;
        // As kube-scheduler and kube-controller-manager do: a copy that lost its lease exits
        // and its supervisor restarts it as a candidate, so no half-stopped state lingers.
        log('error', 'leaderelection lost', { role: role.name, lease: role.leaseName });
        process.exit(1);
      },
      onNewLeader: (holder) => log('info', 'new leader elected', { role: role.name, leader: holder }),
    });
    await acting;
  }));

  await Promise.all(running);
}

/** scheduler_* metrics; latencies as quantiles over the most recent attempts. */
function registerSchedulerMetrics(registry: Registry, role: SchedulerRole): void {
  const m = role.scheduler.metrics;
  new Gauge({
    name: 'scheduler_schedule_attempts_total',
    help: 'Number of attempts to schedule pods, by the result.',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.set({ result: 'scheduled' }, m.scheduled);
      this.set({ result: 'unschedulable' }, m.unschedulable);
      this.set({ result: 'error' }, m.errors);
    },
  });
  const quantiles = (name: string, help: string, samples: typeof m.attemptDurationsMs): void => {
    new Gauge({
      name,
      help,
      labelNames: ['quantile'],
      registers: [registry],
      collect() {
        if (samples.count === 0) return;
        for (const q of [0.5, 0.9, 0.99]) this.set({ quantile: String(q) }, samples.percentile(q * 100) / 1000);
      },
    });
  };
  quantiles('scheduler_scheduling_attempt_duration_seconds', 'Scheduling attempt latency in seconds (pop to binding issued).', m.attemptDurationsMs);
  quantiles('scheduler_pod_scheduling_sli_duration_seconds', 'Latency from a pod entering the queue to its binding, in seconds.', m.e2eDurationsMs);
}

runMain({ name: 'sched', help: HELP, parse: (argv) => parseSchedArgs(argv), isUsageError: (err): err is ConfigError => err instanceof ConfigError, run });
