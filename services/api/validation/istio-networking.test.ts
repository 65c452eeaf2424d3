import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import type { KindKey } from '../registry/resources.js';
import { validateCreate, validateUpdate } from './index.js';
import { arr, at, invalidText } from './test-support.js';

type Obj = KubeObject;

const N = 'networking.istio.io';

function make(kind: string, spec: Record<string, unknown>, name = 'reviews'): Obj {
  return { apiVersion: `${N}/v1`, kind, metadata: { name, namespace: 'default', resourceVersion: '1' }, spec } as unknown as Obj;
}

const bases: Record<string, () => Obj> = {
  VirtualService: () =>
    make('VirtualService', {
      hosts: ['reviews', 'reviews.example.com'],
      gateways: ['mesh', 'istio-system/public'],
      http: [
        {
          name: 'canary',
          match: [{ uri: { prefix: '/api' }, headers: { 'x-user': { regex: '^(jane|joe)$' } } }],
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
            { destination: { host: 'reviews', subset: 'v2', port: { number: 9080 } }, weight: 10 },
          ],
          timeout: '1.5s',
          retries: { attempts: 3, perTryTimeout: '100ms', retryOn: '5xx,connect-failure,503' },
          fault: { delay: { percentage: { value: 0.5 }, fixedDelay: '2s' } },
        },
        { route: [{ destination: { host: 'reviews' } }] },
      ],
      tcp: [{ match: [{ port: 27017 }], route: [{ destination: { host: 'mongo.backend.svc.cluster.local' } }] }],
    }),
  DestinationRule: () =>
    make('DestinationRule', {
      host: 'reviews',
      trafficPolicy: {
        loadBalancer: { simple: 'LEAST_REQUEST' },
        connectionPool: { tcp: { maxConnections: 100, connectTimeout: '30ms' }, http: { http2MaxRequests: 1000 } },
        outlierDetection: { consecutive5xxErrors: 7, interval: '5m', baseEjectionTime: '15m', maxEjectionPercent: 50 },
        tls: { mode: 'ISTIO_MUTUAL' },
        portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'ROUND_ROBIN' } }],
      },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } },
      ],
    }),
  Gateway: () =>
    make(
      'Gateway',
      {
        selector: { istio: 'ingressgateway' },
        servers: [
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'], tls: { httpsRedirect: true } },
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['default/shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
        ],
      },
      'public',
    ),
  ServiceEntry: () =>
    make('ServiceEntry', {
      hosts: ['api.example.com'],
      location: 'MESH_EXTERNAL',
      ports: [{ number: 443, name: 'https', protocol: 'TLS' }],
      resolution: 'DNS',
    }),
  Sidecar: () =>
    make(
      'Sidecar',
      {
        workloadSelector: { labels: { app: 'reviews' } },
        ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, defaultEndpoint: '127.0.0.1:8080' }],
        egress: [{ hosts: ['./*', 'istio-system/*.example.com'] }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      },
      'default',
    ),
};

const texts = (kind: string, o: KubeObject) => validateCreate(`${N}/${kind}` as KindKey, o).map(fieldErrorText);

describe('Istio networking validation', () => {
  it.each(Object.keys(bases))('accepts a valid %s', (kind) => {
    expect(texts(kind, (bases[kind] as () => Obj)())).toEqual([]);
  });

  it.each<[string, string, (o: Obj) => void, string]>([
    // VirtualService
    ['VirtualService', 'hosts required', (o) => (at(o, 'spec').hosts = []), 'spec.hosts: Required value: virtual service must have at least one host'],
    ['VirtualService', 'host format', (o) => (arr(o, 'spec', 'hosts')[1] = 'bad_host.example.com'), 'spec.hosts[1]: Invalid value: "bad_host.example.com": domain name "bad_host.example.com" invalid (label "bad_host" invalid)'],
    ['VirtualService', 'no * for the mesh', (o) => (at(o, 'spec').hosts = ['*']), 'spec.hosts[0]: Invalid value: "*": wildcard host * is not allowed for virtual services bound to the mesh gateway'],
    ['VirtualService', 'duplicate hosts', (o) => (at(o, 'spec').hosts = ['*.example.com', 'a.example.com']), 'spec.hosts[1]: Invalid value: "a.example.com": duplicate hosts in virtual service: *.example.com & a.example.com'],
    ['VirtualService', 'some routes', (o) => (o.spec = { hosts: ['a'] }), 'spec.http: Required value: http, tcp or tls must be provided in virtual service'],
    ['VirtualService', 'route, redirect or direct response', (o) => (arr(o, 'spec', 'http')[1] = { timeout: '1s' }), 'spec.http[1].route: Required value: HTTP route, redirect or direct_response is required'],
    ['VirtualService', 'route and redirect', (o) => (at(o, 'spec', 'http', 1).redirect = { uri: '/v2' }), 'spec.http[1]: Invalid value: "": HTTP route cannot contain both route and redirect'],
    ['VirtualService', 'destination host required', (o) => (at(o, 'spec', 'http', 1, 'route', 0, 'destination').host = ''), 'spec.http[1].route[0].destination.host: Invalid value: "": empty domain name not allowed'],
    ['VirtualService', 'destination required', (o) => (arr(o, 'spec', 'http', 1, 'route')[0] = { weight: 100 }), 'spec.http[1].route[0].destination: Required value: destination is required'],
    ['VirtualService', 'weights add up to 100', (o) => (at(o, 'spec', 'http', 0, 'route', 1).weight = 20), 'spec.http[0].route: Invalid value: 110: total destination weight 110 != 100'],
    ['VirtualService', 'weights 0..100', (o) => (at(o, 'spec', 'http', 0, 'route', 1).weight = -10), 'spec.http[0].route[1].weight: Invalid value: -10: percentage -10 is not in range 0..100'],
    ['VirtualService', 'subset names', (o) => (at(o, 'spec', 'http', 0, 'route', 0, 'destination').subset = 'V_1'), 'spec.http[0].route[0].destination.subset: Invalid value: "V_1": subset name is invalid: V_1'],
    ['VirtualService', 'destination port', (o) => (at(o, 'spec', 'http', 0, 'route', 1, 'destination', 'port').number = 0), 'spec.http[0].route[1].destination.port.number: Invalid value: 0: port number 0 must be in the range 1..65535'],
    [
      'VirtualService',
      'regex compiles',
      (o) => (at(o, 'spec', 'http', 0, 'match', 0).uri = { regex: '/api/(v1' }),
      'spec.http[0].match[0].uri.regex: Invalid value: "/api/(v1": "uri": error parsing regexp: Invalid regular expression: //api/(v1/: Unterminated group; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
    ],
    [
      'VirtualService',
      'RE2 has no lookahead',
      (o) => (at(o, 'spec', 'http', 0, 'match', 0, 'headers')['x-user'] = { regex: 'a(?=b)' }),
      'spec.http[0].match[0].headers[x-user].regex: Invalid value: "a(?=b)": "headers": error parsing regexp: invalid or unsupported Perl syntax: `(?=`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
    ],
    ['VirtualService', 'header names', (o) => (at(o, 'spec', 'http', 0, 'match', 0).headers = { 'x user': { exact: 'a' } }), 'spec.http[0].match[0].headers[x user]: Invalid value: "x user": header name x user is not a valid header name'],
    ['VirtualService', 'timeout format', (o) => (at(o, 'spec', 'http', 0).timeout = '1.5 seconds'), 'spec.http[0].timeout: Invalid value: "1.5 seconds": time: invalid duration "1.5 seconds"'],
    ['VirtualService', 'timeout at least 1ms', (o) => (at(o, 'spec', 'http', 0).timeout = '500us'), 'spec.http[0].timeout: Invalid value: "500us": duration must be greater than 1ms'],
    ['VirtualService', 'perTryTimeout ms precision', (o) => (at(o, 'spec', 'http', 0, 'retries').perTryTimeout = '1500500us'), 'spec.http[0].retries.perTryTimeout: Invalid value: "1500500us": only durations to ms precision are supported'],
    ['VirtualService', 'retry attempts', (o) => (at(o, 'spec', 'http', 0, 'retries').attempts = -1), 'spec.http[0].retries.attempts: Invalid value: -1: attempts cannot be negative'],
    ['VirtualService', 'retryOn policies', (o) => (at(o, 'spec', 'http', 0, 'retries').retryOn = '5xx,sometimes'), 'spec.http[0].retries.retryOn: Invalid value: "5xx,sometimes": "sometimes" is not a valid retryOn policy'],
    ['VirtualService', 'fault percentage', (o) => (at(o, 'spec', 'http', 0, 'fault', 'delay', 'percentage').value = 101), 'spec.http[0].fault.delay.percentage.value: Invalid value: 101: percentage 101 is neither 0.0, nor in range [0.0001, 100.0]'],
    ['VirtualService', 'fault needs abort or delay', (o) => (at(o, 'spec', 'http', 0).fault = {}), invalidText('spec.http[0].fault', {}, 'HTTP fault injection must have an abort and/or a delay')],
    ['VirtualService', 'abort status', (o) => (at(o, 'spec', 'http', 0).fault = { abort: { httpStatus: 700, percentage: { value: 10 } } }), 'spec.http[0].fault.abort.httpStatus: Invalid value: 700: HTTP status 700 is not in range 200-599'],
    ['VirtualService', 'match port', (o) => (at(o, 'spec', 'http', 0, 'match', 0).port = 70000), 'spec.http[0].match[0].port: Invalid value: 70000: port number 70000 must be in the range 1..65535'],
    ['VirtualService', 'gateway names', (o) => (arr(o, 'spec', 'gateways')[1] = 'istio-system/Public_GW'), 'spec.gateways[1]: Invalid value: "istio-system/Public_GW": invalid value for gateway name: "Public_GW"'],
    ['VirtualService', 'tcp route required', (o) => (at(o, 'spec', 'tcp', 0).route = []), 'spec.tcp[0].route: Required value: TCP route is required'],
    // DestinationRule
    ['DestinationRule', 'host required', (o) => delete at(o, 'spec').host, 'spec.host: Required value: empty domain name not allowed'],
    ['DestinationRule', 'subset names required', (o) => (at(o, 'spec', 'subsets', 0).name = ''), 'spec.subsets[0].name: Invalid value: "": subset name cannot be empty'],
    ['DestinationRule', 'subset names unique', (o) => (at(o, 'spec', 'subsets', 1).name = 'v1'), 'spec.subsets[1].name: Invalid value: "v1": duplicate subset names: v1'],
    ['DestinationRule', 'subset labels', (o) => (at(o, 'spec', 'subsets', 0).labels = { version: 'v 1' }), invalidText('spec.subsets[0].labels', {"version":"v 1"}, 'invalid tag value: "v 1"')],
    [
      'DestinationRule',
      'load balancer enum',
      (o) => (at(o, 'spec', 'trafficPolicy', 'loadBalancer').simple = 'FASTEST'),
      'spec.trafficPolicy.loadBalancer.simple: Unsupported value: "FASTEST": supported values: "UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"',
    ],
    ['DestinationRule', 'connection pool values', (o) => (at(o, 'spec', 'trafficPolicy', 'connectionPool', 'tcp').maxConnections = -1), 'spec.trafficPolicy.connectionPool.tcp.maxConnections: Invalid value: -1: max connections must be non-negative'],
    ['DestinationRule', 'outlier interval', (o) => (at(o, 'spec', 'trafficPolicy', 'outlierDetection').interval = '0s'), 'spec.trafficPolicy.outlierDetection.interval: Invalid value: "0s": duration must be greater than 1ms'],
    ['DestinationRule', 'maxEjectionPercent', (o) => (at(o, 'spec', 'trafficPolicy', 'outlierDetection').maxEjectionPercent = 120), 'spec.trafficPolicy.outlierDetection.maxEjectionPercent: Invalid value: 120: percentage 120 is not in range 0..100'],
    ['DestinationRule', 'consecutive errors', (o) => (at(o, 'spec', 'trafficPolicy', 'outlierDetection').consecutive5xxErrors = -1), 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors: Invalid value: -1: invalid value for uint32 type: -1'],
    [
      'DestinationRule',
      'tls mode enum',
      (o) => (at(o, 'spec', 'trafficPolicy', 'tls').mode = 'STRICT'),
      'spec.trafficPolicy.tls.mode: Unsupported value: "STRICT": supported values: "DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"',
    ],
    ['DestinationRule', 'mutual tls needs certificates', (o) => (at(o, 'spec', 'trafficPolicy').tls = { mode: 'MUTUAL', privateKey: '/k' }), 'spec.trafficPolicy.tls.clientCertificate: Required value: client certificate required for mutual tls'],
    ['DestinationRule', 'port-level port number', (o) => (at(o, 'spec', 'trafficPolicy', 'portLevelSettings', 0, 'port').number = 0), 'spec.trafficPolicy.portLevelSettings[0].port.number: Invalid value: 0: port number 0 must be in the range 1..65535'],
    ['DestinationRule', 'empty traffic policy', (o) => (at(o, 'spec').trafficPolicy = {}), invalidText('spec.trafficPolicy', {}, 'traffic policy must have at least one field')],
    // Gateway
    ['Gateway', 'servers required', (o) => (at(o, 'spec').servers = []), 'spec.servers: Required value: gateway must have at least one server'],
    ['Gateway', 'name a DNS label', (o) => (at(o, 'metadata').name = 'public.gw'), 'metadata.name: Invalid value: "public.gw": invalid gateway name: "public.gw"'],
    ['Gateway', 'port number', (o) => (at(o, 'spec', 'servers', 0, 'port').number = 0), 'spec.servers[0].port.number: Invalid value: 0: port number 0 must be in the range 1..65535'],
    [
      'Gateway',
      'protocol',
      (o) => (at(o, 'spec', 'servers', 0, 'port').protocol = 'SMTP'),
      'spec.servers[0].port.protocol: Invalid value: "SMTP": invalid protocol "SMTP", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
    ],
    ['Gateway', 'hosts required', (o) => (at(o, 'spec', 'servers', 0).hosts = []), 'spec.servers[0].hosts: Required value: server config must contain at least one host'],
    ['Gateway', 'host namespace', (o) => (at(o, 'spec', 'servers', 1).hosts = ['Bad_NS/shop.example.com']), 'spec.servers[1].hosts[0]: Invalid value: "Bad_NS/shop.example.com": invalid namespace value "Bad_NS" in gateway'],
    ['Gateway', 'HTTPS needs tls', (o) => delete at(o, 'spec', 'servers', 1).tls, 'spec.servers[1].tls: Required value: server must have TLS settings for HTTPS/TLS protocols'],
    [
      'Gateway',
      'tls mode enum',
      (o) => (at(o, 'spec', 'servers', 1, 'tls').mode = 'STRICT'),
      'spec.servers[1].tls.mode: Unsupported value: "STRICT": supported values: "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"',
    ],
    ['Gateway', 'SIMPLE needs a certificate', (o) => (at(o, 'spec', 'servers', 1).tls = { mode: 'SIMPLE', privateKey: '/k' }), 'spec.servers[1].tls.serverCertificate: Required value: SIMPLE TLS requires a server certificate'],
    ['Gateway', 'unique port names', (o) => (at(o, 'spec', 'servers', 1, 'port').name = 'http'), 'spec.servers[1].port.name: Invalid value: "http": port names in servers must be unique: duplicate name http'],
    // ServiceEntry
    ['ServiceEntry', 'hosts required', (o) => (at(o, 'spec').hosts = []), 'spec.hosts: Required value: service entry must have at least one host'],
    ['ServiceEntry', 'ports required', (o) => (at(o, 'spec').ports = []), 'spec.ports: Required value: service entry must have at least one port'],
    ['ServiceEntry', 'unique port numbers', (o) => arr(o, 'spec', 'ports').push({ number: 443, name: 'tls2', protocol: 'TLS' }), 'spec.ports[1].number: Invalid value: 443: service entry port 443 already defined'],
    ['ServiceEntry', 'unique port names', (o) => arr(o, 'spec', 'ports').push({ number: 8443, name: 'https', protocol: 'TLS' }), 'spec.ports[1].name: Invalid value: "https": service entry port name "https" already defined'],
    [
      'ServiceEntry',
      'resolution enum',
      (o) => (at(o, 'spec').resolution = 'MAGIC'),
      'spec.resolution: Unsupported value: "MAGIC": supported values: "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"',
    ],
    ['ServiceEntry', 'location enum', (o) => (at(o, 'spec').location = 'OUTSIDE'), 'spec.location: Unsupported value: "OUTSIDE": supported values: "MESH_EXTERNAL", "MESH_INTERNAL"'],
    [
      'ServiceEntry',
      'STATIC endpoint addresses',
      (o) => {
        at(o, 'spec').resolution = 'STATIC';
        at(o, 'spec').endpoints = [{ address: 'api.example.com' }];
      },
      'spec.endpoints[0].address: Invalid value: "api.example.com": endpoint address "api.example.com" is not a valid IP address',
    ],
    ['ServiceEntry', 'no * host', (o) => (at(o, 'spec').hosts = ['*']), 'spec.hosts[0]: Invalid value: "*": invalid host *'],
    // Sidecar
    ['Sidecar', 'egress hosts form', (o) => (at(o, 'spec', 'egress', 0).hosts = ['reviews.default.svc.cluster.local']), 'spec.egress[0].hosts[0]: Invalid value: "reviews.default.svc.cluster.local": host must be of form namespace/dnsName'],
    ['Sidecar', 'egress hosts required', (o) => (at(o, 'spec', 'egress', 0).hosts = []), 'spec.egress[0].hosts: Required value: sidecar: egress listener must contain at least one host'],
    ['Sidecar', 'ingress port', (o) => delete at(o, 'spec', 'ingress', 0).port, 'spec.ingress[0].port: Required value: sidecar: port is required for ingress listeners'],
    ['Sidecar', 'ingress port number', (o) => (at(o, 'spec', 'ingress', 0, 'port').number = 99999), 'spec.ingress[0].port.number: Invalid value: 99999: port number 99999 must be in the range 1..65535'],
    ['Sidecar', 'empty', (o) => (o.spec = {}), invalidText('spec', {}, 'sidecar: empty configuration provided')],
  ])('%s: %s', (kind, _name, mutate, expected) => {
    const o = (bases[kind] as () => Obj)();
    mutate(o);
    const got = texts(kind, o);
    expect(got.find((t) => t === expected), got.join('\n')).toBeDefined();
  });

  it('validates updates like creates, plus the metadata rules', () => {
    const old = (bases.VirtualService as () => Obj)();
    const now = (bases.VirtualService as () => Obj)();
    at(now, 'spec', 'http', 0, 'route', 0).weight = 80;
    at(now, 'metadata').name = 'ratings';
    expect(validateUpdate(`${N}/VirtualService`, now, old).map(fieldErrorText)).toEqual([
      'metadata.name: Invalid value: "ratings": field is immutable',
      'spec.http[0].route: Invalid value: 90: total destination weight 90 != 100',
    ]);
  });
});
