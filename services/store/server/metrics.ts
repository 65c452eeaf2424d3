// /metrics (Prometheus) and /health on --listen-metrics-urls, as etcd serves them.
import type http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';
import type { EtcdServer } from './etcd-server.js';

export function createMetrics(server: EtcdServer): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'etcd_server_has_leader',
    help: 'Whether or not a leader exists. 1 is existence, 0 is not.',
    registers: [registry],
    collect() {
      this.set(server.leader ? 1 : 0);
    },
  });
  new Gauge({
    name: 'etcd_server_is_leader',
    help: 'Whether or not this member is a leader. 1 if is, 0 otherwise.',
    registers: [registry],
    collect() {
      this.set(server.isLeader ? 1 : 0);
    },
  });
  const leaderChanges = new Counter({
    name: 'etcd_server_leader_changes_seen_total',
    help: 'The number of leader changes seen.',
    registers: [registry],
  });
  server.on('leader', (lead: string) => {
    if (lead) leaderChanges.inc();
  });
  // etcd's disk histograms and buckets (1 ms doubling to about 8 s), fed by the server's events.
  // Ours times the whole synced WAL save: with an O_DSYNC write the write and the sync are one call.
  const diskHistogram = (name: string, help: string, event: 'walSync' | 'backendCommit'): void => {
    const h = new Histogram({ name, help, buckets: exponentialBuckets(0.001, 2, 14), registers: [registry] });
    server.on(event, (seconds: number) => h.observe(seconds));
  };
  diskHistogram('etcd_disk_wal_fsync_duration_seconds', 'The latency distributions of fsync called by WAL.', 'walSync');
  diskHistogram('etcd_disk_backend_commit_duration_seconds', 'The latency distributions of commit called by backend.', 'backendCommit');
  new Gauge({
    name: 'etcd_server_proposals_applied_total',
    help: 'The total number of consensus proposals applied.',
    registers: [registry],
    collect() {
      this.set(server.applied);
    },
  });
  new Gauge({
    name: 'etcd_debugging_mvcc_current_revision',
    help: 'The current revision of store.',
    registers: [registry],
    collect() {
      this.set(server.mvcc.currentRevision);
    },
  });
  new Gauge({
    name: 'etcd_mvcc_db_total_size_in_bytes',
    help: 'Total size of the underlying database physically allocated in bytes.',
    registers: [registry],
    async collect() {
      this.set(await server.dbSize());
    },
  });
  return registry;
}

export function metricsHandler(server: EtcdServer, registry: Registry): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/metrics') {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
      return;
    }
    if (url.pathname === '/health') {
      const healthy = !server.isStopped && server.leader !== '';
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ health: healthy ? 'true' : 'false' }));
      return;
    }
    res.writeHead(404);
    res.end('404 page not found\n');
  };
}
