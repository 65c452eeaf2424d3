// Cluster DNS over real sockets on loopback: startClusterDns fed by informers watching a
// FakeClient, queried with dns-packet over UDP and TCP, forwarding outside names to a second
// DNS server on loopback that plays the upstream.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import { Registry } from 'prom-client';
import { FakeClient, InformerFactory, Resources } from '../../../lib/controller/index.js';
import type { ClusterDns, DnsHandler } from '../../../services/node-agent/dns/index.js';
import { DnsServer, startClusterDns } from '../../../services/node-agent/dns/index.js';
import { clusterIpService, endpointSlice, headlessService, sampleCluster } from '../../../services/node-agent/dns/test-objects.js';
import { waitFor } from '../../support/wait-for.js';

type Response = DecodedPacket & { rcode: string };

const OPT_4096: Answer = { name: '.', type: 'OPT', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };

let nextId = 1;
function packet(name: string, type: 'A' | 'AAAA' | 'SRV' | 'PTR' | 'SOA', edns = false): Packet {
  return { type: 'query', id: nextId++, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }], additionals: edns ? [OPT_4096] : [] };
}

function udpExchange(port: number, msg: Buffer, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP answer'));
    }, timeoutMs);
    socket.on('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(m);
    });
    socket.send(msg, port, '127.0.0.1');
  });
}

async function udpQuery(port: number, p: Packet): Promise<Response> {
  const resp = dnsPacket.decode(await udpExchange(port, dnsPacket.encode(p))) as Response;
  expect(resp.id).toBe(p.id);
  return resp;
}

/** Sends every query on one TCP connection at once and collects the answers by id. */
function tcpQueries(port: number, packets: Packet[]): Promise<Map<number, Response>> {
  return new Promise((resolve, reject) => {
    const out = new Map<number, Response>();
    let buffered: Buffer = Buffer.alloc(0);
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TCP: ${out.size} of ${packets.length} answers`));
    }, 5000);
    socket.on('connect', () => socket.write(Buffer.concat(packets.map((p) => dnsPacket.streamEncode(p)))));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const len = buffered.readUInt16BE(0);
        const resp = dnsPacket.decode(buffered.subarray(2, 2 + len)) as Response;
        out.set(resp.id ?? -1, resp);
        buffered = buffered.subarray(2 + len);
      }
      if (out.size === packets.length) {
        clearTimeout(timer);
        socket.end();
        resolve(out);
      }
    });
    socket.on('error', reject);
  });
}

async function tcpQuery(port: number, p: Packet): Promise<Response> {
  const resp = (await tcpQueries(port, [p])).get(p.id ?? -1);
  if (!resp) throw new Error('no TCP answer');
  return resp;
}

function data(resp: Response, section: 'answers' | 'additionals' = 'answers'): string[] {
  return (resp[section] ?? [])
    .filter((a) => a.type !== 'OPT')
    .map((a) => {
      if (a.type === 'SRV') return `${a.name} SRV ${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${a.data.target}`;
      return `${a.name} ${a.type} ${'data' in a ? String(a.data) : ''}`;
    });
}

/** An upstream resolver on loopback: answers A for names in its table, NXDOMAIN otherwise. */
class TableUpstream implements DnsHandler {
  readonly seen: string[] = [];
  constructor(private readonly table: Record<string, string>) {}

  handle(message: Buffer): Promise<Buffer | undefined> {
    const q = dnsPacket.decode(message);
    const question = q.questions?.[0];
    if (!question) return Promise.resolve(undefined);
    this.seen.push(`${question.name} ${question.type}`);
    const ip = this.table[question.name];
    const flags = dnsPacket.RECURSION_AVAILABLE | (ip === undefined ? 3 : 0);
    const answers: Answer[] = ip === undefined ? [] : [{ name: question.name, type: 'A', ttl: 30, data: ip }];
    return Promise.resolve(dnsPacket.encode({ type: 'response', id: q.id, flags, questions: [question], answers }));
  }
}

describe('cluster DNS over UDP and TCP', () => {
  const client = new FakeClient();
  const informers = new InformerFactory(client);
  const abort = new AbortController();
  const registry = new Registry();
  const upstreamHandler = new TableUpstream({ 'example.com': '10.20.30.40' });
  const upstream = new DnsServer({ bind: [{ address: '127.0.0.1', port: 0 }], handler: upstreamHandler });
  const logs: string[] = [];
  let dns: ClusterDns;
  let port = 0;

  beforeAll(async () => {
    const { services, slices } = sampleCluster();
    client.seed(Resources.services, ...services);
    client.seed(Resources.endpointSlices, ...slices);
    await upstream.start();
    const up = upstream.addresses[0];
    if (!up) throw new Error('upstream not listening');
    dns = await startClusterDns({
      informers,
      bind: [{ address: '127.0.0.1', port: 0 }],
      upstreams: [up],
      registry,
      log: (msg) => void logs.push(msg),
    });
    port = dns.addresses[0]?.port ?? 0;
    void informers.start(abort.signal);
    await informers.waitForSync();
  });

  afterAll(async () => {
    abort.abort();
    await dns.stop();
    await upstream.stop();
  });

  it('binds UDP and TCP on the same free port', () => {
    expect(port).toBeGreaterThan(0);
    expect(logs).toContain('cluster DNS serving');
  });

  it('answers a Service over UDP, authoritatively, matching names case-insensitively', async () => {
    const resp = await udpQuery(port, packet('Web.Default.svc.cluster.local', 'A'));
    expect(resp.rcode).toBe('NOERROR');
    expect(resp.flag_aa).toBe(true);
    expect(data(resp)).toEqual(['Web.Default.svc.cluster.local A 10.96.1.10']);
  });

  it('answers several queries on one TCP connection', async () => {
    const srv = packet('_postgres._tcp.db.default.svc.cluster.local', 'SRV');
    const a = packet('web.default.svc.cluster.local', 'A');
    const ptr = packet('10.1.96.10.in-addr.arpa', 'PTR');
    const answers = await tcpQueries(port, [srv, a, ptr]);
    const srvResp = answers.get(srv.id ?? -1);
    if (!srvResp) throw new Error('no SRV answer');
    expect(data(srvResp)).toEqual([
      '_postgres._tcp.db.default.svc.cluster.local SRV 0 33 5432 db-0.db.default.svc.cluster.local',
      '_postgres._tcp.db.default.svc.cluster.local SRV 0 33 5432 db-1.db.default.svc.cluster.local',
      '_postgres._tcp.db.default.svc.cluster.local SRV 0 33 5432 10-244-2-30.db.default.svc.cluster.local',
    ]);
    expect(data(srvResp, 'additionals')).toEqual([
      'db-0.db.default.svc.cluster.local A 10.244.1.20',
      'db-1.db.default.svc.cluster.local A 10.244.1.21',
      '10-244-2-30.db.default.svc.cluster.local A 10.244.2.30',
    ]);
    const aResp = answers.get(a.id ?? -1);
    expect(aResp ? data(aResp) : undefined).toEqual(['web.default.svc.cluster.local A 10.96.1.10']);
    const ptrResp = answers.get(ptr.id ?? -1);
    expect(ptrResp ? data(ptrResp) : undefined).toEqual(['10.1.96.10.in-addr.arpa PTR web.default.svc.cluster.local']);
  });

  it('answers NXDOMAIN and NODATA with the SOA in the authority section', async () => {
    const nx = await udpQuery(port, packet('missing.default.svc.cluster.local', 'A'));
    expect(nx.rcode).toBe('NXDOMAIN');
    const soa = nx.authorities?.[0];
    expect(soa?.type === 'SOA' ? [soa.name, soa.data.mname, soa.data.rname, soa.data.minimum] : undefined).toEqual([
      'cluster.local',
      'ns.dns.cluster.local',
      'hostmaster.cluster.local',
      5,
    ]);
    const nodata = await tcpQuery(port, packet('web.default.svc.cluster.local', 'AAAA'));
    expect([nodata.rcode, nodata.answers?.length, nodata.authorities?.[0]?.type]).toEqual(['NOERROR', 0, 'SOA']);
  });

  it('follows Services and EndpointSlices written to the API', async () => {
    await client.create(Resources.services, clusterIpService('default', 'late', '10.96.7.7', [{ name: 'http', port: 80, protocol: 'TCP' }]));
    const resp = await waitFor('late.default resolves', async () => {
      const r = await udpQuery(port, packet('late.default.svc.cluster.local', 'A'));
      return r.rcode === 'NOERROR' ? r : undefined;
    }, 10_000);
    expect(data(resp)).toEqual(['late.default.svc.cluster.local A 10.96.7.7']);

    await client.delete(Resources.services, 'late', { namespace: 'default' });
    await waitFor('late.default is gone', async () => (await udpQuery(port, packet('late.default.svc.cluster.local', 'A'))).rcode === 'NXDOMAIN', 10_000);
  });

  it('truncates a large answer over UDP, serves it whole over TCP and with EDNS0', async () => {
    const ports = [{ name: 'p', port: 7000, protocol: 'TCP' }];
    const endpoints = Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.50.${i + 1}` }));
    await client.create(Resources.services, headlessService('default', 'big', ports));
    await client.create(Resources.endpointSlices, endpointSlice('default', 'big-1', 'big', endpoints, ports));
    await waitFor('big.default resolves', async () => (await udpQuery(port, packet('big.default.svc.cluster.local', 'A'))).rcode === 'NOERROR', 10_000);

    const plain = await udpQuery(port, packet('big.default.svc.cluster.local', 'A'));
    expect(plain.flag_tc).toBe(true);
    expect(plain.answers?.length).toBeLessThan(60);

    const overTcp = await tcpQuery(port, packet('big.default.svc.cluster.local', 'A'));
    expect(overTcp.flag_tc).toBe(false);
    expect(overTcp.answers).toHaveLength(60);

    const edns = await udpQuery(port, packet('big.default.svc.cluster.local', 'A', true));
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers).toHaveLength(60);
    const opt = edns.additionals?.find((a) => a.type === 'OPT');
    expect(opt?.type === 'OPT' ? opt.udpPayloadSize : undefined).toBe(4096);
  });

  it('forwards names outside the cluster to the upstream over UDP and TCP', async () => {
    const viaUdp = await udpQuery(port, packet('example.com', 'A'));
    expect([viaUdp.rcode, ...data(viaUdp)]).toEqual(['NOERROR', 'example.com A 10.20.30.40']);
    const viaTcp = await tcpQuery(port, packet('example.com', 'A'));
    expect([viaTcp.rcode, ...data(viaTcp)]).toEqual(['NOERROR', 'example.com A 10.20.30.40']);
    expect((await udpQuery(port, packet('unknown.example', 'A'))).rcode).toBe('NXDOMAIN');
    expect(upstreamHandler.seen.filter((s) => s.startsWith('web.'))).toEqual([]);
  });

  it('answers FORMERR to a malformed packet and keeps serving', async () => {
    const bad = Buffer.concat([dnsPacket.encode(packet('a.b', 'A')).subarray(0, 12), Buffer.from([0x3f, 0x41, 0x41])]);
    const resp = dnsPacket.decode(await udpExchange(port, bad)) as Response;
    expect(resp.rcode).toBe('FORMERR');
    // A length prefix with a short body, then a hang-up: the server must shrug it off.
    await new Promise<void>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => s.end(Buffer.from([0x00, 0x40, 0x01])));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    expect((await udpQuery(port, packet('web.default.svc.cluster.local', 'A'))).rcode).toBe('NOERROR');
  });

  it('counts requests and responses in CoreDNS metrics', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(new RegExp(`coredns_dns_requests_total\\{server="dns://127.0.0.1:${port}",zone=".",proto="udp",family="4",type="A"\\} \\d+`));
    expect(text).toMatch(new RegExp(`coredns_dns_requests_total\\{server="dns://127.0.0.1:${port}",zone=".",proto="tcp",family="4",type="SRV"\\} 1`));
    expect(text).toMatch(/coredns_dns_responses_total\{server="[^"]+",zone=".",rcode="NXDOMAIN",plugin="kubernetes"\} \d+/);
    expect(text).toMatch(/coredns_dns_responses_total\{server="[^"]+",zone=".",rcode="NOERROR",plugin="forward"\} 2/);
    expect(text).toMatch(/coredns_dns_request_duration_seconds_count\{server="[^"]+",zone=".",type="A"\} \d+/);
  });
});

describe('DnsServer.stop', () => {
  it('closes both sockets', async () => {
    const server = new DnsServer({ bind: [{ address: '127.0.0.1', port: 0 }], handler: new TableUpstream({ 'x.test': '10.0.0.1' }) });
    await server.start();
    const p = server.addresses[0]?.port ?? 0;
    expect(data(await tcpQuery(p, packet('x.test', 'A')))).toEqual(['x.test A 10.0.0.1']);
    // An idle open connection must not hold stop() up.
    const idle = net.connect({ host: '127.0.0.1', port: p });
    await new Promise<void>((resolve) => idle.on('connect', () => resolve()));
    const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    await server.stop();
    await idleClosed;
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: p });
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    // The UDP port is free again.
    const rebound = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      rebound.once('error', reject);
      rebound.bind(p, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => rebound.close(() => resolve()));
  });
});
