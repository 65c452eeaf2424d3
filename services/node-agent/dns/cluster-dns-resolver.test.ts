import { describe, expect, it } from 'vitest';
import type { Answer } from 'dns-packet';
import { ClusterDnsResolver } from './cluster-dns-resolver.js';
import type { ClusterDnsResolverOptions, ResolveResult } from './cluster-dns-resolver.js';
import { clusterIpService, endpointSlice, externalNameService, headlessService, sampleCluster } from './test-objects.js';

/** 2024-01-02T03:04:05Z, the time every object of the sample cluster was last changed. */
const NOW_MS = 1_704_164_645_000;
const SERIAL = 1_704_164_645;

function rrText(rr: Answer): string {
  const ttl = 'ttl' in rr ? rr.ttl : undefined;
  const head = `${rr.name} ${ttl ?? '-'} ${rr.type}`;
  switch (rr.type) {
    case 'SRV':
      return `${head} ${rr.data.priority ?? 0} ${rr.data.weight ?? 0} ${rr.data.port} ${rr.data.target}`;
    case 'SOA':
      return `${head} ${rr.data.mname} ${rr.data.rname} ${rr.data.serial} ${rr.data.refresh} ${rr.data.retry} ${rr.data.expire} ${rr.data.minimum}`;
    case 'TXT':
      return `${head} ${JSON.stringify(rr.data)}`;
    case 'OPT':
      return head;
    default:
      return `${head} ${String(rr.data)}`;
  }
}

interface Shown {
  rcode: string;
  answers: string[];
  authority: string[];
  additionals: string[];
  outOfZone?: true;
  externalTarget?: string;
}

function show(r: ResolveResult): Shown {
  const s: Shown = { rcode: r.rcode, answers: r.answers.map(rrText), authority: r.authority.map(rrText), additionals: r.additionals.map(rrText) };
  if (r.outOfZone) s.outOfZone = true;
  if (r.externalTarget !== undefined) s.externalTarget = r.externalTarget;
  return s;
}

function sampleResolver(o: ClusterDnsResolverOptions = {}): ClusterDnsResolver {
  const r = new ClusterDnsResolver({ now: () => NOW_MS, nameservers: ['10.96.0.10'], ...o });
  const { services, slices } = sampleCluster();
  for (const s of services) r.upsertService(s);
  for (const s of slices) r.upsertEndpointSlice(s);
  return r;
}

const SOA = `cluster.local 5 SOA ns.dns.cluster.local hostmaster.cluster.local ${SERIAL} 7200 1800 86400 5`;
const REVERSE_SOA = `in-addr.arpa 5 SOA ns.dns.in-addr.arpa hostmaster.in-addr.arpa ${SERIAL} 7200 1800 86400 5`;
const nxdomain: Shown = { rcode: 'NXDOMAIN', answers: [], authority: [SOA], additionals: [] };
const nodata: Shown = { rcode: 'NOERROR', answers: [], authority: [SOA], additionals: [] };

function answer(...answers: string[]): Shown {
  return { rcode: 'NOERROR', answers, authority: [], additionals: [] };
}

describe('ClusterDnsResolver: Services', () => {
  const cases: Array<[name: string, type: string, expected: Shown]> = [
    ['web.default.svc.cluster.local', 'A', answer('web.default.svc.cluster.local 5 A 10.96.1.10')],
    ['web.other.svc.cluster.local', 'A', answer('web.other.svc.cluster.local 5 A 10.96.2.10')],
    ['web.default.svc.cluster.local.', 'A', answer('web.default.svc.cluster.local 5 A 10.96.1.10')],
    // Matching ignores case; the answer keeps the question's spelling.
    ['WEB.Default.SVC.Cluster.Local', 'A', answer('WEB.Default.SVC.Cluster.Local 5 A 10.96.1.10')],
    ['web.default.svc.cluster.local', 'AAAA', nodata],
    ['web.default.svc.cluster.local', 'MX', nodata],
    ['web.default.svc.cluster.local', 'CNAME', nodata],
    ['web.default.svc.cluster.local', 'TXT', nodata],
    ['web.default.svc.cluster.local', 'UNKNOWN_65', nodata],
    ['missing.default.svc.cluster.local', 'A', nxdomain],
    ['missing.default.svc.cluster.local', 'AAAA', nxdomain],
    ['web.nowhere.svc.cluster.local', 'A', nxdomain],
    ['noports.default.svc.cluster.local', 'A', answer('noports.default.svc.cluster.local 5 A 10.96.1.20')],
    // A ClusterIP Service's endpoints have names too (CoreDNS answers them for every Service).
    ['10-244-1-5.web.default.svc.cluster.local', 'A', answer('10-244-1-5.web.default.svc.cluster.local 5 A 10.244.1.5')],
    ['10-244-3-7.web.default.svc.cluster.local', 'A', nxdomain],
  ];
  it.each(cases)('%s %s', (name, type, expected) => {
    expect(show(sampleResolver().resolve({ name, type }))).toEqual(expected);
  });
});

describe('ClusterDnsResolver: headless Services and endpoint names', () => {
  const cases: Array<[name: string, type: string, expected: Shown]> = [
    // Ready endpoints of every slice; db-2 is not ready.
    [
      'db.default.svc.cluster.local',
      'A',
      answer('db.default.svc.cluster.local 5 A 10.244.1.20', 'db.default.svc.cluster.local 5 A 10.244.1.21', 'db.default.svc.cluster.local 5 A 10.244.2.30'),
    ],
    ['db-0.db.default.svc.cluster.local', 'A', answer('db-0.db.default.svc.cluster.local 5 A 10.244.1.20')],
    ['DB-1.db.default.svc.cluster.local', 'A', answer('DB-1.db.default.svc.cluster.local 5 A 10.244.1.21')],
    ['db-2.db.default.svc.cluster.local', 'A', nxdomain],
    ['10-244-2-30.db.default.svc.cluster.local', 'A', answer('10-244-2-30.db.default.svc.cluster.local 5 A 10.244.2.30')],
    ['db-9.db.default.svc.cluster.local', 'A', nxdomain],
    ['db-0.db.default.svc.cluster.local', 'AAAA', nodata],
  ];
  it.each(cases)('%s %s', (name, type, expected) => {
    expect(show(sampleResolver().resolve({ name, type }))).toEqual(expected);
  });

  it('answers NXDOMAIN for a headless Service with no ready endpoint, as CoreDNS does', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(headlessService('default', 'lonely', [{ name: 'p', port: 1, protocol: 'TCP' }]));
    r.upsertEndpointSlice(endpointSlice('default', 'lonely-1', 'lonely', [{ ip: '10.244.9.9', ready: false }], [{ name: 'p', port: 1, protocol: 'TCP' }]));
    expect(show(r.resolve({ name: 'lonely.default.svc.cluster.local', type: 'A' }))).toEqual(nxdomain);
  });

  it('answers an address found in two slices once', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(headlessService('default', 'h', [{ name: 'p', port: 1, protocol: 'TCP' }]));
    r.upsertEndpointSlice(endpointSlice('default', 'h-1', 'h', [{ ip: '10.244.0.5' }], [{ name: 'p', port: 1, protocol: 'TCP' }]));
    r.upsertEndpointSlice(endpointSlice('default', 'h-2', 'h', [{ ip: '10.244.0.5' }], [{ name: 'p', port: 1, protocol: 'TCP' }]));
    expect(show(r.resolve({ name: 'h.default.svc.cluster.local', type: 'A' }))).toEqual(answer('h.default.svc.cluster.local 5 A 10.244.0.5'));
  });

  it('serves IPv6 endpoints as AAAA and skips FQDN slices', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(headlessService('default', 'v6', [{ name: 'p', port: 1, protocol: 'TCP' }]));
    r.upsertEndpointSlice(endpointSlice('default', 'v6-1', 'v6', [{ ip: 'fd00::5' }], [{ name: 'p', port: 1, protocol: 'TCP' }], 'IPv6'));
    r.upsertEndpointSlice(endpointSlice('default', 'v6-2', 'v6', [{ ip: 'example.com' }], [{ name: 'p', port: 1, protocol: 'TCP' }], 'FQDN'));
    expect(show(r.resolve({ name: 'v6.default.svc.cluster.local', type: 'AAAA' }))).toEqual(answer('v6.default.svc.cluster.local 5 AAAA fd00::5'));
    expect(show(r.resolve({ name: 'v6.default.svc.cluster.local', type: 'A' }))).toEqual(nodata);
    expect(show(r.resolve({ name: 'fd00--5.v6.default.svc.cluster.local', type: 'AAAA' }))).toEqual(answer('fd00--5.v6.default.svc.cluster.local 5 AAAA fd00::5'));
  });
});

describe('ClusterDnsResolver: SRV', () => {
  const webFqdn = 'web.default.svc.cluster.local';
  const cases: Array<[name: string, expected: Shown]> = [
    [
      `_http._tcp.${webFqdn}`,
      { rcode: 'NOERROR', answers: [`_http._tcp.${webFqdn} 5 SRV 0 100 80 ${webFqdn}`], authority: [], additionals: [`${webFqdn} 5 A 10.96.1.10`] },
    ],
    // Without a leading underscore the labels still read as port and protocol.
    [`http.tcp.${webFqdn}`, { rcode: 'NOERROR', answers: [`http.tcp.${webFqdn} 5 SRV 0 100 80 ${webFqdn}`], authority: [], additionals: [`${webFqdn} 5 A 10.96.1.10`] }],
    [`_HTTP._TCP.${webFqdn}`, { rcode: 'NOERROR', answers: [`_HTTP._TCP.${webFqdn} 5 SRV 0 100 80 ${webFqdn}`], authority: [], additionals: [`${webFqdn} 5 A 10.96.1.10`] }],
    // The Service name itself: every port, the weights splitting 100.
    [webFqdn, { rcode: 'NOERROR', answers: [`${webFqdn} 5 SRV 0 50 80 ${webFqdn}`, `${webFqdn} 5 SRV 0 50 9090 ${webFqdn}`], authority: [], additionals: [`${webFqdn} 5 A 10.96.1.10`] }],
    [`_http._udp.${webFqdn}`, nxdomain],
    [`_nope._tcp.${webFqdn}`, nxdomain],
    [
      '_dns._udp.kube-dns.kube-system.svc.cluster.local',
      {
        rcode: 'NOERROR',
        answers: ['_dns._udp.kube-dns.kube-system.svc.cluster.local 5 SRV 0 100 53 kube-dns.kube-system.svc.cluster.local'],
        authority: [],
        additionals: ['kube-dns.kube-system.svc.cluster.local 5 A 10.96.0.10'],
      },
    ],
    // Headless: one record per ready endpoint, targets named by hostname or dashed address.
    [
      '_postgres._tcp.db.default.svc.cluster.local',
      {
        rcode: 'NOERROR',
        answers: [
          '_postgres._tcp.db.default.svc.cluster.local 5 SRV 0 33 5432 db-0.db.default.svc.cluster.local',
          '_postgres._tcp.db.default.svc.cluster.local 5 SRV 0 33 5432 db-1.db.default.svc.cluster.local',
          '_postgres._tcp.db.default.svc.cluster.local 5 SRV 0 33 5432 10-244-2-30.db.default.svc.cluster.local',
        ],
        authority: [],
        additionals: [
          'db-0.db.default.svc.cluster.local 5 A 10.244.1.20',
          'db-1.db.default.svc.cluster.local 5 A 10.244.1.21',
          '10-244-2-30.db.default.svc.cluster.local 5 A 10.244.2.30',
        ],
      },
    ],
    [
      'db-1.db.default.svc.cluster.local',
      {
        rcode: 'NOERROR',
        answers: ['db-1.db.default.svc.cluster.local 5 SRV 0 100 5432 db-1.db.default.svc.cluster.local'],
        authority: [],
        additionals: ['db-1.db.default.svc.cluster.local 5 A 10.244.1.21'],
      },
    ],
    // A Service without ports has addresses but no SRV; ExternalName has no SRV in CoreDNS.
    ['noports.default.svc.cluster.local', nodata],
    ['ext.default.svc.cluster.local', nodata],
    ['missing.default.svc.cluster.local', nxdomain],
  ];
  it.each(cases)('SRV %s', (name, expected) => {
    expect(show(sampleResolver().resolve({ name, type: 'SRV' }))).toEqual(expected);
  });

  it('floors the weight and keeps it at least 1', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(headlessService('default', 'many', [{ name: 'p', port: 1, protocol: 'TCP' }]));
    const eps = Array.from({ length: 150 }, (_, i) => ({ ip: `10.244.${Math.floor(i / 100)}.${(i % 100) + 1}` }));
    r.upsertEndpointSlice(endpointSlice('default', 'many-1', 'many', eps, [{ name: 'p', port: 1, protocol: 'TCP' }]));
    const res = r.resolve({ name: 'many.default.svc.cluster.local', type: 'SRV' });
    expect(res.answers).toHaveLength(150);
    expect(new Set(res.answers.map((a) => (a.type === 'SRV' ? a.data.weight : undefined)))).toEqual(new Set([1]));

    r.upsertEndpointSlice(endpointSlice('default', 'many-1', 'many', eps.slice(0, 7), [{ name: 'p', port: 1, protocol: 'TCP' }]));
    const seven = r.resolve({ name: 'many.default.svc.cluster.local', type: 'SRV' });
    expect(new Set(seven.answers.map((a) => (a.type === 'SRV' ? a.data.weight : undefined)))).toEqual(new Set([14]));
  });
});

describe('ClusterDnsResolver: ExternalName', () => {
  const cases: Array<[name: string, type: string, expected: Shown]> = [
    ['ext.default.svc.cluster.local', 'A', { ...answer('ext.default.svc.cluster.local 5 CNAME example.com'), externalTarget: 'example.com' }],
    ['ext.default.svc.cluster.local', 'AAAA', { ...answer('ext.default.svc.cluster.local 5 CNAME example.com'), externalTarget: 'example.com' }],
    ['ext.default.svc.cluster.local', 'CNAME', answer('ext.default.svc.cluster.local 5 CNAME example.com')],
    ['ext.default.svc.cluster.local', 'TXT', nodata],
    // An endpoint of an ExternalName Service does not exist.
    ['x.ext.default.svc.cluster.local', 'A', nxdomain],
    // A target inside the cluster domain is followed.
    ['alias.default.svc.cluster.local', 'A', answer('alias.default.svc.cluster.local 5 CNAME web.default.svc.cluster.local', 'web.default.svc.cluster.local 5 A 10.96.1.10')],
    // ... and leaves nothing when the target has no such record.
    ['alias.default.svc.cluster.local', 'AAAA', nodata],
  ];
  it.each(cases)('%s %s', (name, type, expected) => {
    expect(show(sampleResolver().resolve({ name, type }))).toEqual(expected);
  });

  it('stops on CNAME loops', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(externalNameService('default', 'self', 'self.default.svc.cluster.local'));
    r.upsertService(externalNameService('default', 'a', 'b.default.svc.cluster.local'));
    r.upsertService(externalNameService('default', 'b', 'a.default.svc.cluster.local'));
    expect(show(r.resolve({ name: 'self.default.svc.cluster.local', type: 'A' }))).toEqual(nodata);
    expect(show(r.resolve({ name: 'a.default.svc.cluster.local', type: 'A' }))).toEqual(nodata);
  });

  it('treats an ExternalName that is an address as no record, as CoreDNS does', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(externalNameService('default', 'ip', '10.1.2.3'));
    expect(show(r.resolve({ name: 'ip.default.svc.cluster.local', type: 'A' }))).toEqual(nxdomain);
  });
});

describe('ClusterDnsResolver: pods (insecure mode)', () => {
  const cases: Array<[name: string, type: string, expected: Shown]> = [
    ['10-244-1-5.default.pod.cluster.local', 'A', answer('10-244-1-5.default.pod.cluster.local 5 A 10.244.1.5')],
    // Any well-formed address in any namespace: nothing is checked against pods.
    ['1-2-3-4.anywhere.pod.cluster.local', 'A', answer('1-2-3-4.anywhere.pod.cluster.local 5 A 1.2.3.4')],
    ['fd00--1.default.pod.cluster.local', 'AAAA', answer('fd00--1.default.pod.cluster.local 5 AAAA fd00::1')],
    ['10-244-1-5.default.pod.cluster.local', 'AAAA', nodata],
    ['10-244-1-999.default.pod.cluster.local', 'A', nxdomain],
    ['10-244-1.default.pod.cluster.local', 'A', nxdomain],
    ['web.default.pod.cluster.local', 'A', nxdomain],
    ['x.10-244-1-5.default.pod.cluster.local', 'A', nxdomain],
  ];
  it.each(cases)('%s %s', (name, type, expected) => {
    expect(show(sampleResolver().resolve({ name, type }))).toEqual(expected);
  });
});

describe('ClusterDnsResolver: the zone apex and empty non-terminals', () => {
  const cases: Array<[name: string, type: string, expected: Shown]> = [
    ['cluster.local', 'A', nodata],
    ['svc.cluster.local', 'A', nodata],
    ['pod.cluster.local', 'A', nodata],
    ['default.svc.cluster.local', 'A', nodata],
    ['no-such-namespace.svc.cluster.local', 'A', nodata],
    ['default.pod.cluster.local', 'A', nodata],
    ['foo.cluster.local', 'A', nxdomain],
    ['a.b.c.web.default.svc.cluster.local', 'A', nxdomain],
    ['cluster.local', 'SOA', answer(SOA)],
    ['Cluster.Local', 'SOA', answer(`Cluster.Local 5 SOA ns.dns.cluster.local hostmaster.cluster.local ${SERIAL} 7200 1800 86400 5`)],
    ['web.default.svc.cluster.local', 'SOA', nodata],
    ['cluster.local', 'NS', { rcode: 'NOERROR', answers: ['cluster.local 5 NS ns.dns.cluster.local'], authority: [], additionals: ['ns.dns.cluster.local 5 A 10.96.0.10'] }],
    ['ns.dns.cluster.local', 'A', answer('ns.dns.cluster.local 5 A 10.96.0.10')],
    ['ns.dns.cluster.local', 'AAAA', nodata],
    ['dns-version.cluster.local', 'TXT', answer('dns-version.cluster.local 28800 TXT ["1.1.0"]')],
  ];
  it.each(cases)('%s %s', (name, type, expected) => {
    expect(show(sampleResolver().resolve({ name, type }))).toEqual(expected);
  });
});

describe('ClusterDnsResolver: reverse lookups', () => {
  const ptr = (name: string, target: string): Shown => answer(`${name} 5 PTR ${target}`);
  const reverseNx: Shown = { rcode: 'NXDOMAIN', answers: [], authority: [REVERSE_SOA], additionals: [] };
  const cases: Array<[name: string, type: string, expected: Shown]> = [
    ['10.1.96.10.in-addr.arpa', 'PTR', ptr('10.1.96.10.in-addr.arpa', 'web.default.svc.cluster.local')],
    ['10.0.96.10.IN-ADDR.ARPA.', 'PTR', ptr('10.0.96.10.IN-ADDR.ARPA', 'kube-dns.kube-system.svc.cluster.local')],
    ['20.1.244.10.in-addr.arpa', 'PTR', ptr('20.1.244.10.in-addr.arpa', 'db-0.db.default.svc.cluster.local')],
    ['30.2.244.10.in-addr.arpa', 'PTR', ptr('30.2.244.10.in-addr.arpa', '10-244-2-30.db.default.svc.cluster.local')],
    // Endpoints of ClusterIP Services have names too.
    ['5.1.244.10.in-addr.arpa', 'PTR', ptr('5.1.244.10.in-addr.arpa', '10-244-1-5.web.default.svc.cluster.local')],
    ['22.1.244.10.in-addr.arpa', 'PTR', reverseNx],
    ['99.99.96.10.in-addr.arpa', 'PTR', reverseNx],
    ['10.1.96.10.in-addr.arpa', 'A', { rcode: 'NOERROR', answers: [], authority: [REVERSE_SOA], additionals: [] }],
    // Outside the cluster ranges the name is not ours.
    ['1.1.168.192.in-addr.arpa', 'PTR', { rcode: 'SERVFAIL', answers: [], authority: [], additionals: [], outOfZone: true }],
    ['96.10.in-addr.arpa', 'PTR', { rcode: 'SERVFAIL', answers: [], authority: [], additionals: [], outOfZone: true }],
  ];
  it.each(cases)('%s %s', (name, type, expected) => {
    expect(show(sampleResolver().resolve({ name, type }))).toEqual(expected);
  });

  it('answers every endpoint name of an address in several Services', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(headlessService('default', 'a', []));
    r.upsertService(headlessService('default', 'b', []));
    r.upsertEndpointSlice(endpointSlice('default', 'a-1', 'a', [{ ip: '10.244.0.9', hostname: 'pod-a' }], []));
    r.upsertEndpointSlice(endpointSlice('default', 'b-1', 'b', [{ ip: '10.244.0.9' }], []));
    expect(show(r.resolve({ name: '9.0.244.10.in-addr.arpa', type: 'PTR' }))).toEqual(
      answer('9.0.244.10.in-addr.arpa 5 PTR pod-a.a.default.svc.cluster.local', '9.0.244.10.in-addr.arpa 5 PTR 10-244-0-9.b.default.svc.cluster.local'),
    );
  });

  it('takes its ranges from the options', () => {
    const r = sampleResolver({ reverseCidrs: ['192.168.0.0/16'] });
    expect(r.resolve({ name: '10.1.96.10.in-addr.arpa', type: 'PTR' }).outOfZone).toBe(true);
    expect(r.resolve({ name: '1.1.168.192.in-addr.arpa', type: 'PTR' }).rcode).toBe('NXDOMAIN');
  });
});

describe('ClusterDnsResolver: names outside the cluster', () => {
  it.each([
    ['example.com', 'A'],
    ['cluster.local.example.com', 'A'],
    ['local', 'A'],
    ['', 'NS'],
  ])('%s %s is out of zone (SERVFAIL without an upstream)', (name, type) => {
    expect(show(sampleResolver().resolve({ name, type }))).toEqual({ rcode: 'SERVFAIL', answers: [], authority: [], additionals: [], outOfZone: true });
  });

  it('leaves classes other than IN to the upstream', () => {
    expect(sampleResolver().resolve({ name: 'web.default.svc.cluster.local', type: 'A', class: 'CH' }).outOfZone).toBe(true);
  });
});

describe('ClusterDnsResolver: changes', () => {
  it('follows Service and EndpointSlice updates and deletes, and the SOA serial follows them', () => {
    let now = NOW_MS;
    const r = new ClusterDnsResolver({ now: () => now });
    const svc = clusterIpService('default', 'api', '10.96.5.5', [{ name: 'http', port: 80, protocol: 'TCP' }]);
    r.upsertService(svc);
    expect(show(r.resolve({ name: 'api.default.svc.cluster.local', type: 'A' }))).toEqual(answer('api.default.svc.cluster.local 5 A 10.96.5.5'));

    now += 60_000;
    r.upsertService(clusterIpService('default', 'api', '10.96.5.6', [{ name: 'http', port: 80, protocol: 'TCP' }]));
    expect(show(r.resolve({ name: 'api.default.svc.cluster.local', type: 'A' }))).toEqual(answer('api.default.svc.cluster.local 5 A 10.96.5.6'));
    expect(r.resolve({ name: '5.5.96.10.in-addr.arpa', type: 'PTR' }).rcode).toBe('NXDOMAIN');
    expect(r.resolve({ name: '6.5.96.10.in-addr.arpa', type: 'PTR' }).answers).toHaveLength(1);

    now += 60_000;
    r.deleteService(svc);
    const gone = r.resolve({ name: 'api.default.svc.cluster.local', type: 'A' });
    expect(gone.rcode).toBe('NXDOMAIN');
    expect(gone.authority[0]?.type === 'SOA' ? gone.authority[0].data.serial : undefined).toBe(SERIAL + 120);
    expect(r.resolve({ name: '6.5.96.10.in-addr.arpa', type: 'PTR' }).rcode).toBe('NXDOMAIN');
  });

  it('moves endpoints when a slice changes or is deleted', () => {
    const r = new ClusterDnsResolver({ now: () => NOW_MS });
    r.upsertService(headlessService('default', 'h', [{ name: 'p', port: 1, protocol: 'TCP' }]));
    const ports = [{ name: 'p', port: 1, protocol: 'TCP' }];
    r.upsertEndpointSlice(endpointSlice('default', 'h-1', 'h', [{ ip: '10.244.0.1', hostname: 'one' }], ports));
    r.upsertEndpointSlice(endpointSlice('default', 'h-1', 'h', [{ ip: '10.244.0.2', hostname: 'two' }], ports));
    expect(show(r.resolve({ name: 'h.default.svc.cluster.local', type: 'A' }))).toEqual(answer('h.default.svc.cluster.local 5 A 10.244.0.2'));
    expect(r.resolve({ name: 'one.h.default.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
    expect(r.resolve({ name: '1.0.244.10.in-addr.arpa', type: 'PTR' }).rcode).toBe('NXDOMAIN');
    r.deleteEndpointSlice(endpointSlice('default', 'h-1', 'h', [], ports));
    expect(r.resolve({ name: 'h.default.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
    expect(r.resolve({ name: '2.0.244.10.in-addr.arpa', type: 'PTR' }).rcode).toBe('NXDOMAIN');
  });

  it('answers SERVFAIL instead of NXDOMAIN until the informers have synced', () => {
    let synced = false;
    const r = sampleResolver({ hasSynced: () => synced });
    expect(show(r.resolve({ name: 'missing.default.svc.cluster.local', type: 'A' }))).toEqual({ ...nxdomain, rcode: 'SERVFAIL' });
    expect(r.resolve({ name: 'web.default.svc.cluster.local', type: 'A' }).rcode).toBe('NOERROR');
    synced = true;
    expect(r.resolve({ name: 'missing.default.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
  });

  it('serves another cluster domain', () => {
    const r = sampleResolver({ clusterDomain: 'Corp.Internal.' });
    expect(show(r.resolve({ name: 'web.default.svc.corp.internal', type: 'A' }))).toEqual(answer('web.default.svc.corp.internal 5 A 10.96.1.10'));
    expect(r.resolve({ name: 'web.default.svc.cluster.local', type: 'A' }).outOfZone).toBe(true);
    expect(show(r.resolve({ name: 'nope.corp.internal', type: 'A' })).authority).toEqual([
      `corp.internal 5 SOA ns.dns.corp.internal hostmaster.corp.internal ${SERIAL} 7200 1800 86400 5`,
    ]);
  });
});
