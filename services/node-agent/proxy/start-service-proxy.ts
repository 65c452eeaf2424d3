// The node agent's entry to the service proxy: wires the informers' events to a ServiceProxy,
// runs its syncs on a SyncLoop, and removes the table on stop.
import type { Registry } from 'prom-client';
import type { KubeObject } from '../../../lib/api/object.js';
import type { Clock } from '../../../lib/controller/clock.js';
import { realClock } from '../../../lib/controller/clock.js';
import type { InformerFactory, Logger } from '../../../lib/controller/informer.js';
import { Resources } from '../../../lib/controller/resources.js';
import type { ConntrackCleaner } from './conntrack.js';
import { ExecConntrackCleaner } from './conntrack.js';
import type { NftRunner } from './nft-runner.js';
import { NftInteractiveRunner } from './nft-runner.js';
import { ProxyMetrics } from './proxy-metrics.js';
import { ServiceProxy } from './service-proxy.js';
import { SyncLoop } from './sync-loop.js';

/** kube-proxy's --min-sync-period default. */
export const DEFAULT_MIN_SYNC_PERIOD_MS = 1000;
/**
 * kube-proxy's nftables mode rewrites its whole table at most once an hour (FullSyncPeriod);
 * its --sync-period (30 s) only triggers partial syncs there.
 */
export const DEFAULT_FULL_SYNC_PERIOD_MS = 60 * 60 * 1000;

export interface StartServiceProxyOptions {
  informers: InformerFactory;
  /** The node's addresses; NodePorts answer on every local address (`fib daddr type local`). */
  nodeIPs: string[];
  clusterCIDR: string;
  podBridge: string;
  minSyncPeriodMs?: number;
  fullSyncPeriodMs?: number;
  registry: Registry;
  log: Logger;
  runner?: NftRunner;
  conntrack?: ConntrackCleaner;
  table?: string;
  clock?: Clock;
}

export interface ServiceProxyHandle {
  stop(): Promise<void>;
  /** Resolves once both informers have synced and their state is in the kernel. */
  synced(): Promise<void>;
  readonly proxy: ServiceProxy;
}

export function startServiceProxy(opts: StartServiceProxyOptions): ServiceProxyHandle {
  const runner = opts.runner ?? new NftInteractiveRunner();
  const proxy = new ServiceProxy({
    clusterCIDR: opts.clusterCIDR,
    podBridge: opts.podBridge,
    runner,
    table: opts.table,
    conntrack: opts.conntrack ?? new ExecConntrackCleaner({ log: opts.log }),
    metrics: new ProxyMetrics(opts.registry),
    clock: opts.clock,
    log: opts.log,
  });
  const services = opts.informers.for(Resources.services);
  const slices = opts.informers.for(Resources.endpointSlices);
  let informersSynced = false;
  const syncWaiters: Array<() => void> = [];
  const loop = new SyncLoop(
    opts.clock ?? realClock,
    { minSyncPeriodMs: opts.minSyncPeriodMs ?? DEFAULT_MIN_SYNC_PERIOD_MS, fullSyncPeriodMs: opts.fullSyncPeriodMs ?? DEFAULT_FULL_SYNC_PERIOD_MS },
    async (full) => {
      // Like kube-proxy, program nothing until both caches are complete (a partial view would
      // reject traffic to services whose slices have not arrived yet).
      if (!informersSynced) return;
      try {
        if (full) proxy.requestFull();
        await proxy.syncNow();
        if (!proxy.hasPending()) for (const w of syncWaiters.splice(0)) w();
      } catch (err) {
        opts.log('syncing nftables rules failed', { error: err instanceof Error ? err.message : String(err) });
      }
      if (proxy.hasPending()) loop.request();
    },
  );
  const changed = (): void => loop.request();
  services.addEventHandler({
    onAdd: (o: KubeObject) => (proxy.onServiceUpsert(o), changed()),
    onUpdate: (_old: KubeObject, o: KubeObject) => (proxy.onServiceUpsert(o), changed()),
    onDelete: (o: KubeObject) => (proxy.onServiceDelete(o), changed()),
  });
  slices.addEventHandler({
    onAdd: (o: KubeObject) => (proxy.onSliceUpsert(o), changed()),
    onUpdate: (old: KubeObject, o: KubeObject) => (proxy.onSliceUpsert(o, old), changed()),
    onDelete: (o: KubeObject) => (proxy.onSliceDelete(o), changed()),
  });
  const abort = new AbortController();
  const ready = Promise.all([services.waitForSync(abort.signal), slices.waitForSync(abort.signal)]).then(() => {
    informersSynced = services.hasSynced() && slices.hasSynced();
    loop.start();
  });
  return {
    proxy,
    synced: async () => {
      await ready;
      if (!informersSynced) throw new Error('service proxy stopped before its informers synced');
      await new Promise<void>((resolve) => {
        syncWaiters.push(resolve);
        loop.request();
      });
    },
    stop: async () => {
      abort.abort();
      loop.stop();
      await loop.idle();
      await proxy.deleteTable();
      await runner.close?.();
    },
  };
}
