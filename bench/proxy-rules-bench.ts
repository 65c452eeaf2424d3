// Service proxy benchmark (nftables, maps-only layout): for N Services x 3 endpoints, the time
// to load the whole table from nothing and the time to program one endpoint change (one nft
// transaction, through a long-lived `nft -i` and, for comparison, a new `nft -f -` per change);
// then request latency to a ClusterIP against the pod IP itself, at small and large N.
// Runs as root in namespaces of its own (px-b*). Targets: 30k loaded <= 1 s, one change <= 20 ms
// at any size, ClusterIP latency within 5% of the pod IP's.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureService, fixtureSlice } from '../services/node-agent/proxy/fixtures.js';
import type { NftRunner } from '../services/node-agent/proxy/nft-runner.js';
import { NftFileRunner, NftInteractiveRunner } from '../services/node-agent/proxy/nft-runner.js';
import { ServiceProxy } from '../services/node-agent/proxy/service-proxy.js';
import { UsageError, int, parseOptions, parseOrExit } from './lib/arg-parsing.js';
import { machineInfo } from './lib/api-procs.js';
import { BRIDGE, CLUSTER_CIDR, ProxyLab, mapElementCounts } from './lib/proxy-lab.js';
import { requestLatencies } from './lib/proxy-latency.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.join(repoRoot, 'bench', 'results');
const TABLE = 'meshkube-proxy';

const USAGE = `usage: npm run bench:proxy-rules -- [options]
  --sizes <n,n,...>        service counts for the load/change runs (default 1000,10000,30000)
  --changes <n>            endpoint changes timed per size and runner (default 30)
  --latency-sizes <n,...>  service counts for the request-latency runs (default 10,10000; '' skips)
  --requests <n>           sequential requests per latency run (default 2000)
`;

interface Args {
  sizes: number[];
  changes: number;
  latencySizes: number[];
  requests: number;
}

function sizesOf(flag: string, v: string | undefined): number[] {
  if (v === undefined) throw new UsageError(`${flag} needs a list`);
  if (v.trim() === '') return [];
  return v.split(',').map((s) => int(flag, s.trim(), 1, 200_000));
}

function parse(argv: readonly string[]): Args | 'help' {
  const a: Args = { sizes: [1000, 10000, 30000], changes: 30, latencySizes: [10, 10000], requests: 2000 };
  const r = parseOptions(argv, (name, value) => {
    if (name === '--sizes') a.sizes = sizesOf(name, value());
    else if (name === '--changes') a.changes = int(name, value(), 1, 10_000);
    else if (name === '--latency-sizes') a.latencySizes = sizesOf(name, value());
    else if (name === '--requests') a.requests = int(name, value(), 1, 1_000_000);
    else return false;
    return true;
  });
  return r === 'help' ? 'help' : a;
}

function log(msg: string): void {
  process.stderr.write(`[proxy-rules-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}
const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

const svcIP = (i: number): string => `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const podIP = (i: number, j: number): string => `10.${200 + j}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** Fills a proxy with n filler services x 3 endpoints (not reachable; only their rules matter). */
function fill(proxy: ServiceProxy, n: number, from = 0): void {
  for (let i = from; i < from + n; i++) {
    proxy.onServiceUpsert(fixtureService('bench', `s${i}`, svcIP(i), [{ name: 'http', port: 80 }]));
    proxy.onSliceUpsert(fixtureSlice('bench', `s${i}`, `s${i}-a`, [{ name: 'http', port: 8080 }], [podIP(i, 0), podIP(i, 1), podIP(i, 2)]));
  }
}

async function timeChanges(proxy: ServiceProxy, n: number, count: number, round0: number): Promise<number[]> {
  const ms: number[] = [];
  for (let c = 0; c < count; c++) {
    const i = (c * 7919) % n;
    const fresh = `10.199.${(round0 + c) % 250}.${(c % 250) + 1}`;
    proxy.onSliceUpsert(fixtureSlice('bench', `s${i}`, `s${i}-a`, [{ name: 'http', port: 8080 }], [podIP(i, 0), fresh, podIP(i, 2)]));
    const t0 = performance.now();
    const r = await proxy.syncNow();
    ms.push(performance.now() - t0);
    if (r.full) throw new Error('an endpoint change fell back to a full sync');
  }
  return ms;
}

async function loadRun(n: number, changes: number): Promise<Record<string, unknown>> {
  const lab = await ProxyLab.create('bl', 62, 0);
  const interactive = new NftInteractiveRunner({ prefix: ProxyLab.in(lab.router) });
  const file = new NftFileRunner({ prefix: ProxyLab.in(lab.router) });
  let current: NftRunner = interactive;
  // What the agent's runner offers: one transaction, several side by side, and listing.
  const runner: NftRunner = {
    run: (s) => current.run(s),
    runConcurrently: (ss) => (current.runConcurrently ?? interactive.runConcurrently).call(current, ss),
    listJson: (c) => interactive.listJson(c),
  };
  try {
    const proxy = new ServiceProxy({ clusterCIDR: CLUSTER_CIDR, podBridge: BRIDGE, runner });
    fill(proxy, n);
    const t0 = performance.now();
    const full = await proxy.syncNow();
    const fullMs = performance.now() - t0;
    const counts = await mapElementCounts(lab.router, TABLE);
    if (counts['service-endpoints'] !== 3 * n) throw new Error(`expected ${3 * n} endpoint elements, found ${String(counts['service-endpoints'])}`);
    const t1 = performance.now();
    await proxy.syncNow({ full: true });
    const refullMs = performance.now() - t1;
    const viaInteractive = await timeChanges(proxy, n, changes, 0);
    current = file;
    const viaFile = await timeChanges(proxy, n, changes, 100);
    const res = {
      services: n,
      endpointElements: counts['service-endpoints'],
      scriptBytes: full.script.length,
      fullLoadMs: round(fullMs, 1),
      fullResyncOverLoadedTableMs: round(refullMs, 1),
      changeInteractiveMs: { p50: round(percentile(viaInteractive, 50)), p90: round(percentile(viaInteractive, 90)), max: round(Math.max(...viaInteractive)) },
      changeNewProcessMs: { p50: round(percentile(viaFile, 50)), p90: round(percentile(viaFile, 90)), max: round(Math.max(...viaFile)) },
    };
    log(JSON.stringify(res));
    return res;
  } finally {
    await interactive.close();
    await lab.destroy();
  }
}

async function latencyRun(n: number, requests: number): Promise<Record<string, unknown>> {
  const lab = await ProxyLab.create('bt', 63, 1);
  const runner = new NftInteractiveRunner({ prefix: ProxyLab.in(lab.router) });
  try {
    await lab.startHttpd(8080);
    const proxy = new ServiceProxy({ clusterCIDR: CLUSTER_CIDR, podBridge: BRIDGE, runner });
    const target = '10.96.250.1';
    proxy.onServiceUpsert(fixtureService('bench', 'target', target, [{ name: 'http', port: 80 }]));
    proxy.onSliceUpsert(fixtureSlice('bench', 'target', 'target-a', [{ name: 'http', port: 8080 }], [lab.podIPs[0] as string]));
    fill(proxy, Math.max(0, n - 1));
    await proxy.syncNow();
    const urls = [`http://${target}/`, `http://${lab.podIPs[0] as string}:8080/`];
    await requestLatencies(lab.client, urls, Math.min(200, requests)); // warm-up
    const run = await requestLatencies(lab.client, urls, requests);
    const via = run.ms[0] ?? [];
    const direct = run.ms[1] ?? [];
    const res = {
      services: n,
      requests,
      errors: run.errors,
      clusterIP: { p50Ms: round(percentile(via, 50), 3), p99Ms: round(percentile(via, 99), 3) },
      podIP: { p50Ms: round(percentile(direct, 50), 3), p99Ms: round(percentile(direct, 99), 3) },
      p50Ratio: round(percentile(via, 50) / percentile(direct, 50), 3),
      p99Ratio: round(percentile(via, 99) / percentile(direct, 99), 3),
    };
    log(JSON.stringify(res));
    return res;
  } finally {
    await runner.close();
    await lab.destroy();
  }
}

async function main(): Promise<void> {
  const a = parseOrExit(parse, USAGE);
  if (a === 'help') return;
  const result: Record<string, unknown> = {
    bench: 'proxy-rules',
    at: new Date().toISOString(),
    machine: machineInfo(repoRoot),
    targets: { fullLoad30kMs: 1000, oneChangeMs: 20, latencyRatio: 1.05 },
  };
  const loads: Record<string, unknown>[] = [];
  for (const n of a.sizes) {
    log(`load and change: ${n} services x 3 endpoints`);
    loads.push(await loadRun(n, a.changes));
  }
  result.load = loads;
  const lat: Record<string, unknown>[] = [];
  for (const n of a.latencySizes) {
    log(`request latency at ${n} services`);
    lat.push(await latencyRun(n, a.requests));
  }
  result.latency = lat;
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(path.join(resultsDir, `proxy-rules-${stamp}.json`), text);
  writeFileSync(path.join(resultsDir, 'proxy-rules-latest.json'), text);
  process.stdout.write(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
