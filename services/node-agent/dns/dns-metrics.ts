// CoreDNS's request metrics (plugin/metrics), with the labels this server can fill: no view
// label, one zone "." (the server block), and the plugin that answered in responses_total.
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Transport } from './dns-message.js';

/** The query types CoreDNS names in its type label; every other type counts as "other". */
const MONITORED_TYPES = new Set(['A', 'AAAA', 'MX', 'SOA', 'CNAME', 'PTR', 'TXT', 'NS', 'SRV', 'DS', 'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'HTTPS', 'IXFR', 'AXFR', 'ANY']);

/** CoreDNS's plugin.TimeBuckets: 0.25 ms doubling 16 times. */
const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export interface QueryObservation {
  /** "dns://<address>:<port>", as CoreDNS labels a server. */
  server: string;
  proto: Transport;
  family: 4 | 6;
  /** The question's type ('' when the query had none that could be read). */
  qtype: string;
  rcode: string;
  /** "kubernetes", "forward", or '' when the server itself answered. */
  plugin: string;
  durationSeconds: number;
}

export function metricType(qtype: string): string {
  const t = qtype.toUpperCase();
  return MONITORED_TYPES.has(t) ? t : 'other';
}

function getOrCreate<M>(registry: Registry, name: string, create: () => M, isKind: (m: unknown) => m is M): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (!isKind(existing)) throw new Error(`metric ${name} is registered with another type`);
  return existing;
}

export class DnsMetrics {
  private readonly requests: Counter<'server' | 'zone' | 'proto' | 'family' | 'type'>;
  private readonly responses: Counter<'server' | 'zone' | 'rcode' | 'plugin'>;
  private readonly duration: Histogram<'server' | 'zone' | 'type'>;

  constructor(registry: Registry) {
    const isCounter = (m: unknown): m is Counter<string> => m instanceof Counter;
    this.requests = getOrCreate(
      registry,
      'coredns_dns_requests_total',
      () => new Counter({ name: 'coredns_dns_requests_total', help: 'Counter of DNS requests made per zone, protocol and family.', labelNames: ['server', 'zone', 'proto', 'family', 'type'], registers: [registry] }),
      isCounter,
    );
    this.responses = getOrCreate(
      registry,
      'coredns_dns_responses_total',
      () => new Counter({ name: 'coredns_dns_responses_total', help: 'Counter of response status codes.', labelNames: ['server', 'zone', 'rcode', 'plugin'], registers: [registry] }),
      isCounter,
    );
    this.duration = getOrCreate(
      registry,
      'coredns_dns_request_duration_seconds',
      () =>
        new Histogram({
          name: 'coredns_dns_request_duration_seconds',
          help: 'Histogram of the time (in seconds) each request took per zone.',
          labelNames: ['server', 'zone', 'type'],
          buckets: TIME_BUCKETS,
          registers: [registry],
        }),
      (m: unknown): m is Histogram<string> => m instanceof Histogram,
    );
  }

  observe(o: QueryObservation): void {
    const type = metricType(o.qtype);
    this.requests.inc({ server: o.server, zone: '.', proto: o.proto, family: String(o.family), type });
    this.responses.inc({ server: o.server, zone: '.', rcode: o.rcode, plugin: o.plugin });
    this.duration.observe({ server: o.server, zone: '.', type }, o.durationSeconds);
  }
}
