// bin/store: wires flags, sockets, timers and signals around the store member's core.
import * as grpc from '@grpc/grpc-js';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LenientAuthorityServer } from '../../lib/grpc/lenient-authority.js';
import { listenWithLenientAuthority } from '../../lib/grpc/lenient-authority.js';
import { logLine as log } from '../../lib/process/main-entry.js';
import { ConfigError, HELP, parseStoreArgs } from './config.js';
import type { StoreConfig } from './config.js';
import { BootstrapError, bootstrapServer, parseInitialCluster } from './server/bootstrap.js';
import type { EtcdServer } from './server/etcd-server.js';
import { addClientServices, clientUnaryRouter, GRPC_OVERHEAD_BYTES } from './server/grpc-api.js';
import { createMetrics, metricsHandler } from './server/metrics.js';
import type { PeerHandler, PeerListener } from './server/transport.js';
import { addPeerService, fetchClusterInfo, listenPeer, PeerStreamTransport, peerChannelOptions } from './server/transport.js';

async function run(cfg: StoreConfig): Promise<void> {
  // The transport needs the cluster ID, which is known only once the member has bootstrapped.
  const started: { server?: EtcdServer } = {};
  const transport = new PeerStreamTransport(() => started.server?.clusterId ?? '');
  const s = await bootstrapServer({
    name: cfg.name,
    dataDir: cfg.dataDir,
    initialCluster: parseInitialCluster(cfg.initialCluster),
    initialClusterState: cfg.initialClusterState,
    initialClusterToken: cfg.initialClusterToken,
    advertiseClientUrls: cfg.advertiseClientUrls,
    advertisePeerUrls: cfg.initialAdvertisePeerUrls,
    heartbeatMs: cfg.heartbeatIntervalMs,
    electionMs: cfg.electionTimeoutMs,
    snapshotCount: cfg.snapshotCount,
    maxRequestBytes: cfg.maxRequestBytes,
    maxTxnOps: cfg.maxTxnOps,
    transport,
    clock: { now: () => performance.now() },
    fetchClusterInfo: (urls) => fetchClusterInfo(urls),
  });
  started.server = s;
  const peerHandler: PeerHandler = {
    clusterId: () => s.clusterId,
    receive: (msgs) => s.receive(msgs),
    clusterInfo: () => ({ clusterId: s.clusterId, members: s.members() }),
    leaseKeepAlive: (req) => s.leaseKeepAlive(req),
    leaseTimeToLive: (req) => s.leaseTimeToLive(req),
    memberPromote: (id) => s.memberPromote(id),
    reportUnreachable: (id, snap) => s.reportUnreachable(id, snap),
  };
  transport.attach(peerHandler);

  const peerServer = new grpc.Server(peerChannelOptions);
  addPeerService(peerServer, peerHandler);
  const peerListeners: PeerListener[] = [];
  for (const url of cfg.listenPeerUrls) peerListeners.push(await listenPeer(peerServer, url, peerHandler));

  const maxReceiveBytes = cfg.maxRequestBytes + GRPC_OVERHEAD_BYTES;
  const clientServer = new grpc.Server({
    'grpc.max_receive_message_length': maxReceiveBytes,
    'grpc.max_send_message_length': -1,
  });
  addClientServices(clientServer, s, { progressNotifyIntervalMs: cfg.progressNotifyIntervalMs });
  // The KV calls the router answers obey the same message limit as grpc-js.
  const unaryRouter = clientUnaryRouter(s, maxReceiveBytes);
  // Through the lenient front: etcdctl 3.4 sends the endpoint URL as :authority, which Node's
  // HTTP/2 would refuse (lib/grpc/lenient-authority.ts).
  const clientListeners: LenientAuthorityServer[] = [];
  for (const url of cfg.listenClientUrls) {
    const u = new URL(url);
    const listener = await listenWithLenientAuthority(clientServer, u.hostname, Number(u.port), { unaryRouter });
    if (!listener.routed) log('warn', 'this grpc-js version hides its HTTP/2 server: every KV call goes through grpc-js (slower)', { url });
    clientListeners.push(listener);
  }

  const registry = createMetrics(s);
  const httpServers = cfg.listenMetricsUrls.map((url) => {
    const u = new URL(url);
    const h = http.createServer(metricsHandler(s, registry));
    h.listen(Number(u.port), u.hostname);
    return h;
  });

  const ticker = setInterval(() => s.tick(), cfg.heartbeatIntervalMs);
  log('info', 'serving', {
    name: cfg.name,
    memberId: s.memberId,
    clusterId: s.clusterId,
    clientUrls: cfg.listenClientUrls,
    peerUrls: cfg.listenPeerUrls,
  });
  s.on('leader', (lead: string) => log('info', lead ? 'leader elected' : 'leader lost', { leader: lead }));
  s.on('apply-error', (err: Error, index: number) =>
    log('error', 'applying an entry failed', { index, error: err.message, stack: err.stack }),
  );
  s.on('watch-sink-error', (err: Error, watcherId: number) =>
    log('error', 'a watch could not take its events and was cancelled', { watcherId, error: err.message, stack: err.stack }),
  );

  let stopping = false;
  const shutdown = async (code: number, why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { why });
    const force = setTimeout(() => process.exit(code), 5000);
    force.unref();
    try {
      await s.stop();
    } finally {
      clearInterval(ticker);
      await Promise.all(clientListeners.map((l) => l.close()));
      clientServer.forceShutdown();
      for (const l of peerListeners) l.close();
      peerServer.forceShutdown();
      transport.close();
      for (const h of httpServers) h.close();
      await s.close();
      log('info', 'stopped');
      process.exit(code);
    }
  };
  // Stay up a moment after our own removal so the others learn that it committed (a removed
  // leader hands over first); then stop, as etcd does.
  s.on('removed', () =>
    setTimeout(() => void shutdown(0, 'the member has been permanently removed from the cluster'), cfg.electionTimeoutMs),
  );
  s.on('fatal', (err: Error) => {
    log('error', 'fatal error, stopping', { error: err.message });
    void shutdown(1, err.message);
  });
  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));
  process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
}

let cfg: StoreConfig | 'help';
try {
  cfg = parseStoreArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`store: ${err instanceof Error ? err.message : String(err)}\n${err instanceof ConfigError ? '' : HELP}`);
  process.exit(2);
}
if (cfg === 'help') {
  process.stdout.write(HELP);
} else {
  run(cfg).catch((err: unknown) => {
    const known = err instanceof BootstrapError || err instanceof ConfigError;
    log('error', known ? (err as Error).message : `startup failed: ${String(err)}`);
    process.exit(1);
  });
}
