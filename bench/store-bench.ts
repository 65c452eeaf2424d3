// Store benchmark: our etcd-compatible store vs real etcd 3.4, three members each on loopback,
// one system after the other, same flags, same disk, same load generator. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ETCD_BINARY, sleep } from '../test/support/store-cluster.js';
import { parseArgs, USAGE, UsageError } from './lib/args.js';
import { leaderIndex as findLeader, startCluster as launch } from './lib/bench-cluster.js';
import type { BenchCluster } from './lib/bench-cluster.js';
import type { BenchArgs, PhaseId, SystemId } from './lib/args.js';
import { cpuWindow, snapshot, waitQuiet } from './lib/cpu.js';
import type { CpuSnapshot } from './lib/cpu.js';
import { formatProfile, summarizeProfile } from './lib/cpuprofile.js';
import type { ProfileSummary } from './lib/cpuprofile.js';
import type { ChannelSpec, KeySpec, OpKind } from './lib/load-protocol.js';
import { LoadPool } from './lib/load-pool.js';
import { formatTable, tableRows } from './lib/report.js';
import type { PhaseResult, SystemResult } from './lib/report.js';
import { summarize } from './lib/stats.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.join(repoRoot, 'bench', 'results');

interface PhaseDef {
  id: PhaseId;
  title: string;
  op: OpKind;
  multi: boolean;
}

function phaseDefs(args: BenchArgs): PhaseDef[] {
  const n = args.clients;
  const all: PhaseDef[] = [
    { id: 'put-1', title: 'put, 1 client (leader)', op: 'put', multi: false },
    { id: 'put-100', title: `put, ${n} clients`, op: 'put', multi: true },
    { id: 'range-lin-100', title: `range linearizable, ${n} clients`, op: 'get-linearizable', multi: true },
    { id: 'range-ser-100', title: `range serializable, ${n} clients`, op: 'get-serializable', multi: true },
  ];
  return all.filter((p) => args.phases.includes(p.id));
}

/** `channels` connections, channel j to member j % members, callers spread evenly over them. */
function spread(args: BenchArgs, members: number): { specs: ChannelSpec[]; targets: number[] } {
  const specs: ChannelSpec[] = [];
  const targets: number[] = [];
  for (let j = 0; j < args.channels; j++) {
    const callers = Math.floor(args.clients / args.channels) + (j < args.clients % args.channels ? 1 : 0);
    targets.push(j % members);
    // The endpoint is filled in per cluster (see resolve() in runSystem).
    specs.push({ endpoint: String(j % members), callers });
  }
  return { specs, targets };
}

function log(msg: string): void {
  process.stderr.write(`[store-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function versionOf(cmd: string, args: string[], re: RegExp): string | null {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return re.exec(out)?.[1] ?? out.trim().split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup on every exit path, SIGINT included
// ---------------------------------------------------------------------------------------------

let activeCluster: BenchCluster | undefined;
let activePool: LoadPool | undefined;
let interrupted = false;

async function cleanup(): Promise<void> {
  const c = activeCluster;
  activeCluster = undefined;
  const p = activePool;
  activePool = undefined;
  await Promise.allSettled([c?.destroy(), p?.close()]);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping the cluster and the load workers`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// One system
// ---------------------------------------------------------------------------------------------

async function startCluster(system: SystemId, args: BenchArgs, profileDir: string | undefined): Promise<BenchCluster> {
  const track = (c: BenchCluster): void => {
    activeCluster = c;
  };
  const started = async (impl: 'store' | 'etcd'): Promise<BenchCluster> => {
    const { cluster, usedFallback } = await launch(impl, track);
    if (usedFallback) log(`${system}: dist/test/support/store-cluster.js cannot find dist/services/store/main.js; started the members with bench/lib/bench-cluster.ts (same flags)`);
    return cluster;
  };
  if (system === 'etcd') return started('etcd');
  // Our members inherit this process's environment: NODE_OPTIONS reaches them only while they
  // start (etcdctl and etcd ignore it; worker threads do not read it).
  const saved = { opts: process.env['NODE_OPTIONS'], dir: process.env['STORE_BENCH_PROFILE_DIR'] };
  const extra: string[] = [];
  if (saved.opts) extra.push(saved.opts);
  if (process.env['STORE_BENCH_NODE_OPTIONS']) extra.push(process.env['STORE_BENCH_NODE_OPTIONS']);
  if (args.profile && profileDir) {
    extra.push(`--import=${path.join(repoRoot, 'dist', 'bench', 'lib', 'cpu-profile-preload.js')}`);
    process.env['STORE_BENCH_PROFILE_DIR'] = profileDir;
  }
  if (extra.length) process.env['NODE_OPTIONS'] = extra.join(' ');
  try {
    return await started('store');
  } finally {
    if (saved.opts === undefined) delete process.env['NODE_OPTIONS'];
    else process.env['NODE_OPTIONS'] = saved.opts;
    if (saved.dir === undefined) delete process.env['STORE_BENCH_PROFILE_DIR'];
    else process.env['STORE_BENCH_PROFILE_DIR'] = saved.dir;
  }
}

async function runSystem(
  system: SystemId,
  args: BenchArgs,
  pool: LoadPool,
  profileDir: string | undefined,
): Promise<{ result: SystemResult; profiles: ProfileSummary[] }> {
  log(`${system}: starting 3 members`);
  const cluster = await startCluster(system, args, profileDir);
  activeCluster = cluster;
  const profiles: ProfileSummary[] = [];
  try {
    const leaderIndex = (await findLeader(cluster)) ?? null;
    log(`${system}: ready, leader is member ${leaderIndex ?? '?'} (endpoints ${cluster.endpoints()})`);
    const endpoints = cluster.members.map((_m, i) => cluster.endpoint(i));
    const pids = cluster.members.map((_m, i) => cluster.pid(i));
    const keys: KeySpec = { space: args.keySpace, valueBytes: args.valueBytes };
    const { specs: spreadSpecs, targets: spreadTargets } = spread(args, endpoints.length);
    const resolve = (specs: ChannelSpec[]): ChannelSpec[] =>
      specs.map((s) => ({ ...s, endpoint: endpoints[Number(s.endpoint)] ?? s.endpoint }));
    const result: SystemResult = { system, leaderIndex, populate: null, phases: [] };

    const quiet = async (what: string): Promise<number | null> =>
      args.waitIdleS > 0
        ? waitQuiet(pids, args.waitIdleS, args.idleThresholdCores, (other) =>
            log(`${system}: other work on the machine uses ${other.toFixed(2)} cores; waiting up to ${args.waitIdleS} s before ${what}`),
          )
        : null;
    for (const def of phaseDefs(args)) {
      if (interrupted) break;
      if (def.op !== 'put' && result.populate === null) {
        await quiet('populating');
        log(`${system}: writing ${args.populateKeys} keys for the range phases`);
        const t0 = process.hrtime.bigint();
        const pop = await pool.run(
          { kind: 'populate', channels: resolve(spreadSpecs), keys, from: 0, to: args.populateKeys, requestTimeoutMs: args.requestTimeoutMs },
          { warmupMs: 0, measureMs: 0 },
        );
        const errors = pop.perWorker.reduce((s, w) => s + w.errors, 0);
        const written = pop.perWorker.reduce((s, w) => s + w.okInWindow, 0);
        result.populate = { keys: written, seconds: Number(process.hrtime.bigint() - t0) / 1e9, errors };
        if (errors > 0 || written !== args.populateKeys) {
          const kinds = pop.perWorker.map((w) => JSON.stringify(w.errorKinds)).join(' ');
          throw new Error(`${system}: populate wrote ${written}/${args.populateKeys} keys, ${errors} errors: ${kinds}`);
        }
      }
      const leaderTarget = leaderIndex ?? 0;
      const channelSpecs = def.multi ? resolve(spreadSpecs) : [{ endpoint: endpoints[leaderTarget] ?? '', callers: 1 }];
      const targets = def.multi ? spreadTargets : [leaderTarget];
      const otherCoresBefore = await quiet(def.title);
      log(`${system}: ${def.title}: ${args.warmupS} s warm-up + ${args.durationS} s`);
      let atWarm: CpuSnapshot | undefined;
      let atEnd: CpuSnapshot | undefined;
      const merged = await pool.run(
        { kind: 'timed', op: def.op, channels: channelSpecs, keys, populated: args.populateKeys, requestTimeoutMs: args.requestTimeoutMs },
        { warmupMs: args.warmupS * 1000, measureMs: args.durationS * 1000 },
        { atWarmEnd: () => (atWarm = snapshot(pids)), atEnd: () => (atEnd = snapshot(pids)) },
      );
      const w = merged.perWorker;
      const ok = w.reduce((s, r) => s + r.okInWindow, 0);
      const errorKinds: Record<string, number> = {};
      for (const r of w) for (const [k, v] of Object.entries(r.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
      const phase: PhaseResult = {
        id: def.id,
        title: def.title,
        op: def.op,
        clients: channelSpecs.reduce((s, c) => s + c.callers, 0),
        channels: channelSpecs.length,
        channelTargets: targets,
        measuredSeconds: args.durationS,
        warmupSeconds: args.warmupS,
        okInWindow: ok,
        okOutsideWindow: w.reduce((s, r) => s + r.okOutsideWindow, 0),
        opsPerSec: ok / args.durationS,
        latency: summarize(w.map((r) => r.samples)),
        errors: w.reduce((s, r) => s + r.errors, 0),
        errorsInWindow: w.reduce((s, r) => s + r.errorsInWindow, 0),
        errorKinds,
        cpu: atWarm && atEnd ? cpuWindow(atWarm, atEnd) : null,
        workerElu: merged.workerElu.map((e) => Math.round(e * 1000) / 1000),
        otherCoresBefore: otherCoresBefore === null ? null : Math.round(otherCoresBefore * 100) / 100,
      };
      result.phases.push(phase);
      const cpu = phase.cpu;
      log(
        `${system}: ${def.title}: ${phase.opsPerSec.toFixed(0)} ops/s, p50 ${phase.latency.p50Ms.toFixed(2)} ms, ` +
          `p99 ${phase.latency.p99Ms.toFixed(2)} ms, errors ${phase.errors}` +
          (cpu
            ? `, client CPU ${cpu.clientCores.toFixed(2)} cores (user ${cpu.clientUserSeconds.toFixed(1)} s, sys ${cpu.clientSystemSeconds.toFixed(1)} s), ` +
              `worker ELU ${phase.workerElu.join('/')}, members CPU ${cpu.memberCores.map((c) => (c === null ? '?' : c.toFixed(2))).join('+')} cores, ` +
              `other work on the machine ${cpu.otherCores === null ? '?' : cpu.otherCores.toFixed(2)} cores`
            : ''),
      );
      if (phase.errors > 0) log(`${system}: ${def.title}: errors ${JSON.stringify(errorKinds)}`);
    }

    if (profileDir && system === 'ours') {
      // SIGTERM: the member shuts down through process.exit, and the preload writes its profile.
      log(`${system}: stopping members with SIGTERM to collect CPU profiles`);
      for (let i = 0; i < cluster.members.length; i++) {
        const member = cluster.members[i] ?? { name: `m${i + 1}` };
        const pid = cluster.pid(i);
        await cluster.kill(i, 'SIGTERM');
        const file = path.join(profileDir, `${member.name}-${pid ?? 0}.cpuprofile`);
        if (!existsSync(file)) {
          log(`${system}: no profile from ${member.name} (${file})`);
          continue;
        }
        const label = `${member.name}${i === leaderIndex ? ' (leader)' : ' (follower)'}`;
        profiles.push(summarizeProfile(file, label, repoRoot));
      }
    }
    return { result, profiles };
  } finally {
    activeCluster = undefined;
    await cluster.destroy();
    log(`${system}: cluster destroyed`);
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let args: BenchArgs | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`store-bench: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.systems.includes('etcd') && !existsSync(ETCD_BINARY)) throw new Error(`${ETCD_BINARY} is missing (apt-get install etcd-server)`);

  const date = new Date();
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  const profileDir = args.profile ? path.join(resultsDir, 'profiles', `store-${stamp}`) : undefined;
  mkdirSync(profileDir ?? resultsDir, { recursive: true });

  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: string };
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    etcdVersion: versionOf(ETCD_BINARY, ['--version'], /etcd Version:\s*(\S+)/),
    oursVersion: pkg.version ?? null,
  };
  const config = {
    date: date.toISOString(),
    durationSeconds: args.durationS,
    warmupSeconds: args.warmupS,
    systems: args.systems,
    phases: args.phases,
    workers: args.workers,
    clients: args.clients,
    channels: args.channels,
    keyBytes: 8,
    keySpace: args.keySpace,
    valueBytes: args.valueBytes,
    populateKeys: args.populateKeys,
    requestTimeoutMs: args.requestTimeoutMs,
    profile: args.profile,
    waitIdleSeconds: args.waitIdleS,
    idleThresholdCores: args.idleThresholdCores,
    memberNodeOptions: process.env['STORE_BENCH_NODE_OPTIONS'] ?? null,
  };
  log(`machine: ${machine.cpus} CPUs (${machine.cpuModel ?? '?'}), node ${machine.nodeVersion}, etcd ${machine.etcdVersion ?? '?'}`);
  log(`load: ${args.workers} worker threads; multi-client phases use ${args.clients} callers on ${args.channels} connections spread over the 3 members`);

  const pool = new LoadPool(args.workers);
  activePool = pool;
  const results: SystemResult[] = [];
  const profiles: ProfileSummary[] = [];
  try {
    for (const [i, system] of args.systems.entries()) {
      if (interrupted) break;
      if (i > 0 && args.pauseS > 0) await sleep(args.pauseS * 1000);
      const r = await runSystem(system, args, pool, profileDir);
      results.push(r.result);
      profiles.push(...r.profiles);
    }
  } finally {
    activePool = undefined;
    await pool.close();
  }
  if (interrupted) return 130;

  const order = phaseDefs(args).map((p) => ({ id: p.id, title: p.title }));
  const rows = tableRows(order, results);
  const table = formatTable(rows);
  const out = {
    machine,
    config,
    table: rows,
    systems: results,
    ...(args.profile ? { profiles } : {}),
  };
  process.stdout.write(`\nstore bench, ${args.durationS} s per phase after ${args.warmupS} s warm-up, ${machine.cpus} CPUs, node ${machine.nodeVersion}, etcd ${machine.etcdVersion ?? '?'}\n`);
  process.stdout.write(`(latencies in ms; CPU in cores busy during the measured window: client = this load generator, members = the 3 server processes)\n\n`);
  process.stdout.write(`${table}\n`);
  const saturated = results.flatMap((r) =>
    r.phases.filter((p) => p.workerElu.some((e) => e > 0.9)).map((p) => `${r.system} ${p.title} (ELU ${p.workerElu.join('/')})`),
  );
  if (saturated.length) {
    process.stdout.write(`\nwarning: a load worker's event loop was over 90% busy in: ${saturated.join('; ')}; use more --workers\n`);
  }
  const noisy = results.flatMap((r) =>
    r.phases
      .filter((p) => (p.cpu?.otherCores ?? 0) > args.idleThresholdCores)
      .map((p) => `${r.system} ${p.title} (${(p.cpu?.otherCores ?? 0).toFixed(2)} cores)`),
  );
  if (noisy.length) {
    process.stdout.write(`\nwarning: other work on the machine competed for CPU during: ${noisy.join('; ')}\n`);
  }
  const totalErrors = results.reduce((s, r) => s + r.phases.reduce((t, p) => t + p.errors, 0), 0);
  if (totalErrors > 0) process.stdout.write(`\nwarning: ${totalErrors} requests failed; see "errorKinds" in the JSON\n`);

  if (args.profile) {
    const text = profiles.map((p) => formatProfile(p)).join('\n\n');
    process.stdout.write(`\nCPU profiles of our members (whole member lifetime; percentages of non-idle time):\n\n${text}\n`);
    if (profileDir) {
      writeFileSync(path.join(profileDir, 'summary.txt'), `${table}\n\n${text}\n`);
      writeFileSync(path.join(profileDir, 'result.json'), `${JSON.stringify(out, null, 2)}\n`);
      const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      process.stdout.write(`\nprofiles (open in Chrome DevTools > Performance, or speedscope): ${profileDir}: ${files.join(', ')}\n`);
    }
  } else {
    const json = `${JSON.stringify(out, null, 2)}\n`;
    const file = path.join(resultsDir, `store-${stamp}.json`);
    writeFileSync(file, json);
    writeFileSync(path.join(resultsDir, 'store-latest.json'), json);
    process.stdout.write(`\nresults: ${path.relative(process.cwd(), file)} (and store-latest.json)\n`);
  }
  return totalErrors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void cleanup().finally(() => process.exit(1));
  },
);
