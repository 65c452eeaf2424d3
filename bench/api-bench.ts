// API server benchmark: latency of single-object mutations and of lists at a fixed rate and at
// saturation, and the delay of watch events fanned out to many watchers, against a control
// plane of three store members and one API server on loopback. See bench/README.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiCluster, apiMain } from '../test/support/api-cluster.js';
import { API_USAGE, ApiUsageError, parseApiArgs } from './lib/api-args.js';
import type { ApiBenchArgs, ApiPhaseId } from './lib/api-args.js';
import { ApiClient, readAdminTls } from './lib/api-client.js';
import type { ApiTls } from './lib/api-client.js';
import { runFanout } from './lib/api-fanout.js';
import { ListMix } from './lib/api-lists.js';
import { closedLoop, openLoop } from './lib/api-load.js';
import type { LoadHooks, LoadResult } from './lib/api-load.js';
import { MUTATION_OPS, MutationMix } from './lib/api-mutations.js';
import type { OpOutcome } from './lib/api-mutations.js';
import { namespaceBody } from './lib/api-objects.js';
import { childPidWithArg, machineInfo } from './lib/api-procs.js';
import { TARGETS, apiCpu, formatTable, opRows, tableRows, targetCheck } from './lib/api-report.js';
import type { ApiPhaseResult, FanoutSummary } from './lib/api-report.js';
import type { WatchPool } from './lib/api-watch-pool.js';
import { cpuWindow, snapshot, waitQuiet } from './lib/cpu.js';
import type { CpuSnapshot } from './lib/cpu.js';
import { summarize } from './lib/stats.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.join(repoRoot, 'bench', 'results');

const NS = { mutate: 'bench-mutations', list: 'bench-lists', watch: 'bench-watch' } as const;

function log(msg: string): void {
  process.stderr.write(`[api-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Cleanup on every exit path, SIGINT included
// ---------------------------------------------------------------------------------------------

let starting: Promise<ApiCluster> | undefined;
let activeCluster: ApiCluster | undefined;
let activeClient: ApiClient | undefined;
let activePool: WatchPool | undefined;
let interrupted = false;

async function cleanup(): Promise<void> {
  const pool = activePool;
  activePool = undefined;
  activeClient?.close();
  activeClient = undefined;
  await Promise.allSettled([pool?.close()]);
  // A cluster still starting is destroyed as soon as it is up (ApiCluster.start bounds that).
  const c = activeCluster ?? (starting ? await starting.catch(() => undefined) : undefined);
  activeCluster = undefined;
  starting = undefined;
  await c?.destroy();
}

/** cleanup(), once: the signal handler and main() may both wait for it. */
let cleaning: Promise<void> | undefined;
function shutdown(): Promise<void> {
  cleaning ??= cleanup();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping the watches and destroying the cluster`);
    void shutdown().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

interface Ctx {
  args: ApiBenchArgs;
  cluster: ApiCluster;
  client: ApiClient;
  tls: ApiTls;
  /** [API server, store members...]; undefined where a pid is unknown. */
  pids: (number | undefined)[];
  lists?: ListMix;
}

function phaseTitle(id: ApiPhaseId, a: ApiBenchArgs): string {
  switch (id) {
    case 'mutate-rate':
      return `mutations at ${a.rateHz}/s (open loop)`;
    case 'list-rate':
      return `lists at ${a.rateHz}/s (open loop)`;
    case 'mutate-sat':
      return `mutations, ${a.concurrency} callers (saturation)`;
    case 'list-sat':
      return `lists, ${a.concurrency} callers (saturation)`;
    case 'watch-fanout':
      return `watch fan-out to ${a.watchers} watchers (delay)`;
  }
}

function assertAlive(c: ApiCluster, during: string): void {
  if (!c.isRunning(0)) throw new Error(`the API server exited during ${during}:\n${c.logTail(0)}`);
  const dead = c.store.members.map((m, i) => (c.store.isRunning(i) ? undefined : m.name)).filter((n) => n !== undefined);
  if (dead.length > 0) throw new Error(`store member(s) ${dead.join(', ')} exited during ${during}`);
}

async function quiet(ctx: Ctx, what: string): Promise<number | null> {
  const { args } = ctx;
  if (args.waitIdleS <= 0) return null;
  const other = await waitQuiet(ctx.pids, args.waitIdleS, args.idleThresholdCores, (o) =>
    log(`other work on the machine uses ${o.toFixed(2)} cores; waiting up to ${args.waitIdleS} s before ${what}`),
  );
  return other === null ? null : Math.round(other * 100) / 100;
}

async function ensureNamespace(client: ApiClient, name: string): Promise<void> {
  await client.json('POST', '/api/v1/namespaces', [201, 409], namespaceBody(name));
}

/** Runs one load phase (open or closed loop) and turns its tallies into a result. */
async function loadPhase(
  ctx: Ctx,
  id: ApiPhaseId,
  op: () => Promise<OpOutcome>,
  group: (label: string) => string,
  groupOrder: readonly string[] = [],
): Promise<ApiPhaseResult> {
  const { args } = ctx;
  const title = phaseTitle(id, args);
  const otherCoresBefore = await quiet(ctx, title);
  const open = id === 'mutate-rate' || id === 'list-rate';
  log(`${title}: ${args.warmupS} s warm-up + ${args.durationS} s`);
  let atWarm: CpuSnapshot | undefined;
  let atEnd: CpuSnapshot | undefined;
  const hooks: LoadHooks = { atWarmEnd: () => (atWarm = snapshot(ctx.pids)), atEnd: () => (atEnd = snapshot(ctx.pids)) };
  const window = { warmupMs: args.warmupS * 1000, measureMs: args.durationS * 1000 };
  const r: LoadResult = open ? await openLoop(args.rateHz, window, op, hooks) : await closedLoop(args.concurrency, window, op, hooks);
  assertAlive(ctx.cluster, title);
  const rows = opRows(r.samples, r.ok, r.errors, r.measuredSeconds, group, groupOrder);
  const ok = [...r.ok.values()].reduce((a, b) => a + b, 0);
  const errors = [...r.errors.values()].reduce((a, b) => a + b, 0);
  const latency = summarize([...r.samples.values()].map((s) => s.toArray()));
  const result: ApiPhaseResult = {
    id,
    title,
    mode: open ? 'open-loop' : 'closed-loop',
    rateHz: open ? args.rateHz : null,
    concurrency: open ? null : args.concurrency,
    warmupSeconds: args.warmupS,
    measuredSeconds: r.measuredSeconds,
    ok,
    opsPerSec: ok / r.measuredSeconds,
    errors,
    errorsOutsideWindow: r.errorsOutsideWindow,
    errorKinds: r.errorKinds,
    okOutsideWindow: r.okOutsideWindow,
    latency,
    byLabel: rows.byLabel,
    byGroup: rows.byGroup,
    sendLagP99Ms: r.sendLagP99Ms,
    sendLagMaxMs: r.sendLagMaxMs,
    clientElu: Math.round(r.clientElu * 1000) / 1000,
    workerElu: [],
    cpu: atWarm && atEnd ? apiCpu(cpuWindow(atWarm, atEnd)) : null,
    otherCoresBefore,
    target: id === 'mutate-rate' ? targetCheck(`mutation p99 at ${args.rateHz}/s`, TARGETS.mutationP99Ms, latency.p99Ms, errors === 0) : null,
    fanout: null,
  };
  const cpu = result.cpu;
  log(
    `${title}: ${result.opsPerSec.toFixed(1)} ops/s, p50 ${latency.p50Ms.toFixed(2)} ms, p99 ${latency.p99Ms.toFixed(2)} ms, ` +
      `errors ${errors}${r.errorsOutsideWindow ? ` (+${r.errorsOutsideWindow} outside the window)` : ''}, client ELU ${result.clientElu}` +
      (r.sendLagMaxMs !== null ? `, send lag max ${r.sendLagMaxMs.toFixed(1)} ms` : '') +
      (cpu
        ? `, CPU: API server ${cpu.apiServerCores?.toFixed(2) ?? '?'}, store ${cpu.storeCores.toFixed(2)}, client ${cpu.clientCores.toFixed(2)}, ` +
          `other ${cpu.otherCores?.toFixed(2) ?? '?'} cores`
        : ''),
  );
  if (Object.keys(r.errorKinds).length > 0) log(`${title}: errors ${JSON.stringify(r.errorKinds)}`);
  return result;
}

async function mutationPhase(ctx: Ctx, id: 'mutate-rate' | 'mutate-sat'): Promise<ApiPhaseResult> {
  // Enough idle objects that a caller rarely finds every object of a kind busy.
  const perKind = id === 'mutate-sat' ? ctx.args.concurrency + 16 : 25;
  const mix = new MutationMix(ctx.client, NS.mutate, ['ConfigMap', 'Deployment'], id === 'mutate-sat' ? 'sat' : 'rate');
  log(`${phaseTitle(id, ctx.args)}: creating ${perKind} ConfigMaps and ${perKind} Deployments in ${NS.mutate}`);
  await mix.seed(perKind);
  return loadPhase(ctx, id, () => mix.next(), (label) => label.split(' ')[0] ?? label, MUTATION_OPS);
}

async function listPhase(ctx: Ctx, id: 'list-rate' | 'list-sat'): Promise<ApiPhaseResult> {
  if (!ctx.lists) {
    const lists = new ListMix(ctx.client, NS.list, ctx.args.listObjects);
    log(`creating ${lists.objects} ConfigMaps in ${NS.list} for the list phases`);
    const t0 = Date.now();
    await lists.seed();
    log(`created them in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    ctx.lists = lists;
  }
  const lists = ctx.lists;
  return loadPhase(ctx, id, () => lists.next(), (label) => label);
}

async function fanoutPhase(ctx: Ctx): Promise<ApiPhaseResult> {
  const { args } = ctx;
  const title = phaseTitle('watch-fanout', args);
  const otherCoresBefore = await quiet(ctx, title);
  let atStart: CpuSnapshot | undefined;
  let atEnd: CpuSnapshot | undefined;
  let openStart: CpuSnapshot | undefined;
  let openEnd: CpuSnapshot | undefined;
  const run = await runFanout({
    client: ctx.client,
    baseUrl: ctx.cluster.url(0),
    tls: ctx.tls,
    namespace: NS.watch,
    watchers: args.watchers,
    workers: args.watchWorkers,
    rateHz: args.watchRateHz,
    durationS: args.durationS,
    drainS: args.drainS,
    timeoutMs: args.requestTimeoutMs,
    onPool: (p) => (activePool = p),
    beforeOpen: () => (openStart = snapshot(ctx.pids)),
    afterOpen: () => (openEnd = snapshot(ctx.pids)),
    atStart: () => (atStart = snapshot(ctx.pids)),
    atEnd: () => (atEnd = snapshot(ctx.pids)),
    log,
  });
  assertAlive(ctx.cluster, title);
  const c = run.collected;
  const sum = (f: (r: (typeof c)[number]) => number): number => c.reduce((a, r) => a + f(r), 0);
  const opened = run.open.reduce((a, r) => a + r.opened, 0);
  const openErrorKinds: Record<string, number> = {};
  for (const r of run.open) for (const [k, v] of Object.entries(r.errorKinds)) openErrorKinds[k] = (openErrorKinds[k] ?? 0) + v;
  const delayFromSend = summarize(c.map((r) => r.delaysFromSend));
  const received = delayFromSend.count;
  const fanout: FanoutSummary = {
    watchersRequested: run.watchersRequested,
    watchersOpened: opened,
    openFailures: run.open.reduce((a, r) => a + r.failed, 0),
    openErrorKinds,
    openSeconds: run.openSeconds,
    changes: run.changes,
    writeSeconds: run.writeSeconds,
    changesPerSec: run.writeSeconds > 0 ? run.changes / run.writeSeconds : 0,
    writeErrors: run.writeErrors,
    writeErrorKinds: run.writeErrorKinds,
    writeLatency: summarize([run.writeSamples]),
    writeLagMaxMs: run.writeLagMaxMs,
    expectedPairs: opened * run.changes,
    receivedPairs: received,
    missing: sum((r) => r.missing),
    duplicates: sum((r) => r.duplicates),
    unexpected: sum((r) => r.unexpected),
    errorEvents: sum((r) => r.errorEvents),
    badLines: sum((r) => r.badLines),
    watchersMissingEvents: sum((r) => r.watchersMissingEvents),
    streamsClosedEarly: sum((r) => r.closedEarly),
    drained: run.drained,
    drainSeconds: run.drainSeconds,
    delayFromSend,
    delayFromResponse: summarize(c.map((r) => r.delaysFromResponse)),
    openCpu: openStart && openEnd ? apiCpu(cpuWindow(openStart, openEnd)) : null,
  };
  const errors = fanout.openFailures + fanout.writeErrors + fanout.missing + fanout.duplicates + fanout.unexpected + fanout.errorEvents + fanout.badLines;
  const errorKinds: Record<string, number> = { ...openErrorKinds, ...run.writeErrorKinds };
  for (const [k, v] of [
    ['missing events', fanout.missing],
    ['duplicate events', fanout.duplicates],
    ['unexpected events', fanout.unexpected],
    ['ERROR events', fanout.errorEvents],
    ['unparsable lines', fanout.badLines],
  ] as const) {
    if (v > 0) errorKinds[k] = v;
  }
  const result: ApiPhaseResult = {
    id: 'watch-fanout',
    title,
    mode: 'fan-out',
    rateHz: args.watchRateHz,
    concurrency: null,
    warmupSeconds: 0,
    measuredSeconds: run.writeSeconds,
    ok: received,
    opsPerSec: run.writeSeconds > 0 ? received / run.writeSeconds : 0,
    errors,
    errorsOutsideWindow: 0,
    errorKinds,
    okOutsideWindow: 0,
    latency: delayFromSend,
    byLabel: [],
    byGroup: [],
    sendLagP99Ms: null,
    sendLagMaxMs: run.writeLagMaxMs,
    clientElu: 0,
    workerElu: c.map((r) => Math.round(r.elu * 1000) / 1000),
    cpu: atStart && atEnd ? apiCpu(cpuWindow(atStart, atEnd)) : null,
    otherCoresBefore,
    target: targetCheck(`fan-out p99 to ${opened} watchers`, TARGETS.fanoutP99Ms, delayFromSend.p99Ms, errors === 0 && opened === args.watchers),
    fanout,
  };
  log(
    `${title}: ${run.changes} changes to ${opened} watchers, ${received}/${fanout.expectedPairs} deliveries, ` +
      `delay from the write's send p50 ${delayFromSend.p50Ms.toFixed(2)} ms, p99 ${delayFromSend.p99Ms.toFixed(2)} ms, max ${delayFromSend.maxMs.toFixed(2)} ms ` +
      `(from its response p99 ${fanout.delayFromResponse.p99Ms.toFixed(2)} ms); ` +
      `missing ${fanout.missing}, duplicates ${fanout.duplicates}, unexpected ${fanout.unexpected}, closed early ${fanout.streamsClosedEarly}, ` +
      `watch worker ELU ${result.workerElu.join('/')}; opening took ${run.openSeconds.toFixed(1)} s` +
      (fanout.openCpu ? ` (CPU: API server ${fanout.openCpu.apiServerCores?.toFixed(2) ?? '?'}, client ${fanout.openCpu.clientCores.toFixed(2)}, other ${fanout.openCpu.otherCores?.toFixed(2) ?? '?'} cores)` : ''),
  );
  if (Object.keys(errorKinds).length > 0) log(`${title}: errors ${JSON.stringify(errorKinds)}`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let args: ApiBenchArgs | 'help';
  try {
    args = parseApiArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ApiUsageError) {
      process.stderr.write(`api-bench: ${err.message}\n${API_USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args === 'help') {
    process.stdout.write(API_USAGE);
    return 0;
  }
  if (!existsSync(apiMain)) throw new Error(`${apiMain} is missing: run "npm run build" first`);

  const date = new Date();
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  mkdirSync(resultsDir, { recursive: true });
  const machine = machineInfo(repoRoot);
  log(`machine: ${machine.cpus} CPUs (${machine.cpuModel ?? '?'}), node ${machine.nodeVersion}`);

  log('starting 3 store members and the API server');
  starting = ApiCluster.start();
  const cluster = await starting;
  if (interrupted) {
    await shutdown();
    return 130;
  }
  starting = undefined;
  activeCluster = cluster;
  const phases: ApiPhaseResult[] = [];
  try {
    const tls = readAdminTls(cluster.certDir);
    const apiPid = childPidWithArg('--secure-port', String(cluster.ports[0] ?? 0));
    const pids = [apiPid, ...cluster.store.members.map((_m, i) => cluster.store.pid(i))];
    if (apiPid === undefined) log('warning: could not find the API server process; its CPU is not reported');
    // Enough keep-alive connections for the closed-loop callers and the open loop's bursts.
    const client = new ApiClient(cluster.url(0), tls, { maxSockets: Math.max(64, args.concurrency), timeoutMs: args.requestTimeoutMs });
    activeClient = client;
    log(`ready: ${cluster.url(0)}, API server pid ${apiPid ?? '?'}, store pids ${pids.slice(1).join(',')}`);
    for (const ns of Object.values(NS)) await ensureNamespace(client, ns);
    const ctx: Ctx = { args, cluster, client, tls, pids };
    for (const id of args.phases) {
      if (interrupted) break;
      if (id === 'mutate-rate' || id === 'mutate-sat') phases.push(await mutationPhase(ctx, id));
      else if (id === 'list-rate' || id === 'list-sat') phases.push(await listPhase(ctx, id));
      else phases.push(await fanoutPhase(ctx));
    }
  } catch (err) {
    if (interrupted) {
      await shutdown();
      return 130;
    }
    throw err;
  } finally {
    if (!interrupted) {
      activeClient?.close();
      activeClient = undefined;
      activeCluster = undefined;
      await cluster.destroy();
      log('cluster destroyed');
    }
  }
  if (interrupted) {
    await shutdown();
    return 130;
  }

  const rows = tableRows(phases);
  const table = formatTable(rows);
  const targets = phases.map((p) => p.target).filter((t) => t !== null);
  const config = {
    date: date.toISOString(),
    durationSeconds: args.durationS,
    warmupSeconds: args.warmupS,
    quick: args.quick,
    phases: args.phases,
    rateHz: args.rateHz,
    concurrency: args.concurrency,
    watchers: args.watchers,
    watchRateHz: args.watchRateHz,
    watchWorkers: args.watchWorkers,
    listObjects: args.listObjects,
    requestTimeoutMs: args.requestTimeoutMs,
    drainSeconds: args.drainS,
    waitIdleSeconds: args.waitIdleS,
    idleThresholdCores: args.idleThresholdCores,
    apiServers: 1,
    storeMembers: 3,
    namespaces: NS,
    targets: TARGETS,
  };
  const out = { machine, config, targets, table: rows, phases };
  process.stdout.write(
    `\napi bench, ${args.durationS} s per phase (${args.warmupS} s warm-up before the load phases), ${machine.cpus} CPUs, node ${machine.nodeVersion}\n` +
      `(latencies in ms: open-loop phases from each request's scheduled start, closed-loop phases from its send, fan-out from the write's\n` +
      ` send to the watcher's receipt; CPU in cores busy during the measured window: API server, the 3 store members, this process)\n\n`,
  );
  process.stdout.write(`${table}\n`);
  for (const t of targets) {
    process.stdout.write(`\ntarget ${t.what}: p99 ${t.p99Ms.toFixed(2)} ms <= ${t.limitMs} ms: ${t.p99Met ? 'yes' : 'NO'}${t.complete ? '' : ' (but with errors or missing events)'}`);
  }
  process.stdout.write('\n');
  const busyClient = phases.filter((p) => p.clientElu > 0.9 || p.workerElu.some((e) => e > 0.9));
  if (busyClient.length) {
    process.stdout.write(`\nwarning: the bench's own event loop was over 90% busy in: ${busyClient.map((p) => p.title).join('; ')}; latencies include client queueing\n`);
  }
  const noisy = phases.filter((p) => (p.cpu?.otherCores ?? 0) > args.idleThresholdCores);
  if (noisy.length) {
    process.stdout.write(`\nwarning: other work on the machine competed for CPU during: ${noisy.map((p) => `${p.title} (${(p.cpu?.otherCores ?? 0).toFixed(2)} cores)`).join('; ')}\n`);
  }
  const totalErrors = phases.reduce((a, p) => a + p.errors + p.errorsOutsideWindow, 0);
  if (totalErrors > 0) process.stdout.write(`\nwarning: ${totalErrors} errors; see "errorKinds" in the JSON\n`);

  const json = `${JSON.stringify(out, null, 2)}\n`;
  const file = path.join(resultsDir, `api-${stamp}.json`);
  writeFileSync(file, json);
  writeFileSync(path.join(resultsDir, 'api-latest.json'), json);
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), file)} (and api-latest.json)\n`);
  return totalErrors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void shutdown().finally(() => process.exit(1));
  },
);
