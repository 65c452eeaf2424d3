// `meshctl chaos`: the failure drills users run against a local cluster. A killed node loses its
// processes (SIGKILL), its containers and its cable; a partitioned node keeps running but its
// traffic is dropped by nftables in its own namespace; kill-leader SIGKILLs the store's Raft
// leader (its supervisor restarts it, as systemd would on a VM); heal undoes the first two.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { dockerAnswers, dockerClient } from '../../../lib/docker/dockerd.js';
import { HostNetwork } from '../../../lib/netns/host-network.js';
import type { ClusterPlan } from './cluster-plan.js';
import { clusterDir, runtimeNodeId, controlPlaneHosts, findHost } from './cluster-plan.js';
import { dockerSocketPath, hostNetworkOptions } from './cluster-up.js';
import { storeIsLeader } from './health.js';
import { readSupervisorStatus, startHost } from './host-processes.js';

export const CHAOS_TABLE = 'meshkube-chaos';

interface ChaosState {
  killed: string[];
  partitioned: string[];
}

function chaosFile(plan: ClusterPlan): string {
  return path.join(clusterDir(plan), 'chaos.json');
}

export async function readChaosState(plan: ClusterPlan): Promise<ChaosState> {
  const text = await readFile(chaosFile(plan), 'utf8').catch(() => undefined);
  if (text === undefined) return { killed: [], partitioned: [] };
  const v = JSON.parse(text) as Partial<ChaosState>;
  return { killed: v.killed ?? [], partitioned: v.partitioned ?? [] };
}

async function writeChaosState(plan: ClusterPlan, s: ChaosState): Promise<void> {
  const tmp = `${chaosFile(plan)}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(s)}\n`);
  await rename(tmp, chaosFile(plan));
}

async function openNetwork(plan: ClusterPlan): Promise<HostNetwork> {
  const net = await HostNetwork.open(hostNetworkOptions(plan));
  if (!net) throw new Error(`cluster "${plan.name}" has no host network; run meshctl cluster up first`);
  return net;
}

const stamp = (): string => new Date().toISOString();

/** The nftables ruleset that cuts a host off: everything through its eth0, in, out and forwarded. */
export function partitionRuleset(): string {
  return [
    `table inet ${CHAOS_TABLE} {`,
    '  chain input { type filter hook input priority filter - 10; policy accept; iifname "eth0" drop; }',
    '  chain output { type filter hook output priority filter - 10; policy accept; oifname "eth0" drop; }',
    '  chain forward { type filter hook forward priority filter - 10; policy accept; iifname "eth0" drop; oifname "eth0" drop; }',
    '}',
    '',
  ].join('\n');
}

export async function killNode(plan: ClusterPlan, host: string, say: (line: string) => void): Promise<void> {
  findHost(plan, host);
  const net = await openNetwork(plan);
  const pids = await net.killProcesses(host);
  let containers = 0;
  const socket = dockerSocketPath(plan.dockerHost);
  if (await dockerAnswers(socket)) {
    const docker = dockerClient(socket);
    const running = await docker.listContainers({ filters: { label: [`meshkube.node=${runtimeNodeId(plan, host)}`] } });
    for (const c of running) {
      await docker
        .getContainer(c.Id)
        .kill()
        .then(() => containers++)
        .catch(() => undefined);
    }
  }
  await net.setLinkUp(host, false);
  const s = await readChaosState(plan);
  if (!s.killed.includes(host)) s.killed.push(host);
  await writeChaosState(plan, s);
  say(`${stamp()} kill-node ${host}: SIGKILL to ${String(pids.length)} processes (${pids.join(' ') || 'none'}), killed ${String(containers)} containers, link ve-${plan.name}-${host} down`);
}

export async function partitionNode(plan: ClusterPlan, host: string, say: (line: string) => void): Promise<void> {
  findHost(plan, host);
  const net = await openNetwork(plan);
  const r = await execa('ip', ['netns', 'exec', net.nsName(host), 'nft', '-f', '-'], { input: `add table inet ${CHAOS_TABLE}\ndelete table inet ${CHAOS_TABLE}\n${partitionRuleset()}`, reject: false, timeout: 15_000 });
  if (r.exitCode !== 0) throw new Error(`nft in ${host} failed: ${String(r.stderr)}`);
  const s = await readChaosState(plan);
  if (!s.partitioned.includes(host)) s.partitioned.push(host);
  await writeChaosState(plan, s);
  say(`${stamp()} partition ${host}: all traffic through its eth0 dropped (table inet ${CHAOS_TABLE} in its namespace); its processes keep running`);
}

export async function killLeader(plan: ClusterPlan, say: (line: string) => void): Promise<{ host: string; pid: number }> {
  for (const h of controlPlaneHosts(plan.hosts)) {
    if ((await storeIsLeader(h.ip)) !== true) continue;
    const status = readSupervisorStatus(plan, h.name);
    const pid = status?.components.find((c) => c.name === 'store')?.pid;
    if (pid === undefined || pid === null) throw new Error(`the store leader is on ${h.name} but its supervisor reports no store pid`);
    process.kill(pid, 'SIGKILL');
    say(`${stamp()} kill-leader: SIGKILL to the store leader on ${h.name} (pid ${String(pid)}); its supervisor restarts it`);
    return { host: h.name, pid };
  }
  throw new Error(`no store member of cluster "${plan.name}" reports itself leader (is the store up? meshctl cluster status)`);
}

export async function heal(plan: ClusterPlan, host: string | undefined, say: (line: string) => void): Promise<void> {
  if (host !== undefined) findHost(plan, host);
  const net = await openNetwork(plan);
  const s = await readChaosState(plan);
  const wanted = (h: string): boolean => host === undefined || h === host;
  let healed = 0;
  for (const h of s.partitioned.filter(wanted)) {
    await execa('ip', ['netns', 'exec', net.nsName(h), 'nft', 'delete', 'table', 'inet', CHAOS_TABLE], { reject: false, timeout: 15_000 });
    say(`${stamp()} heal ${h}: partition removed`);
    healed++;
  }
  for (const h of s.killed.filter(wanted)) {
    await net.setLinkUp(h, true);
    const pid = await startHost(plan, net, h);
    say(`${stamp()} heal ${h}: link up, components restarted (supervisor pid ${String(pid)})`);
    healed++;
  }
  await writeChaosState(plan, { killed: s.killed.filter((h) => !wanted(h)), partitioned: s.partitioned.filter((h) => !wanted(h)) });
  if (healed === 0) say(`${stamp()} heal: nothing to undo${host === undefined ? '' : ` on ${host}`}`);
}
