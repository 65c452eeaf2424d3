// bin/node-agent: wires flags, the API client, Docker, the pod network, the Service proxy, the
// cluster DNS server and the node API around the kubelet core. Runs as root inside the host's
// network namespace; pods survive a restart of the agent, which adopts them again.
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { realClock } from '../../lib/controller/clock.js';
import { ApiEventRecorder } from '../../lib/controller/event-recorder.js';
import { Informer, InformerFactory } from '../../lib/controller/informer.js';
import type { Logger } from '../../lib/controller/informer.js';
import { Resources } from '../../lib/controller/resources.js';
import { logLine as log, runMain } from '../../lib/process/main-entry.js';
import { ConfigError, HELP, parseNodeAgentArgs } from './config.js';
import type { NodeAgentConfig } from './config.js';
import { DockerPodRuntime } from './docker-pod-runtime.js';
import { startClusterDns } from './dns/index.js';
import { Kubelet } from './kubelet/kubelet.js';
import { NetworkProbeRunner } from './kubelet/probes.js';
import { LatePodNetwork } from './late-pod-network.js';
import { NodeLogs } from './node-api/node-logs.js';
import { startNodeApiServer } from './node-api/node-api.js';
import type { NodeApiBackend } from './node-api/node-api.js';
import { readMachineFacts } from './node-status/machine-facts.js';
import { NodeReporter } from './node-status/node-reporter.js';
import { IpvsUnavailableError, checkIpvsSupport, startServiceProxy } from './proxy/index.js';
import { DockerRuntime } from './runtime/index.js';

const info: Logger = (msg, fields) => log('info', msg, fields);

function dockerFromEndpoint(endpoint: string): Docker {
  if (endpoint.startsWith('unix://')) return new Docker({ socketPath: endpoint.slice('unix://'.length) });
  if (endpoint.startsWith('/')) return new Docker({ socketPath: endpoint });
  throw new ConfigError(`invalid --container-runtime-endpoint "${endpoint}": unix:///path/to/docker.sock`);
}

function listenHttp(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The cluster DNS address as a local address of this host, as node-local DNS does. It goes on
 * the loopback device: the kernels these hosts run may have no dummy interfaces, and an address
 * on lo is local to the whole namespace, so pods reach it through their gateway.
 */
async function ensureDnsAddress(address: string): Promise<void> {
  await execa('ip', ['addr', 'replace', `${address}/32`, 'dev', 'lo']);
}

async function run(cfg: NodeAgentConfig): Promise<void> {
  if (cfg.proxyMode === 'ipvs') {
    await checkIpvsSupport();
    // The kernel could do it, but the Service rules are written for nftables only so far.
    throw new IpvsUnavailableError("can't use the IPVS proxier: this node agent programs Services with nftables only; run it with --proxy-mode nftables");
  }
  const client = await KubeClient.fromKubeconfig({ explicitPath: cfg.kubeconfig, envValue: process.env.KUBECONFIG, homeDir: os.homedir(), userAgent: `node-agent/${cfg.nodeName}` });
  const docker = dockerFromEndpoint(cfg.containerRuntimeEndpoint);
  const containers = new DockerRuntime({ docker, nodeName: cfg.runtimeNodeId, pauseImage: cfg.podInfraContainerImage });
  const version = await containers.version();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const network = new LatePodNetwork({ stateDir: path.join(cfg.rootDir, 'network', 'cbr0'), bridge: cfg.podBridge, log: info });
  const machine = await readMachineFacts(cfg.rootDir, version.containerRuntimeVersion);
  const reporter = new NodeReporter({
    client,
    clock: realClock,
    log: info,
    identity: { nodeName: cfg.nodeName, nodeIP: cfg.nodeIP, hostname: cfg.nodeName, labels: cfg.nodeLabels },
    machine,
    readiness: () => network.readiness(),
    leaseDurationSeconds: cfg.nodeLeaseDurationSeconds,
  });
  // realClock's timers do not hold the process open; while registration waits to retry nothing else would.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await reporter.registerWithRetry().finally(() => clearInterval(keepAlive));
  reporter.start();
  info('registered node', { node: cfg.nodeName, ip: cfg.nodeIP });

  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal);
  const informers = new InformerFactory(client, { clock: realClock, log: info });
  const nodes = informers.for(Resources.nodes);
  const services = informers.for(Resources.services);
  const syncNodes = (): void => {
    const self = nodes.cache.get(cfg.nodeName);
    void network
      .nodesChanged(self, nodes.cache.list(), cfg.nodeName)
      .then((changed) => (changed ? reporter.statusChanged() : undefined))
      .catch((err: unknown) => info('pod network sync failed', { error: String(err) }));
  };
  nodes.addEventHandler({ onAdd: syncNodes, onUpdate: syncNodes, onDelete: syncNodes });

  const proxy = startServiceProxy({ informers, nodeIPs: [cfg.nodeIP], clusterCIDR: cfg.clusterCIDR, podBridge: cfg.podBridge, minSyncPeriodMs: cfg.minSyncPeriodMs, fullSyncPeriodMs: cfg.syncPeriodMs, registry, log: info });
  let dns: { stop(): Promise<void> } | undefined;
  if (cfg.serveDNS) {
    await ensureDnsAddress(cfg.clusterDNS);
    dns = await startClusterDns({ informers, bind: [{ address: cfg.clusterDNS, port: 53 }], clusterDomain: cfg.clusterDomain, registry, log: info });
  }

  const podRuntime = new DockerPodRuntime(containers, network, info);
  const recorder = new ApiEventRecorder(client, { component: 'kubelet', host: cfg.nodeName, clock: realClock, log: info });
  const kubelet = new Kubelet({
    nodeName: cfg.nodeName,
    hostIP: cfg.nodeIP,
    rootDir: cfg.rootDir,
    client,
    runtime: podRuntime,
    probeRunner: new NetworkProbeRunner((id, cmd, timeoutMs) => containers.execSync(id, cmd, timeoutMs)),
    recorder,
    clock: realClock,
    log: info,
    dns: { nameserver: cfg.clusterDNS, clusterDomain: cfg.clusterDomain },
    listServices: () => services.cache.list(),
    nodeAllocatable: () => {
      const st = reporter.current && isRecord(reporter.current.status) ? reporter.current.status : {};
      return isRecord(st.allocatable) ? Object.fromEntries(Object.entries(st.allocatable).map(([k, v]) => [k, String(v)])) : {};
    },
    resyncMs: cfg.syncFrequencyMs,
  });
  const pods = new Informer(client, Resources.pods, { fieldSelector: `spec.nodeName=${cfg.nodeName}`, clock: realClock, log: info });
  pods.addEventHandler({ onAdd: (p: KubeObject) => kubelet.podUpdated(p), onUpdate: (_o: KubeObject, p: KubeObject) => kubelet.podUpdated(p), onDelete: (p: KubeObject) => kubelet.podDeleted(p) });

  const informersDone = informers.start(shutdown.signal);
  await informers.waitForSync(shutdown.signal);
  // Pods wait for the pod network, as the kubelet's do for the CNI: no sandbox without an IP range.
  info('waiting for the pod network (the node\'s podCIDR)', {});
  await network.waitReady();
  // IP allocations and veths of sandboxes that are gone (the agent was down when they went).
  // Only now, before any pod is synced: a sandbox being created would look like a leak.
  const live = await podRuntime.listPods();
  const gc = await network.reconcile(new Set([...live.values()].flatMap((p) => p.sandboxes.filter((s) => s.ready).map((s) => s.id))));
  if (gc.released.length > 0 || gc.removedLinks.length > 0) info('released leaked pod network state', { ips: gc.released, links: gc.removedLinks });
  const podsDone = pods.run(shutdown.signal);
  await pods.waitForSync(shutdown.signal);
  info('informers synced', {});

  // The PLEG: only after the pod informer has synced, so a pod not yet seen is not taken for an orphan.
  let relisting: Promise<void> = Promise.resolve();
  const relistTimer = setInterval(() => {
    relisting = relisting.then(() => kubelet.relist()).catch((err: unknown) => info('relist failed', { error: String(err) }));
  }, 1000);
  // flannel's host-gw backend checks its routes every 10 s and puts back any that went missing
  // (removed by hand, or by a sync that failed); the node events alone would leave them out
  // until some node next changed.
  const routeCheckTimer = setInterval(syncNodes, 10_000);
  const logs = new NodeLogs(containers, kubelet);
  const backend: NodeApiBackend = {
    pods: () => kubelet.knownPods(),
    runningPods: async () => logs.runningPods(),
    logs: (ns, pod, container, o) => logs.stream(ns, pod, container, o),
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    healthy: () => true,
  };
  const servers: Array<{ close(): void; closeAllConnections?(): void }> = [];
  if (cfg.tlsCertFile !== undefined && cfg.tlsPrivateKeyFile !== undefined && cfg.clientCAFile !== undefined) {
    const [cert, key, clientCA] = await Promise.all([readFile(cfg.tlsCertFile, 'utf8'), readFile(cfg.tlsPrivateKeyFile, 'utf8'), readFile(cfg.clientCAFile, 'utf8')]);
    servers.push(await startNodeApiServer(backend, { host: cfg.address, port: cfg.port, cert, key, clientCA }));
    info('node API listening', { address: `${cfg.address}:${String(cfg.port)}` });
  } else {
    info('node API off: --tls-cert-file, --tls-private-key-file and --client-ca-file are needed', {});
  }
  if (cfg.healthzPort > 0) {
    const h = http.createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? 200 : 404, { 'Content-Type': 'text/plain' });
      res.end(req.url === '/healthz' ? 'ok' : 'not found');
    });
    await listenHttp(h, cfg.healthzBindAddress, cfg.healthzPort);
    servers.push(h);
  }
  if (cfg.metricsBindAddress !== '') {
    const i = cfg.metricsBindAddress.lastIndexOf(':');
    const m = http.createServer((req, res) => {
      void registry.metrics().then((body) => {
        res.writeHead(req.url === '/metrics' ? 200 : 404, { 'Content-Type': registry.contentType });
        res.end(req.url === '/metrics' ? body : 'not found');
      });
    });
    await listenHttp(m, cfg.metricsBindAddress.slice(0, i), Number(cfg.metricsBindAddress.slice(i + 1)));
    servers.push(m);
  }
  info('node agent ready', { node: cfg.nodeName });

  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    info('shutting down', { why });
    clearInterval(relistTimer);
    clearInterval(routeCheckTimer);
    reporter.stop();
    for (const s of servers) {
      s.close();
      s.closeAllConnections?.();
    }
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    // Pods keep running: a restarted agent adopts them, as a restarted kubelet does.
    void kubelet
      .stop()
      .then(() => Promise.allSettled([proxy.stop(), dns?.stop(), recorder.flush()]))
      .then(() => {
        shutdown.abort();
        return Promise.allSettled([informersDone, podsDone]);
      })
      .then(() => {
        client.close();
        info('stopped', {});
        setTimeout(() => process.exit(0), 20).unref();
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

runMain({
  name: 'node-agent',
  help: HELP,
  parse: (argv) => parseNodeAgentArgs(argv),
  isUsageError: (err): err is Error => err instanceof ConfigError,
  run,
});
