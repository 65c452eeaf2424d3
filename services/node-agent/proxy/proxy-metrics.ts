// kube-proxy's sync metrics (pkg/proxy/metrics), registered on the registry the agent serves.
import type { Registry } from 'prom-client';
import { Gauge, Histogram } from 'prom-client';

function exponential(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}
function linear(start: number, width: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + width * i);
}

export class ProxyMetrics {
  readonly syncDuration: Histogram;
  readonly syncFullDuration: Histogram;
  readonly syncPartialDuration: Histogram;
  readonly networkProgramming: Histogram;
  readonly lastSync: Gauge;

  constructor(registry: Registry) {
    const histogram = (name: string, help: string, buckets: number[]): Histogram =>
      (registry.getSingleMetric(name) as Histogram | undefined) ?? new Histogram({ name, help, buckets, registers: [registry] });
    const syncBuckets = exponential(0.001, 2, 15);
    this.syncDuration = histogram('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds', syncBuckets);
    this.syncFullDuration = histogram('kubeproxy_sync_full_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for full resyncs', syncBuckets);
    this.syncPartialDuration = histogram('kubeproxy_sync_partial_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for partial resyncs', syncBuckets);
    this.networkProgramming = histogram('kubeproxy_network_programming_duration_seconds', 'In Cluster Network Programming Latency in seconds', [
      ...linear(0.25, 0.25, 2),
      ...linear(1, 1, 59),
      ...linear(60, 5, 12),
      ...linear(120, 30, 7),
    ]);
    const lastName = 'kubeproxy_sync_proxy_rules_last_timestamp_seconds';
    this.lastSync = (registry.getSingleMetric(lastName) as Gauge | undefined) ?? new Gauge({ name: lastName, help: 'The last time proxy rules were successfully synced', registers: [registry] });
  }
}
