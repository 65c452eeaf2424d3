// Startup benchmark (issue 6): how long `meshctl cluster up` takes, and pod startup latency on the
// cluster it brings up: `--pods` (30) pods created at once through the API, each timed from its
// create request to Ready as seen on a watch, with the time split into phases (API + scheduler,
// the node agent picking the pod up, Docker creating the sandbox, the pod network and the rest up
// to the container's create, Docker creating the container, the status report). Repeated
// `--rounds` (3) times. Kubernetes' pod startup SLO is p99 <= 5 s without image pulls; the target
// here is p99 <= 1.5 s. See bench/README.md.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { KubeClient } from '../lib/api/kube-client/kube-client.js';
import { Resources } from '../lib/controller/resources.js';
import { parseOrExit } from './lib/arg-parsing.js';
import { buildFingerprint, machineInfo } from './lib/api-procs.js';
import type { StartupArgs } from './lib/startup-args.js';
import { STARTUP_USAGE, parseStartupArgs } from './lib/startup-args.js';
import type { BenchDockerd, ClusterSpec, RunResult } from './lib/startup-cluster.js';
import { Teardown, clusterDirOf, clusterDown, foreignNodeContainers, removeLeftovers, runMeshctl, startBenchDockerd, upArgs, workerNames } from './lib/startup-cluster.js';
import type { BaselineResult } from './lib/startup-docker-baseline.js';
import { dockerBaseline } from './lib/startup-docker-baseline.js';
import { DockerEventTap } from './lib/startup-docker-events.js';
import { BENCH_NAMESPACE, PodWatch, benchPod, createBurst, deleteAndWaitGone, ensureNamespace, warmConnections, waitUntil } from './lib/startup-pods.js';
import type { AgentLogCounts, CpuSpan } from './lib/startup-procs.js';
import { agentLogMessages, cpuBetween, sampleCpu, waitForQuiet } from './lib/startup-procs.js';
import type { UpTiming } from './lib/startup-report.js';
import { TARGET_P99_MS, KUBERNETES_SLO_P99_MS, phaseTable, summaryTable, verdict, verdictLine } from './lib/startup-report.js';
import type { DockerPodEvent, PodRecord, StartupSummary } from './lib/startup-timeline.js';
import { newPodRecord, observeDockerEvent, observePod, summarizeStartup } from './lib/startup-timeline.js';
import type { UpBreakdown } from './lib/startup-up-steps.js';
import { upBreakdown } from './lib/startup-up-steps.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.join(repoRoot, 'bench', 'results');

function log(msg: string): void {
  process.stderr.write(`[startup-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

interface UpRecord {
  ms: number;
  exitCode: number | null;
  breakdown: UpBreakdown;
}

interface RoundRecord {
  round: number;
  createErrors: string[];
  allReady: boolean;
  otherCoresBefore: number | null;
  waitedForQuietSeconds: number;
  /** Containers of nodes named like ours that are not our cluster's, seen before the round. */
  foreignContainers: string[];
  /** From the round's first create to its last pod Ready. */
  cpu: CpuSpan;
  /** 3 s with the round's pods running, before they are deleted. */
  cpuPodsRunning: CpuSpan;
  deleteSeconds: number | null;
  agentLog: Record<string, AgentLogCounts>;
  summary: StartupSummary;
}

function upRecord(r: RunResult): UpRecord {
  return { ms: round(r.ms, 0), exitCode: r.exitCode, breakdown: upBreakdown(r.lines, r.ms) };
}

function upFailure(what: string, r: RunResult): Error {
  return new Error(`${what} exited ${String(r.exitCode ?? r.signal)} after ${(r.ms / 1000).toFixed(1)} s:\n${r.lines.map((l) => `  ${l.line}`).join('\n')}`);
}

/** Our pods' UIDs, asked of our API with a client of its own (the teardown may run after the bench's client closed). */
async function ourPodUidsOrNone(spec: ClusterSpec): Promise<Set<string> | undefined> {
  let client: KubeClient | undefined;
  try {
    client = await KubeClient.fromKubeconfig({ explicitPath: path.join(clusterDirOf(spec), 'admin.kubeconfig'), timeoutMs: 5000 });
    return await ourPodUids(client);
  } catch {
    return undefined;
  } finally {
    client?.close();
  }
}

/** The pod UIDs our cluster's API has (every namespace). */
async function ourPodUids(client: KubeClient): Promise<Set<string>> {
  const list = await client.list(Resources.pods, { namespace: '' });
  return new Set(list.items.map((p) => p.metadata.uid ?? ''));
}

async function measure(a: StartupArgs, teardown: Teardown, result: Record<string, unknown>): Promise<void> {
  log(`docker: ${a.dockerd === 'test' ? 'the test dockerd' : 'a private dockerd'}`);
  const dockerd: BenchDockerd = await startBenchDockerd(a.dockerd);
  teardown.add('stop the private dockerd', () => dockerd.stop());
  const docker = dockerd.docker;
  result.dockerd = { choice: a.dockerd, socket: dockerd.socketPath, version: (await docker.version()).Version };

  // The images cluster up would build (mesh/base, mesh/pause, demo apps, mesh/proxy), built now so
  // that the timed cluster up only finds them current.
  log('images: meshctl image build');
  const images = await runMeshctl(repoRoot, ['image', 'build', '--docker-host', `unix://${dockerd.socketPath}`]);
  if (images.exitCode !== 0) throw upFailure('meshctl image build', images);
  result.imageBuildSeconds = round(images.ms / 1000, 2);

  const spec: ClusterSpec = { home: repoRoot, name: a.name, subnet: a.subnet, workers: a.workers, stateDir: path.join(os.tmpdir(), `meshkube-bench-startup-${a.name}`), socketPath: dockerd.socketPath };
  const clusterDir = clusterDirOf(spec);
  const workers = workerNames(a.workers);
  await removeLeftovers(spec, docker, BENCH_NAMESPACE, log);
  const foreign = await foreignNodeContainers(docker, a.name, workers, new Set());
  if (foreign.length > 0) {
    const msg = `the daemon at ${dockerd.socketPath} holds ${foreign.length} containers of other clusters' nodes named like ours (${foreign.slice(0, 4).join(', ')}${foreign.length > 4 ? ', ...' : ''}): the node agents find containers by node name only, so ours would remove them (and theirs ours), and cluster down removes every container of its node names`;
    if (!a.shareDocker) throw new Error(`${msg}. Use --dockerd private, or --share-docker to go ahead anyway.`);
    log(`warning: ${msg}`);
  }
  result.foreignContainersAtStart = foreign;

  let keepCluster = false;
  teardown.add('cluster down', async () => {
    if (keepCluster) {
      log(`--keep: the cluster stays up; remove it with: bin/meshctl cluster down --name ${spec.name} --state-dir ${spec.stateDir}`);
      return;
    }
    const ours = existsSync(path.join(clusterDir, 'admin.kubeconfig')) ? await ourPodUidsOrNone(spec) : undefined;
    const foreignAtEnd = ours === undefined ? [] : await foreignNodeContainers(docker, a.name, workers, ours).catch(() => []);
    if (foreignAtEnd.length > 0) {
      result.foreignContainersAtEnd = foreignAtEnd;
      log(`warning: cluster down removes every container of nodes ${workers.join(', ')} on the daemon, and ${foreignAtEnd.length} of them belong to another cluster (${foreignAtEnd.slice(0, 3).join(', ')})`);
    }
    log('meshctl cluster down');
    const down = await clusterDown(spec);
    result.clusterDown = { ms: round(down.ms, 0), exitCode: down.exitCode };
    if (down.exitCode !== 0) log(`cluster down exited ${String(down.exitCode)}:\n${down.lines.map((l) => `  ${l.line}`).join('\n')}`);
    rmSync(spec.stateDir, { recursive: true, force: true });
  });

  teardown.check();
  log(`cold: bin/meshctl ${upArgs(spec).join(' ')}`);
  const cold = await runMeshctl(repoRoot, upArgs(spec), (l) => log(`  up: ${l.line}`));
  result.clusterUpCold = upRecord(cold);
  if (cold.exitCode !== 0) throw upFailure('cluster up (cold)', cold);
  log(`cold cluster up: ${(cold.ms / 1000).toFixed(1)} s`);
  teardown.check();
  if (a.warm) {
    const warm = await runMeshctl(repoRoot, upArgs(spec));
    result.clusterUpWarm = upRecord(warm);
    if (warm.exitCode !== 0) throw upFailure('cluster up (warm)', warm);
    log(`warm cluster up: ${(warm.ms / 1000).toFixed(1)} s`);
  }

  teardown.check();
  const client = await KubeClient.fromKubeconfig({ explicitPath: path.join(clusterDir, 'admin.kubeconfig') });
  teardown.add('close the API client', async () => client.close());
  await ensureNamespace(client);

  const records = new Map<string, PodRecord>();
  const watch = await PodWatch.start(
    client,
    (type, pod, at) => {
      const rec = records.get(pod.metadata.name ?? '');
      if (rec && type !== 'DELETED') observePod(rec, pod, at);
    },
    log,
  );
  teardown.add('stop the pod watch', () => watch.stop());
  const dockerEvents: DockerPodEvent[] = [];
  const tap = await DockerEventTap.start(docker, BENCH_NAMESPACE, (ev) => dockerEvents.push(ev));
  teardown.add('stop the docker event stream', async () => tap.stop());

  const cpuTargets = { clusterDir, ...(dockerd.pid !== undefined ? { dockerdPid: dockerd.pid } : {}) };
  const rounds: RoundRecord[] = [];
  const all: PodRecord[] = [];
  result.rounds = rounds;
  for (let r = 1; r <= a.rounds; r++) {
    const quiet = a.waitIdleSeconds > 0 ? await waitForQuiet(cpuTargets, a.idleThresholdCores, a.waitIdleSeconds, log) : { otherCores: null, waitedSeconds: 0 };
    const foreignNow = await foreignNodeContainers(docker, a.name, workers, await ourPodUids(client));
    if (foreignNow.length > 0) log(`warning: ${foreignNow.length} containers of another cluster's nodes named like ours are on the daemon (${foreignNow.slice(0, 3).join(', ')})`);

    teardown.check();
    const names = Array.from({ length: a.pods }, (_, i) => `startup-r${r}-${i}`);
    const recs = names.map((n) => newPodRecord(n, r, Number.NaN));
    for (const rec of recs) records.set(rec.name, rec);
    dockerEvents.length = 0;
    await warmConnections(client, a.pods);

    log(`round ${r}: creating ${a.pods} pods at once`);
    const startedAt = Date.now();
    const cpu0 = sampleCpu(cpuTargets);
    const outcomes = await createBurst(client, names.map((n) => benchPod(n, r)));
    const createErrors: string[] = [];
    for (const o of outcomes) {
      const rec = records.get(o.name);
      if (!rec) continue;
      rec.createSent = o.sent;
      if (o.answered !== undefined) rec.created = o.answered;
      if (o.uid !== undefined) rec.uid ??= o.uid;
      if (o.error !== undefined) createErrors.push(`${o.name}: ${o.error}`);
    }
    const wanted = recs.filter((rec) => !createErrors.some((e) => e.startsWith(`${rec.name}:`)));
    const allReady = await waitUntil(() => teardown.interrupted !== undefined || wanted.every((rec) => rec.seen.ready !== undefined), a.timeoutSeconds * 1000);
    teardown.check();
    const cpu = cpuBetween(cpu0, sampleCpu(cpuTargets));
    const endedAt = Date.now();
    const byUid = new Map(recs.filter((x) => x.uid !== undefined).map((x) => [x.uid as string, x]));
    for (const ev of dockerEvents) {
      const rec = byUid.get(ev.uid);
      if (rec) observeDockerEvent(rec, ev);
    }
    // What the round saw by its end: later observations (pods still starting) do not count.
    const frozen = structuredClone(recs);
    const summary = summarizeStartup(frozen);
    const lat = summary.latencies.createToReady;
    log(`round ${r}: ${lat.count}/${a.pods} Ready; create → Ready p50 ${round(lat.p50Ms, 0)} ms, p99 ${round(lat.p99Ms, 0)} ms, max ${round(lat.maxMs, 0)} ms; last Ready ${round(summary.burst.firstCreateToLastReadyMs, 0)} ms after the first create${createErrors.length ? `; ${createErrors.length} creates failed` : ''}`);
    if (!allReady) log(`round ${r}: not every pod was Ready within ${a.timeoutSeconds} s (missing: ${JSON.stringify(summary.missing)})`);
    const agentLog = agentLogMessages(clusterDir, workers, startedAt - 1000, endedAt + 1000);
    // The same processes with the pods up and nothing starting: the steady cost of running them
    // (the agents' relist every second inspects every container through the daemon).
    const idle0 = sampleCpu(cpuTargets);
    await new Promise((res) => setTimeout(res, 3000));
    const cpuPodsRunning = cpuBetween(idle0, sampleCpu(cpuTargets));

    teardown.check();
    let deleteSeconds: number | null = null;
    if (!a.keep || r < a.rounds) {
      const del = await deleteAndWaitGone(client, docker, watch, names, a.timeoutSeconds * 1000);
      deleteSeconds = round(del.seconds, 2);
      log(`round ${r}: pods deleted and gone in ${deleteSeconds} s`);
    }
    rounds.push({ round: r, createErrors, allReady, otherCoresBefore: quiet.otherCores, waitedForQuietSeconds: quiet.waitedSeconds, foreignContainers: foreignNow, cpu, cpuPodsRunning, deleteSeconds, agentLog, summary });
    all.push(...frozen);
  }
  result.pooled = summarizeStartup(all, 5);
  teardown.check();
  if (a.dockerBaseline) {
    log(`docker baseline: ${a.pods} sandboxes and containers created and started at once through the Docker API`);
    const cpu0 = sampleCpu(cpuTargets);
    let cpu: CpuSpan | undefined;
    const b = await dockerBaseline(docker, a.pods, 5, () => (cpu = cpuBetween(cpu0, sampleCpu(cpuTargets))));
    result.dockerBaseline = { ...b, cpu };
    log(`docker baseline: container started p50 ${round(b.total.p50Ms, 0)} ms, p99 ${round(b.total.p99Ms, 0)} ms after the burst began; one pod alone ${round(b.sequential.p50Ms, 0)} ms${b.errors.length ? `; ${b.errors.length} errors` : ''}`);
  }
  result.podRecords = all;
  keepCluster = a.keep;
}

function machine(): Record<string, unknown> {
  const services = path.join(repoRoot, 'dist', 'services');
  return {
    ...machineInfo(repoRoot),
    schedBuild: buildFingerprint(path.join(services, 'sched')),
    nodeAgentBuild: buildFingerprint(path.join(services, 'node-agent')),
    meshctlBuild: buildFingerprint(path.join(services, 'meshctl')),
    supervisorBuild: buildFingerprint(path.join(services, 'host-supervisor')),
  };
}

function printResult(result: Record<string, unknown>): void {
  const ups: UpTiming[] = [];
  const cold = result.clusterUpCold as UpRecord | undefined;
  const warm = result.clusterUpWarm as UpRecord | undefined;
  if (cold) ups.push({ label: 'cold (fresh state dir)', ms: cold.ms, ok: cold.exitCode === 0 });
  if (warm) ups.push({ label: 'warm (running, no change)', ms: warm.ms, ok: warm.exitCode === 0 });
  const rounds = (result.rounds as RoundRecord[] | undefined) ?? [];
  const pooled = result.pooled as StartupSummary | undefined;
  const out: string[] = [];
  if (cold) out.push(`cluster up (cold) steps: ${cold.breakdown.steps.map((s) => `${s.name} ${(s.ms / 1000).toFixed(1)} s`).join(', ')}`);
  if (pooled) {
    out.push(summaryTable(ups, rounds.map((r) => r.summary), pooled));
    out.push('');
    out.push(phaseTable(pooled));
    out.push('');
    const cpuLine = (label: string, spans: CpuSpan[]): string => {
      const mean = (f: (c: CpuSpan) => number | null | undefined): string => {
        const v = spans.map(f).filter((x): x is number => typeof x === 'number');
        return v.length ? (v.reduce((x, y) => x + y, 0) / v.length).toFixed(2) : '-';
      };
      const groups = ['docker', 'docker-shims', 'store', 'api', 'sched', 'node-agent'];
      return `${label}: ${groups.map((g) => `${g} ${mean((c) => c.groups[g])}`).join(', ')}, other ${mean((c) => c.otherCores)}; machine ${mean((c) => c.machineCores)} of ${os.cpus().length}`;
    };
    if (rounds.length > 0) {
      out.push(cpuLine('cores busy while pods start (mean of rounds)', rounds.map((r) => r.cpu)));
      out.push(cpuLine('cores busy with the pods running, nothing starting', rounds.map((r) => r.cpuPodsRunning)));
    }
    const base = result.dockerBaseline as BaselineResult | undefined;
    if (base) out.push(`Docker alone (same create options, no cluster): ${base.pods} sandboxes + containers at once started p50 ${round(base.total.p50Ms, 0)} ms, p99 ${round(base.total.p99Ms, 0)} ms, max ${round(base.total.maxMs, 0)} ms after the burst began; one pod alone p50 ${round(base.sequential.p50Ms, 0)} ms`);
    out.push(verdictLine(verdict(pooled)));
    const busy = rounds.filter((r) => (r.cpu.otherCores ?? 0) > 0.25 || (r.otherCoresBefore ?? 0) > 0.25);
    if (busy.length > 0) out.push(`warning: other work on the machine during round(s) ${busy.map((r) => `${r.round} (${r.cpu.otherCores ?? '?'} cores)`).join(', ')}: provisional numbers`);
  }
  if (result.error !== undefined) out.push(`FAILED: ${String(result.error)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const a = parseOrExit(parseStartupArgs, STARTUP_USAGE);
  if (a === 'help') return;
  const teardown = new Teardown();
  teardown.installSignalHandlers(log);
  const result: Record<string, unknown> = {
    bench: 'startup',
    at: new Date().toISOString(),
    machine: machine(),
    options: a,
    target: { createToReadyP99Ms: TARGET_P99_MS, kubernetesSloP99Ms: KUBERNETES_SLO_P99_MS },
    workload: { how: `${a.pods} Pod objects created concurrently through the API (no Deployment), mesh/base running sleep 3600, imagePullPolicy Never, no probes`, namespace: BENCH_NAMESPACE },
  };
  const started = performance.now();
  let failed = false;
  try {
    await measure(a, teardown, result);
  } catch (err) {
    failed = true;
    result.error = err instanceof Error ? err.message : String(err);
    log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await teardown.run(log);
  }
  // A signal's handler exits once the teardown is done; an interrupted run writes no results.
  if (teardown.interrupted !== undefined) return;
  result.benchSeconds = round((performance.now() - started) / 1000, 1);
  const pooled = result.pooled as StartupSummary | undefined;
  if (pooled) result.verdict = verdict(pooled);
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const file = path.join(resultsDir, `startup-${stamp}.json`);
  writeFileSync(file, text);
  // A failed run is kept under its date only.
  if (!failed) writeFileSync(path.join(resultsDir, 'startup-latest.json'), text);
  printResult(result);
  process.stdout.write(`results: ${path.relative(repoRoot, file)}${failed ? '' : ' and bench/results/startup-latest.json'}\n`);
  if (failed || (pooled !== undefined && pooled.latencies.createToReady.count < pooled.pods)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
