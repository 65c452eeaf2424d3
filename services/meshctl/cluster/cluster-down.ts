// `meshctl cluster down`: everything `cluster up` made goes away: processes (supervisors first, so
// components stop cleanly), the containers of the cluster's nodes, namespaces, links, the bridge,
// the forward table, the dockerd it started, and its state directory.
import { rm } from 'node:fs/promises';
import { dockerAnswers, dockerClient, removeContainers, runningDockerdPid, stopDockerd } from '../../../lib/docker/dockerd.js';
import { HostNetwork, requireRoot } from '../../../lib/netns/host-network.js';
import type { ClusterPlan } from './cluster-plan.js';
import { clusterDir, runtimeNodeId, workerHosts } from './cluster-plan.js';
import { dockerSocketPath, dockerdFiles, hostNetworkOptions } from './cluster-up.js';
import { stopHost } from './host-processes.js';

export async function clusterDown(plan: ClusterPlan, say: (line: string) => void): Promise<void> {
  await requireRoot();
  const netOpts = hostNetworkOptions(plan);
  const net = await HostNetwork.open(netOpts);
  if (net) {
    await Promise.all(plan.hosts.map((h) => stopHost(plan, net, h.name)));
    say(`stopped the components of ${plan.hosts.map((h) => h.name).join(', ')}`);
  }
  const socket = dockerSocketPath(plan.dockerHost);
  if (await dockerAnswers(socket)) {
    let removed = 0;
    for (const w of workerHosts(plan.hosts)) removed += await removeContainers(dockerClient(socket), `meshkube.node=${runtimeNodeId(plan, w.name)}`);
    say(`removed ${String(removed)} containers`);
  }
  await HostNetwork.removeLeftovers(netOpts);
  say(`removed namespaces ${plan.hosts.map((h) => `${plan.name}-${h.name}`).join(', ')}, bridge br-${plan.name} and table inet ${plan.name}-fwd`);
  const files = dockerdFiles(plan);
  const dockerd = await runningDockerdPid(files.pidFile);
  if (dockerd !== undefined) {
    await stopDockerd(dockerd, files.logFile);
    say(`stopped the dockerd cluster up started (pid ${String(dockerd)})`);
  }
  if (files.execRoot !== undefined) await rm(files.execRoot, { recursive: true, force: true });
  await rm(clusterDir(plan), { recursive: true, force: true });
  say(`removed ${clusterDir(plan)}`);
}
