// Scheduler benchmark (issue 4): 10,000 pods onto 5,000 fake nodes, measured two ways:
//  - in process: the scheduler core against its cache alone, binds answered at once;
//  - against real store and API processes, once with one store member (scheduler_perf runs
//    against a single etcd) and once with three: Node objects created through the API, a bin/sched
//    process (scheduler role only) started on a backlog of pending pods, binds through
//    pods/binding; throughput is binds per second from its first bind to its last, as seen on
//    a pod watch; latency is the scheduler's own per-attempt figure (its /metrics) and, in a
//    second phase with the scheduler already running, pod creation to bind seen on the watch.
// Kubernetes' scheduler_perf floor for this case (SchedulingBasic 5000 nodes) is 270 pods/s;
// the target is 1,000 pods/s. See bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../lib/api/object.js';
import { isRecord } from '../lib/api/object.js';
import { KubeClient } from '../lib/api/kube-client/kube-client.js';
import { Resources } from '../lib/controller/resources.js';
import { ApiCluster } from '../test/support/api-cluster.js';
import { SchedProcesses } from '../test/support/sched-processes.js';
import { int, parseOptions, parseOrExit } from './lib/arg-parsing.js';
import { machineInfo } from './lib/api-procs.js';
import { runInProcessSchedulingBench } from './lib/sched-inprocess.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.join(repoRoot, 'bench', 'results');
const NS = 'sched-bench';
const TARGET_PODS_PER_SECOND = 1000;
const KUBERNETES_FLOOR = 270;

const USAGE = `usage: npm run bench:sched -- [options]
  --nodes <n>         fake nodes (default 5000)
  --pods <n>          pods to schedule (default 10000)
  --steady-pods <n>   pods of the second API phase, created while the scheduler runs (default 2000; 0 skips it)
  --concurrency <n>   concurrent API requests when creating objects (default 32)
  --store-members <n,...>  one run through the API per store size (default 1,3: one member
                      as scheduler_perf's single etcd, then a replicated three-member store)
  --skip-api          only the in-process run
  --skip-inprocess    only the runs against the API
`;

interface Args {
  nodes: number;
  pods: number;
  steadyPods: number;
  concurrency: number;
  storeMembers: number[];
  api: boolean;
  inprocess: boolean;
}

function parse(argv: readonly string[]): Args | 'help' {
  const a: Args = { nodes: 5000, pods: 10000, steadyPods: 2000, concurrency: 32, storeMembers: [1, 3], api: true, inprocess: true };
  const r = parseOptions(argv, (name, value) => {
    if (name === '--nodes') a.nodes = int(name, value(), 1, 100_000);
    else if (name === '--pods') a.pods = int(name, value(), 1, 1_000_000);
    else if (name === '--steady-pods') a.steadyPods = int(name, value(), 0, 1_000_000);
    else if (name === '--concurrency') a.concurrency = int(name, value(), 1, 1000);
    else if (name === '--store-members') a.storeMembers = storeSizes(name, value());
    else if (name === '--skip-api') a.api = false;
    else if (name === '--skip-inprocess') a.inprocess = false;
    else return false;
    return true;
  });
  return r === 'help' ? 'help' : a;
}

function storeLabel(members: number): string {
  return `${members} store member${members === 1 ? '' : 's'}`;
}

function storeSizes(flag: string, v: string | undefined): number[] {
  return (v ?? '').split(',').map((x) => int(flag, x.trim(), 1, 7));
}

function log(msg: string): void {
  process.stderr.write(`[sched-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

/** Runs `count` tasks with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await task(next++);
  }));
}

function benchNode(i: number): KubeObject {
  const name = `bench-node-${i}`;
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } }, spec: {} };
}

function benchPod(name: string): KubeObject {
  const resources = { cpu: '100m', memory: '500Mi' };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { containers: [{ name: 'pause', image: 'mesh/pause:1', resources: { requests: resources, limits: resources } }] } };
}

/** The scheduler's per-attempt latency quantiles from its /metrics. */
function attemptQuantiles(port: number): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    http.get(`http://127.0.0.1:${port}/metrics`, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => {
        const out: Record<string, number> = {};
        for (const m of body.matchAll(/^scheduler_scheduling_attempt_duration_seconds\{quantile="([\d.]+)"\} ([\d.e+-]+)$/gm)) out[m[1] as string] = Number(m[2]) * 1000;
        resolve(out);
      });
    }).on('error', () => resolve({}));
  });
}

/** Watches pods of the bench namespace and records when each is first seen bound. */
async function watchBinds(client: KubeClient, signal: AbortSignal, bound: Map<string, number>): Promise<void> {
  const list = await client.list(Resources.pods, { namespace: NS });
  let rv = list.metadata.resourceVersion;
  while (!signal.aborted) {
    try {
      for await (const ev of client.watch(Resources.pods, { namespace: NS, resourceVersion: rv, allowWatchBookmarks: true, signal })) {
        const obj = ev.object as KubeObject;
        rv = obj.metadata.resourceVersion ?? rv;
        if (ev.type === 'ERROR') throw new Error(JSON.stringify(obj));
        const name = obj.metadata.name ?? '';
        if (isRecord(obj.spec) && typeof obj.spec.nodeName === 'string' && obj.spec.nodeName !== '' && !bound.has(name)) bound.set(name, Date.now());
      }
    } catch (err) {
      if (signal.aborted) return;
      log(`pod watch ended (${String(err)}); resuming`);
    }
  }
}

async function waitAllBound(bound: Map<string, number>, names: readonly string[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = -1;
  while (names.some((n) => !bound.has(n))) {
    if (Date.now() > until) throw new Error(`only ${names.filter((n) => bound.has(n)).length}/${names.length} pods bound after ${timeoutMs} ms`);
    const count = names.filter((n) => bound.has(n)).length;
    if (count !== last && count % 1000 < 200) log(`${count}/${names.length} bound`);
    last = count;
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface ApiRunResult {
  storeMembers: number;
  backlog: { podsPerSecond: number } & Record<string, number>;
  steady?: Record<string, unknown>;
}

async function apiRun(a: Args, storeMembers: number): Promise<ApiRunResult> {
  log(`starting ${storeLabel(storeMembers)} and an API server`);
  const cluster = await ApiCluster.start({ storeMembers });
  let sched: SchedProcesses | undefined;
  const watching = new AbortController();
  const client = await KubeClient.fromKubeconfig({ explicitPath: cluster.kubeconfig });
  let watchDone: Promise<void> = Promise.resolve();
  try {
    await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    log(`creating ${a.nodes} nodes`);
    const t0 = Date.now();
    const resources = { cpu: '4', memory: '32Gi', pods: '110' };
    await pool(a.nodes, a.concurrency, async (i) => {
      const n = benchNode(i);
      await client.create(Resources.nodes, n);
      await client.patch(Resources.nodes, n.metadata.name ?? '', { status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True' }] } }, 'merge', { subresource: 'status' });
    });
    log(`nodes created in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const bound = new Map<string, number>();
    watchDone = watchBinds(client, watching.signal, bound).catch((err: unknown) => log(`pod watch failed: ${String(err)}`));
    const backlog = Array.from({ length: a.pods }, (_, i) => `backlog-${i}`);
    log(`creating ${a.pods} pending pods (no scheduler running)`);
    const t1 = Date.now();
    await pool(backlog.length, a.concurrency, async (i) => void (await client.create(Resources.pods, benchPod(backlog[i] as string))));
    log(`pods created in ${((Date.now() - t1) / 1000).toFixed(1)} s`);

    log('starting bin/sched (scheduler role, no leader election)');
    sched = new SchedProcesses(cluster, ['--roles', 'scheduler', '--leader-elect', 'false']);
    const started = Date.now();
    await sched.start(1);
    await waitAllBound(bound, backlog, 15 * 60_000);
    const times = backlog.map((n) => bound.get(n) as number);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const port = sched.port(0);
    const attempt = await attemptQuantiles(port);
    const backlogResult = {
      pods: a.pods,
      nodes: a.nodes,
      secondsFirstToLastBind: round((last - first) / 1000, 3),
      secondsFromSchedulerStart: round((last - started) / 1000, 3),
      podsPerSecond: round(a.pods / Math.max(0.001, (last - first) / 1000), 1),
      attemptP50Ms: round(attempt['0.5'] ?? Number.NaN, 3),
      attemptP99Ms: round(attempt['0.99'] ?? Number.NaN, 3),
    };
    log(`backlog: ${backlogResult.podsPerSecond} pods/s, attempt p99 ${backlogResult.attemptP99Ms} ms`);

    let steadyResult: Record<string, unknown> | undefined;
    if (a.steadyPods > 0) {
      const steady = Array.from({ length: a.steadyPods }, (_, i) => `steady-${i}`);
      const created = new Map<string, number>();
      log(`creating ${a.steadyPods} pods while the scheduler runs`);
      const t2 = Date.now();
      await pool(steady.length, a.concurrency, async (i) => {
        const name = steady[i] as string;
        await client.create(Resources.pods, benchPod(name));
        created.set(name, Date.now());
      });
      const createSeconds = (Date.now() - t2) / 1000;
      await waitAllBound(bound, steady, 10 * 60_000);
      const lat = steady.map((n) => Math.max(0, (bound.get(n) as number) - (created.get(n) as number)));
      const lastBind = Math.max(...steady.map((n) => bound.get(n) as number));
      steadyResult = {
        pods: a.steadyPods,
        createPerSecond: round(a.steadyPods / createSeconds, 1),
        podsPerSecond: round(a.steadyPods / Math.max(0.001, (lastBind - t2) / 1000), 1),
        createToBindP50Ms: round(percentile(lat, 50), 1),
        createToBindP99Ms: round(percentile(lat, 99), 1),
      };
      log(`steady: ${JSON.stringify(steadyResult)}`);
    }
    return { storeMembers, backlog: backlogResult, ...(steadyResult ? { steady: steadyResult } : {}) };
  } finally {
    watching.abort();
    await watchDone;
    await sched?.destroy();
    client.close();
    await cluster.destroy();
  }
}

async function main(): Promise<void> {
  const a = parseOrExit(parse, USAGE);
  if (a === 'help') return;
  const result: Record<string, unknown> = { bench: 'sched', at: new Date().toISOString(), machine: machineInfo(repoRoot), nodes: a.nodes, pods: a.pods, target: { podsPerSecond: TARGET_PODS_PER_SECOND, kubernetesFloor: KUBERNETES_FLOOR } };
  if (a.inprocess) {
    log(`in process: ${a.pods} pods onto ${a.nodes} nodes`);
    const r = await runInProcessSchedulingBench({ nodes: a.nodes, pods: a.pods, seed: 1 });
    const counts = [...r.podsPerNode.values()];
    result.inProcess = { seconds: round(r.seconds, 3), podsPerSecond: round(r.podsPerSecond, 1), attemptP50Ms: round(r.attemptP50Ms, 3), attemptP99Ms: round(r.attemptP99Ms, 3), e2eP99Ms: round(r.e2eP99Ms, 1), maxPodsPerNode: Math.max(...counts), nodesUsed: counts.length };
    log(`in process: ${JSON.stringify(result.inProcess)}`);
  }
  // One run per store size, each on a fresh cluster: kube-scheduler's scheduler_perf runs
  // against a single etcd, so one member is its setup; three is this project's replicated store.
  const apiResults: ApiRunResult[] = [];
  if (a.api) for (const members of a.storeMembers) apiResults.push(await apiRun(a, members));
  if (apiResults.length > 0) result.api = apiResults;
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(path.join(resultsDir, `sched-${stamp}.json`), text);
  writeFileSync(path.join(resultsDir, 'sched-latest.json'), text);
  process.stdout.write(text);
  const inProc = result.inProcess as { podsPerSecond: number } | undefined;
  const verdict = (v: number | undefined): string => (v === undefined ? 'not run' : `${v} pods/s ${v >= TARGET_PODS_PER_SECOND ? 'meets' : 'misses'} the ${TARGET_PODS_PER_SECOND} pods/s target`);
  process.stdout.write(`in process: ${verdict(inProc?.podsPerSecond)}\n`);
  if (apiResults.length === 0) process.stdout.write(`against the API: ${verdict(undefined)}\n`);
  for (const r of apiResults) process.stdout.write(`against the API, ${storeLabel(r.storeMembers)}: ${verdict(r.backlog.podsPerSecond)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
