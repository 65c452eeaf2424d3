// Store benchmark: our etcd-compatible store vs real etcd 3.4, three members each on loopback,
// one system after the other, same flags, same disk, same load generator. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
import type { ChannelSpec, ClientSpec, KeySpec, OpKind } from './lib/load-protocol.js';
import { LoadPool } from './lib/load-pool.js';
import { formatTable, mergeRounds, tableRows } from './lib/report.js';
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

/** `channels` connections, channel j to the (j % members)-th member in role order, callers spread evenly. */
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

/** A fingerprint of the compiled store (dist/services/store), so results can be tied to a build. */
function storeBuildFingerprint(): { sha256: string; files: number; newestMtime: string } | null {
  const root = path.join(repoRoot, 'dist', 'services', 'store');
  if (!existsSync(root)) return null;
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).sort();
  const hash = createHash('sha256');
  let newest = 0;
  for (const f of files) {
    const full = path.join(root, f);
    hash.update(f).update('\0').update(readFileSync(full));
    newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return { sha256: hash.digest('hex').slice(0, 16), files: files.length, newestMtime: new Date(newest).toISOString() };
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
// Profiling our members (see lib/cpu-profile-preload.ts)
// ---------------------------------------------------------------------------------------------

interface MemberProfile {
  phase: PhaseId;
  member: string;
  leader: boolean;
  summary: ProfileSummary;
}

/** SIGUSR2 starts or stops the profiler in each member (only ever sent to preloaded members). */
function toggleProfilers(pids: (number | undefined)[]): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // the member is gone; its profile will be reported missing
    }
  }
}

async function collectProfiles(
  cluster: BenchCluster,
  pids: (number | undefined)[],
  dir: string,
  window: number,
  def: PhaseDef,
  leaderIndex: number | null,
): Promise<MemberProfile[]> {
  const out: MemberProfile[] = [];
  for (let i = 0; i < cluster.members.length; i++) {
    const name = cluster.members[i]?.name ?? `m${i + 1}`;
    const file = path.join(dir, `${name}-${pids[i] ?? 0}-${window}.cpuprofile`);
    const until = Date.now() + 10_000;
    while (!existsSync(file) && Date.now() < until) await sleep(100);
    if (!existsSync(file)) {
      log(`ours: no CPU profile from ${name} for ${def.title} (${file})`);
      continue;
    }
    await sleep(200); // let the member finish writing it
    const leader = i === leaderIndex;
    out.push({ phase: def.id, member: name, leader, summary: summarizeProfile(file, `${def.title}: ${name} (${leader ? 'leader' : 'follower'})`, repoRoot) });
  }
  return out;
}

/** A member process exited during the run: the system's results are void (the run may be retried). */
class MemberDiedError extends Error {}

function assertAlive(system: SystemId, cluster: BenchCluster, during: string): void {
  const dead = cluster.members.map((m, i) => (cluster.isRunning(i) ? undefined : m.name)).filter((n) => n !== undefined);
  if (dead.length === 0) return;
  throw new MemberDiedError(
    `${system}: member${dead.length > 1 ? 's' : ''} ${dead.join(', ')} exited during ${during}` +
      (system === 'etcd' ? ' (note: scripts/lib/install.sh, run by scripts/test.sh and scripts/up.sh, does "pkill -x etcd")' : ''),
  );
}

/** Keeps the members' logs of a failed run (the cluster's data directory is deleted). */
function keepLogs(system: SystemId, cluster: BenchCluster): string | undefined {
  try {
    const dir = path.join(resultsDir, 'failed', `${system}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const logs = readdirSync(cluster.dataRoot).filter((f) => f.endsWith('.log'));
    if (logs.length === 0) return undefined;
    mkdirSync(dir, { recursive: true });
    for (const f of logs) copyFileSync(path.join(cluster.dataRoot, f), path.join(dir, f));
    return dir;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// One system
// ---------------------------------------------------------------------------------------------

async function startCluster(system: SystemId, args: BenchArgs, profileDir: string | undefined): Promise<BenchCluster> {
  const track = (c: BenchCluster): void => {
    activeCluster = c;
  };
  const started = async (impl: 'store' | 'etcd'): Promise<BenchCluster> => {
    const { cluster } = await launch(impl, track);
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
  roundNo: number,
): Promise<{ result: SystemResult; profiles: MemberProfile[]; samples: Map<PhaseId, Float64Array[]> }> {
  log(`${system}: starting 3 members`);
  const cluster = await startCluster(system, args, profileDir);
  activeCluster = cluster;
  const profiles: MemberProfile[] = [];
  const profiling = profileDir !== undefined && system === 'ours';
  let profileWindow = 0;
  try {
    const leaderIndex = (await findLeader(cluster)) ?? null;
    log(`${system}: ready, leader is member ${leaderIndex ?? '?'} (endpoints ${cluster.endpoints()})`);
    const endpoints = cluster.members.map((_m, i) => cluster.endpoint(i));
    // The spread is laid out from the leader: member order [leader, the others], so the leader
    // gets the same share of the connections (4 of 10) in both systems.
    const byRole = endpoints.map((_e, i) => i).sort((a, b) => (a === leaderIndex ? -1 : b === leaderIndex ? 1 : a - b));
    const pids = cluster.members.map((_m, i) => cluster.pid(i));
    const keys: KeySpec = { space: args.keySpace, valueBytes: args.valueBytes };
    const client: ClientSpec = { kind: args.client, requestTimeoutMs: args.requestTimeoutMs };
    const { specs: spreadSpecs, targets: spreadTargets } = spread(args, endpoints.length);
    const resolve = (specs: ChannelSpec[]): ChannelSpec[] =>
      specs.map((s) => ({ ...s, endpoint: endpoints[byRole[Number(s.endpoint)] ?? 0] ?? s.endpoint }));
    const spreadMembers = spreadTargets.map((t) => byRole[t] ?? t);
    const result: SystemResult = { system, round: roundNo, leaderIndex, populate: null, phases: [] };
    const samples = new Map<PhaseId, Float64Array[]>();

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
          { kind: 'populate', channels: resolve(spreadSpecs), keys, from: 0, to: args.populateKeys, client },
          { warmupMs: 0, measureMs: 0 },
        );
        const errors = pop.perWorker.reduce((s, w) => s + w.errors, 0);
        const written = pop.perWorker.reduce((s, w) => s + w.okInWindow, 0);
        result.populate = { keys: written, seconds: Number(process.hrtime.bigint() - t0) / 1e9, errors };
        assertAlive(system, cluster, 'populate');
        if (errors > 0 || written !== args.populateKeys) {
          const kinds = pop.perWorker.map((w) => JSON.stringify(w.errorKinds)).join(' ');
          throw new Error(`${system}: populate wrote ${written}/${args.populateKeys} keys, ${errors} errors: ${kinds}`);
        }
      }
      const leaderTarget = leaderIndex ?? 0;
      const channelSpecs = def.multi ? resolve(spreadSpecs) : [{ endpoint: endpoints[leaderTarget] ?? '', callers: 1 }];
      const targets = def.multi ? spreadMembers : [leaderTarget];
      const otherCoresBefore = await quiet(def.title);
      log(`${system}: ${def.title}: ${args.warmupS} s warm-up + ${args.durationS} s`);
      let atWarm: CpuSnapshot | undefined;
      let atEnd: CpuSnapshot | undefined;
      const merged = await pool.run(
        { kind: 'timed', op: def.op, channels: channelSpecs, keys, populated: args.populateKeys, client },
        { warmupMs: args.warmupS * 1000, measureMs: args.durationS * 1000 },
        {
          atWarmEnd: () => {
            atWarm = snapshot(pids);
            if (profiling) toggleProfilers(pids);
          },
          atEnd: () => {
            atEnd = snapshot(pids);
            if (profiling) toggleProfilers(pids);
          },
        },
      );
      assertAlive(system, cluster, def.title);
      if (profiling && profileDir) {
        profileWindow++;
        profiles.push(...(await collectProfiles(cluster, pids, profileDir, profileWindow, def, leaderIndex)));
      }
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
      samples.set(def.id, w.map((r) => r.samples));
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

    return { result, profiles, samples };
  } catch (err) {
    const kept = keepLogs(system, cluster);
    if (kept) log(`${system}: members' logs kept in ${path.relative(process.cwd(), kept)}`);
    throw err;
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
    oursBuild: storeBuildFingerprint(),
  };
  const config = {
    date: date.toISOString(),
    durationSeconds: args.durationS,
    warmupSeconds: args.warmupS,
    systems: args.systems,
    phases: args.phases,
    workers: args.workers,
    client: args.client,
    clients: args.clients,
    channels: args.channels,
    keyBytes: 8,
    keySpace: args.keySpace,
    valueBytes: args.valueBytes,
    populateKeys: args.populateKeys,
    requestTimeoutMs: args.requestTimeoutMs,
    profile: args.profile,
    waitIdleSeconds: args.waitIdleS,
    retries: args.retries,
    rounds: args.rounds,
    idleThresholdCores: args.idleThresholdCores,
    memberNodeOptions: process.env['STORE_BENCH_NODE_OPTIONS'] ?? null,
  };
  log(`machine: ${machine.cpus} CPUs (${machine.cpuModel ?? '?'}), node ${machine.nodeVersion}, etcd ${machine.etcdVersion ?? '?'}`);
  log(`load: ${args.client} client in ${args.workers} worker threads; multi-client phases use ${args.clients} callers on ${args.channels} connections spread over the 3 members`);

  const pool = new LoadPool(args.workers);
  activePool = pool;
  const results: SystemResult[] = [];
  const perSystem = new Map<SystemId, { result: SystemResult; samples: Map<PhaseId, Float64Array[]> }[]>();
  const profiles: MemberProfile[] = [];
  const retried: string[] = [];
  try {
    // Rounds alternate the systems (ours, etcd, ours, etcd, ...), so slow drifts in what else
    // the machine does hit both alike.
    for (let roundNo = 1; roundNo <= args.rounds && !interrupted; roundNo++) {
      for (const [i, system] of args.systems.entries()) {
        if (interrupted) break;
        if ((i > 0 || roundNo > 1) && args.pauseS > 0) await sleep(args.pauseS * 1000);
        if (args.rounds > 1) log(`round ${roundNo} of ${args.rounds}: ${system}`);
        for (let attempt = 1; ; attempt++) {
          try {
            const r = await runSystem(system, args, pool, profileDir, roundNo);
            results.push(r.result);
            profiles.push(...r.profiles);
            perSystem.set(system, [...(perSystem.get(system) ?? []), { result: r.result, samples: r.samples }]);
            break;
          } catch (err) {
            if (!(err instanceof MemberDiedError) || attempt > args.retries || interrupted) throw err;
            log(`${err.message}; running ${system} again from the start (retry ${attempt} of ${args.retries})`);
            retried.push(`${system}: ${err.message}`);
            await sleep(2000);
          }
        }
      }
    }
  } finally {
    activePool = undefined;
    await pool.close();
  }
  if (interrupted) return 130;
  const merged = args.systems.map((system) => mergeRounds(system, perSystem.get(system) ?? []));

  const order = phaseDefs(args).map((p) => ({ id: p.id, title: p.title }));
  const rows = tableRows(order, merged);
  const table = formatTable(rows);
  const out = {
    machine,
    config,
    table: rows,
    /** Per system, all rounds merged (what the table shows); with one round, that round. */
    merged,
    /** Every round of every system. */
    systems: results,
    retriedAfterMemberDeath: retried,
    ...(args.profile ? { profiles } : {}),
  };
  const roundsText = args.rounds > 1 ? ` x ${args.rounds} rounds (alternating; ops/s over all rounds, percentiles of all samples pooled, CPU averaged)` : '';
  process.stdout.write(`\nstore bench, ${args.durationS} s per phase after ${args.warmupS} s warm-up${roundsText}, ${machine.cpus} CPUs, node ${machine.nodeVersion}, etcd ${machine.etcdVersion ?? '?'}\n`);
  process.stdout.write(`(latencies in ms; CPU in cores busy during the measured window: client = this load generator, members = the 3 server processes)\n\n`);
  process.stdout.write(`${table}\n`);
  const saturated = merged.flatMap((r) =>
    r.phases.filter((p) => p.workerElu.some((e) => e > 0.9)).map((p) => `${r.system} ${p.title} (ELU ${p.workerElu.join('/')})`),
  );
  if (saturated.length) {
    process.stdout.write(`\nwarning: a load worker's event loop was over 90% busy in: ${saturated.join('; ')}; use more --workers\n`);
  }
  const noisy = results.flatMap((r) =>
    r.phases
      .filter((p) => (p.cpu?.otherCores ?? 0) > args.idleThresholdCores)
      .map((p) => `${r.system}${args.rounds > 1 ? ` round ${r.round}` : ''} ${p.title} (${(p.cpu?.otherCores ?? 0).toFixed(2)} cores)`),
  );
  if (noisy.length) {
    process.stdout.write(`\nwarning: other work on the machine competed for CPU during: ${noisy.join('; ')}\n`);
  }
  const totalErrors = merged.reduce((s, r) => s + r.phases.reduce((t, p) => t + p.errors, 0), 0);
  if (totalErrors > 0) process.stdout.write(`\nwarning: ${totalErrors} requests failed; see "errorKinds" in the JSON\n`);

  if (args.profile) {
    // stdout: the leader in full, followers by area; summary.txt: everything.
    const brief = profiles
      .map((p) => formatProfile(p.summary, p.leader ? { areas: 14, self: 15, ours: 15 } : { areas: 8, self: 6, ours: 0 }))
      .join('\n\n');
    const full = profiles.map((p) => formatProfile(p.summary, { areas: 30, self: 25, ours: 25 })).join('\n\n');
    process.stdout.write(`\nCPU profiles of our members over each measured window (percentages of the member's busy time):\n\n${brief}\n`);
    if (profileDir) {
      writeFileSync(path.join(profileDir, 'summary.txt'), `${table}\n\n${full}\n`);
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
