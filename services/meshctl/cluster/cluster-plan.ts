// What a cluster is made of, as data: its hosts (cp1..cpN, w1..wN) with their addresses and
// roles, and the host.env each host's start script reads (deploy/roles/start-host.sh). Pure, so
// local mode (`meshctl cluster up`) and Vagrant's provisioning (`meshctl cluster configure-host`)
// derive the same files from the same inputs.
import path from 'node:path';
import { DEFAULT_DOCKER_HOST } from '../image/docker-host.js';

export { DEFAULT_DOCKER_HOST };

export type Role = 'store' | 'api' | 'sched' | 'node-agent';

export interface HostPlan {
  name: string;
  ip: string;
  roles: Role[];
}

export interface ExtraArgs {
  store: string[];
  api: string[];
  sched: string[];
  agent: string[];
}

export interface ClusterPlan {
  name: string;
  /** The folder of all clusters (--state-dir); this one lives in <stateDir>/<name>. */
  stateDir: string;
  /** The host network, an IPv4 /24 (local mode), or undefined when the hosts are real machines. */
  subnet?: string;
  hosts: HostPlan[];
  dockerHost: string;
  /** The checkout the hosts run (bin/, dist/, deploy/). */
  home: string;
  extraArgs: ExtraArgs;
}

export const DEFAULT_STATE_DIR = '/var/lib/meshctl';
export const DEFAULT_CLUSTER_NAME = 'local';
export const DEFAULT_SUBNET = '10.10.0.0/24';
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
export const CLUSTER_CIDR = '10.244.0.0/16';
export const API_PORT = 6443;
export const STORE_CLIENT_PORT = 2379;
export const STORE_PEER_PORT = 2380;
export const STORE_METRICS_PORT = 2381;
export const SCHED_HEALTH_PORT = 10259;

const CLUSTER_NAME_RE = /^[a-z][a-z0-9]{0,7}$/;
const HOST_NAME_RE = /^(cp|w)([1-9][0-9]?)$/;
const MAX_CONTROL_PLANES = 9;
const MAX_WORKERS = 99;

export class PlanError extends Error {}

export function emptyExtraArgs(): ExtraArgs {
  return { store: [], api: [], sched: [], agent: [] };
}

export function clusterDir(plan: Pick<ClusterPlan, 'stateDir' | 'name'>): string {
  return path.join(plan.stateDir, plan.name);
}

export function hostDir(plan: Pick<ClusterPlan, 'stateDir' | 'name'>, host: string): string {
  return path.join(clusterDir(plan), 'hosts', host);
}

export function pkiDir(plan: Pick<ClusterPlan, 'stateDir' | 'name'>): string {
  return path.join(clusterDir(plan), 'pki');
}

export function validateClusterName(name: string): void {
  if (!CLUSTER_NAME_RE.test(name)) throw new PlanError(`invalid cluster name "${name}": 1 to 8 lower-case letters or digits, starting with a letter (it prefixes interface names)`);
}

/** Roles by host name: every control-plane host runs a store member and an API server, cp1 and cp2 the scheduler and controllers (one active, one standby), workers a node agent. */
export function rolesOf(host: string): Role[] {
  const m = HOST_NAME_RE.exec(host);
  if (!m) throw new PlanError(`invalid host name "${host}": cp1..cp${MAX_CONTROL_PLANES} or w1..w${MAX_WORKERS}`);
  if (m[1] === 'w') return ['node-agent'];
  const n = Number(m[2]);
  return n <= 2 ? ['store', 'api', 'sched'] : ['store', 'api'];
}

function subnetPrefix(subnet: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(subnet);
  if (!m || [m[1], m[2], m[3]].some((p) => Number(p) > 255)) throw new PlanError(`invalid --subnet "${subnet}": an IPv4 /24 like 10.10.0.0/24`);
  return `${m[1] ?? ''}.${m[2] ?? ''}.${m[3] ?? ''}`;
}

export interface LocalClusterOptions {
  name: string;
  stateDir: string;
  controlPlanes: number;
  workers: number;
  subnet: string;
  dockerHost: string;
  home: string;
  extraArgs: ExtraArgs;
}

/** The one-machine cluster: control-plane hosts at .11 and up, workers at .21 and up (ARCHITECTURE.md). */
export function planLocalCluster(o: LocalClusterOptions): ClusterPlan {
  validateClusterName(o.name);
  if (!Number.isInteger(o.controlPlanes) || o.controlPlanes < 1 || o.controlPlanes % 2 === 0 || o.controlPlanes > MAX_CONTROL_PLANES) {
    throw new PlanError(`invalid --control-planes ${String(o.controlPlanes)}: an odd number from 1 to ${MAX_CONTROL_PLANES} (the store needs a majority)`);
  }
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > MAX_WORKERS) throw new PlanError(`invalid --workers ${String(o.workers)}: 1 to ${MAX_WORKERS}`);
  if (21 + o.workers - 1 > 254) throw new PlanError(`--workers ${String(o.workers)} does not fit the /24`);
  const prefix = subnetPrefix(o.subnet);
  const hosts: HostPlan[] = [];
  for (let i = 1; i <= o.controlPlanes; i++) hosts.push({ name: `cp${i}`, ip: `${prefix}.${10 + i}`, roles: rolesOf(`cp${i}`) });
  for (let i = 1; i <= o.workers; i++) hosts.push({ name: `w${i}`, ip: `${prefix}.${20 + i}`, roles: rolesOf(`w${i}`) });
  return { name: o.name, stateDir: o.stateDir, subnet: o.subnet, hosts, dockerHost: o.dockerHost, home: o.home, extraArgs: o.extraArgs };
}

/** Hosts from `cp1=192.168.56.11,cp2=...,w1=...` (Vagrant: the VMs' addresses). */
export function parseHostList(text: string): HostPlan[] {
  const hosts: HostPlan[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-z0-9]+)=(\d{1,3}(?:\.\d{1,3}){3})$/.exec(item);
    if (!m) throw new PlanError(`invalid --hosts entry "${item}": NAME=IPv4, e.g. cp1=192.168.56.11`);
    const name = m[1] ?? '';
    if (hosts.some((h) => h.name === name)) throw new PlanError(`--hosts names ${name} twice`);
    hosts.push({ name, ip: m[2] ?? '', roles: rolesOf(name) });
  }
  const cps = controlPlaneHosts(hosts).length;
  if (cps === 0 || cps % 2 === 0) throw new PlanError(`--hosts needs an odd number of control-plane hosts (cp1, cp2, cp3), got ${String(cps)}`);
  return hosts;
}

export function controlPlaneHosts(hosts: readonly HostPlan[]): HostPlan[] {
  return hosts.filter((h) => h.roles.includes('store'));
}

export function workerHosts(hosts: readonly HostPlan[]): HostPlan[] {
  return hosts.filter((h) => h.roles.includes('node-agent'));
}

export function findHost(plan: ClusterPlan, host: string): HostPlan {
  const h = plan.hosts.find((x) => x.name === host);
  if (!h) throw new PlanError(`cluster "${plan.name}" has no host "${host}" (hosts: ${plan.hosts.map((x) => x.name).join(', ')})`);
  return h;
}

/** The meshkube.node label of a worker's containers (deploy/roles/components/node-agent.sh's --runtime-node-id). */
export function runtimeNodeId(plan: Pick<ClusterPlan, 'name'>, host: string): string {
  return `${plan.name}-${host}`;
}

export function apiServerUrl(ip: string): string {
  return `https://${ip}:${API_PORT}`;
}

/** The API server a host's components use: its own on control-plane hosts; workers spread over the control plane. */
export function apiServerFor(plan: ClusterPlan, host: HostPlan): string {
  if (host.roles.includes('api')) return apiServerUrl(host.ip);
  const cps = controlPlaneHosts(plan.hosts);
  const index = Math.max(0, workerHosts(plan.hosts).findIndex((w) => w.name === host.name));
  const cp = cps[index % cps.length];
  if (!cp) throw new PlanError(`cluster "${plan.name}" has no control-plane host`);
  return apiServerUrl(cp.ip);
}

/** The variables deploy/roles/start-host.sh and deploy/roles/components/*.sh read. */
export function hostEnv(plan: ClusterPlan, host: HostPlan): Record<string, string> {
  const cps = controlPlaneHosts(plan.hosts);
  return {
    MESHKUBE_HOME: plan.home,
    CLUSTER_NAME: plan.name,
    HOST_NAME: host.name,
    HOST_IP: host.ip,
    HOST_DIR: hostDir(plan, host.name),
    PKI_DIR: pkiDir(plan),
    ROLES: host.roles.join(' '),
    STORE_NAME: host.name,
    STORE_INITIAL_CLUSTER: cps.map((c) => `${c.name}=http://${c.ip}:${STORE_PEER_PORT}`).join(','),
    STORE_ENDPOINTS: cps.map((c) => `http://${c.ip}:${STORE_CLIENT_PORT}`).join(','),
    STORE_CLUSTER_TOKEN: `meshkube-${plan.name}`,
    API_SERVER: apiServerFor(plan, host),
    DOCKER_HOST: plan.dockerHost,
    SERVICE_CLUSTER_IP_RANGE,
    CLUSTER_CIDR,
    STORE_EXTRA_ARGS: plan.extraArgs.store.join(' '),
    API_EXTRA_ARGS: plan.extraArgs.api.join(' '),
    SCHED_EXTRA_ARGS: plan.extraArgs.sched.join(' '),
    AGENT_EXTRA_ARGS: plan.extraArgs.agent.join(' '),
  };
}

/** KEY='value' lines a shell can source (single quotes, embedded quotes escaped). */
export function envFileText(env: Record<string, string>): string {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  return `${Object.entries(env)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join('\n')}\n`;
}
