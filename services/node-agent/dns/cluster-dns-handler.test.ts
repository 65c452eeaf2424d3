import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { DecodedPacket } from 'dns-packet';
import { Registry } from 'prom-client';
import { seededRandom } from '../../../lib/prng.js';
import type { QueryContext } from './cluster-dns-handler.js';
import { ClusterDnsHandler } from './cluster-dns-handler.js';
import { ClusterDnsResolver } from './cluster-dns-resolver.js';
import type { Transport } from './dns-message.js';
import { DnsMetrics } from './dns-metrics.js';
import type { Forwarder } from './upstream-forwarder.js';
import { sampleCluster } from './test-objects.js';

const UDP: QueryContext = { transport: 'udp', family: 4, server: 'dns://127.0.0.1:53' };

/** An upstream that answers from a table and records what it was sent. */
class TableUpstream implements Forwarder {
  readonly sent: Array<{ query: Buffer; transport: Transport }> = [];
  constructor(private readonly table: Record<string, string[]>) {}

  forward(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    this.sent.push({ query, transport });
    const q = dnsPacket.decode(query);
    const question = q.questions?.[0];
    if (!question) return Promise.resolve(undefined);
    const ips = this.table[question.name];
    if (ips === undefined) return Promise.resolve(undefined);
    const answers = ips.map((ip) => ({ name: question.name, type: 'A' as const, ttl: 60, data: ip }));
    return Promise.resolve(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: [question], answers }));
  }
}

function resolver(): ClusterDnsResolver {
  const r = new ClusterDnsResolver({ now: () => 1_700_000_000_000 });
  const { services, slices } = sampleCluster();
  for (const s of services) r.upsertService(s);
  for (const s of slices) r.upsertEndpointSlice(s);
  return r;
}

function query(name: string, type: 'A' | 'AAAA' | 'SRV' = 'A', id = 7): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] });
}

function decode(buf: Buffer | undefined): DecodedPacket & { rcode: string } {
  if (buf === undefined) throw new Error('no response');
  return dnsPacket.decode(buf) as DecodedPacket & { rcode: string };
}

async function metricValues(registry: Registry, name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const m = registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  return (await m.get()).values.map((v) => ({ labels: { ...v.labels } as Record<string, string | number>, value: v.value }));
}

describe('ClusterDnsHandler', () => {
  it('answers cluster names authoritatively and counts them', async () => {
    const registry = new Registry();
    let t = 10;
    const h = new ClusterDnsHandler(resolver(), { metrics: new DnsMetrics(registry), monotonicSeconds: () => (t += 0.001) });
    const resp = decode(await h.handle(query('web.default.svc.cluster.local'), UDP));
    expect(resp.rcode).toBe('NOERROR');
    expect(resp.flag_aa).toBe(true);
    expect(resp.id).toBe(7);
    expect(resp.answers?.map((a) => (a.type === 'A' ? a.data : a.type))).toEqual(['10.96.1.10']);

    expect(decode(await h.handle(query('missing.default.svc.cluster.local'), UDP)).rcode).toBe('NXDOMAIN');
    expect(await metricValues(registry, 'coredns_dns_requests_total')).toEqual([
      { labels: { server: 'dns://127.0.0.1:53', zone: '.', proto: 'udp', family: '4', type: 'A' }, value: 2 },
    ]);
    expect(await metricValues(registry, 'coredns_dns_responses_total')).toEqual([
      { labels: { server: 'dns://127.0.0.1:53', zone: '.', rcode: 'NOERROR', plugin: 'kubernetes' }, value: 1 },
      { labels: { server: 'dns://127.0.0.1:53', zone: '.', rcode: 'NXDOMAIN', plugin: 'kubernetes' }, value: 1 },
    ]);
    const count = (await metricValues(registry, 'coredns_dns_request_duration_seconds')).find((v) => v.labels.type === 'A' && v.labels.le === undefined && v.value === 2);
    expect(count).toBeDefined();
  });

  it('answers SERVFAIL for other names when it has no upstream', async () => {
    const h = new ClusterDnsHandler(resolver());
    const resp = decode(await h.handle(query('example.com'), UDP));
    expect(resp.rcode).toBe('SERVFAIL');
    expect(resp.flag_aa).toBe(false);
    expect(resp.authorities).toEqual([]);
  });

  it('forwards other names upstream unchanged and returns the upstream answer unchanged', async () => {
    const registry = new Registry();
    const upstream = new TableUpstream({ 'example.com': ['10.1.2.3'] });
    const h = new ClusterDnsHandler(resolver(), { forwarder: upstream, metrics: new DnsMetrics(registry) });
    const q = query('example.com', 'A', 99);
    const raw = await h.handle(q, { ...UDP, transport: 'tcp' });
    expect(upstream.sent).toEqual([{ query: q, transport: 'tcp' }]);
    const resp = decode(raw);
    expect(resp.id).toBe(99);
    expect(resp.answers?.map((a) => (a.type === 'A' ? a.data : a.type))).toEqual(['10.1.2.3']);
    expect(await metricValues(registry, 'coredns_dns_responses_total')).toEqual([{ labels: { server: 'dns://127.0.0.1:53', zone: '.', rcode: 'NOERROR', plugin: 'forward' }, value: 1 }]);
    // Cluster names never go upstream.
    await h.handle(query('web.default.svc.cluster.local'), UDP);
    expect(upstream.sent).toHaveLength(1);
  });

  it('answers SERVFAIL when no upstream answers', async () => {
    const h = new ClusterDnsHandler(resolver(), { forwarder: new TableUpstream({}) });
    expect(decode(await h.handle(query('nowhere.example'), UDP)).rcode).toBe('SERVFAIL');
  });

  it('completes an ExternalName CNAME through the upstream', async () => {
    const upstream = new TableUpstream({ 'example.com': ['10.9.9.9'] });
    const h = new ClusterDnsHandler(resolver(), { forwarder: upstream });
    const resp = decode(await h.handle(query('ext.default.svc.cluster.local'), UDP));
    expect(resp.answers?.map((a) => `${a.name} ${a.type} ${'data' in a ? String(a.data) : ''}`)).toEqual([
      'ext.default.svc.cluster.local CNAME example.com',
      'example.com A 10.9.9.9',
    ]);
    const sent = dnsPacket.decode(upstream.sent[0]?.query ?? Buffer.alloc(0));
    expect(sent.questions).toEqual([{ name: 'example.com', type: 'A', class: 'IN' }]);
  });

  it('answers the CNAME alone when there is no upstream', async () => {
    const resp = decode(await new ClusterDnsHandler(resolver()).handle(query('ext.default.svc.cluster.local'), UDP));
    expect(resp.rcode).toBe('NOERROR');
    expect(resp.answers?.map((a) => a.type)).toEqual(['CNAME']);
  });

  it('answers FORMERR to garbage and ignores what is too short to answer', async () => {
    const registry = new Registry();
    const h = new ClusterDnsHandler(resolver(), { metrics: new DnsMetrics(registry) });
    const garbage = Buffer.concat([query('a.b').subarray(0, 12), Buffer.from([0x3f, 0x41])]);
    expect(decode(await h.handle(garbage, UDP)).rcode).toBe('FORMERR');
    expect(await h.handle(Buffer.from([0, 1, 2]), UDP)).toBeUndefined();
    expect(await metricValues(registry, 'coredns_dns_responses_total')).toEqual([{ labels: { server: 'dns://127.0.0.1:53', zone: '.', rcode: 'FORMERR', plugin: '' }, value: 1 }]);
  });

  it('never fails on mangled or random bytes: every reply decodes, carries the id and QR', async () => {
    const h = new ClusterDnsHandler(resolver());
    const random = seededRandom(20240102);
    const byte = (): number => Math.floor(random() * 256);
    const seeds = [
      query('web.default.svc.cluster.local'),
      query('_postgres._tcp.db.default.svc.cluster.local', 'SRV'),
      dnsPacket.encode({
        type: 'query',
        id: 5,
        questions: [{ name: 'db.default.svc.cluster.local', type: 'A' }],
        additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
      }),
    ];
    let replies = 0;
    for (let i = 0; i < 3000; i++) {
      const base = seeds[i % seeds.length] ?? Buffer.alloc(0);
      let msg: Buffer;
      if (i % 3 === 0) msg = Buffer.from(Array.from({ length: Math.floor(random() * 80) }, byte));
      else if (i % 3 === 1) msg = base.subarray(0, Math.floor(random() * base.length));
      else {
        msg = Buffer.from(base);
        for (let k = 0; k < 3; k++) msg[Math.floor(random() * msg.length)] = byte();
        // Keep it a query so it is not simply dropped.
        msg[2] = (msg[2] ?? 0) & 0x7f;
      }
      const reply = await h.handle(msg, UDP);
      if (reply === undefined) continue;
      replies++;
      expect(reply.readUInt16BE(0)).toBe(msg.readUInt16BE(0));
      expect(reply.readUInt16BE(2) & 0x8000).toBe(0x8000);
      expect(() => dnsPacket.decode(reply)).not.toThrow();
    }
    expect(replies).toBeGreaterThan(1000);
  });
});
