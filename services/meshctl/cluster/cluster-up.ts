// `meshctl cluster up`: one Linux machine becomes a cluster of namespace hosts. Every step keeps
// what is already there, so a second run changes nothing; a failure names the component and its log.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { dockerClient, ensureDockerd } from '../../../lib/docker/dockerd.js';
import { HostNetwork, requireRoot } from '../../../lib/netns/host-network.js';
import { sleep } from '../wait/sleep.js';
import type { ClusterPlan } from './cluster-plan.js';
import { DEMO_NODE_PORT } from '../../../lib/images/index.js';
import { PlanError, clusterDir, controlPlaneHosts, workerHosts } from './cluster-plan.js';
import { apiClientFor, apiReady, httpGet, nodeReadiness, schedHealthy, storeHealthy, storeIsLeader } from './health.js';
import { adminKubeconfigPath, configureHost, ensureClusterPki, savedPlan, writeClusterFile } from './host-config.js';
import { componentLog, readSupervisorStatus, startHost, supervisorLog, supervisorPid, tail } from './host-processes.js';

export interface ImageBuilder {
  (docker: ReturnType<typeof dockerClient>, o: { demo: boolean; say: (line: string) => void }): Promise<void>;
}

export interface UpOptions {
  plan: ClusterPlan;
  demo: boolean;
  timeoutMs: number;
  say: (line: string) => void;
  buildImages: ImageBuilder;
  /** Applies the demo manifests (meshctl apply -f). */
  applyDemo: (kubeconfig: string) => Promise<void>;
}

export class ClusterUpError extends Error {}


/** The unix socket path of a unix:// Docker host. */
export function dockerSocketPath(dockerHost: string): string {
  if (!dockerHost.startsWith('unix://')) throw new PlanError(`--docker-host must be unix:///path/to/docker.sock (got "${dockerHost}")`);
  return dockerHost.slice('unix://'.length);
}

export function hostNetworkOptions(plan: ClusterPlan): { name: string; subnet: string; hosts: Array<{ name: string; ip: string }> } {
  if (plan.subnet === undefined) throw new PlanError(`cluster ${plan.name} has no host network (its hosts are machines of their own)`);
  return { name: plan.name, subnet: plan.subnet, hosts: plan.hosts.map((h) => ({ name: h.name, ip: h.ip })) };
}

/** The machine's usual Docker sockets: a daemon started there keeps Docker's own data folders. */
const DEFAULT_DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/**
 * Where a dockerd that `cluster up` starts keeps its pid and log, and, on a socket other than the
 * machine's usual one, its data and state (so it never shares /var/lib/docker with another daemon).
 */
export function dockerdFiles(plan: ClusterPlan): { pidFile: string; logFile: string; dataRoot?: string; execRoot?: string } {
  const files = { pidFile: path.join(clusterDir(plan), 'dockerd.pid'), logFile: path.join(clusterDir(plan), 'dockerd.log') };
  if (DEFAULT_DOCKER_SOCKETS.includes(dockerSocketPath(plan.dockerHost))) return files;
  return { ...files, dataRoot: path.join(clusterDir(plan), 'docker'), execRoot: `/run/meshctl-${plan.name}-docker` };
}

function sameShape(a: ClusterPlan, b: ClusterPlan): boolean {
  const hosts = (p: ClusterPlan): string => p.hosts.map((h) => `${h.name}=${h.ip}:${h.roles.join('+')}`).join(',');
  return hosts(a) === hosts(b) && a.subnet === b.subnet && a.dockerHost === b.dockerHost && JSON.stringify(a.extraArgs) === JSON.stringify(b.extraArgs);
}

export async function clusterUp(o: UpOptions): Promise<void> {
  const { plan, say } = o;
  const started = Date.now();
  await requireRoot();
  for (const main of ['host-supervisor', 'store', 'api', 'sched', 'node-agent']) {
    const file = path.join(plan.home, 'dist/services', main, 'main.js');
    if (!existsSync(file)) throw new ClusterUpError(`${file} is missing: build first (npm run build)`);
  }
  const before = await savedPlan(plan.stateDir, plan.name);
  if (before && !sameShape(before, plan)) {
    throw new ClusterUpError(`cluster "${plan.name}" already exists with other settings (hosts ${before.hosts.map((h) => h.name).join(', ')}); run \`meshctl cluster down --name ${plan.name}\` first`);
  }

  say(`==> docker (${plan.dockerHost})`);
  const socketPath = dockerSocketPath(plan.dockerHost);
  const dockerd = await ensureDockerd({ socketPath, ...dockerdFiles(plan) });
  say(dockerd.started ? `started dockerd (pid ${String(dockerd.pid)}, --iptables=false --bridge=none), log ${path.join(clusterDir(plan), 'dockerd.log')}` : 'dockerd is running');
  await o.buildImages(dockerClient(socketPath), { demo: o.demo, say });

  say(`==> hosts (bridge br-${plan.name}, ${plan.subnet ?? ''})`);
  const netOpts = hostNetworkOptions(plan);
  let net = await HostNetwork.open(netOpts);
  if (net) say(`host network is up: ${plan.hosts.map((h) => `${h.name} ${h.ip}`).join(', ')}`);
  else {
    net = await HostNetwork.create(netOpts);
    say(`created ${String(plan.hosts.length)} hosts: ${plan.hosts.map((h) => `${h.name} ${h.ip}`).join(', ')}`);
  }

  say('==> credentials');
  await ensureClusterPki(plan);
  for (const h of plan.hosts) await configureHost(plan, h);
  await writeClusterFile(plan);
  say(`cluster CA and component credentials in ${path.join(clusterDir(plan), 'pki')}`);

  say('==> components');
  for (const h of [...controlPlaneHosts(plan.hosts), ...workerHosts(plan.hosts)]) {
    const pid = supervisorPid(plan, h.name);
    if (pid !== undefined) {
      say(`${h.name}: running (supervisor pid ${String(pid)}: ${h.roles.join(', ')})`);
      continue;
    }
    const started = await startHost(plan, net, h.name);
    say(`${h.name}: started ${h.roles.join(', ')} (supervisor pid ${String(started)})`);
  }

  const until = started + o.timeoutMs;
  await waitHealthy(o, until);
  const w1 = workerHosts(plan.hosts)[0];
  if (o.demo && w1) {
    say('==> demo');
    await o.applyDemo(adminKubeconfigPath(plan));
    await waitDemoAnswers(`http://${w1.ip}:${String(DEMO_NODE_PORT)}/`, until, say);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const kc = adminKubeconfigPath(plan);
  say('');
  say(`Cluster "${plan.name}" is up (${seconds}s): ${String(controlPlaneHosts(plan.hosts).length)} control-plane hosts, ${String(workerHosts(plan.hosts).length)} workers.`);
  say(`  export KUBECONFIG=${kc}`);
  say('  kubectl get nodes -o wide');
  say(`  meshctl cluster status${plan.name === 'local' ? '' : ` --name ${plan.name}`}`);
  if (o.demo && w1) {
    say('The demo (frontend -> backend v1/v2) answers on NodePort ' + String(DEMO_NODE_PORT) + ' of every worker:');
    say(`  curl http://${w1.ip}:${String(DEMO_NODE_PORT)}/`);
  }
}

/** The curl printed at the end must work: wait until the frontend answers through the NodePort (Service rules follow the pods). */
async function waitDemoAnswers(url: string, until: number, say: (line: string) => void): Promise<void> {
  for (;;) {
    const r = await httpGet(url);
    if (r?.status === 200 && r.body.startsWith('frontend')) {
      say(`${url} answers: ${r.body.trim()}`);
      return;
    }
    if (Date.now() > until) throw new ClusterUpError(`the demo does not answer on ${url} (last: ${r === undefined ? 'no answer' : `${String(r.status)} ${r.body.trim()}`}); see kubectl get pods,svc,endpointslices -o wide`);
    await sleep(250);
  }
}

/** Waits for the store, the API servers, the scheduler and every node, printing progress as it changes. */
async function waitHealthy(o: UpOptions, until: number): Promise<void> {
  const { plan, say } = o;
  const cps = controlPlaneHosts(plan.hosts);
  const workers = workerHosts(plan.hosts);
  const schedHosts = cps.filter((h) => h.roles.includes('sched'));
  // One client per API server for the whole wait; the first ready one also reads the nodes.
  const apiClients = await Promise.all(cps.map((h) => apiClientFor(adminKubeconfigPath(plan), h.ip)));
  let last = '';
  try {
    for (;;) {
      const store = await Promise.all(cps.map((h) => storeHealthy(h.ip)));
      const leaderIndex = (await Promise.all(cps.map((h) => storeIsLeader(h.ip)))).findIndex((l) => l === true);
      const api = await Promise.all(apiClients.map((c) => apiReady(c)));
      const sched = await Promise.all(schedHosts.map((h) => schedHealthy(h.ip)));
      const readyApi = apiClients[api.indexOf(true)];
      const ready = readyApi ? await nodeReadiness(readyApi).catch(() => new Map<string, boolean>()) : new Map<string, boolean>();
      const readyNodes = workers.filter((w) => ready.get(w.name) === true).length;
      const count = (xs: boolean[]): string => `${String(xs.filter(Boolean).length)}/${String(xs.length)}`;
      const line = `store ${count(store)} healthy${leaderIndex >= 0 ? ` (leader ${cps[leaderIndex]?.name ?? ''})` : ''}, API servers ${count(api)} ready, sched ${count(sched)} healthy, nodes ${String(readyNodes)}/${String(workers.length)} Ready`;
      if (line !== last) say(line);
      last = line;
      if (store.every(Boolean) && api.every(Boolean) && sched.every(Boolean) && readyNodes === workers.length) return;
      if (Date.now() > until) {
        const failing: Array<{ host: string; component: string }> = [];
        cps.forEach((h, i) => {
          if (!store[i]) failing.push({ host: h.name, component: 'store' });
          if (!api[i]) failing.push({ host: h.name, component: 'api' });
        });
        schedHosts.forEach((h, i) => {
          if (!sched[i]) failing.push({ host: h.name, component: 'sched' });
        });
        for (const w of workers) if (ready.get(w.name) !== true) failing.push({ host: w.name, component: 'node-agent' });
        throw new ClusterUpError(await diagnose(plan, failing));
      }
      await sleep(500);
    }
  } finally {
    for (const c of apiClients) c.close();
  }
}

/** The last lines of a log that look like errors (a usage error is followed by the whole help text), else its last lines. */
export function errorLines(text: string, count = 6): string {
  const lines = text.split('\n');
  const errors = lines.filter((l) => /error|fatal|unknown|invalid|refused|denied|panic|cannot|failed/i.test(l));
  return (errors.length > 0 ? errors : lines).slice(-count).join('\n');
}

/** Which components failed, where, with their state, restarts and log tail. */
async function diagnose(plan: ClusterPlan, failing: Array<{ host: string; component: string }>): Promise<string> {
  const parts = [`cluster "${plan.name}" did not become healthy in time:`];
  for (const f of failing) {
    const status = readSupervisorStatus(plan, f.host);
    const c = status?.components.find((x) => x.name === f.component);
    const state = status === undefined ? `its host's supervisor is not running (see ${supervisorLog(plan, f.host)})` : c === undefined ? 'not started' : `${c.state}, ${String(c.restarts)} restarts`;
    const log = componentLog(plan, f.host, f.component);
    parts.push(`- ${f.component} on ${f.host}: ${state}; log ${log}`);
    parts.push(errorLines(await tail(log, 200)).replace(/^/gm, '    '));
  }
  return parts.join('\n');
}
